// What a rule sees while the engine walks a file: the text, positions, config, and a way to report.
import type { RepoReader } from '../analysis/file';
import type { FlowguardConfig } from './config';
import type { Finding, FindingInput, RuleMeta } from './types';
import type { Span } from '../text/span';
import type { LineIndex } from '../text/lines';
import type { ParsedYaml } from '../yaml/parse';
import type { Suppression } from './suppressions';
import type { SupplyChainFacts } from '../analysis/supply-chain/facts';
import { SEVERITIES, type Severity } from '../analysis/levels';

/** Findings one rule may report in one file; beyond it one finding of that rule counts the rest (see `overflowed`). */
export const MAX_FINDINGS_PER_RULE = 200;
/** Other occurrences of one collapsed cause listed as related locations; the rest are only counted. */
export const MAX_RELATED_OCCURRENCES = 20;

export class AnalysisContext {
  /** Set by the engine before each hook call. */
  currentRule!: { readonly meta: RuleMeta };
  /**
   * Set by the engine while step hooks run (a GitHub step, an action step, a GitLab job): within it, repeats of one
   * cause (same rule, message and source text, e.g. one expression used 500 times in a script) are one finding, with
   * the other occurrences as related locations and `properties.occurrences`.
   */
  currentStep?: number;
  private readonly causes = new Map<string, Finding>();
  /** Set by the engine when the adapter can read other files of the repository (see AnalyzeInput.readFile). */
  readFile?: RepoReader;
  /** Set by the engine from AnalyzeInput.facts: resolved remote facts (online only). */
  facts?: SupplyChainFacts;
  /** owner/repo (lower case) of the repository being analyzed, when known. */
  repository?: string;
  readonly findings: Finding[] = [];
  /** Per-file memo shared by rules (e.g. a taint or permissions analysis computed once). */
  private readonly memo = new Map<string, unknown>();

  constructor(
    readonly path: string,
    readonly text: string,
    readonly lines: LineIndex,
    readonly parsed: ParsedYaml,
    readonly config: FlowguardConfig,
    readonly suppressions: Suppression[],
  ) {}

  /**
   * Rules that hit MAX_FINDINGS_PER_RULE in this file: how many further findings were dropped, and the highest
   * severity among them (the summary finding carries it, so a gate on severity still sees what was dropped).
   */
  readonly overflowed = new Map<string, { dropped: number; severity: Severity }>();
  private readonly counts = new Map<string, number>();

  report(input: FindingInput): void {
    const meta = this.currentRule.meta;
    const cause =
      this.currentStep === undefined || input.span.end <= input.span.start
        ? undefined
        : `${meta.id}\0${this.currentStep}\0${input.message}\0${this.slice(input.span)}`;
    const first = cause === undefined ? undefined : this.causes.get(cause);
    if (first) {
      const occurrences = ((first.properties?.occurrences as number | undefined) ?? 1) + 1;
      first.properties = { ...first.properties, occurrences };
      // A copy: the rule may share its `related` array between findings.
      const related = occurrences === 2 ? (first.related = [...(first.related ?? [])]) : first.related!;
      if (related.length < MAX_RELATED_OCCURRENCES)
        related.push({ span: input.span, message: 'The same cause again in this step.' });
      return;
    }
    // Bounded work and output: a crafted file cannot make a rule report (and fix) thousands of times.
    const count = (this.counts.get(meta.id) ?? 0) + 1;
    this.counts.set(meta.id, count);
    if (count > MAX_FINDINGS_PER_RULE) {
      const severity = input.severity ?? meta.severity;
      const known = this.overflowed.get(meta.id);
      if (!known) this.overflowed.set(meta.id, { dropped: 1, severity });
      else {
        known.dropped++;
        if (SEVERITIES.indexOf(severity) < SEVERITIES.indexOf(known.severity)) known.severity = severity;
      }
      return;
    }
    const finding: Finding = {
      ruleId: meta.id,
      message: input.message,
      severity: input.severity ?? meta.severity,
      confidence: input.confidence ?? meta.confidence,
      span: input.span,
      related: input.related,
      fixes: input.fixes ?? [],
      properties: input.properties,
    };
    this.findings.push(finding);
    if (cause !== undefined) this.causes.set(cause, finding);
  }

  /** Computes once per file. */
  cached<T>(key: string, compute: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, compute());
    return this.memo.get(key) as T;
  }

  slice(span: Span): string {
    return this.text.slice(span.start, span.end);
  }
}
