import { defineRule } from '../../engine/rule';

export default defineRule({
  meta: {
    id: 'unjustified-suppression',
    title: 'Suppression without a reason',
    description: 'A `# flowguard: ignore[...]` (or zizmor) comment that gives no reason.',
    severity: 'low',
    confidence: 'high',
    category: 'audit',
    aliases: [],
    appliesTo: ['workflow', 'action', 'gitlab'],
    fixable: false,
    docs: {
      risk: 'Exceptions to a security policy must leave an audit trail: a reviewer reading the file later needs to know why the check was silenced and whether the reason still holds.',
      remediation:
        'Write the reason after the comment: `# flowguard: ignore[template-injection] value is validated by the previous step`.',
      vulnerableExample: 'permissions: write-all # flowguard: ignore[excessive-permissions]\n',
      safeExample:
        'permissions: write-all # flowguard: ignore[excessive-permissions] release job needs every scope, reviewed 2026-11\n',
    },
  },

  document(ctx) {
    for (const s of ctx.suppressions) {
      if (s.reason) continue;
      ctx.report({
        message: `This ignore[${s.ids.join(', ')}] gives no reason. Add one after the comment so the exception leaves an audit trail.`,
        span: s.span,
      });
    }
  },
});
