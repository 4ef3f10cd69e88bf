// A precision review of medium/high findings on the real-world corpus.
//   Draw:  node --import tsx scripts/review-sample.ts --seed N --per-rule K [--rule ID[,ID]] [--out FILE] [--corpus DIR]
//          A seeded sample, stratified by rule (K findings of each rule, or all it has), written as a Markdown sheet:
//          each finding with its context (triggers, permissions, job, step, callers) and a verdict field to fill in.
//          --rule limits the analysis and the sample to those rules (the draw then differs from the full one).
//   Score: node --import tsx scripts/review-sample.ts --score FILE
//          Reads a judged sheet back and prints strict precision per rule: true / (true + false + debatable).
// Files are analyzed with a reader of their own repository and its owner/repo (the corpus folder `<owner>__<repo>`), as
// the CLI does in a checkout, so callers and callees resolve and the repository's own actions are recognized.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import { ALL_RULES } from '../server/src/rules/index';
import { atLeast } from '../server/src/engine/analyze';
import type { Finding } from '../server/src/engine/types';
import { repoFileReader } from '../server/src/io/repo-files';
import { SecretRedactor } from '../server/src/report/redact';
import { isSecretFinding, problemFindings } from '../server/src/report/model';
import { referencedSecrets } from '../server/src/analysis/secrets/names';
import type { Workflow } from '../server/src/model/workflow';
import type { ActionMetadata } from '../server/src/model/action';
import type { GitlabPipeline } from '../server/src/model/gitlab/pipeline';
import { findCallers } from '../server/src/analysis/callers';
import { AnalysisContext } from '../server/src/engine/context';
import { DEFAULT_CONFIG } from '../server/src/engine/config';
import { parseYaml } from '../server/src/yaml/parse';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
};

export const VERDICTS = ['true', 'false', 'debatable'] as const;

const scoreFile = arg('score');
if (scoreFile) score(readFileSync(scoreFile, 'utf8'));
else draw();

function draw(): void {
  const corpus = resolve(arg('corpus') ?? join(import.meta.dirname, '..', '..', 'shared', 'corpus'));
  if (!existsSync(join(corpus, 'MANIFEST.tsv'))) {
    console.log(`corpus not found at ${corpus}: skipped`);
    return;
  }
  const seed = Number(arg('seed') ?? 1);
  const perRule = Number(arg('per-rule') ?? 10);
  const out = arg('out') ?? `review-sample-${seed}.md`;
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;

  const ruleIds = arg('rule')?.split(',');
  const rules = ruleIds ? ALL_RULES.filter((r) => ruleIds.includes(r.meta.id)) : undefined;
  if (ruleIds && rules?.length !== ruleIds.length) throw new Error(`unknown rule among ${ruleIds.join(', ')}`);
  const rows = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'));
  const byRule = new Map<string, Item[]>();
  for (const [repo, , path, , manifestKind] of rows) {
    const kind = manifestKind === 'gitlab-ci' ? 'gitlab' : manifestKind;
    if (kind !== 'workflow' && kind !== 'action' && kind !== 'gitlab') continue;
    const root = join(corpus, repo.replace('/', '__'));
    const file = join(root, path);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const readFile = repoFileReader(root);
    // The repository's identity, as the CLI reads it from the origin remote: its own owner's actions are not third-party.
    const result = analyze({ path, text, kind, readFile, repository: repo, rules });
    const redactor = new SecretRedactor(text, result.findings.filter(isSecretFinding));
    // Parse problems are reported as high `parse-error` findings: they are judged like any other.
    for (const f of [...problemFindings(result), ...result.findings]) {
      if (!atLeast(f.severity, 'medium')) continue;
      const items = byRule.get(f.ruleId) ?? [];
      items.push({
        repo,
        path,
        text,
        finding: f,
        model: result.model,
        redactor,
        readFile,
      });
      byRule.set(f.ruleId, items);
    }
  }
  const sample: Item[] = [];
  for (const rule of [...byRule.keys()].sort()) {
    const items = byRule.get(rule)!;
    // Shuffle with the seed, in a fixed (corpus) order, so the same seed always draws the same findings.
    const keyed = items.map((item) => ({ item, k: random() })).sort((a, b) => a.k - b.k);
    sample.push(...keyed.slice(0, perRule).map((x) => x.item));
  }
  const lines = [
    `# Precision review sample (seed ${seed}, ${perRule} per rule)`,
    '',
    `${sample.length} medium/high findings drawn from ${[...byRule.values()].reduce((n, i) => n + i.length, 0)} in the corpus.`,
    'Judge each in its workflow (see judging-findings.md): set `verdict:` to true, false or debatable and give one line',
    'of reason naming the trigger, the token/secrets and what an attacker gains. Score with `--score <this file>`.',
    '',
  ];
  sample.forEach((item, i) => lines.push(...render(item, i + 1)));
  writeFileSync(out, lines.join('\n'));
  console.log(`wrote ${sample.length} findings to ${out}`);
}

