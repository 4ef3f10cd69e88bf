// Who can start a workflow, and with what in reach. Rules scale severity by this: an injection any GitHub user can
// fire with secrets and a write token is worse than one only a maintainer can start.
import type { Severity } from './levels';
import { OUTSIDER_EVENTS, PRIVILEGED_OUTSIDER_EVENTS } from '../knowledge/untrusted-input';
import type { Job, Workflow } from '../model/workflow';
import { conditionsCanHold } from './conditions';

/**
 * - outsider-privileged: any GitHub user can trigger it and the job runs in the base repository with secrets and a
 *   possibly writable token (pull_request_target, issue_comment, workflow_run...).
 * - outsider: any GitHub user can trigger it, but fork runs get a read-only token and no secrets (pull_request...).
 * - caller: a reusable workflow; reach is whatever its callers allow.
 * - maintainer: only people with write access (push, workflow_dispatch, schedule, release...).
 */
export type Reach = 'outsider-privileged' | 'outsider' | 'caller' | 'maintainer';

const REACH_ORDER: Reach[] = ['outsider-privileged', 'outsider', 'caller', 'maintainer'];

export function eventReach(event: string): Reach {
  if (PRIVILEGED_OUTSIDER_EVENTS.has(event)) return 'outsider-privileged';
  if (OUTSIDER_EVENTS.has(event)) return 'outsider';
  if (event === 'workflow_call') return 'caller';
  return 'maintainer';
}

/** The widest reach among the workflow's triggers (a workflow with no valid trigger counts as maintainer-only). */
export function workflowReach(wf: Workflow): Reach {
  let best = REACH_ORDER.length - 1;
  for (const t of wf.triggers) best = Math.min(best, REACH_ORDER.indexOf(eventReach(t.event)));
  return REACH_ORDER[best];
}

const EVENT_EQUALS = /github\.event_name\s*==\s*'([\w-]+)'|'([\w-]+)'\s*==\s*github\.event_name/g;
/** Conditions that exclude forks: same-repository pull requests only. */
const SAME_REPO =
  /github\.event\.pull_request\.head\.repo\.full_name\s*==\s*github\.repository|github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name|github\.event\.pull_request\.head\.repo\.full_name\s*==\s*'[\w.-]+\/[\w.-]+'|github\.event\.pull_request\.head\.repo\.fork\s*==\s*false|!\s*github\.event\.pull_request\.head\.repo\.fork\b/;

/**
 * The reach of a job or step given its `if:` conditions: `github.event_name == 'push'` limits it to that event, and a
 * same-repository check on the pull request excludes forks. Only conditions joined by `&&` narrow (an `||` may reopen).
 */
export function conditionalReach(wf: Workflow, conditions: Array<string | undefined>): Reach {
  // Rules ask for the same job's and step's conditions again and again: answered once per workflow and conditions,
  // looked up condition by condition (the texts' hashes are kept; a joined key would be hashed on every call).
  let node: ReachMemo | undefined = REACH_BY_CONDITIONS.get(wf);
  if (!node) REACH_BY_CONDITIONS.set(wf, (node = { next: new Map() }));
  for (const cond of conditions) {
    let next: ReachMemo | undefined = node.next.get(cond ?? '');
    if (!next) node.next.set(cond ?? '', (next = { next: new Map() }));
    node = next;
  }
  return (node.reach ??= computeConditionalReach(wf, conditions));
}

interface ReachMemo {
  reach?: Reach;
  next: Map<string, ReachMemo>;
}

const REACH_BY_CONDITIONS = new WeakMap<Workflow, ReachMemo>();

function computeConditionalReach(wf: Workflow, conditions: Array<string | undefined>): Reach {
  let events = triggerNames(wf);
  for (const cond of conditions) {
    if (!cond) continue;
    const named = [...cond.matchAll(EVENT_EQUALS)].map((m) => m[1] ?? m[2]);
    const rest = cond.replace(EVENT_EQUALS, '');
    if (named.length > 0 && !/\|\|/.test(rest) && !/github\.event_name\s*!=/.test(cond))
      events = events.filter((e) => named.includes(e));
    if (SAME_REPO.test(cond) && !/\|\|/.test(cond))
      events = events.filter((e) => !OUTSIDER_EVENTS.has(e) && e !== 'pull_request_target');
  }
  let best = REACH_ORDER.length - 1;
  for (const e of events) best = Math.min(best, REACH_ORDER.indexOf(eventReach(e)));
  return REACH_ORDER[best];
}

/** A script or github-script call that asks for the triggering user's permission on the repository. */
const PERMISSION_CHECK = /\/collaborators\/[^\s/]+\/permission|getCollaboratorPermissionLevel/;

/**
 * Whether the job, or a job it needs (transitively), asks the REST API for the user's permission on the repository
 * before it goes on: chat-ops bots that let only maintainers run commands do this in a step, not in an `if:`.
 */
function permissionChecked(wf: Workflow, job: Job): boolean {
  const known = CHECKED.get(job);
  if (known !== undefined) return known;
  const checked = findsPermissionCheck(wf, job);
  CHECKED.set(job, checked);
  return checked;
}

