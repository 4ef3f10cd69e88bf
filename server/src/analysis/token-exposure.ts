// Does an outsider have a path to a job's GITHUB_TOKEN? The least-privilege rules rate an unused scope or a missing
// permissions block by this: hygiene unless a trigger any GitHub user can fire reaches the job ungated, something
// that user influences executes there (their pull request's code, their text in a script, an agent reading it, their
// artifacts), and that code can get at the token.
import type { Span } from '../text/span';
import type { AnalyzedFile } from './file';
import { isSeq } from 'yaml';
import { mapGet } from '../yaml/parse';
import { lookupAction } from '../knowledge/actions-kb';
import { HEAD_CODE_PRIVILEGED_EVENTS, PRIVILEGED_OUTSIDER_EVENTS } from '../knowledge/untrusted-input';
import { stepLabel, type Job, type Step, type Trigger, type Workflow } from '../model/workflow';
import type { ScalarValue } from '../model/common';
import { conditionsCanHold } from './conditions';
import { findCallers } from './callers';
import { conditionalReach, gatedReach, triggerNames } from './triggers';
import { expressionTaints, workflowTaint, type WorkflowTaint } from './taint';
import { actionHoldsToken, isTokenValue } from './permissions/index';
import {
  agentActsForAnyone,
  artifactDownloadOf,
  checkoutOfHead,
  executesWorkspace,
  forksRefusedBefore,
  memberApprovedHead,
  OWN_RUNS_ONLY,
  permissionCheckedBefore,
  executionAfterCheckout,
  UNZIP_HERE,
} from './untrusted-code';

/**
 * Activity types of outsider events that only people with triage or write access can cause (labels, assignments...).
 * `closed` is not among them: authors close their own issues and pull requests.
 */
const COLLABORATOR_TYPES = new Set([
  'labeled',
  'unlabeled',
  'assigned',
  'unassigned',
  'milestoned',
  'demilestoned',
  'pinned',
  'unpinned',
  'locked',
  'unlocked',
  'transferred',
  'deleted',
  'category_changed',
  'answered',
  'unanswered',
]);

/** The trigger's `types:`, when it lists them. */
export function activityTypes(trigger: Trigger): string[] | undefined {
  const types = trigger.config ? mapGet(trigger.config, 'types') : undefined;
  if (!types) return undefined;
  if (isSeq(types)) return types.items.map((i) => String((i as { value?: unknown }).value ?? ''));
  const v = (types as { value?: unknown }).value;
  return v === undefined ? undefined : [String(v)];
}

/**
 * Any GitHub user can fire it and the run gets this repository's token and secrets (pull_request_target,
 * issue_comment, issues, discussion*, workflow_run...), not only through activity types collaborators cause. A fork's
 * pull_request (and its reviews) runs with a read-only token and no secrets, so it does not count.
 */
export function outsiderFiresPrivileged(trigger: Trigger): boolean {
  if (!PRIVILEGED_OUTSIDER_EVENTS.has(trigger.event)) return false;
  const types = activityTypes(trigger);
  return !types || types.some((t) => !COLLABORATOR_TYPES.has(t));
}

export interface TokenExposure {
  /** The outsider-fired event that reaches the job. */
  event: string;
  /** What the outsider's code or text does there, e.g. "checks out ... and then runs `npm ci`". */
  what: string;
  span: Span;
  /** How that code gets at the token, e.g. "left in .git/config by actions/checkout@v4". */
  via: string;
  /**
   * The outsider only starts the job; what holds the token is a third-party action on a movable ref, so the attacker
   * is whoever can move that tag, not the outsider.
   */
  movedTagOnly: boolean;
}

/** The first path from an outsider to this job's token, if any (computed once per file). */
export function tokenExposure(ctx: AnalyzedFile, wf: Workflow, job: Job): TokenExposure | undefined {
  return ctx.cached('token-exposure', () => new Map(wf.jobs.map((j) => [j, exposureOf(ctx, wf, j)]))).get(job);
}

