// The engine: parse -> model -> one walk calling every enabled rule's hooks -> config and suppressions applied.
import type { RepoReader } from '../analysis/file';
import { ALL_RULES } from '../rules/index';
import { collectSecrets } from '../analysis/secrets/collect';
import { secretSightings, type SecretSighting } from '../analysis/secrets/sightings';
import { buildAction, type ActionMetadata } from '../model/action';
import { kindFromContent, kindFromPath, type FileKind } from '../model/detect';
import { buildWorkflow, type Workflow } from '../model/workflow';
import { buildPipeline, type GitlabPipeline } from '../model/gitlab/pipeline';
import { parseYamlShared, type ParseProblem } from '../yaml/parse';
import { blockScalarKeyLine } from '../yaml/lines';
import { DEFAULT_CONFIG, ruleState, type FlowguardConfig } from './config';
import { AnalysisContext, MAX_FINDINGS_PER_RULE } from './context';
import { findSuppressions, suppressionFor } from './suppressions';
import { type Finding } from './types';
import { type Rule } from './rule';
import { SEVERITIES, type Severity } from '../analysis/levels';
import type { SupplyChainFacts } from '../analysis/supply-chain/facts';

export interface AnalyzeInput {
  path: string;
  text: string;
  /** Forces the kind (a file named on the command line, or included by config); else decided by path, then content. */
  kind?: FileKind;
  config?: FlowguardConfig;
  rules?: readonly Rule[];
  /** Per-file time budget for the rules (default ANALYSIS_TIME_BUDGET_MS). */
  timeBudgetMs?: number;
  /** Reads another file of the repository by repository-relative path (a local reusable workflow); supplied by the adapters, which do the I/O. */
  readFile?: RepoReader;
  /** Answers only the network has (tags, advisories, digests), resolved by an online adapter; absent offline. */
  facts?: SupplyChainFacts;
  /** owner/repo of the repository the file belongs to, when the adapter knows it (its own reusable workflows are local). */
  repository?: string;
}

export interface AnalysisResult {
  path: string;
  kind?: FileKind;
  findings: Finding[];
  problems: ParseProblem[];
  model?: Workflow | ActionMetadata | GitlabPipeline;
  suppressed: number;
  /** A rule that threw: reported, never fatal, so one broken rule cannot hide the others. */
  ruleErrors: Array<{ ruleId: string; message: string }>;
  /**
   * Every credential-looking value in the text, whether or not a finding reports it (suppressed, filtered, rule off,
   * file unparsable): what every output masks.
   */
  secrets?: SecretSighting[];
}

/** Rules stop after this long on one file; the file then gets a `limit` problem (never a hang). */
export const ANALYSIS_TIME_BUDGET_MS = 30_000;

export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

export function atLeast(s: Severity, min: Severity): boolean {
  return severityRank(s) >= severityRank(min);
}

/**
 * Never throws: a failure outside the rules (parsing, model building) is reported as a `ruleErrors` entry of the
 * pseudo-rule `engine`, so the file fails closed (CLI exit 3, an error diagnostic) instead of stopping the scan.
 */
export function analyze(input: AnalyzeInput): AnalysisResult {
  try {
    return analyzeUnguarded(input);
  } catch (err) {
    let secrets: SecretSighting[] = [];
    try {
      secrets = secretSightings(input.text);
    } catch {
      // Masking is best effort here; the file is reported as failed either way.
    }
    return {
      path: input.path,
      kind: input.kind ?? kindFromPath(input.path),
      findings: [],
      problems: [],
      suppressed: 0,
      ruleErrors: [{ ruleId: 'engine', message: (err as Error)?.stack ?? String(err) }],
      secrets,
    };
  }
}

