import { defineRule } from '../../engine/rule';
import type { UsesRef } from '../../model/uses';
import type { AnalysisContext } from '../../engine/context';
import { archivedAction } from '../../knowledge/supply-chain';
import { everyUses, isRemoteUse } from '../_supply-chain/hooks';

export default defineRule({
  meta: {
    id: 'archived-uses',
    title: 'Action from an archived repository',
    description:
      'An action or reusable workflow comes from a repository its owner has archived: it gets no more fixes.',
    severity: 'low',
    confidence: 'high',
    category: 'supply-chain',
    aliases: ['archived-uses'],
    appliesTo: ['workflow', 'action'],
    fixable: false,
    docs: {
      risk: 'An archived repository is read-only: a vulnerability found in the action, or in the dependencies and runtime it bundles, will never be fixed there, and old Node runtimes it declares stop being supported by the runners.',
      remediation:
        'Move to a maintained action (the message names one where a common replacement exists) or to a few lines of script. The list of archived repositories is bundled (source: zizmor, MIT).',
      vulnerableExample: 'steps:\n  - uses: actions-rs/toolchain@v1\n',
      safeExample: 'steps:\n  - uses: dtolnay/rust-toolchain@stable\n',
      references: ['https://docs.github.com/en/repositories/archiving-a-github-repository/archiving-repositories'],
    },
  },
  ...everyUses(check),
});

function check(uses: UsesRef, ctx: AnalysisContext): void {
  if (!isRemoteUse(uses, ctx)) return;
  const archived = archivedAction(uses.repo);
  if (!archived) return;
  ctx.report({
    message:
      `${uses.repo} is archived and gets no more fixes` +
      (archived.replacement
        ? `; a maintained replacement: ${archived.replacement}.`
        : '; move to a maintained action.'),
    span: uses.span,
    properties: { action: uses.slug, replacement: archived.replacement },
  });
}
