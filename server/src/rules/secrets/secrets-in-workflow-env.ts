import { defineRule } from '../../engine/rule';
import { readsSecret } from '../../analysis/secrets/usage';
import { moveWorkflowEnvToSteps, stepsUsingWorkflowEnv } from '../../fixes/workflow-env';

export default defineRule({
  meta: {
    id: 'secrets-in-workflow-env',
    title: 'Secret exposed to every job and step',
    description:
      'A secret is placed in the workflow-level env:, so every step of every job (and every action they run) can read it.',
    severity: 'medium',
    confidence: 'high',
    category: 'secrets',
    aliases: ['secrets-outside-env', 'workflow-env-secrets'],
    appliesTo: ['workflow'],
    fixable: true,
    fixSafety:
      "Always unsafe: which steps read a variable is inferred. The secret is kept on steps that name it, run the repository's own code or a tool known to read it, run a command or arguments taken from matrix values, inputs or outputs (`run: ${{ matrix.cmd }}`), and on actions that may read their environment; a GitHub token goes only to the actions the knowledge base says read it from the environment. Review the steps that lose it.",
    docs: {
      risk: 'Workflow-level env: is inherited by every job and every step, including third-party actions that have no use for the secret. Any of them, if compromised or injected into, can read it from its environment.',
      remediation:
        "Declare the secret in the env: of the steps that use it. The quick-fix moves it to the steps whose scripts, inputs or conditions mention it, to the steps running actions that could read it from the environment, to the scripts that run the repository's own code (which may read any variable), and, for variables tools read on their own (GH_TOKEN for `gh`, NODE_AUTH_TOKEN for `npm`, AWS_* for the AWS CLI and Terraform, ...), to every script that runs a program. Review the result.",
      vulnerableExample:
        'env:\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: $NPM_TOKEN\n',
      safeExample:
        'jobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n',
      references: [
        'https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions#using-secrets-in-a-workflow',
      ],
    },
  },

  workflow(wf, ctx) {
    for (const entry of wf.env?.entries ?? []) {
      // A test on a secret (`secrets.X != ''`) or the runner's debug switches carry no secret.
      if (
        !entry.value?.expressions.some((e) => readsSecret(e) && !/[!=]=/.test(e.inner)) ||
        /^ACTIONS_(STEP|RUNNER)_DEBUG$/.test(entry.name)
      )
        continue;
      const users = stepsUsingWorkflowEnv(wf, entry.name, ctx.text);
      const fix = moveWorkflowEnvToSteps(ctx.text, wf, entry, entry.value.text);
      ctx.report({
        message: users.length
          ? `${entry.name} carries a secret in the workflow env:, visible to every step of every job: declare it only on the ${users.length === 1 ? 'step' : `${users.length} steps`} that may read it.`
          : `${entry.name} carries a secret in the workflow env:, visible to every step of every job, and no step reads it: remove it.`,
        span: entry.keySpan,
        fixes: fix ? [fix] : [],
        properties: { variable: entry.name, steps: users.length },
      });
    }
  },
});
