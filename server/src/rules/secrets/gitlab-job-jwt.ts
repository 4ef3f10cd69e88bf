import { defineRule } from '../../engine/rule';
import { type TextEdit } from '../../text/span';
import { appendToMapping } from '../../fixes/edits';
import { mapPairs } from '../../yaml/parse';

const JWT = /\$\{?(CI_JOB_JWT(?:_V1|_V2)?)\b\}?/g;
const TOKEN = 'GITLAB_OIDC_TOKEN';

export default defineRule({
  meta: {
    id: 'gitlab-job-jwt',
    title: 'Removed CI_JOB_JWT instead of id_tokens',
    description:
      'A job reads `CI_JOB_JWT`, `CI_JOB_JWT_V1` or `CI_JOB_JWT_V2`, removed in GitLab 17.0 in favour of `id_tokens` with an audience.',
    severity: 'medium',
    confidence: 'high',
    category: 'secrets',
    aliases: ['ci-job-jwt'],
    appliesTo: ['gitlab'],
    fixable: true,
    fixSafety:
      "Unsafe: `id_tokens` replace `CI_JOB_JWT` with a token of a chosen audience; the service that verifies it must accept that audience and claims, so review the consumer's configuration.",
    docs: {
      risk: 'CI_JOB_JWT tokens had one fixed audience, so a token issued for one service (Vault, a cloud provider) was accepted by every other service trusting GitLab: a compromised or malicious relying party could replay it. GitLab 17.0 removed them; jobs relying on them fail or fall back to long-lived credentials.',
      remediation:
        'Declare an ID token with the audience of the one service that consumes it, `id_tokens: { VAULT_ID_TOKEN: { aud: https://vault.example.com } }`, and read `$VAULT_ID_TOKEN`. The quick-fix adds `id_tokens: GITLAB_OIDC_TOKEN` (audience from `secretStore.gitlab.idTokenAudience`, else vaultUrl) and renames the references; check the audience your service expects.',
      vulnerableExample: 'deploy:\n  script:\n    - vault write auth/jwt/login role=ci jwt=$CI_JOB_JWT_V2\n',
      safeExample:
        'deploy:\n  id_tokens:\n    GITLAB_OIDC_TOKEN:\n      aud: https://vault.example.com\n  script:\n    - vault write auth/jwt/login role=ci jwt=$GITLAB_OIDC_TOKEN\n',
      references: [
        'https://docs.gitlab.com/ci/secrets/id_token_authentication/',
        'https://docs.gitlab.com/update/deprecations/#old-versions-of-json-web-tokens-are-deprecated',
      ],
    },
  },
  gitlabJob(job, _p, ctx) {
    const source = ctx.text.slice(job.span.start, job.span.end);
    const uses = [...source.matchAll(JWT)];
    if (!uses.length) return;
    const edits: TextEdit[] = uses.map((m) => ({
      span: { start: job.span.start + m.index!, end: job.span.start + m.index! + m[0].length },
      newText: m[0].startsWith('${') ? `\${${TOKEN}}` : `$${TOKEN}`,
    }));
    const store = ctx.config.secretStore;
    const aud = store.gitlab?.idTokenAudience ?? store.vaultUrl ?? 'https://gitlab.com';
    const hasToken = mapPairs(job.idTokensPair?.value).some(
      (p) => String((p.key as { value?: unknown }).value) === TOKEN,
    );
    const declare = hasToken
      ? undefined
      : job.idTokensPair?.value
        ? appendToMapping(ctx.text, job.idTokensPair.value, [`${TOKEN}:`, `  aud: ${aud}`])
        : appendToMapping(ctx.text, job.node, ['id_tokens:', `  ${TOKEN}:`, `    aud: ${aud}`]);
    const fix =
      hasToken || declare
        ? [
            {
              title: `Use id_tokens: ${TOKEN} (aud: ${aud}) instead of ${uses[0][1]}`,
              safety: 'unsafe' as const,
              isPreferred: true,
              edits: declare ? [...edits, declare] : edits,
            },
          ]
        : [];
    for (const m of uses) {
      const start = job.span.start + m.index!;
      ctx.report({
        message: `${m[1]} was removed in GitLab 17.0 and had one audience for every service: declare an ID token with the audience of the service that reads it.`,
        span: { start, end: start + m[0].length },
        fixes: fix,
      });
    }
  },
});
