// Fix-all by selection (rule ids, a checklist category, or every rule): the one implementation behind the
// `source.fixAll.flowguard[.category]` code actions, the flowguard/fixAll request and the client's commands.
import type { AnalyzeInput } from '../engine/analyze';
import type { Category, Finding } from '../engine/types';
import { fixAll, type FixAllResult } from '../fixes/apply';
import { ALL_RULES } from '../rules/index';

export type FixSelection = { ruleIds: string[] } | { category: Category } | { all: true };

export interface SelectedFixes extends FixAllResult {
  /** False when a selected finding still offered an applicable fix after the last pass. */
  converged: boolean;
}

export function ruleIdsOf(selection: FixSelection): string[] | undefined {
  if ('ruleIds' in selection) return selection.ruleIds;
  if ('category' in selection)
    return ALL_RULES.filter((r) => r.meta.category === selection.category).map((r) => r.meta.id);
  return undefined;
}

export function fixSelected(
  input: AnalyzeInput,
  selection: FixSelection,
  options: { safeOnly?: boolean } = {},
): SelectedFixes {
  const ruleIds = ruleIdsOf(selection);
  const result = fixAll(input, { ruleIds, safeOnly: options.safeOnly });
  // What fixAll would pick for a finding: its preferred fix, else its first.
  const applicable = (f: Finding) => {
    const fix = f.fixes.find((x) => x.isPreferred) ?? f.fixes[0];
    return (
      (!ruleIds || ruleIds.includes(f.ruleId)) &&
      !!fix &&
      fix.edits.length > 0 &&
      (!options.safeOnly || fix.safety === 'safe')
    );
  };
  return { ...result, converged: !result.remaining.some(applicable) };
}
