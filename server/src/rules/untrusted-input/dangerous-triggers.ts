import { defineRule } from '../../engine/rule';

const ADVICE: Record<string, string> = {
  pull_request_target:
    "pull_request_target runs in the base repository with secrets and a write-capable token, for pull requests from any fork. Prefer pull_request; if the workflow must comment or label, keep it free of the pull request's code and text, or split it: an unprivileged pull_request workflow that uploads results and a workflow_run workflow that only reads them as data.",
  workflow_run:
    'workflow_run runs in the base repository with secrets and a write-capable token after a workflow that fork pull requests can trigger. Treat everything from the triggering run (artifacts, branch names, commit messages) as attacker data: never execute it or expand it into scripts.',
};

export default defineRule({
  meta: {
    id: 'dangerous-triggers',
    title: 'Privileged trigger reachable from forks',
    description:
      'The workflow uses pull_request_target or workflow_run, which run with secrets and a write-capable token for events outsiders can cause.',
    severity: 'info',
    confidence: 'high',
    category: 'untrusted-input',
    aliases: ['dangerous-triggers', 'dangerous-trigger'],
    appliesTo: ['workflow'],
    fixable: false,
    docs: {
      risk: "Both triggers exist so that a workflow can act on a fork's pull request with privileges the fork does not have. That is safe only while nothing from the pull request is executed or interpreted: checking out its head, running its build, expanding its title into a script or trusting its artifacts hands the base repository's secrets and token to the pull request's author. This note marks where such care is needed; the other untrusted-input rules report the concrete mistakes.",
      remediation:
        'Use `pull_request` when the job only needs to build and test. When privileges are needed, split the work: an unprivileged `pull_request` workflow computes results and uploads them as an artifact, and a `workflow_run` workflow reads them strictly as data (no execution, no extraction over the workspace). Set `permissions:` to the minimum.',
      vulnerableExample:
        'on: pull_request_target\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: npm test\n',
      safeExample:
        'on: pull_request\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n',
      references: [
        'https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/',
        'https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#pull_request_target',
      ],
    },
  },

  workflow(wf, ctx) {
    for (const t of wf.triggers) {
      const advice = ADVICE[t.event];
      if (advice) ctx.report({ message: advice, span: t.span, properties: { trigger: t.event } });
    }
  },
});
