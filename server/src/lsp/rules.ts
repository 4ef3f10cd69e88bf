// flowguard/rules: rule metadata plus the effective state under the current configuration.
import { ruleState, type FlowguardConfig } from '../engine/config';
import { ruleDocsUrl } from '../engine/docs';
import { CATEGORIES, CATEGORY_TITLES } from '../engine/types';
import type { RulesResult } from '../protocol';
import { ALL_RULES } from '../rules/index';

export function rulesInfo(config: FlowguardConfig): RulesResult {
  return {
    categories: CATEGORIES.map((id) => ({ id, title: CATEGORY_TITLES[id] })),
    rules: ALL_RULES.map(({ meta }) => {
      const state = ruleState(config, [meta.id, ...meta.aliases]);
      return {
        ...meta,
        docsUrl: ruleDocsUrl(meta.id),
        enabled: state.enabled,
        effectiveSeverity: state.severity ?? meta.severity,
      };
    }),
  };
}
