// Which steps restore and save a GitHub Actions cache, and which workflows of the repository could write a poisoned
// entry into the default branch's cache scope: a job any GitHub user can start there (pull_request_target,
// issue_comment, workflow_run, issues...) that runs the attacker's code (a pull request's head checked out and built, or
// attacker text expanded into a script) and saves a cache of the same ecosystem. A release that restores such a cache
// can be poisoned; without such a writer, restoring caches in a release job is defence in depth.
import type { AnalyzedFile, RepoReader } from './file';
import type { KeyValue } from '../model/common';
import type { Job, Step, Workflow } from '../model/workflow';
import {
  CACHING_ACTIONS,
  type CacheEcosystem,
  type CachingAction,
  type PackageManager,
} from '../knowledge/untrusted-input';
import { commentVersion, isFullSha, trailingComment } from './supply-chain/uses-text';
import { inRange, parseVersion } from './supply-chain/versions';
import { repositoryWorkflows } from './callers';
import { conditionalReach } from './triggers';
import { classifyContext } from './contexts';
import { checkoutOfHead, executionAfterCheckout, forksRefusedBefore, memberApprovedHead } from './untrusted-code';

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
  /** The package manager whose cache setup-node restores (its `cache:` input, or package.json's with none). */
  packageManager?: PackageManager;
  /** setup-node caches it with no cache input, because package.json names it. */
  automatic?: boolean;
}

/** An input value that leaves the cache off: empty, or false as actions read booleans. */
const OFF = /^(false|)$/i;
/** A cache input expression that is off on tag builds (`${{ !startsWith(github.ref, 'refs/tags/') }}`). */
const OFF_ON_TAGS =
  /^\s*\$\{\{\s*(!\s*startsWith\(\s*github\.ref\s*,\s*'refs\/tags\/'\s*\)|github\.ref_type\s*!=\s*'tag')\s*\}\}\s*$/i;

