// Applying many fixes to one file: non-overlapping fixes are applied together, then the file is re-analysed and the
// remaining fixes are recomputed, until nothing more applies. Every pass re-parses, so a fix never sees stale offsets.
import { analyze, type AnalyzeInput } from '../engine/analyze';
import type { Finding, Fix, TextEdit } from '../engine/types';
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
}

export interface FixAllOptions {
  /** Only these rules' fixes. */
  ruleIds?: string[];
  /** Apply only fixes marked safe. */
  safeOnly?: boolean;
  maxPasses?: number;
}

export function fixAll(input: AnalyzeInput, options: FixAllOptions = {}): FixAllResult {
  let text = input.text;
  const applied: AppliedFix[] = [];
  const passes: FixPass[] = [];
  const maxPasses = options.maxPasses ?? 10;
  for (let pass = 0; pass < maxPasses; pass++) {
    const result = analyze({ ...input, text });
    const chosen: Array<{ finding: Finding; fix: Fix }> = [];
    const edits: TextEdit[] = [];
    for (const finding of result.findings) {
      if (options.ruleIds && !options.ruleIds.includes(finding.ruleId)) continue;
      const fix = finding.fixes.find((f) => f.isPreferred) ?? finding.fixes[0];
      if (!fix || (options.safeOnly && fix.safety !== 'safe') || fix.edits.length === 0) continue;
      if (editsOverlap(edits, fix.edits)) continue;
      chosen.push({ finding, fix });
      edits.push(...fix.edits);
    }
    if (chosen.length === 0) return { text, applied, passes, remaining: result.findings };
    const next = applyEdits(text, edits);
    if (next === text) return { text, applied, passes, remaining: result.findings };
    text = next;
    passes.push({ edits, fixes: chosen.map((c) => ({ ruleId: c.finding.ruleId, fix: c.fix })) });
    for (const c of chosen)
      applied.push({ ruleId: c.finding.ruleId, title: c.fix.title, secretsToCreate: c.fix.secretsToCreate ?? [] });
  }
  return { text, applied, passes, remaining: analyze({ ...input, text }).findings };
}