/** The path in words, for messages: "issue_comment from any user reaches job 'x', which ... with the token (...)". */
export function describeExposure(jobId: string, e: TokenExposure): string {
  return `${e.event} from any user reaches job '${jobId}', which ${e.what} with the token (${e.via})`;
}

/**
 * Whether someone without write access can start this job with the repository's secrets, or get code of theirs run in
 * it: a trigger any GitHub user fires that runs with secrets (pull_request_target, issue_comment, workflow_run...) and
 * whose conditions can hold for them (no membership or permission check stops them), a pull request's head checked out
 * and then run (even behind a label, comment or permission gate: the head can change after the check), a triggering
 * run's artifacts run, or a path to the job's token. A fork's pull_request run gets no secrets, so it does not count.
 * Rules that are hygiene when only collaborators can start the job (deploys, static keys) are rated by this.
 */
export function outsiderReachesJob(ctx: AnalyzedFile, wf: Workflow, job: Job): boolean {
  // Asked for each job by several rules and again for each of its steps: answered once per job and file.
  const known = ctx.cached('token-exposure:outsider', () => new Map<Job, boolean>());
  let reaches = known.get(job);
  if (reaches === undefined) known.set(job, (reaches = computeOutsiderReachesJob(ctx, wf, job)));
  return reaches;
}

function computeOutsiderReachesJob(ctx: AnalyzedFile, wf: Workflow, job: Job): boolean {
  if (wf.triggers.some((t) => t.event === 'workflow_call') && callerReach(ctx)) return true;
  const ownRunsOnly = OWN_RUNS_ONLY.test(job.if?.text ?? '');
  const ungated =
    gatedReach(wf, job, conditionalReach(wf, [job.if?.text])) === 'outsider-privileged' &&
    wf.triggers.some(
      (t) =>
        outsiderFiresPrivileged(t) &&
        !(ownRunsOnly && t.event === 'workflow_run') &&
        conditionsCanHold([job.if?.text], { event: t.event, outsider: true }),
    );
  return ungated || runsOutsiderCode(ctx, wf, job);
}

/**
 * A reusable workflow is reached through its callers: through a calling job that an outsider-fired trigger with
 * secrets reaches. When the callers cannot be looked up (no repository reader) that is unknown, counted as reachable.
 */
function callerReach(ctx: AnalyzedFile): boolean {
  const callers = findCallers(ctx, 'workflow');
  return (
    !callers ||
    callers.calls.some(
      (c) =>
        c.kind === 'workflow' &&
        gatedReach(c.wf, c.job, conditionalReach(c.wf, [c.job.if?.text])) === 'outsider-privileged',
    )
  );
}

/**
 * Whether code or text an outsider controls runs in the job with the repository's secrets: a pull request's head
 * checked out and then run (even behind a label, comment or permission gate), a triggering run's artifacts run, or a
 * path to the job's token.
 */
export function runsOutsiderCode(ctx: AnalyzedFile, wf: Workflow, job: Job): boolean {
  if (job.uses) return false;
  let events = triggerNames(wf).filter((e) => PRIVILEGED_OUTSIDER_EVENTS.has(e));
  if (OWN_RUNS_ONLY.test(job.if?.text ?? '')) events = events.filter((e) => e !== 'workflow_run');
  if (!events.length || conditionalReach(wf, [job.if?.text]) !== 'outsider-privileged') return false;
  if (tokenExposure(ctx, wf, job)) return true;
  return job.steps.some((step, i) => {
    const checkout = checkoutOfHead(step, ctx.text);
    if (
      checkout &&
      !forksRefusedBefore(job, step) &&
      !memberApprovedHead(job, checkout, wf.jobs) &&
      executionAfterCheckout(job, checkout, ctx.text)
    )
      return true;
    const download = events.includes('workflow_run') ? artifactDownloadOf(step, ctx.text) : undefined;
    return !!download && job.steps.slice(i + 1).some((s) => executesWorkspace(s, ctx.text));
  });
}

