// The fix-safety check: applies one fix alone to a real file and judges the result. The YAML stays valid, nothing
// outside the edited region changes meaning, the finding goes, no new finding appears, and changed shell scripts
// still parse (`bash -n`) and get no new error-level ShellCheck finding. Used by `npm run fix-safety` (the corpus)
// and by test/fix-safety.test.ts (a slice of it).
import { spawnSync } from 'node:child_process';
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { analyze, type AnalysisResult, type AnalyzeInput } from '../server/src/engine/analyze';
import type { Finding, Fix } from '../server/src/engine/types';
import type { Span, TextEdit } from '../server/src/text/span';
import { applyEdits } from '../server/src/fixes/edits';
import { mapSpan, writtenSpans } from '../server/src/fixes/apply';
import { parseYaml } from '../server/src/yaml/parse';
import type { ActionMetadata } from '../server/src/model/action';
import type { Step, Workflow } from '../server/src/model/workflow';

export interface FixVerdict {
  ruleId: string;
  title: string;
  safety: Fix['safety'];
  /** Why the fix broke the file; empty when it did not. */
  problems: string[];
  /**
   * Findings another rule now reports on the rewritten line for the same value: the risk the fix could not remove
   * (attacker text moved to env: and then written to $GITHUB_ENV is still attacker text). Listed, not counted as broken.
   */
  residual: string[];
}

export interface ShellTools {
  bash: boolean;
  shellcheck: boolean;
}

export function shellTools(): ShellTools {
  const has = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return !r.error && r.status === 0;
  };
  return { bash: has('bash', ['--version']), shellcheck: has('shellcheck', ['--version']) };
}

/** Checks every fix of every finding of one file, each applied alone to the original text. */
export function checkFileFixes(
  input: AnalyzeInput,
  tools: ShellTools,
  options: { ruleIds?: string[]; maxFixesPerRule?: number } = {},
): FixVerdict[] {
  const before = analyze(input);
  if (before.problems.length || !before.model) return [];
  // A rule that hit its per-file cap lists only its first findings: removing one brings an unlisted one into view, so
  // before and after cannot be compared finding by finding. Such files (3 in the corpus) are left out.
  if (before.findings.some((f) => f.properties?.dropped !== undefined)) return [];
  const verdicts: FixVerdict[] = [];
  const perRule = new Map<string, number>();
  const seen = new Set<string>();
  for (const finding of before.findings) {
    if (options.ruleIds && !options.ruleIds.includes(finding.ruleId)) continue;
    for (const fix of finding.fixes) {
      if (fix.edits.length === 0) continue;
      // Findings that share one fix (identical expressions, one narrowing per workflow) are checked once.
      const key = finding.ruleId + JSON.stringify(fix.edits);
      if (seen.has(key)) continue;
      seen.add(key);
      const n = perRule.get(finding.ruleId) ?? 0;
      if (options.maxFixesPerRule !== undefined && n >= options.maxFixesPerRule) continue;
      perRule.set(finding.ruleId, n + 1);
      verdicts.push({
        ruleId: finding.ruleId,
        title: fix.title,
        safety: fix.safety,
        ...checkFix(input, before, finding, fix, tools),
      });
    }
  }
  return verdicts;
}

export function checkFix(
  input: AnalyzeInput,
  before: AnalysisResult,
  finding: Finding,
  fix: Fix,
  tools: ShellTools,
): { problems: string[]; residual: string[] } {
  const problems: string[] = [];
  const residual: string[] = [];
  const broken = (why: string) => ({ problems: [why], residual });
  let text: string;
  try {
    text = applyEdits(input.text, fix.edits);
  } catch (err) {
    return broken(`edits do not apply: ${(err as Error).message}`);
  }
  const parsed = parseYaml(text);
  if (parsed.problems.length) return broken(`invalid YAML: ${parsed.problems[0].message}`);
  const after = analyze({ ...input, text });
  if (!after.model) return broken('the fixed file is no longer a workflow or action');
  problems.push(...outsideChanges(input.text, text, fix.edits));

  // The finding goes: no finding of the rule where it was (mapped through the edits) with the same message.
  const mapped = mapSpan(finding.span, fix.edits);
  const inserted = writtenSpans(fix.edits);
  const stays = after.findings.some(
    (f) =>
      f.ruleId === finding.ruleId &&
      f.message === finding.message &&
      (mapped ? f.span.start === mapped.start : inserted.some((r) => within(f.span, r))),
  );
  if (stays) problems.push('the finding is still reported');

  // No new finding: every finding after the fix matches one before it (same rule, same place).
  const keyOf = (f: Finding, span: Span | undefined) => `${f.ruleId}@${span ? span.start : 'edit'}`;
  const old = new Map<string, number>();
  for (const f of before.findings) {
    const k = keyOf(f, mapSpan(f.span, fix.edits));
    old.set(k, (old.get(k) ?? 0) + 1);
  }
  for (const f of after.findings) {
    const k = keyOf(f, inserted.some((r) => within(f.span, r)) ? undefined : f.span);
    const n = old.get(k) ?? 0;
    const where = `${f.ruleId} at ${lineOf(text, f.span.start)}: ${f.message.slice(0, 140)}`;
    if (n > 0) old.set(k, n - 1);
    else if (sameValueOnEditedLine(text, f, finding, inserted)) residual.push(where);
    else problems.push(`new finding: ${where}`);
  }

  // GitLab scripts are checked for YAML, structure and findings only; the shell checks read GitHub `run:` steps.
  if (before.model?.kind !== 'gitlab' && after.model?.kind !== 'gitlab')
    problems.push(...scriptProblems(before.model!, after.model!, tools));
  return { problems, residual };
}

