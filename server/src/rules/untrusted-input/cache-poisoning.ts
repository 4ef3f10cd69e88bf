import { type Fix } from '../../engine/types';
import { defineRule } from '../../engine/rule';
import type { Job, Step, Workflow } from '../../model/workflow';
import { pairLinesSpan } from '../../fixes/edits';
import { mapGet, isSeq, isScalar, seqItems } from '../../yaml/parse';
import { CACHING_ACTIONS, type CachingAction, type PackageManager } from '../../knowledge/untrusted-input';
import type { RepoReader } from '../../analysis/file';
import { commentVersion, isFullSha, trailingComment } from '../../analysis/supply-chain/uses-text';
import { inRange, parseVersion } from '../../analysis/supply-chain/versions';

const PUBLISH_RUN =
  /\b(npm|yarn|pnpm)\s+publish\b|\btwine\s+upload\b|\bcargo\s+publish\b|\bgem\s+push\b|\bdocker\s+push\b|\bgh\s+release\s+upload\b|\bgoreleaser\s+release\b(?![^\n]*--snapshot)|\b(poetry|uv|flit|hatch)\s+publish\b|\bmvn\b[^\n]*\bdeploy\b|\bgradlew?\b[^\n]*\bpublish(?!ToMavenLocal)|\bdotnet\s+nuget\s+push\b|\bvsce\s+publish\b|\bovsx\s+publish\b/;
const PUBLISH_ACTIONS = new Set([
  'pypa/gh-action-pypi-publish',
  'softprops/action-gh-release',
  'ncipollo/release-action',
  'actions/create-release',
  'js-devtools/npm-publish',
  'changesets/action',
  'svenstaro/upload-release-action',
  'rubygems/release-gem',
]);

/** A step whose only publishing is a `docker push` (or archery's): CI images unless the workflow releases. */
function isDockerPushOnly(step: Step): boolean {
  const text = step.run?.text ?? '';
  const lines = text.split('\n').filter((l) => PUBLISH_RUN.test(l));
  return lines.length > 0 && lines.every((l) => /\bdocker\s+push\b/.test(l));
}