interface Item {
  repo: string;
  path: string;
  text: string;
  finding: Finding;
  model?: Workflow | ActionMetadata | GitlabPipeline;
  redactor: SecretRedactor;
  readFile: ReturnType<typeof repoFileReader>;
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

function render(item: Item, n: number): string[] {
  const { finding: f, text, model } = item;
  const line = lineOf(text, f.span.start);
  const out = [
    `## ${n}. ${f.ruleId} — ${f.severity}/${f.confidence}`,
    '',
    `- file: ${item.repo}/${item.path}:${line}`,
    `- message: ${item.redactor.scrub(f.message)}`,
  ];
  const at = (span: { start: number; end: number }) => span.start <= f.span.start && f.span.start < span.end;
  if (model?.kind === 'workflow') {
    out.push(`- triggers: ${model.triggers.map((t) => triggerText(text, t)).join('; ') || '(none)'}`);
    out.push(
      `- workflow permissions: ${model.permissions ? flat(text.slice(model.permissions.span.start, model.permissions.span.end)) : '(none)'}`,
    );
    const job = model.jobs.find((j) => at(j.span));
    if (job) {
      out.push(
        `- job: ${job.id}${job.if ? ` (if: ${flat(job.if.text)})` : ''}; runs-on: ${job.runsOn.map((r) => r.text).join(', ')}`,
      );
      out.push(
        `- job permissions: ${job.permissions ? flat(text.slice(job.permissions.span.start, job.permissions.span.end)) : '(inherited)'}`,
      );
      const step = job.steps.find((s) => at(s.span));
      if (step) out.push(`- step ${step.index + 1}: ${flat(text.slice(step.span.start, step.span.end)).slice(0, 300)}`);
      // The workflow-level env reaches every job too.
      const workflowEnv = (model.env?.entries ?? []).map((e) => e.value?.text ?? '').join('\n');
      const jobText = `${workflowEnv}\n${text.slice(job.span.start, job.span.end)}`;
      const secrets = referencedSecrets(jobText);
      out.push(`- secrets in job: ${secrets.join(', ') || '(none)'}`);
    }
  } else if (model?.kind === 'action') {
    out.push(`- composite action; inputs: ${model.inputs.map((i) => i.name).join(', ') || '(none)'}`);
  } else if (model?.kind === 'gitlab') {
    const job = model.jobs.find((j) => at(j.span));
    if (job)
      out.push(`- GitLab job: ${job.name} (lines ${lineOf(text, job.span.start)}-${lineOf(text, job.span.end)})`);
  }
  const callers = callersOf(item);
  if (callers !== undefined) out.push(`- callers in the repository: ${callers || '(none visible)'}`);
  // A GitLab job's image, variables and script are further apart than a step's lines: a wider frame.
  const around = model?.kind === 'gitlab' ? 10 : 3;
  const from = Math.max(1, line - around);
  const lines = text.split('\n');
  const frameEnd = Math.min(lines.length, line + around);
  const starts: number[] = [0];
  for (let k = 0; k < text.length; k++) if (text[k] === '\n') starts.push(k + 1);
  const frame: string[] = [];
  for (let l = from; l <= frameEnd; l++) {
    const start = starts[l - 1];
    const end = l < starts.length ? starts[l] - 1 : text.length;
    frame.push(`${String(l).padStart(5)}${l === line ? ' >' : '  '} ${item.redactor.masked(start, end).text}`);
  }
  out.push('', '```yaml', ...frame, '```', '', '- verdict: ', '- reason: ', '');
  return out;
}

function triggerText(text: string, t: { event: string; config?: unknown }): string {
  const config = t.config as { range?: number[] } | undefined;
  const types = config?.range
    ? /types:\s*(\[[^\]]*\]|(?:\s*-\s*\w+)+)/.exec(text.slice(config.range[0], config.range[1]))
    : null;
  return types ? `${t.event} ${flat(types[1])}` : t.event;
}

function flat(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function callersOf(item: Item): string | undefined {
  const model = item.model;
  const isCallee =
    model?.kind === 'action' || (model?.kind === 'workflow' && model.triggers.some((t) => t.event === 'workflow_call'));
  if (!isCallee) return undefined;
  const parsed = parseYaml(item.text);
  const ctx = new AnalysisContext(item.path, item.text, parsed.lines, parsed, DEFAULT_CONFIG, []);
  ctx.readFile = item.readFile;
  const callers = findCallers(ctx, model.kind);
  return callers?.calls.map((c) => c.where).join(', ') ?? '';
}

/** Per-rule strict precision of a judged sheet. */
function score(sheet: string): void {
  const perRule = new Map<string, Record<string, number>>();
  const unjudged: string[] = [];
  for (const block of sheet.split(/^## /m).slice(1)) {
    const head = /^(\d+)\.\s+(\S+)\s+—\s+(\w+)\/(\w+)/.exec(block);
    if (!head) continue;
    const verdict = /^- verdict:\s*(\w*)/m.exec(block)?.[1]?.toLowerCase() ?? '';
    if (!(VERDICTS as readonly string[]).includes(verdict)) {
      unjudged.push(head[1]);
      continue;
    }
    const counts = perRule.get(head[2]) ?? { true: 0, false: 0, debatable: 0 };
    counts[verdict]++;
    perRule.set(head[2], counts);
  }
  const total = { true: 0, false: 0, debatable: 0 };
  console.log(`${'rule'.padEnd(30)}${'true'.padStart(6)}${'false'.padStart(7)}${'debat.'.padStart(8)}  precision`);
  for (const [rule, c] of [...perRule].sort((a, b) => a[0].localeCompare(b[0]))) {
    for (const v of VERDICTS) total[v] += c[v];
    console.log(row(rule, c));
  }
  console.log(row('all', total));
  if (unjudged.length) console.log(`not judged: ${unjudged.length} (items ${unjudged.join(', ')})`);
}

function row(name: string, c: Record<string, number>): string {
  const all = c.true + c.false + c.debatable;
  const precision = all ? `${((100 * c.true) / all).toFixed(0)}%` : '-';
  return `${name.padEnd(30)}${String(c.true).padStart(6)}${String(c.false).padStart(7)}${String(c.debatable).padStart(8)}  ${precision.padStart(9)}`;
}
