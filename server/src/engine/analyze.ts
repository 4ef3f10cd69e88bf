// The engine: parse -> model -> one walk calling every enabled rule's hooks -> config and suppressions applied.
import { ALL_RULES } from '../rules/index';
import { buildAction, type ActionMetadata } from '../model/action';
import { kindFromContent, kindFromPath, type FileKind } from '../model/detect';
import { buildWorkflow, type Workflow } from '../model/workflow';
import { parseYaml, type ParseProblem } from '../yaml/parse';
import { blockScalarKeyLine } from '../yaml/lines';
import { DEFAULT_CONFIG, ruleState, type FlowguardConfig } from './config';
import { AnalysisContext } from './context';
import { findSuppressions, suppressionFor } from './suppressions';
import { SEVERITIES, type Finding, type Rule, type Severity } from './types';

export interface AnalyzeInput {
  path: string;
  text: string;
  /** Forces the kind (a file named on the command line, or included by config); else decided by path, then content. */
  kind?: FileKind;
  config?: FlowguardConfig;
  rules?: readonly Rule[];
  /** Reads another file of the repository by repository-relative path (a local reusable workflow); supplied by the adapters, which do the I/O. */
  readFile?: RepoReader;
}

/** Reads a repository file by repository-relative path; `list` (optional) names the files of a folder. */
export type RepoReader = ((repoRelativePath: string) => string | undefined) & {
  list?: (repoRelativeDir: string) => string[];
};

export interface AnalysisResult {
  path: string;
  kind?: FileKind;
  findings: Finding[];
  problems: ParseProblem[];
  model?: Workflow | ActionMetadata;
  suppressed: number;
  /** A rule that threw: reported, never fatal, so one broken rule cannot hide the others. */
  ruleErrors: Array<{ ruleId: string; message: string }>;
}

export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

export function atLeast(s: Severity, min: Severity): boolean {
  return severityRank(s) >= severityRank(min);
}

export function analyze(input: AnalyzeInput): AnalysisResult {
  const config = input.config ?? DEFAULT_CONFIG;
  const parsed = parseYaml(input.text);
  const kind = input.kind ?? kindFromPath(input.path) ?? kindFromContent(parsed);
  const result: AnalysisResult = {
    path: input.path,
    kind,
    findings: [],
    problems: parsed.problems,
    suppressed: 0,
    ruleErrors: [],
  };
  if (!parsed.doc || !kind) return result;

  const model = kind === 'workflow' ? buildWorkflow(parsed, input.path) : buildAction(parsed, input.path);
  result.model = model;
  const suppressions = findSuppressions(input.text, parsed.lines);
  const ctx = new AnalysisContext(input.path, input.text, parsed.lines, parsed, config, suppressions);
  ctx.readFile = input.readFile;

  const active = (input.rules ?? ALL_RULES)
    .filter((r) => r.meta.appliesTo.includes(kind))
    .map((rule) => ({ rule, state: ruleState(config, [rule.meta.id, ...rule.meta.aliases], rule.meta.severity) }))
    .filter((r) => r.state.enabled);

  const run = (hook: (rule: Rule) => void) => {
    for (const { rule, state } of active) {
      ctx.currentRule = rule;
      ctx.currentOptions = state.options;
      try {
        hook(rule);
      } catch (err) {
        result.ruleErrors.push({ ruleId: rule.meta.id, message: (err as Error).stack ?? String(err) });
      }
    }
  };

  if (model?.kind === 'workflow') {
    run((r) => r.workflow?.(model, ctx));
    for (const job of model.jobs) {
      run((r) => r.job?.(job, model, ctx));
      for (const step of job.steps) run((r) => r.step?.(step, job, model, ctx));
    }
  } else if (model?.kind === 'action') {
    run((r) => r.action?.(model, ctx));
    for (const step of model.steps) run((r) => r.actionStep?.(step, model, ctx));
  }
  // Document-level hooks run last: they may look at what other rules found (e.g. unused suppressions).
  run((r) => r.document?.(ctx));

  const byId = new Map(active.map((a) => [a.rule.meta.id, a]));
  for (const f of ctx.findings) {
    const entry = byId.get(f.ruleId);
    if (entry?.state.severity) f.severity = entry.state.severity;
    const names = [f.ruleId, ...(entry?.rule.meta.aliases ?? [])];
    const line = parsed.lines.positionAt(f.span.start).line;
    // Inside a `run: |` script a comment line would be script text, so a comment above the key covers the whole block.
    const keyLine = suppressions.length ? blockScalarKeyLine(parsed.lines, line) : undefined;
    const suppression =
      f.ruleId === 'unjustified-suppression'
        ? undefined
        : (suppressionFor(suppressions, line, names) ??
          (keyLine === undefined ? undefined : suppressionFor(suppressions, keyLine, names)));
    if (suppression) {
      suppression.used = true;
      result.suppressed++;
      continue;
    }
    if (config.minSeverity && !atLeast(f.severity, config.minSeverity)) continue;
    result.findings.push(f);
  }
  result.findings.sort((a, b) => a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId));
  return result;
}