const WORKFLOW_RUN: ReadonlySet<string> = new Set(['workflow_run']);

interface Influence {
  /** The step whose conditions decide whether it happens (the checkout, the download, the step itself). */
  step: Step;
  /** The step where the outsider's code or text runs. */
  at: Step;
  what: string;
  span: Span;
  /** The outsider runs code of their own (not only steers an action): anything the job's runner holds is theirs. */
  runsCode: boolean;
  /** The events on which it is the outsider's (a pull request's head, a triggering run's artifacts); all when unset. */
  on?: ReadonlySet<string>;
  /** A third-party action on a movable ref: nothing the outsider wrote runs, only code its owner can swap in. */
  movedTag?: boolean;
}

function exposureOf(ctx: AnalyzedFile, wf: Workflow, job: Job): TokenExposure | undefined {
  if (job.uses) return undefined;
  let events = [...new Set(wf.triggers.filter(outsiderFiresPrivileged).map((t) => t.event))];
  if (OWN_RUNS_ONLY.test(job.if?.text ?? '')) events = events.filter((e) => e !== 'workflow_run');
  if (events.length === 0) return undefined;
  const taint = workflowTaint(wf, ctx);
  // A path through the outsider's own code or text is preferred over one through a movable action tag.
  let movedTag: TokenExposure | undefined;
  for (const influence of influences(ctx, wf, job, events, taint)) {
    const conds = [job.if?.text, influence.step.if?.text];
    // Fork checks and event filters in `if:`; membership, login and permission gates before the step.
    if (conditionalReach(wf, conds) !== 'outsider-privileged') continue;
    const event = events.find(
      (e) => (!influence.on || influence.on.has(e)) && conditionsCanHold(conds, { event: e, outsider: true }),
    );
    if (!event || permissionCheckedBefore(job, influence.step, wf.jobs)) continue;
    const via = tokenReach(job, wf, influence);
    if (!via) continue;
    const exposure = { event, what: influence.what, span: influence.span, via, movedTagOnly: !!influence.movedTag };
    if (!exposure.movedTagOnly) return exposure;
    movedTag ??= exposure;
  }
  return movedTag;
}

function* influences(
  ctx: AnalyzedFile,
  wf: Workflow,
  job: Job,
  events: string[],
  taint: WorkflowTaint,
): Generator<Influence> {
  const headEvents = events.some((e) => HEAD_CODE_PRIVILEGED_EVENTS.has(e));
  for (const [i, step] of job.steps.entries()) {
    const checkout = headEvents ? checkoutOfHead(step, ctx.text) : undefined;
    const merged = /pull_request\.merged\s*(==\s*true)?(\s|\)|$|&)/.test(
      `${job.if?.text ?? ''} ${step.if?.text ?? ''}`,
    );
    if (checkout && !merged && !forksRefusedBefore(job, step)) {
      const run = executionAfterCheckout(job, checkout, ctx.text);
      if (run)
        yield {
          step,
          at: run.step,
          what: `${checkout.what}, then ${run.what}`,
          span: run.span,
          runsCode: true,
          on: HEAD_CODE_PRIVILEGED_EVENTS,
        };
    }
    const download = events.includes('workflow_run') ? artifactDownloadOf(step, ctx.text) : undefined;
    if (download) {
      const later = job.steps.slice(i + 1);
      const extracted = download.overWorkspace || later.some((s) => !!s.run && UNZIP_HERE.test(s.run.text));
      const run = extracted ? later.map((s) => executesWorkspace(s, ctx.text)).find((e) => e) : undefined;
      if (run)
        yield {
          step,
          at: run.step,
          what: `${download.what} (a fork's pull request controls them) into the workspace, then ${run.what}`,
          span: run.span,
          runsCode: true,
          on: WORKFLOW_RUN,
        };
    }
    const injected = injectedText(step, taint);
    if (injected)
      yield {
        step,
        at: step,
        what: `expands ${injected.origin} into the script of ${quotedLabel(step)}`,
        span: injected.span,
        runsCode: true,
      };
    if (agentActsForAnyone(step) && step.uses)
      yield {
        step,
        at: step,
        what: `runs the AI agent ${step.uses.slug} on text the outsider wrote`,
        span: step.uses.span,
        runsCode: false,
      };
    const uses = step.uses;
    if (
      uses?.kind === 'action' &&
      !uses.pinned &&
      uses.owner &&
      !['actions', 'github'].includes(uses.owner.toLowerCase())
    )
      yield {
        step,
        at: step,
        what: `runs the third-party action ${uses.raw.trim()} (a movable ref, not a commit SHA)`,
        span: uses.span,
        runsCode: false,
        movedTag: true,
      };
  }
}