/** An input's value without quotes, lower-cased; undefined when the step does not set it. */
function inputValue(step: Step, name: string): string | undefined {
  const entry = step.with?.entries.find((e) => e.name === name);
  return entry?.value?.text
    .trim()
    .replace(/^['"]|['"]$/g, '')
    .toLowerCase();
}

const MANAGER_FIELD = /^\^?(npm|pnpm|yarn)(@.*)?$/;

/**
 * The package manager the repository's root package.json names, as setup-node reads it (`devEngines.packageManager`,
 * an object or a list, before `packageManager`); null when there is none or the file cannot be read (no reader).
 */
function declaredPackageManager(readFile: RepoReader | undefined): PackageManager | null {
  const text = readFile?.('package.json');
  if (!text) return null;
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch {
    return null;
  }
  if (!pkg || typeof pkg !== 'object') return null;
  const { devEngines, packageManager } = pkg as { devEngines?: { packageManager?: unknown }; packageManager?: unknown };
  const dev = devEngines?.packageManager;
  for (const entry of Array.isArray(dev) ? dev : dev ? [dev] : []) {
    const name = (entry as { name?: unknown } | null)?.name;
    const m = typeof name === 'string' ? MANAGER_FIELD.exec(name) : null;
    if (m) return m[1] as PackageManager;
  }
  const m = typeof packageManager === 'string' ? MANAGER_FIELD.exec(packageManager) : null;
  return m ? (m[1] as PackageManager) : null;
}

/** The package manager package.json names, read once per analysed file (the rule and the writer search share it). */
export function packageManagerOf(ctx: AnalyzedFile): PackageManager | null {
  return ctx.cached('package-manager', () => declaredPackageManager(ctx.readFile));
}

/**
 * setup-node with no cache input: from v5 it caches the package manager package.json names (v5 any of npm, pnpm,
 * yarn; from v6 npm only) unless `package-manager-cache: false`. A ref naming no version is taken as recent.
 */
function automaticPackageManager(
  step: Step,
  auto: NonNullable<CachingAction['packageManagerCache']>,
  declared: PackageManager | null,
  text: string,
): PackageManager | undefined {
  if (!declared || inputValue(step, auto.offInput) === 'false') return undefined;
  const version = usedVersion(step, text);
  const range = version
    ? auto.byVersion.find((r) =>
        inRange(version, [`>= ${r.since}`, r.until && `< ${r.until}`].filter(Boolean).join(', ')),
      )
    : auto.byVersion[auto.byVersion.length - 1];
  return range?.managers.includes(declared) ? declared : undefined;
}

/** The version a step's ref names, or for a SHA pin the version its `# v5.0.0` comment names. */
function usedVersion(step: Step, text: string) {
  const uses = step.uses;
  if (!uses?.ref) return undefined;
  const named = isFullSha(uses.ref) ? commentVersion(trailingComment(text, uses)?.text) : uses.ref;
  return named ? parseVersion(named) : undefined;
}

/** Whether a run: script of the job starts one of the commands (words separated by any whitespace). */
function runsAnyOf(job: Job, commands: string[]): boolean {
  const scripts = job.steps.map((s) => s.run?.text ?? '').join('\n');
  return commands.some((c) => new RegExp(`(^|[\\s;&|(])${c.split(' ').join('\\s+')}\\b`).test(scripts));
}

function selfHosted(job: Job): boolean {
  return job.runsOn.some((r) => /self-hosted/i.test(r.text));
}

/**
 * The cache a step restores (and, unless restore-only, saves), or undefined when it uses none. `text` is the file the
 * step is in; `declared` reads the package manager package.json names (only asked for setup-node without `cache:`).
 */
export function cacheStep(
  step: Step,
  job: Job,
  text: string,
  declared: () => PackageManager | null,
): CacheStep | undefined {
  const slug = step.uses?.slug;
  if (
    slug === 'docker/build-push-action' &&
    step.with?.entries.some((e) => e.name === 'cache-from' && /type=gha/.test(e.value?.text ?? ''))
  )
    return { slug, ecosystem: 'docker', restoreOnly: false };
  const known = slug ? CACHING_ACTIONS.get(slug) : undefined;
  if (!slug || !known) return undefined;
  const base = { slug, known, ecosystem: known.ecosystem, restoreOnly: !!known.restoreOnly };
  if (known.restores === 'always') {
    const off = known.offInput;
    return off && off.values.includes(inputValue(step, off.name) ?? '') ? undefined : base;
  }
  const entry = step.with?.entries.find((e) => e.name === known.input);
  const value = entry?.value?.text.trim();
  if (value === undefined || value === '') {
    if (known.packageManagerCache) {
      const packageManager = automaticPackageManager(step, known.packageManagerCache, declared(), text);
      return packageManager ? { ...base, packageManager, automatic: true } : undefined;
    }
    // Unset: on only where the version used defaults to it (a ref naming no version is taken as recent).
    const version = usedVersion(step, text);
    if (!known.defaultOnSince || (version && !inRange(version, `>= ${known.defaultOnSince}`))) return undefined;
    if (known.defaultOnlyOn === 'github-hosted' && selfHosted(job)) return undefined;
    if (known.defaultReadBy && !runsAnyOf(job, known.defaultReadBy)) return undefined;
    return base;
  }
  if (OFF.test(value) || OFF_ON_TAGS.test(value)) return undefined;
  const manager = slug === 'actions/setup-node' ? /^(npm|pnpm|yarn)$/.exec(value.replace(/^['"]|['"]$/g, '')) : null;
  return { ...base, entry, value, packageManager: manager ? (manager[1] as PackageManager) : undefined };
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
    const declared = () => packageManagerOf(ctx);
    return workflows.flatMap(({ path, wf }) => writersIn(wf, path, wf === self, declared));
  });
}

function writersIn(wf: Workflow, path: string, isSelf: boolean, declared: () => PackageManager | null): CacheWriter[] {
  const events = [...new Set(wf.triggers.map((t) => t.event))].filter((e) => DEFAULT_SCOPE_OUTSIDER_EVENTS.has(e));
  if (events.length === 0) return [];
  const out: CacheWriter[] = [];
  for (const job of wf.jobs) {
    const how = attackerCode(wf, job);
    if (!how) continue;
    for (const step of job.steps) {
      const cache = cacheStep(step, job, wf.text, declared);
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
 * built or run (unless an earlier step refuses forks' pull requests, or a member's comment approved exactly that
 * head), or attacker text expanded into a script.
 */
function attackerCode(wf: Workflow, job: Job): string | undefined {
  for (const step of job.steps) {
    if (conditionalReach(wf, [job.if?.text, step.if?.text]) !== 'outsider-privileged') continue;
    const checkout = checkoutOfHead(step, wf.text);
    if (checkout && !forksRefusedBefore(job, step) && !memberApprovedHead(job, checkout, wf.jobs)) {
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
