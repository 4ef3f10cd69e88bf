// What a rule sees while the engine walks a file: the text, positions, config, and a way to report.
import type { RepoReader } from '../analysis/file';
import type { FlowguardConfig } from './config';
import type { Finding, FindingInput, RuleMeta } from './types';
import type { Span } from '../text/span';
import type { LineIndex } from '../text/lines';
import type { ParsedYaml } from '../yaml/parse';
import type { Suppression } from './suppressions';
import type { SupplyChainFacts } from '../analysis/supply-chain/facts';

/** Findings one rule may report in one file; beyond it the file gets a `limit` problem instead. */
export const MAX_FINDINGS_PER_RULE = 200;

export class AnalysisContext {
  /** Set by the engine before each hook call. */
  currentRule!: { readonly meta: RuleMeta };
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

  /** Rules that hit MAX_FINDINGS_PER_RULE in this file (their further findings were dropped). */
  readonly overflowed = new Set<string>();
  private readonly counts = new Map<string, number>();

  report(input: FindingInput): void {
    const meta = this.currentRule.meta;
    // Bounded work and output: a crafted file cannot make a rule report (and fix) thousands of times.
    const count = (this.counts.get(meta.id) ?? 0) + 1;
    this.counts.set(meta.id, count);
    if (count > MAX_FINDINGS_PER_RULE) {
      this.overflowed.add(meta.id);
      return;
    }
    this.findings.push({
      ruleId: meta.id,
      message: input.message,
      severity: input.severity ?? meta.severity,
      confidence: input.confidence ?? meta.confidence,
      span: input.span,
      related: input.related,
      fixes: input.fixes ?? [],
      properties: input.properties,
    });
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
