import { defineRule } from '../../engine/rule';
import { readsSecret } from '../../analysis/secrets/usage';
import { moveWorkflowEnvToSteps, stepsUsingWorkflowEnv } from '../../fixes/workflow-env';
import { workflowReach } from '../../analysis/triggers';
import type { Workflow } from '../../model/workflow';

/** Owners whose actions count as trusted neighbours of a secret: GitHub's own. */
const FIRST_PARTY = /^(actions|github)\//;

/**
 * Who besides the steps that need it can read the secret: a job runs code an outsider controls (an outsider-fired
 * privileged trigger), or a job that never reads it runs a third-party action on a movable ref.
 */
function untrustedNeighbour(wf: Workflow, name: string, text: string): string | undefined {
  if (workflowReach(wf) === 'outsider-privileged')
    return 'outsiders can trigger this workflow, so any of its jobs may run their code next to the secret';
  const readers = new Set(stepsUsingWorkflowEnv(wf, name, text).map((u) => u.step));
  for (const job of wf.jobs) {
    for (const step of job.steps) {
      const uses = step.uses;
      if (!uses || readers.has(step) || uses.pinned || uses.kind !== 'action' || FIRST_PARTY.test(uses.slug ?? ''))
        continue;
      return `${uses.slug}@${uses.ref ?? ''} in job '${job.id}' gets it without needing it`;
    }
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'secrets-in-workflow-env',
    title: 'Secret exposed to every job and step',
    description:
      'A secret is placed in the workflow-level env:, so every step of every job (and every action they run) can read it.',
    // Lowered from medium: in a judged corpus sample (seed 2026) every medium finding was hygiene with no concrete attack.
    severity: 'low',
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
      severity:
        'Every finding is low. Secrets next to something untrusted (an outsider-fired trigger, a third-party action on a movable ref in a job that does not read the secret) say so in the message: outsiders can trigger the workflow, or a job that does not read the secret runs a third-party action on a movable ref. Otherwise hygiene. The default was lowered from medium to low: in the judged corpus sample (docs/precision) none of the medium findings had a concrete attack (the neighbours were the repository’s own scripts, or GitHub-owned tokens already in every job). Secrets that hold identifiers (team, tenant or subscription ids, user names, regions) are not credentials and are not reported.',
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
      const exposure = untrustedNeighbour(wf, entry.name, ctx.text);
      const base = users.length
        ? `${entry.name} carries a secret in the workflow env:, visible to every step of every job: declare it only on the ${users.length === 1 ? 'step' : `${users.length} steps`} that may read it.`
        : `${entry.name} carries a secret in the workflow env:, visible to every step of every job, and no step reads it: remove it.`;
      ctx.report({
        message: exposure
          ? `${base} (${exposure}.)`
          : `${base} (Low: only this repository's scripts and GitHub's or pinned actions see it.)`,
        severity: exposure ? undefined : 'low',
        span: entry.keySpan,
        fixes: fix ? [fix] : [],
        properties: { variable: entry.name, steps: users.length },
      });
    }
  },
});
