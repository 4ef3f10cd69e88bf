import { defineRule } from '../../engine/rule';
import type { UsesRef } from '../../model/uses';
import type { AnalysisContext } from '../../engine/context';
import { actionMatches } from '../../engine/config';
import { everyUses, isRemoteUse } from '../_supply-chain/hooks';

export default defineRule({
  meta: {
    id: 'forbidden-uses',
    title: 'Action not allowed by policy',
    description:
      "An action or reusable workflow is on `.flowguard.yml`'s `actions.deny` list, or not on its `actions.allow` list.",
    severity: 'medium',
    confidence: 'high',
    category: 'supply-chain',
    aliases: ['forbidden-uses'],
    appliesTo: ['workflow', 'action'],
    fixable: false,
    docs: {
      risk: "Organisations that review third-party integrations before use need every other action kept out: an unreviewed action runs with the job's token and secrets.",
      remediation:
        'Use an approved action, or get this one reviewed and add it to `actions.allow` (globs over owner/repo[/path], e.g. `my-org/*`). Nothing is reported until `.flowguard.yml` has an `actions:` policy. GitHub can also enforce an allow-list in the organization settings.',
      vulnerableExample: '# .flowguard.yml: actions: { allow: ["actions/*"] }\nsteps:\n  - uses: someone/action@v1\n',
      safeExample: '# .flowguard.yml: actions: { allow: ["actions/*"] }\nsteps:\n  - uses: actions/checkout@v4\n',
      references: [
        'https://docs.github.com/en/organizations/managing-organization-settings/disabling-or-limiting-github-actions-for-your-organization',
      ],
    },
  },
  ...everyUses(check),
});

function check(uses: UsesRef, ctx: AnalysisContext): void {
  const policy = ctx.config.actions;
  if (!policy || !isRemoteUse(uses, ctx)) return;
  const denied = actionMatches(policy.deny ?? [], uses.slug);
  const notAllowed = !!policy.allow && !actionMatches(policy.allow, uses.slug);
  if (!denied && !notAllowed) return;
  ctx.report({
    message: denied
      ? `${uses.slug} is forbidden by actions.deny in .flowguard.yml.`
      : `${uses.slug} is not on the approved list (actions.allow in .flowguard.yml).`,
    span: uses.span,
    properties: { action: uses.slug },
  });
}
