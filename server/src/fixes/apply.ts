// Applying many fixes to one file: non-overlapping fixes are applied together, then the file is re-analyzed and the
// remaining fixes are recomputed, until nothing more applies (or maxPasses is reached: `converged: false`). Every pass
// re-parses, so a fix never sees stale offsets.
// The caller passes the analysis in (`AnalyzeText`): fixes/ sits below the engine's runner and the rules, and must
// not import them back.
import type { Finding, Fix } from '../engine/types';
import type { TextEdit } from '../text/span';
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

/** Analyzes one version of the file's text (same path, config and callee reader every time). */
export type AnalyzeText = (text: string) => { findings: Finding[] };

export function fixAll(initialText: string, analyze: AnalyzeText, options: FixAllOptions = {}): FixAllResult {
  let text = initialText;
  const applied: AppliedFix[] = [];
  const passes: FixPass[] = [];
  const maxPasses = options.maxPasses ?? 10;
  for (let pass = 0; pass < maxPasses; pass++) {
    const result = analyze(text);
    const { chosen, edits } = chooseFixes(result.findings, options);
    const next = applyEdits(text, edits);
    if (next === text) return { text, applied, passes, remaining: result.findings, converged: true, rounds: pass };
    text = next;
    passes.push({ edits, fixes: chosen.map((c) => ({ ruleId: c.finding.ruleId, fix: c.fix })) });
    for (const c of chosen)
      applied.push({ ruleId: c.finding.ruleId, title: c.fix.title, secretsToCreate: c.fix.secretsToCreate ?? [] });
  }
  const remaining = analyze(text).findings;
  const converged = applyEdits(text, chooseFixes(remaining, options).edits) === text;
  return { text, applied, passes, remaining, converged, rounds: maxPasses };
}

/** The preferred fix of each finding, skipping fixes whose edits overlap one already chosen (they wait a pass). */
function chooseFixes(
  findings: Finding[],
  options: FixAllOptions,
): { chosen: Array<{ finding: Finding; fix: Fix }>; edits: TextEdit[] } {
  const chosen: Array<{ finding: Finding; fix: Fix }> = [];
  const edits: TextEdit[] = [];
  for (const finding of findings) {
    if (options.ruleIds && !options.ruleIds.includes(finding.ruleId)) continue;
    const fix = finding.fixes.find((f) => f.isPreferred) ?? finding.fixes[0];
    if (!fix || (options.safeOnly && fix.safety !== 'safe') || fix.edits.length === 0) continue;
    if (editsOverlap(edits, fix.edits)) continue;
    chosen.push({ finding, fix });
    edits.push(...fix.edits);
  }
  return { chosen, edits };
}
