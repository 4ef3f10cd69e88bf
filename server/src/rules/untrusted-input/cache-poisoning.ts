import { type Fix } from '../../engine/types';
import { defineRule } from '../../engine/rule';
import type { Job, Step, Workflow } from '../../model/workflow';
import { pairLinesSpan } from '../../fixes/edits';
import { mapGet, isSeq, isScalar, seqItems } from '../../yaml/parse';
import type { PackageManager } from '../../knowledge/untrusted-input';
import {
  cacheStep,
  packageManagerOf,
  lowerTrustCacheWriters,
  sameCacheEcosystem,
  type CacheStep,
  type CacheWriter,
} from '../../analysis/caches';

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
function lockfileVerifiedNpm(step: Step, job: Job, cache: CacheStep): boolean {
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
  cache: CacheStep;
  fix?: Fix;
}

function cacheOf(step: Step, job: Job, text: string, declared: () => PackageManager | null): CacheUse | undefined {
  const cache = cacheStep(step, job, text, declared);
  if (!cache) return undefined;
  const { slug, known, entry, value } = cache;
  if (!known) return { what: `${slug} restores layers from the GitHub Actions cache`, cache };
  if (known.restores === 'always')
    return { what: known.what ? `${slug} restores ${known.what}` : `${slug} restores a cache`, cache };
  if (cache.automatic && known.packageManagerCache)
    return {
      what: `${slug} restores the ${cache.packageManager} cache (automatic from v${known.packageManagerCache.byVersion[0].since} when package.json names ${cache.packageManager}; ${known.packageManagerCache.offInput}: false turns it off)`,
      cache,
    };
  if (!entry || value === undefined)
    return {
      what: `${slug} restores ${known.what ?? 'its cache'} (on by default since v${known.defaultOnSince})`,
      cache,
    };
  const input = entry.name;
  // The last input takes `with:` along: an empty `with:` is not a mapping.
  const span = pairLinesSpan(text, step.with!.entries.length === 1 ? step.with!.pair : entry.pair);
  const installs = known.alsoInstalls;
  return {
    what: known.what
      ? `${slug} restores ${known.what} (${input}: ${value})`
      : `${slug} restores its ${input}: ${value} cache`,
    cache,
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
        "Which actions restore a cache, through which input and since which version by default (setup-go from v4; setup-uv from v5 on GitHub-hosted runners, in jobs that run uv to install, build or run (not one that only uploads built files); setup-node from v5 for the package manager the root package.json names, npm only from v6, read through the repository and never assumed when package.json cannot be read; ramsey/composer-install unless `ignore-cache`), is in knowledge/untrusted-input.json (`cachingActions`); an input set to false, or to an expression that is false on tag builds (`${{ !startsWith(github.ref, 'refs/tags/') }}`), keeps the cache off. High for caches restored in the job that publishes when the repository has a lower-trust writer of that cache: a job any GitHub user can start on the default branch's cache scope (pull_request_target, issue_comment, issues, workflow_run, discussion) that runs their code (a pull request's head checked out and then built or run, unless an earlier step refuses forks, or a membership check comes first and the commit checked out was read and kept only if pushed before the member's comment, as ossf/scorecard's scdiff does, whose goreleaser cache finding was judged debatable blind for that; or attacker text expanded into a script) and saves a cache of the same ecosystem (`ecosystem` in `cachingActions`; actions/cache matches any); the message names it. Without such a writer it is defence in depth, low (as the independent re-judge found for 12 of 13 sampled findings, docs/precision/rejudge-seed-4242-independent.md); low too when the repository's other workflows cannot be read (a single file). Low in other jobs of a release-triggered workflow (tests, checks), whose caches never reach the release. Low for actions/setup-node's npm cache when the job installs only with `npm ci`: npm's cache is content-addressed and `npm ci` checks every package against the lockfile's integrity hash, so a poisoned entry cannot change what is installed (yarn and pnpm caches are not treated so: `cache: yarn` serves Yarn 1 and Yarn 2+ alike and the workflow does not say which runs, and the pnpm store keeps the hashes it checks files against inside the cached directory, which its documentation places in pnpm's trust domain). Steps with `if: false` do not publish, nor does `gh release create` with a tag and no files.",
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
    const release = releaseTriggered(wf);
    const publishes = job.steps.find((s) => isPublish(s) && (release || !isDockerPushOnly(s)));
    if (!publishes && !release) return;
    const related = publishes
      ? [{ span: (publishes.uses ?? publishes.run ?? publishes).span, message: 'publishes from this job' }]
      : [];
    const declared = () => packageManagerOf(ctx);
    for (const step of job.steps) {
      const cache = cacheOf(step, job, ctx.text, declared);
      if (!cache || !step.uses) continue;
      // A restore skipped on tag builds never reaches what the tags release.
      if (/!\s*startsWith\(\s*github\.ref\s*,\s*'refs\/tags\/'\s*\)/.test(step.if?.text ?? '')) continue;
      const report = (message: string, severity: 'high' | 'low', writer?: CacheWriter) =>
        ctx.report({
          message,
          span: step.uses!.span,
          severity,
          related: writer?.span
            ? [...related, { span: writer.span, message: `an outsider's code saves a cache here (${writer.trigger})` }]
            : related.length
              ? related
              : undefined,
          properties: writer ? { writer: `${writer.path}:${writer.line}` } : undefined,
          fixes: cache.fix ? [cache.fix] : [],
        });
      if (!publishes) {
        report(
          `${cache.what}, and this workflow builds releases (release or tag trigger), but this job publishes nothing: only the publishing job's caches reach a release. Check that nothing it builds is published later. (Low: no publishing step in this job.)`,
          'low',
        );
        continue;
      }
      if (lockfileVerifiedNpm(step, job, cache.cache)) {
        report(
          `${cache.what}, and this job publishes, but npm's cache is content-addressed and \`npm ci\` checks every package against the lockfile's integrity hash, and this job installs nothing else with npm: a poisoned cache cannot change what is installed. (Low: lockfile-verified cache.)`,
          'low',
        );
        continue;
      }
      // Only a job an outsider can run code in, on the default branch's scope, can plant the entry this job restores.
      const writers = lowerTrustCacheWriters(ctx, wf);
      const writer = writers?.find(
        (w) => sameCacheEcosystem(w.cache.ecosystem, cache.cache.ecosystem) && w.span?.start !== step.uses!.span.start,
      );
      if (writer)
        report(
          `${cache.what}, and this job publishes: ${writer.path}:${writer.line} (job '${writer.jobId}', on ${writer.trigger}, in the default branch's cache scope) ${writer.how}, and saves its ${writer.cache.slug} cache: an outsider can plant an entry this release restores. Build releases without restoring caches.`,
          'high',
          writer,
        );
      else if (!writers)
        report(
          `${cache.what}, and this job publishes. Whether a less trusted workflow can write this cache depends on the repository's other workflows, which are not visible here: a job any GitHub user can start on the default branch (pull_request_target, issue_comment, workflow_run) that runs their code and saves a cache could poison the release. (Low: the repository's workflows are not visible.)`,
          'low',
        );
      else
        report(
          `${cache.what}, and this job publishes, but no workflow of this repository runs an outsider's code on the default branch's cache scope and saves a cache of this kind: not restoring caches in release builds is defence in depth here. (Low: no less trusted writer of this cache in the repository.)`,
          'low',
        );
    }
  },
});