function sameValueOnEditedLine(text: string, found: Finding, fixed: Finding, inserted: Span[]): boolean {
  const context = fixed.properties?.context;
  if (context === undefined || found.properties?.context !== context) return false;
  const line = lineOf(text, found.span.start);
  return inserted.some((r) => lineOf(text, r.start) <= line && line <= lineOf(text, r.end));
}

// ---- Structure: every YAML value outside the edited region keeps its path and value ----

interface Leaf {
  path: string;
  value: string;
  range: Span;
}

function leaves(text: string): Leaf[] {
  const doc = parseDocument(text, { uniqueKeys: false });
  const out: Leaf[] = [];
  const walk = (node: unknown, path: string, depth: number) => {
    if (depth > 200) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        walk(pair.value, `${path}/${key}`, depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1));
    } else if (isScalar(node)) {
      const range = (node as YamlNode).range;
      if (range) out.push({ path, value: String(node.value), range: { start: range[0], end: range[1] } });
    }
  };
  walk(doc.contents, '', 0);
  return out;
}

function outsideChanges(oldText: string, newText: string, edits: readonly TextEdit[]): string[] {
  const problems: string[] = [];
  const oldLeaves = leaves(oldText);
  const newLeaves = new Map(leaves(newText).map((l) => [l.path, l]));
  const inserted = writtenSpans(edits);
  const touched = (span: Span) =>
    edits.some(
      (e) =>
        overlaps(span, e.span) || (e.span.start === e.span.end && span.start < e.span.start && e.span.start < span.end),
    );
  for (const leaf of oldLeaves) {
    if (touched(leaf.range)) continue;
    const now = newLeaves.get(leaf.path);
    if (!now) problems.push(`${leaf.path} disappeared`);
    else if (now.value !== leaf.value) problems.push(`${leaf.path} changed outside the edit`);
    newLeaves.delete(leaf.path);
  }
  for (const leaf of newLeaves.values()) {
    if (!inserted.some((r) => overlaps(leaf.range, r) || within(leaf.range, r)) && !touchedNew(leaf.range, inserted))
      problems.push(`${leaf.path} appeared outside the edit`);
  }
  return problems.slice(0, 5);
}

function touchedNew(span: Span, regions: Span[]): boolean {
  return regions.some((r) => r.start <= span.end && span.start <= r.end);
}

function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

function within(inner: Span, outer: Span): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

// ---- Shell scripts: bash -n and ShellCheck errors, before and after ----

interface Script {
  key: string;
  text: string;
  shell: 'bash' | 'sh';
}

function scriptsOf(model: Workflow | ActionMetadata): Script[] {
  const out: Script[] = [];
  const add = (key: string, step: Step, windows: boolean) => {
    if (!step.run) return;
    const shell = (step.shell ?? (windows ? 'pwsh' : 'bash')).trim();
    const kind = /^bash\b/.test(shell) ? 'bash' : /^sh\b/.test(shell) ? 'sh' : undefined;
    if (kind) out.push({ key, text: step.run.text, shell: kind });
  };
  if (model.kind === 'workflow') {
    for (const job of model.jobs) {
      const windows = job.runsOn.some((r) => /windows/i.test(r.text));
      for (const step of job.steps) add(`${job.id}#${step.index}`, step, windows);
    }
  } else {
    for (const step of model.steps) add(`#${step.index}`, step, false);
  }
  return out;
}

/** GitHub substitutes `${{ }}` before the shell runs: a plain word stands in for it. */
function substituted(script: string): string {
  return script.replace(/\$\{\{[\s\S]*?\}\}/g, 'GHEXPR');
}

function scriptProblems(
  oldModel: Workflow | ActionMetadata,
  newModel: Workflow | ActionMetadata,
  tools: ShellTools,
): string[] {
  const problems: string[] = [];
  const old = new Map(scriptsOf(oldModel).map((s) => [s.key, s]));
  for (const script of scriptsOf(newModel)) {
    const prev = old.get(script.key);
    if (!prev || prev.text === script.text) continue;
    const before = substituted(prev.text);
    const after = substituted(script.text);
    if (tools.bash && bashParses(before, prev.shell) && !bashParses(after, script.shell))
      problems.push(`step ${script.key}: the changed script no longer parses (bash -n)`);
    if (tools.shellcheck) {
      const was = new Map<number, number>();
      for (const e of shellcheckErrors(before, prev.shell)) was.set(e.code, (was.get(e.code) ?? 0) + 1);
      for (const e of shellcheckErrors(after, script.shell)) {
        const n = was.get(e.code) ?? 0;
        if (n > 0) was.set(e.code, n - 1);
        else problems.push(`step ${script.key}: new ShellCheck error SC${e.code}: ${e.message}`);
      }
    }
  }
  return problems;
}

function bashParses(script: string, shell: 'bash' | 'sh'): boolean {
  const r = spawnSync(shell === 'sh' ? 'sh' : 'bash', ['-n'], { input: script, encoding: 'utf8', timeout: 10_000 });
  return r.status === 0;
}

/** ShellCheck's error-level findings. */
function shellcheckErrors(script: string, shell: 'bash' | 'sh'): Array<{ code: number; message: string }> {
  const r = spawnSync('shellcheck', ['-s', shell, '-S', 'error', '-f', 'json1', '-'], {
    input: script,
    encoding: 'utf8',
    timeout: 30_000,
  });
  try {
    return (JSON.parse(r.stdout) as { comments: Array<{ code: number; message: string }> }).comments;
  } catch {
    return []; // ShellCheck could not run: nothing to compare.
  }
}