function analyzeUnguarded(input: AnalyzeInput): AnalysisResult {
  const config = input.config ?? DEFAULT_CONFIG;
  const parsed = parseYamlShared(input.text, { analyzed: true });
  const kind = input.kind ?? kindFromPath(input.path) ?? kindFromContent(parsed);
  const result: AnalysisResult = {
    path: input.path,
    kind,
    findings: [],
    // Copied: the parse is shared with other analyses, and this file's own limits are added below. GitLab accepts a
    // duplicated key (the last one wins), so there it is not a parse problem: gitlab-duplicate-key reports it.
    problems: kind === 'gitlab' ? parsed.problems.filter((p) => p.code !== 'DUPLICATE_KEY') : [...parsed.problems],
    suppressed: 0,
    ruleErrors: [],
  };
  if (!parsed.doc || !kind) {
    result.secrets = secretSightings(input.text);
    return result;
  }

  const model =
    kind === 'workflow'
      ? buildWorkflow(parsed, input.path)
      : kind === 'gitlab'
        ? buildPipeline(parsed, input.path, { readFile: input.readFile, parse: parseYamlShared })
        : buildAction(parsed, input.path);
  result.model = model;
  const suppressions = findSuppressions(input.text, parsed.lines);
  const ctx = new AnalysisContext(input.path, input.text, parsed.lines, parsed, config, suppressions);
  ctx.readFile = input.readFile;
  ctx.facts = input.facts;
  ctx.repository = input.repository?.toLowerCase();

  const active = (input.rules ?? ALL_RULES)
    .filter((r) => r.meta.appliesTo.includes(kind))
    .map((rule) => ({ rule, state: ruleState(config, [rule.meta.id, ...rule.meta.aliases]) }))
    .filter((r) => r.state.enabled);

  // Per-file time budget: a crafted file that makes the rules slow is reported, not waited for.
  const deadline = performance.now() + (input.timeBudgetMs ?? ANALYSIS_TIME_BUDGET_MS);
  let overTime = false;
  // Each hook is called only on the rules that have it (in rule order): a step costs its few step hooks, not a call
  // into every active rule.
  const having = (hook: keyof Rule): Rule[] => active.filter((a) => a.rule[hook] !== undefined).map((a) => a.rule);
  const run = (rules: readonly Rule[], hook: (rule: Rule) => void) => {
    if (overTime || (overTime = performance.now() > deadline)) return;
    for (const rule of rules) {
      ctx.currentRule = rule;
      try {
        hook(rule);
      } catch (err) {
        result.ruleErrors.push({ ruleId: rule.meta.id, message: (err as Error).stack ?? String(err) });
      }
    }
  };

  let steps = 0;
  const inStep = (rules: readonly Rule[], hook: (rule: Rule) => void) => {
    ctx.currentStep = steps++;
    run(rules, hook);
    ctx.currentStep = undefined;
  };
  if (model?.kind === 'workflow') {
    run(having('workflow'), (r) => r.workflow!(model, ctx));
    const jobRules = having('job');
    const stepRules = having('step');
    for (const job of model.jobs) {
      run(jobRules, (r) => r.job!(job, model, ctx));
      for (const step of job.steps) inStep(stepRules, (r) => r.step!(step, job, model, ctx));
    }
  } else if (model?.kind === 'action') {
    run(having('action'), (r) => r.action!(model, ctx));
    const stepRules = having('actionStep');
    for (const step of model.steps) inStep(stepRules, (r) => r.actionStep!(step, model, ctx));
  } else if (model?.kind === 'gitlab') {
    run(having('pipeline'), (r) => r.pipeline!(model, ctx));
    const jobRules = having('gitlabJob');
    for (const job of model.jobs) inStep(jobRules, (r) => r.gitlabJob!(job, model, ctx));
  }
  // Document-level hooks run last: they may look at what other rules found (e.g. unused suppressions).
  run(having('document'), (r) => r.document!(ctx));

  if (overTime)
    result.problems.push({
      kind: 'limit',
      message: `Flowguard stopped analyzing this file after ${Math.max(0, input.timeBudgetMs ?? ANALYSIS_TIME_BUDGET_MS) / 1000} s; it is too large or complex, and its remaining checks did not run.`,
      span: { start: 0, end: 0 },
    });
  // Every check ran; only the listing stopped. One finding of the rule counts the rest, at their highest severity (a
  // `parse-error`, always high, said "could not be analyzed" of files whose dropped findings were all low).
  for (const [ruleId, { dropped, severity }] of ctx.overflowed)
    ctx.findings.push({
      ruleId,
      message: `${dropped} more ${ruleId} finding${dropped === 1 ? '' : 's'} in this file ${dropped === 1 ? 'is' : 'are'} not listed: a rule lists at most ${MAX_FINDINGS_PER_RULE} per file. The most severe of them is ${severity}.`,
      severity,
      confidence: 'high',
      span: { start: 0, end: 0 },
      fixes: [],
      properties: { dropped },
    });

  const collected =
    model && model.kind !== 'gitlab'
      ? ctx.cached('secrets:collect', () => collectSecrets(model, input.text))
      : undefined;
  const sightings = secretSightings(input.text, collected);
  // Values rules report (hidden or not) are masked too.
  for (const f of ctx.findings)
    if (typeof f.properties?.masked === 'string' && f.span.end > f.span.start)
      sightings.push({ span: f.span, mask: f.properties.masked });
  result.secrets = sightings;

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
