import { defineRule, type Fix } from '../../engine/types';
import type { Block, KeyValue } from '../../model/common';
import type { AnalysisContext } from '../../engine/context';
import { maskSecret } from '../../analysis/mask';
import { uniqueName } from '../../fixes/env';

/** Names that say "this holds a credential". */
const SECRET_NAME = /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|auth)/i;
/** Values that are clearly not a real credential. */
const PLACEHOLDER = /^(<.*>|\$\{?[A-Za-z_][\w]*\}?|x+|\*+|changeme|change-me|password|secret|token|example|dummy|test|none|null|true|false|your[-_ ].*|\.\.\.)$/i;

const PROVIDER_PATTERNS: Array<{ name: string; re: RegExp }> = [
  { name: 'GitHub personal access token', re: /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b/ },
  { name: 'GitHub fine-grained token', re: /\bgithub_pat_[A-Za-z0-9_]{82}\b/ },
  { name: 'AWS access key id', re: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/ },
];

export default defineRule({
  meta: {
    id: 'hardcoded-credential',
    title: 'Credential written in the workflow',
    description: 'A literal password, token or key in env:, with: or container credentials.',
    severity: 'high',
    confidence: 'medium',
    category: 'secrets',
    aliases: ['hardcoded-container-credentials', 'hardcoded-credentials', 'credentials'],
    appliesTo: ['workflow', 'action'],
    fixable: true,
    docs: {
      risk: 'Anything in a workflow file is readable by everyone who can read the repository, forever, in git history. A credential written there is leaked the moment it is pushed.',
      remediation: 'Store the value as an encrypted secret (or in a vault) and reference it: `${{ secrets.NAME }}`. Rotate the credential if it was ever committed. The quick-fix swaps the literal for a secret reference and tells you the secret name to create.',
      vulnerableExample: 'jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./deploy.sh\n        env:\n          API_TOKEN: 9f8e7d6c5b4a39281706f5e4d3c2b1a0\n',
      safeExample: 'jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./deploy.sh\n        env:\n          API_TOKEN: ${{ secrets.API_TOKEN }}\n',
    },
  },

  workflow(wf, ctx) {
    checkBlock(wf.env, ctx);
  },
  job(job, _wf, ctx) {
    checkBlock(job.env, ctx);
    checkBlock(job.container?.credentials, ctx, true);
    for (const s of job.services) checkBlock(s.credentials, ctx, true);
  },
  step(step, _job, _wf, ctx) {
    checkBlock(step.env, ctx);
    checkBlock(step.with, ctx);
  },
  actionStep(step, _action, ctx) {
    checkBlock(step.env, ctx);
    checkBlock(step.with, ctx);
  },
});

function checkBlock(block: Block | undefined, ctx: AnalysisContext, isCredentials = false): void {
  for (const kv of block?.entries ?? []) {
    const v = kv.value;
    if (!v || v.expressions.length > 0) continue;
    const value = v.text.trim();
    const provider = PROVIDER_PATTERNS.find((p) => p.re.test(value));
    const named = (isCredentials && kv.name === 'password') || (SECRET_NAME.test(kv.name) && !/(_|-)(file|path|dir|url|user(name)?|name|id)$/i.test(kv.name));
    if (!provider && !(named && looksLikeSecret(value))) continue;
    const secretName = uniqueName(kv.name, new Set());
    ctx.report({
      message: `${provider ? provider.name : 'A credential'} is written in the file (${kv.name}: ${maskSecret(value)}). Move it to a secret and reference \${{ secrets.${secretName} }}; rotate it if it was committed.`,
      span: v.span,
      confidence: provider ? 'high' : 'medium',
      fixes: [moveToSecretFix(kv, secretName)],
      properties: { masked: maskSecret(value), key: kv.name },
    });
  }
}

function looksLikeSecret(value: string): boolean {
  return value.length >= 8 && !PLACEHOLDER.test(value) && !/\s/.test(value);
}

function moveToSecretFix(kv: KeyValue, secretName: string): Fix {
  return {
    title: `Move to secret store: \${{ secrets.${secretName} }}`,
    safety: 'unsafe',
    isPreferred: true,
    edits: [{ span: kv.value!.span, newText: `\${{ secrets.${secretName} }}` }],
    secretsToCreate: [secretName],
  };
}