const CHECKED = new WeakMap<Job, boolean>();

/** The reach of a job an outsider can start but whose steps only go on for users with a permission on the repository. */
export function gatedReach(wf: Workflow, job: Job, reach: Reach): Reach {
  return outsiderReachable(reach) && permissionChecked(wf, job) ? 'maintainer' : reach;
}

function findsPermissionCheck(wf: Workflow, job: Job): boolean {
  const byId = jobsById(wf);
  const seen = new Set<Job>([job]);
  const queue = [job];
  while (queue.length) {
    const j = queue.pop()!;
    if (stepsCheckPermission(j)) return true;
    for (const need of j.needs) {
      const dep = byId.get(need.text.toLowerCase());
      if (dep && !seen.has(dep)) {
        seen.add(dep);
        queue.push(dep);
      }
    }
  }
  return false;
}

/** Whether one of the job's own steps asks for the permission; read once per job (jobs it is needed by ask again). */
function stepsCheckPermission(job: Job): boolean {
  let checks = OWN_CHECK.get(job);
  if (checks === undefined) {
    checks = job.steps.some((step) => {
      const script = step.run?.text ?? step.with?.entries.find((e) => e.name === 'script')?.value?.text;
      return !!script && PERMISSION_CHECK.test(script);
    });
    OWN_CHECK.set(job, checks);
  }
  return checks;
}

const OWN_CHECK = new WeakMap<Job, boolean>();

/** Jobs by lower-cased id, once per workflow (asked for each job: a generated workflow has hundreds). */
function jobsById(wf: Workflow): ReadonlyMap<string, Job> {
  let byId = JOBS_BY_ID.get(wf);
  if (!byId) JOBS_BY_ID.set(wf, (byId = new Map(wf.jobs.map((j) => [j.id.toLowerCase(), j]))));
  return byId;
}

const JOBS_BY_ID = new WeakMap<Workflow, ReadonlyMap<string, Job>>();

export function outsiderReachable(reach: Reach): boolean {
  return reach === 'outsider-privileged' || reach === 'outsider';
}

/**
 * Severity of an injection-like finding for a given reach. A fork's `pull_request` run is low: the author can already
 * change the workflow itself in the pull request, and the run has a read-only token and no secrets.
 */
export function severityForReach(reach: Reach | 'action'): Severity {
  switch (reach) {
    case 'outsider-privileged':
      return 'high';
    case 'outsider':
      return 'low';
    case 'caller':
    case 'action':
      return 'medium';
    default:
      return 'low';
  }
}

export function describeReach(reach: Reach | 'action'): string {
  switch (reach) {
    case 'outsider-privileged':
      return 'any GitHub user can trigger this workflow, and it runs with secrets and the repository token';
    case 'outsider':
      return 'outsiders can trigger this workflow from a fork (read-only token, no secrets)';
    case 'caller':
      return 'this reusable workflow runs with whatever its callers pass in';
    case 'action':
      return 'this action runs with whatever its callers pass in';
    default:
      return 'only users with write access can trigger this workflow';
  }
}

export function triggerNames(wf: Workflow): string[] {
  return [...new Set(wf.triggers.map((t) => t.event))];
}

/** Status functions in an `if:` that let a job run after a job it needs was skipped or failed. */
const RUNS_AFTER_SKIPPED_NEED = /\b(?:always|failure|cancelled)\s*\(/;

/**
 * The workflow's triggers on which the job (with `extra` conditions, such as a step's `if:`) can run. Its `if:` must be
 * able to hold, and so must every job it needs, transitively: a skipped need skips it unless its `if:` calls always(),
 * failure() or cancelled(), and even then a `needs.<id>.result == 'success'` it requires is false. So a job that needs
 * a job gated on `github.event_name == 'workflow_dispatch'` cannot run on the workflow's pull_request trigger.
 */
export function jobEvents(wf: Workflow, job: Job, extra?: string): string[] {
  const byId = new Map(wf.jobs.map((j) => [j.id.toLowerCase(), j]));
  const memo = new Map<string, boolean>();
  const canRun = (j: Job, event: string, path: ReadonlySet<Job>, conditions: Array<string | undefined>): boolean => {
    const key = `${j.id}\n${event}`;
    const known = conditions.length === 1 ? memo.get(key) : undefined;
    if (known !== undefined) return known;
    // A cycle in needs is invalid (GitHub refuses the workflow): treat the need as able to run.
    const needs = j.needs.map((n) => byId.get(n.text.toLowerCase())).filter((n): n is Job => !!n && !path.has(n));
    const inner = new Set([...path, j]);
    const skipped = new Set(needs.filter((n) => !canRun(n, event, inner, [n.if?.text])).map((n) => n.id.toLowerCase()));
    const runs =
      (skipped.size === 0 || RUNS_AFTER_SKIPPED_NEED.test(j.if?.text ?? '')) &&
      conditionsCanHold(conditions, { event, skippedNeeds: skipped });
    if (conditions.length === 1) memo.set(key, runs);
    return runs;
  };
  return triggerNames(wf).filter((e) => canRun(job, e, new Set(), extra ? [job.if?.text, extra] : [job.if?.text]));
}
