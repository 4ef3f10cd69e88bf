// Applying many fixes to one file: non-overlapping fixes are applied together, then the file is re-analyzed and the
// remaining fixes are recomputed, until nothing more applies (or maxPasses is reached: `converged: false`). Every pass
// re-parses, so a fix never sees stale offsets. A pass whose result parses worse than its input is retried without
// the fixes that break the YAML on their own (they are not applied at all). `checkFix` is the check every single fix
// an editor offers goes through: applied to the text and re-analyzed, the YAML is no worse and the finding is gone.
// The caller passes the analysis in (`AnalyzeText`): fixes/ sits below the engine's runner and the rules, and must
// not import them back.
import type { Finding, Fix } from '../engine/types';
import type { Span, TextEdit } from '../text/span';
import { applyEdits, editsOverlap } from './edits';

export interface AppliedFix {
  ruleId: string;
  title: string;
  secretsToCreate: string[];
}

/** One pass: edits against the text the previous pass left, and the fixes they come from. */
export interface FixPass {
  edits: TextEdit[];
  fixes: Array<{ ruleId: string; fix: Fix }>;
}

export interface FixAllResult {
  text: string;
  applied: AppliedFix[];
  /** The passes in order: an editor applies them one after the other (a follow-up's offsets are its pass'). */
  passes: FixPass[];
  /** Findings left after the last pass. */
  remaining: Finding[];
  /** False when fixes were still applying after maxPasses (the caller must say so: the result is not settled). */
  converged: boolean;
  /** Passes that changed the text. */
  rounds: number;
}

export interface FixAllOptions {
  /** Only these rules' fixes. */
  ruleIds?: string[];
  /** Apply only fixes marked safe. */
  safeOnly?: boolean;
  maxPasses?: number;
}

/** Analyzes one version of the file's text (same path, config, callee reader and online facts every time). */
export type AnalyzeText = (text: string) => { findings: Finding[]; problems: readonly unknown[] };

export function fixAll(initialText: string, analyze: AnalyzeText, options: FixAllOptions = {}): FixAllResult {
  let text = initialText;
  const applied: AppliedFix[] = [];
  const passes: FixPass[] = [];
  const maxPasses = options.maxPasses ?? 10;
  /** Fixes that break the YAML on their own, by what they write (offsets move from pass to pass). */
  const rejected = new Set<string>();
  let result = analyze(text);
  for (let pass = 0; pass < maxPasses; pass++) {
    let { chosen, edits } = chooseFixes(result.findings, options, rejected, text);
    let next = applyEdits(text, edits);
    if (next === text) return { text, applied, passes, remaining: result.findings, converged: true, rounds: pass };
    let after = analyze(next);
    if (after.problems.length > result.problems.length) {
      for (const c of chosen)
        if (analyze(applyEdits(text, c.fix.edits)).problems.length > result.problems.length)
          rejected.add(fixKey(text, c.fix));
      ({ chosen, edits } = chooseFixes(result.findings, options, rejected, text));
      // Fixes that are fine alone but not together: one at a time.
      if (chosen.length > 1) ({ chosen, edits } = { chosen: chosen.slice(0, 1), edits: chosen[0].fix.edits });
      next = applyEdits(text, edits);
      if (next === text) return { text, applied, passes, remaining: result.findings, converged: true, rounds: pass };
      after = analyze(next);
    }
    text = next;
    result = after;
    passes.push({ edits, fixes: chosen.map((c) => ({ ruleId: c.finding.ruleId, fix: c.fix })) });
    for (const c of chosen)
      applied.push({ ruleId: c.finding.ruleId, title: c.fix.title, secretsToCreate: c.fix.secretsToCreate ?? [] });
  }
  const remaining = result.findings;
  const converged = applyEdits(text, chooseFixes(remaining, options, rejected, text).edits) === text;
  return { text, applied, passes, remaining, converged, rounds: maxPasses };
}

/** A fix by what it replaces and writes, independent of where the text has moved to. */
function fixKey(text: string, fix: Fix): string {
  return JSON.stringify(fix.edits.map((e) => [text.slice(e.span.start, e.span.end), e.newText]));
}

/** The preferred fix of each finding, skipping fixes whose edits overlap one already chosen (they wait a pass). */
function chooseFixes(
  findings: Finding[],
  options: FixAllOptions,
  rejected: ReadonlySet<string>,
  text: string,
): { chosen: Array<{ finding: Finding; fix: Fix }>; edits: TextEdit[] } {
  const chosen: Array<{ finding: Finding; fix: Fix }> = [];
  const edits: TextEdit[] = [];
  for (const finding of findings) {
    if (options.ruleIds && !options.ruleIds.includes(finding.ruleId)) continue;
    const fix = finding.fixes.find((f) => f.isPreferred) ?? finding.fixes[0];
    if (!fix || (options.safeOnly && fix.safety !== 'safe') || fix.edits.length === 0) continue;
    if (editsOverlap(edits, fix.edits) || (rejected.size > 0 && rejected.has(fixKey(text, fix)))) continue;
    chosen.push({ finding, fix });
    edits.push(...fix.edits);
  }
  return { chosen, edits };
}

/**
 * Why one fix must not be offered, or undefined when it may: its edits applied to the text and the result re-analyzed,
 * the YAML must parse no worse than before and the finding must be gone (no finding of its rule with its message where
 * it was, mapped through the edits, or inside the written text). `before` is the analysis the finding comes from.
 */
export function checkFix(
  text: string,
  before: { problems: readonly unknown[] },
  finding: Finding,
  edits: readonly TextEdit[],
  analyze: AnalyzeText,
): string | undefined {
  let fixed: string;
  try {
    fixed = applyEdits(text, edits);
  } catch (err) {
    return `its edits do not apply (${(err as Error).message})`;
  }
  const after = analyze(fixed);
  if (after.problems.length > before.problems.length) return 'the result would not be valid YAML';
  const mapped = mapSpan(finding.span, edits);
  const written = writtenSpans(edits);
  const stays = after.findings.some(
    (f) =>
      f.ruleId === finding.ruleId &&
      f.message === finding.message &&
      (mapped ? f.span.start === mapped.start : written.some((w) => w.start <= f.span.start && f.span.end <= w.end)),
  );
  return stays ? 'the finding would still be reported' : undefined;
}

/** Where each edit's new text lies in the edited text. */
export function writtenSpans(edits: readonly TextEdit[]): Span[] {
  let shift = 0;
  return [...edits]
    .sort((a, b) => a.span.start - b.span.start)
    .map((e) => {
      const start = e.span.start + shift;
      shift += e.newText.length - (e.span.end - e.span.start);
      return { start, end: start + e.newText.length };
    });
}

/** The span after the edits, or undefined when an edit replaced part of it. */
export function mapSpan(span: Span, edits: readonly TextEdit[]): Span | undefined {
  let shift = 0;
  for (const e of [...edits].sort((a, b) => a.span.start - b.span.start)) {
    const delta = e.newText.length - (e.span.end - e.span.start);
    if (
      e.span.end <= span.start &&
      !(e.span.start === e.span.end && e.span.start === span.start && span.start === span.end)
    ) {
      shift += delta;
      continue;
    }
    if (e.span.start >= span.end) break;
    return undefined;
  }
  return { start: span.start + shift, end: span.end + shift };
}
