// What a rule sees while the engine walks a file: the text, positions, config, and a way to report.
import type { FlowguardConfig } from './config';
import type { Finding, FindingInput, Rule, Span } from './types';
import type { LineIndex } from '../yaml/lines';
import type { ParsedYaml } from '../yaml/parse';
import type { Suppression } from './suppressions';

export class AnalysisContext {
  /** Set by the engine before each hook call. */
  currentRule!: Rule;
  currentOptions: Record<string, unknown> = {};
  /** Set by the engine when the adapter can read other files of the repository (see AnalyzeInput.readFile). */
  readFile?: ((repoRelativePath: string) => string | undefined) & { list?: (repoRelativeDir: string) => string[] };
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

  report(input: FindingInput): void {
    const meta = this.currentRule.meta;
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

  /** The options configured for the rule being run. */
  options<T extends Record<string, unknown>>(): Partial<T> {
    return this.currentOptions as Partial<T>;
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
