// Fix-all by selection (rule ids, a checklist category, or every rule): the one implementation behind the
// `source.fixAll.flowguard[.category]` code actions, the flowguard/fixAll request and the client's commands.
import { analyze, type AnalyzeInput } from '../engine/analyze';
import type { Category } from '../engine/types';
import { fixAll, type FixAllResult } from '../fixes/apply';
import { ALL_RULES } from '../rules/index';

export type FixSelection = { ruleIds: string[] } | { category: Category } | { all: true };

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
): FixAllResult {
  return fixAll(input.text, (text) => analyze({ ...input, text }), {
    ruleIds: ruleIdsOf(selection),
    safeOnly: options.safeOnly,
  });
}
