import { defineRule } from '../../engine/rule';

const APPROVE_COMMAND = /\bgh\s+pr\s+review\b[^\n]*(--approve|-a\b)|\bgh\s+pr\s+merge\b[^\n]*--admin\b/;
const APPROVE_SCRIPT = /\bpulls\.createReview\s*\([^)]*event\s*:\s*['"]APPROVE['"]/s;
const APPROVE_ACTIONS = new Set([
  'hmarr/auto-approve-action',
  'juliangruber/approve-pull-request-action',
  'cognitedata/auto-approve-action',
]);

export default defineRule({
  meta: {
    id: 'bot-approves-pull-request',
    title: 'Workflow approves or force-merges pull requests',
    description:
      'A workflow approves pull requests (or merges with --admin) using its token, which can satisfy or bypass required human review.',
    severity: 'medium',
    confidence: 'medium',
    category: 'change-control',
    aliases: [],
    appliesTo: ['workflow', 'action'],
    fixable: false,
    docs: {
      risk: 'Branch protection that requires an approving review is only as strong as the set of identities that can approve. A workflow that approves with its token turns "two people looked at this" into "a workflow ran", and anyone who can shape the workflow\'s input (a PR title, a label, a dependency bump) can get code merged unreviewed.',
      remediation:
        'Do not approve from workflows. If you auto-merge dependency updates, restrict it to a narrow, verified actor and update type, require a CODEOWNERS review for workflow files, and disable "Allow GitHub Actions to create and approve pull requests" in the repository settings.',
      vulnerableExample:
        'steps:\n  - run: gh pr review --approve "$PR_URL"\n    env:\n      GH_TOKEN: ${{ github.token }}\n',
      safeExample:
        'steps:\n  - run: gh pr merge --auto --squash "$PR_URL"\n    env:\n      GH_TOKEN: ${{ github.token }}\n',
    },
  },
  step(step, _job, _wf, ctx) {
    if (step.uses?.slug && APPROVE_ACTIONS.has(step.uses.slug)) {
      ctx.report({
        message: `${step.uses.slug} approves pull requests with the workflow's token: this can satisfy required reviews without a human.`,
        span: step.uses.span,
      });
    }
    const run = step.run;
    if (run && APPROVE_COMMAND.test(run.text)) {
      ctx.report({
        message:
          'This step approves a pull request (or merges with --admin) from a workflow: required human review can be satisfied or bypassed by automation.',
        span: run.span,
      });
    }
    const script =
      step.uses?.slug === 'actions/github-script'
        ? step.with?.entries.find((e) => e.name === 'script')?.value
        : undefined;
    if (script && APPROVE_SCRIPT.test(script.text)) {
      ctx.report({
        message:
          'This github-script step approves a pull request with the workflow token: required human review can be satisfied by automation.',
        span: script.span,
      });
    }
  },
});
