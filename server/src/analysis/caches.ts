// Which steps restore and save a GitHub Actions cache, and which workflows of the repository could write a poisoned
// entry into the default branch's cache scope: a job any GitHub user can start there (pull_request_target,
// issue_comment, workflow_run, issues...) that runs the attacker's code (a pull request's head checked out and built, or
// attacker text expanded into a script) and saves a cache of the same ecosystem. A release that restores such a cache
// can be poisoned; without such a writer, restoring caches in a release job is defence in depth.
import type { AnalyzedFile } from './file';
import type { KeyValue } from '../model/common';
import type { Job, Step, Workflow } from '../model/workflow';
import { CACHING_ACTIONS, type CacheEcosystem, type CachingAction } from '../knowledge/untrusted-input';
import { inRange, parseVersion } from './supply-chain/versions';
import { repositoryWorkflows } from './callers';
import { conditionalReach } from './triggers';
import { classifyContext } from './contexts';
import { checkoutOfHead, executionAfterCheckout, forksRefusedBefore } from './untrusted-code';

export interface CacheStep {
  slug: string;
  ecosystem: CacheEcosystem;
  /** The knowledge entry (absent for docker/build-push-action's `cache-from: type=gha`). */
  known?: CachingAction;
  /** The input that switches the cache on, when one is set. */
  entry?: KeyValue;
  /** Its value (trimmed); undefined when the cache is on by default. */
  value?: string;
  /** The action restores and never saves. */
  restoreOnly: boolean;
}

/** An input value that leaves the cache off: empty, or false as actions read booleans. */
const OFF = /^(false|)$/i;
/** A cache input expression that is off on tag builds (`${{ !startsWith(github.ref, 'refs/tags/') }}`). */
const OFF_ON_TAGS =
  /^\s*\$\{\{\s*(!\s*startsWith\(\s*github\.ref\s*,\s*'refs\/tags\/'\s*\)|github\.ref_type\s*!=\s*'tag')\s*\}\}\s*$/i;

/** The cache a step restores (and, unless restore-only, saves), or undefined when it uses none. */
export function cacheStep(step: Step): CacheStep | undefined {
  const slug = step.uses?.slug;
  if (
    slug === 'docker/build-push-action' &&
    step.with?.entries.some((e) => e.name === 'cache-from' && /type=gha/.test(e.value?.text ?? ''))
  )
    return { slug, ecosystem: 'docker', restoreOnly: false };
  const known = slug ? CACHING_ACTIONS.get(slug) : undefined;
  if (!slug || !known) return undefined;
  const base = { slug, known, ecosystem: known.ecosystem, restoreOnly: !!known.restoreOnly };
  if (known.restores === 'always') return base;
  const entry = step.with?.entries.find((e) => e.name === known.input);
  const value = entry?.value?.text.trim();
  if (value === undefined || value === '') {
    // Unset: on only where the version used defaults to it (a ref naming no version is taken as recent).
    const version = step.uses?.ref ? parseVersion(step.uses.ref) : undefined;
    if (!known.defaultOnSince || (version && !inRange(version, `>= ${known.defaultOnSince}`))) return undefined;
    return base;
  }
  if (OFF.test(value) || OFF_ON_TAGS.test(value)) return undefined;
  return { ...base, entry, value };
}

/** A writer's entries can be what a restore of `restored` picks up. */
export function sameCacheEcosystem(written: CacheEcosystem, restored: CacheEcosystem): boolean {
  return written === restored || written === 'any' || restored === 'any';
}

export interface CacheWriter {
  /** Repository-relative path of the writer's workflow. */
  path: string;
  /** 1-based line of the writer's cache step. */
  line: number;
  /** The writer is a job of the file being analyzed: its cache step's span there. */
  span?: Step['span'];
  jobId: string;
  /** The outsider events that start it. */
  trigger: string;
  /** How the attacker's code runs there. */
  how: string;
  cache: CacheStep;
}

/** Events any GitHub user can cause that run in the default branch's cache scope with the attacker's code in reach. */
const DEFAULT_SCOPE_OUTSIDER_EVENTS = new Set([
  'pull_request_target',
  'issue_comment',
  'issues',
  'workflow_run',
  'discussion',
  'discussion_comment',
]);

/**
 * Jobs of this repository (this workflow included) that an outsider can run code in on the default branch's cache
 * scope and that save a cache; undefined when the repository's workflows cannot be read (a single file).
 */
export function lowerTrustCacheWriters(ctx: AnalyzedFile, self: Workflow): CacheWriter[] | undefined {
  return ctx.cached('cache-writers', () => {
    const others = ctx.readFile ? repositoryWorkflows(ctx.readFile) : undefined;
    if (!others) return undefined;
    const normalized = ctx.path.replace(/\\/g, '/');
    const isSelf = (path: string) => normalized === path || normalized.endsWith(`/${path}`);
    const selfPath = others.find((o) => isSelf(o.path))?.path ?? ctx.path;
    const workflows = [{ path: selfPath, wf: self }, ...others.filter((o) => !isSelf(o.path))];
    return workflows.flatMap(({ path, wf }) => writersIn(wf, path, wf === self));
  });
}

function writersIn(wf: Workflow, path: string, isSelf: boolean): CacheWriter[] {
  const events = [...new Set(wf.triggers.map((t) => t.event))].filter((e) => DEFAULT_SCOPE_OUTSIDER_EVENTS.has(e));
  if (events.length === 0) return [];
  const out: CacheWriter[] = [];
  for (const job of wf.jobs) {
    const how = attackerCode(wf, job);
    if (!how) continue;
    for (const step of job.steps) {
      const cache = cacheStep(step);
      if (!cache || cache.restoreOnly) continue;
      out.push({
        path,
        line: wf.text.slice(0, step.span.start).split('\n').length,
        span: isSelf ? (step.uses?.span ?? step.span) : undefined,
        jobId: job.id,
        trigger: events.join('/'),
        how,
        cache,
      });
    }
  }
  return out;
}

/**
 * How an outsider's code runs in this job on a trigger they can fire: a pull request's head checked out and then
 * built or run (unless an earlier step refuses forks' pull requests), or attacker text expanded into a script.
 */
function attackerCode(wf: Workflow, job: Job): string | undefined {
  for (const step of job.steps) {
    if (conditionalReach(wf, [job.if?.text, step.if?.text]) !== 'outsider-privileged') continue;
    const checkout = checkoutOfHead(step, wf.text);
    if (checkout && !forksRefusedBefore(job, step)) {
      const execution = executionAfterCheckout(job, checkout, wf.text);
      if (execution) return `${checkout.what} and ${execution.what}`;
    }
    const script =
      step.run ??
      step.with?.entries.find((e) => e.name === 'script' && step.uses?.slug === 'actions/github-script')?.value;
    for (const e of script?.expressions ?? [])
      for (const c of e.contexts) {
        const trust = classifyContext(c.segments);
        if (trust.kind === 'untrusted' && trust.confidence !== 'low') return `expands ${c.path} into a script`;
      }
  }
  return undefined;
}