function isPublish(step: Step): boolean {
  if (step.if && /^\s*(\$\{\{\s*)?false(\s*\}\})?\s*$/.test(step.if.text)) return false;
  if (step.uses?.slug && PUBLISH_ACTIONS.has(step.uses.slug)) return true;
  if (
    step.uses?.slug === 'docker/build-push-action' &&
    step.with?.entries.some((e) => e.name === 'push' && /true/.test(e.value?.text ?? ''))
  )
    return true;
  if (step.uses?.slug === 'goreleaser/goreleaser-action')
    return /\brelease\b(?![^\n]*--snapshot)/.test(step.with?.entries.find((e) => e.name === 'args')?.value?.text ?? '');
  // A dry run or snapshot publishes nothing; an echoed or commented command is not run.
  return (
    !!step.run &&
    step.run.text
      .replace(/\\\n/g, ' ')
      .split('\n')
      .some(
        (line) =>
          (PUBLISH_RUN.test(line) || uploadsReleaseAssets(line)) &&
          !/--dry-run|--snapshot|\bdry_run\b/.test(line) &&
          !/^\s*(echo|printf|#)/.test(line),
      )
  );
}

/** `gh release create` flags that take a value (written apart from it). */
const GH_RELEASE_VALUE_FLAGS = new Set([
  '-t',
  '--title',
  '-n',
  '--notes',
  '-F',
  '--notes-file',
  '--target',
  '-R',
  '--repo',
  '--discussion-category',
  '--notes-start-tag',
]);

/**
 * `gh release create TAG FILES...` publishes built files; with the tag alone it only creates the tag and its notes,
 * which no cache can reach.
 */
function uploadsReleaseAssets(line: string): boolean {
  const m = /\bgh\s+release\s+create\b([^;&|]*)/.exec(line);
  if (!m) return false;
  const words = m[1].match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  let positional = 0;
  for (let k = 0; k < words.length; k++) {
    if (GH_RELEASE_VALUE_FLAGS.has(words[k])) k++;
    else if (!words[k].startsWith('-')) positional++;
  }
  return positional > 1;
}

/** npm commands that resolve packages outside the lockfile (and so may trust cached registry metadata). */
const NPM_UNLOCKED = /\bnpm\s+(install|i|add|update|up|exec|x|dlx)\b|\bnpx\s+(-y\b|--yes\b|-p\b|--package\b)/;

/**
 * setup-node's npm cache in a job whose only npm install is `npm ci`: the cache is content-addressed and `npm ci`
 * verifies each package against the lockfile's integrity hash, so a poisoned entry is rejected, not installed.
 */
function lockfileVerifiedNpm(step: Step, job: Job, cache: CacheUse): boolean {
  if (step.uses?.slug !== 'actions/setup-node' || cache.packageManager !== 'npm') return false;
  const scripts = job.steps.map((s) => s.run?.text ?? '').join('\n');
  return /\bnpm\s+ci\b/.test(scripts) && !NPM_UNLOCKED.test(scripts);
}

/** Release triggers: `release`, or `push` limited to tags. */
function releaseTriggered(wf: Workflow): boolean {
  return wf.triggers.some((t) => {
    if (t.event === 'release') return true;
    if (t.event !== 'push' || !t.config) return false;
    const tags = mapGet(t.config, 'tags');
    return !!tags && !mapGet(t.config, 'branches') && (isSeq(tags) ? seqItems(tags).length > 0 : isScalar(tags));
  });
}

interface CacheUse {
  what: string;
  /** The package manager whose cache setup-node restores. */
  packageManager?: PackageManager;
  fix?: Fix;
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

/**
 * setup-node with no cache input: from v5 it caches the package manager package.json names (v5 any of npm, pnpm,
 * yarn; from v6 npm only) unless `package-manager-cache: false`. A ref naming no version is taken as recent.
 */
function automaticPackageCache(
  step: Step,
  slug: string,
  auto: NonNullable<CachingAction['packageManagerCache']>,
  declared: PackageManager | null,
  text: string,
): CacheUse | undefined {
  if (!declared || inputValue(step, auto.offInput) === 'false') return undefined;
  const version = usedVersion(step, text);
  const range = version
    ? auto.byVersion.find((r) =>
        inRange(version, [`>= ${r.since}`, r.until && `< ${r.until}`].filter(Boolean).join(', ')),
      )
    : auto.byVersion[auto.byVersion.length - 1];
  if (!range?.managers.includes(declared)) return undefined;
  return {
    what: `${slug} restores the ${declared} cache (automatic from v${auto.byVersion[0].since} when package.json names ${declared}; ${auto.offInput}: false turns it off)`,
    packageManager: declared,
  };
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

function cacheOf(step: Step, text: string, job: Job, declared: () => PackageManager | null): CacheUse | undefined {
  const slug = step.uses?.slug;
  if (
    slug === 'docker/build-push-action' &&
    step.with?.entries.some((e) => e.name === 'cache-from' && /type=gha/.test(e.value?.text ?? ''))
  )
    return { what: 'docker/build-push-action restores layers from the GitHub Actions cache' };
  const known = slug ? CACHING_ACTIONS.get(slug) : undefined;
  if (!slug || !known) return undefined;
  if (known.restores === 'always') {
    const off = known.offInput;
    if (off && off.values.includes(inputValue(step, off.name) ?? '')) return undefined;
    return { what: known.what ? `${slug} restores ${known.what}` : `${slug} restores a cache` };
  }
  const input = known.input!;
  const entry = step.with?.entries.find((e) => e.name === input);
  const value = entry?.value?.text.trim();
  if (value === undefined || value === '') {
    if (known.packageManagerCache)
      return automaticPackageCache(step, slug, known.packageManagerCache, declared(), text);
    // Unset: on only where the version used defaults to it (a ref naming no version is taken as recent).
    const version = usedVersion(step, text);
    if (!known.defaultOnSince || (version && !inRange(version, `>= ${known.defaultOnSince}`))) return undefined;
    if (known.defaultOnlyOn === 'github-hosted' && selfHosted(job)) return undefined;
    if (known.defaultReadBy && !runsAnyOf(job, known.defaultReadBy)) return undefined;
    return {
      what: `${slug} restores ${known.what ?? 'its cache'} (on by default since v${known.defaultOnSince})`,
    };
  }
  if (OFF.test(value) || OFF_ON_TAGS.test(value)) return undefined;
  // The last input takes `with:` along: an empty `with:` is not a mapping.
  const span = pairLinesSpan(text, step.with!.entries.length === 1 ? step.with!.pair : entry!.pair);
  const installs = known.alsoInstalls;
  const manager = slug === 'actions/setup-node' ? /^(npm|pnpm|yarn)$/.exec(value.replace(/^['"]|['"]$/g, '')) : null;
  return {
    packageManager: manager ? (manager[1] as PackageManager) : undefined,
    what: known.what
      ? `${slug} restores ${known.what} (${input}: ${value})`
      : `${slug} restores its ${input}: ${value} cache`,
    fix: span
      ? {
          title: installs
            ? `Remove ${input}: from ${slug} (review: it also runs ${installs}, which a later step must now do)`
            : `Remove ${input}: from ${slug} (no cache in release builds)`,
          safety: installs ? 'unsafe' : 'safe',
          isPreferred: true,
          edits: [{ span, newText: '' }],
        }
      : undefined,
  };
}

export default defineRule({
  meta: {
    id: 'cache-poisoning',
    title: 'Cache restored in a release or publishing job',
    description:
      'A job that publishes (or a workflow triggered by releases and tags) restores a GitHub Actions cache that less trusted workflows can write.',
    severity: 'high',
    confidence: 'medium',
    category: 'untrusted-input',
    aliases: ['cache-poisoning', 'cache_poisoning'],
    appliesTo: ['workflow'],
    fixable: true,
    fixSafety:
      "Safe for inputs that only restore and save a cache (`cache:` of the setup-node, -python, -java and -dotnet actions, setup-uv's `enable-cache`, maturin-action's `sccache`): the job builds the same thing, only without the cache. An emptied `with:` is removed with it. Unsafe for ruby/setup-ruby's `bundler-cache`, which also runs `bundle install`: a later step must install the gems.",
    docs: {
      risk: 'GitHub Actions caches are shared by scope: a release built from a tag or the default branch restores entries that any workflow running on the default branch could have saved, including ones that run pull request code or that an injected command took over (the Ultralytics release was poisoned this way). A poisoned dependency or build cache ends up inside the published package.',
      remediation:
        "Do not restore caches in jobs that build or publish releases: remove `cache:` from setup actions, drop `actions/cache`, or use `actions/cache/save` only in trusted workflows and build releases from a clean environment. The quick-fix removes the setup action's cache input.",
      severity:
        "Which actions restore a cache, through which input and since which version by default (setup-go from v4; setup-uv from v5 on GitHub-hosted runners, in jobs that run uv to install, build or run (not one that only uploads built files); setup-node from v5 for the package manager the root package.json names, npm only from v6, read through the repository and never assumed when package.json cannot be read; ramsey/composer-install unless `ignore-cache`), is in knowledge/untrusted-input.json (`cachingActions`); an input set to false, or to an expression that is false on tag builds (`${{ !startsWith(github.ref, 'refs/tags/') }}`), keeps the cache off. High for caches restored in the job that publishes; low in other jobs of a release-triggered workflow (tests, checks), whose caches never reach the release. Low for actions/setup-node's npm cache when the job installs only with `npm ci`: npm's cache is content-addressed and `npm ci` checks every package against the lockfile's integrity hash, so a poisoned entry cannot change what is installed (yarn and pnpm caches are not treated so: `cache: yarn` serves Yarn 1 and Yarn 2+ alike and the workflow does not say which runs, and the pnpm store keeps the hashes it checks files against inside the cached directory, which its documentation places in pnpm's trust domain). Steps with `if: false` do not publish, nor does `gh release create` with a tag and no files.",
      vulnerableExample:
        "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n          cache: npm\n      - run: npm install && npm publish\n",
      safeExample:
        "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n      - run: npm ci && npm publish\n",
      references: [
        'https://adnanthekhan.com/2024/05/06/the-monsters-in-your-build-cache-github-actions-cache-poisoning/',
        'https://docs.zizmor.sh/audits/#cache-poisoning',
      ],
    },
  },

  job(job: Job, wf, ctx) {
    // Pushing images from a workflow without a release trigger pushes CI images, not a release.
    const release0 = releaseTriggered(wf);
    const publishes = job.steps.find((s) => isPublish(s) && (release0 || !isDockerPushOnly(s)));
    const release = releaseTriggered(wf);
    if (!publishes && !release) return;
    const declared = () => ctx.cached('cache-poisoning/package-manager', () => declaredPackageManager(ctx.readFile));
    for (const step of job.steps) {
      const cache = cacheOf(step, ctx.text, job, declared);
      if (!cache || !step.uses) continue;
      // A restore skipped on tag builds never reaches what the tags release.
      if (/!\s*startsWith\(\s*github\.ref\s*,\s*'refs\/tags\/'\s*\)/.test(step.if?.text ?? '')) continue;
      const why = publishes ? 'this job publishes' : 'this workflow builds releases (release or tag trigger)';
      const verified = lockfileVerifiedNpm(step, job, cache);
      ctx.report({
        message: verified
          ? `${cache.what}, and ${why}, but npm's cache is content-addressed and \`npm ci\` checks every package against the lockfile's integrity hash, and this job installs nothing else with npm: a poisoned cache cannot change what is installed. (Low: lockfile-verified cache.)`
          : publishes
            ? `${cache.what}, and ${why}: a cache written by a less trusted workflow on the same branch scope ends up in the release. Build releases without restoring caches.`
            : `${cache.what}, and ${why}, but this job publishes nothing: only the publishing job's caches reach a release. Check that nothing it builds is published later. (Low: no publishing step in this job.)`,
        span: step.uses.span,
        // Only what the publishing job restores can end up in the release; other jobs of a release workflow test or check.
        severity: publishes && !verified ? 'high' : 'low',
        related:
          publishes?.run || publishes?.uses
            ? [{ span: (publishes.uses ?? publishes.run)!.span, message: 'publishes from this job' }]
            : undefined,
        fixes: cache.fix ? [cache.fix] : [],
      });
    }
  },
});
