import { defineRule } from '../../engine/rule';
import { conditionalReach } from '../../analysis/triggers';
import { HEAD_CODE_PRIVILEGED_EVENTS } from '../../knowledge/untrusted-input';
import { checkoutOfHead, forksRefusedBefore, gateOf, runsCheckedOutCode } from '../../analysis/untrusted-code';

export default defineRule({
  meta: {
    id: 'untrusted-checkout',
    title: "Privileged workflow runs a pull request's code",
    description:
      "A pull_request_target, workflow_run or issue_comment workflow checks out the pull request's head (or the triggering run's branch) and then builds, installs, tests or runs it, with the base repository's secrets and token in reach.",
    severity: 'high',
    confidence: 'high',
    category: 'untrusted-input',
    aliases: ['untrusted-checkout', 'untrusted_checkout_exec', 'pwn-request', 'pull-request-target-checkout'],
    appliesTo: ['workflow'],
    fixable: false,
    docs: {
      risk: "These triggers run in the base repository: the job can read its secrets and its token may write. Checking out the pull request's head (`github.event.pull_request.head.sha`, `github.head_ref`, `refs/pull/N/merge`, `gh pr checkout`, the triggering run's `head_sha`/`head_branch`) and then running `npm install`, `make`, tests, a local action or any workspace script executes the pull request author's code with those privileges (the \"pwn request\"). Package installs count: lifecycle scripts run on install. A label gate, an author-association check or a protected environment narrows who can start it, but the code can change after approval, so the finding is lowered, not removed.",
      remediation:
        'Run untrusted code in a `pull_request` workflow (no secrets, read-only token). If results need privileges, upload them as an artifact and process them as data in a separate `workflow_run` workflow. If the privileged job only needs to read files, check them out into a sub-directory, never execute anything from it, and set `persist-credentials: false` and minimal `permissions:`.',
      severity:
        "Low when no later step visibly runs the checked-out code (a build, test, install, script or local action from the checkout path); `git diff`/`git log` are not execution. Fork gates and write-access-only triggers remove or lower it; an earlier step that fails the job on a fork's pull request (comparing head.repo.full_name with this repository, then core.setFailed/exit 1) lowers it to low, since the branch checked out is then one only people with write access can push to.",
      vulnerableExample:
        'on: pull_request_target\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: npm ci && npm test\n',
      safeExample:
        'on: pull_request\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci && npm test\n',
      references: [
        'https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/',
        'https://github.com/boostsecurityio/poutine/blob/main/docs/content/en/rules/untrusted_checkout_exec.md',
      ],
    },
  },

  job(job, wf, ctx) {
    const privileged = wf.triggers.map((t) => t.event).filter((e) => HEAD_CODE_PRIVILEGED_EVENTS.has(e));
    if (privileged.length === 0) return;
    for (let i = 0; i < job.steps.length; i++) {
      const checkout = checkoutOfHead(job.steps[i], ctx.text);
      if (!checkout) continue;
      const step = job.steps[i];
      // Narrowed to events outsiders cannot cause, or to merged pull requests (their code is the base branch now).
      if (conditionalReach(wf, [job.if?.text, step.if?.text]) !== 'outsider-privileged') continue;
      if (/pull_request\.merged\s*(==\s*true)?(\s|\)|$|&)/.test(`${job.if?.text ?? ''} ${step.if?.text ?? ''}`))
        continue;
      const execution = runsCheckedOutCode(job, checkout, ctx.text);
      const gate = gateOf(job, step, wf.jobs);
      const trigger = privileged.join('/');
      if (execution && forksRefusedBefore(job, step)) {
        ctx.report({
          message: `On ${trigger}, this step ${checkout.what} and a later step ${execution.what}, but an earlier step fails the job on a fork's pull request: only branches of this repository are checked out, and only people with write access can push to them. (Low: no outsider's code runs.)`,
          span: checkout.span,
          severity: 'low',
          related: [{ span: execution.span, message: `executes the checked-out code: ${execution.what}` }],
          properties: { trigger, gated: !!gate, forksRefused: true },
        });
      } else if (execution) {
        ctx.report({
          message: `On ${trigger}, this step ${checkout.what} and a later step ${execution.what}: the pull request author's code runs with this repository's secrets and token.${gate ? ` Lowered: ${gate}.` : ''}`,
          span: checkout.span,
          severity: gate ? 'medium' : 'high',
          related: [{ span: execution.span, message: `executes the checked-out code: ${execution.what}` }],
          properties: { trigger, gated: !!gate },
        });
      } else {
        ctx.report({
          message: `On ${trigger}, this step ${checkout.what} into a privileged job. No step here visibly runs it, but tools, actions and hooks may read or execute workspace files: keep it out of privileged jobs.${gate ? ` (${gate}.)` : ''} (Low: nothing shown to run the checked-out code.)`,
          span: checkout.span,
          // Without a step that builds, tests, installs or runs scripts from the checkout, there is no evidence it runs.
          severity: 'low',
          confidence: 'low',
          properties: { trigger, gated: !!gate },
        });
      }
    }
  },
});