/** Attacker text from the event expanded into a script the step runs (`run:` or github-script's `script:`). */
function injectedText(step: Step, taint: WorkflowTaint): { origin: string; span: Span } | undefined {
  const script: ScalarValue | undefined =
    step.run ??
    (step.uses?.slug === 'actions/github-script'
      ? step.with?.entries.find((e) => e.name === 'script')?.value
      : undefined);
  if (!script?.expressions.length) return undefined;
  const scope = taint.stepScope(step);
  for (const expr of script.expressions) {
    const hit = expressionTaints(expr, scope).find(
      (h) => h.taint.source === 'event' && h.taint.confidence !== 'low' && !(step.run && h.taint.shellEscaped),
    );
    if (hit) return { origin: hit.taint.origin, span: expr.span };
  }
  return undefined;
}

/**
 * How the outsider's code gets the GITHUB_TOKEN: credentials an earlier checkout left in .git/config, a job or
 * workflow env var, the step itself, or (for code of their own) a later step of the same runner, whose tools and
 * environment that code can replace. Undefined when no step of the job holds it.
 */
function tokenReach(job: Job, wf: Workflow, influence: Influence): string | undefined {
  const index = job.steps.indexOf(influence.at);
  const envVar = [...(wf.env?.entries ?? []), ...(job.env?.entries ?? [])].find(
    (e) => e.value && isTokenValue(e.value),
  );
  if (envVar) return `the job's env ${envVar.name} holds it`;
  const persisting = job.steps.slice(0, index).find(persistsToken);
  if (persisting) return `left in .git/config by ${persisting.uses?.raw.trim() ?? stepLabel(persisting)}`;
  if (holdsToken(influence.at)) return `${quotedLabel(influence.at)} is given it`;
  if (!influence.runsCode) return undefined;
  const later = job.steps.slice(index + 1).find((s) => holdsToken(s) || persistsToken(s));
  return later ? `${quotedLabel(later)} gets it later on the same runner, after that code ran` : undefined;
}

function holdsToken(step: Step): boolean {
  const values = [...(step.env?.entries ?? []), ...(step.with?.entries ?? [])].map((e) => e.value);
  if (values.some((v) => v && isTokenValue(v)) || (step.run && isTokenValue(step.run))) return true;
  const entry = step.uses?.slug ? lookupAction(step.uses.slug) : undefined;
  return !!entry && actionHoldsToken(entry, step, new Map(), { gitCredentials: false, tokenInputs: new Set() });
}

/** actions/checkout with the GITHUB_TOKEN (its default) and persist-credentials left on. */
function persistsToken(step: Step): boolean {
  if (!step.uses?.slug || !/(^|\/)checkout(-action)?$/.test(step.uses.slug)) return false;
  const input = (name: string) => step.with?.entries.find((e) => e.name === name)?.value;
  const token = input('token');
  if (token && token.text.trim() !== '' && !isTokenValue(token)) return false;
  const persist = input('persist-credentials')?.text.trim();
  return persist === undefined || !/^false$/i.test(persist);
}

/** 'Name' of a named step or action, else "step N". */
function quotedLabel(step: Step): string {
  return step.name || step.uses ? `'${stepLabel(step)}'` : stepLabel(step);
}
