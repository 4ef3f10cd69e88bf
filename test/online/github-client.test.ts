// The GitHub client and the registry client against loopback servers: resolution, pagination, cache and ETags,
// rate limits, timeouts, impostor checks and the anonymous registry token flow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskCache } from '../../server/src/online/cache';
import { GitHubClient, HOUR, OnlineProblems } from '../../server/src/online/github';
import { RegistryClient } from '../../server/src/online/oci';
import { mostSpecificTag } from '../../server/src/analysis/supply-chain/versions';
import { startFakeGitHub, startFakeRegistry } from './servers';
import { A, B, C, F, fakeRepos } from './fixtures';

function tempCache(t: { after(fn: () => void): void }): DiskCache {
  const dir = mkdtempSync(join(tmpdir(), 'flowguard-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return new DiskCache(dir);
}

test('tags, branches and short SHAs resolve to commits; an unknown ref is null', async (t) => {
  const gh = await startFakeGitHub(fakeRepos());
  t.after(() => gh.close());
  const client = new GitHubClient({ baseUrl: gh.url });
  assert.equal(await client.commitOf('actions/checkout', 'v4'), A);
  assert.equal(await client.commitOf('actions/checkout', 'v4.2.2'), A, 'an annotated tag names its commit');
  assert.equal(await client.commitOf('actions/checkout', 'main'), C);
  assert.equal(await client.commitOf('actions/checkout', B.slice(0, 7)), B);
  assert.equal(await client.commitOf('actions/checkout', 'v9'), null);
  assert.equal(await client.commitOf('nobody/nothing', 'v1'), null);
  assert.deepEqual(client.problems.messages, []);
});

test('tags are read across pages; the most specific one names the commit', async (t) => {
  const gh = await startFakeGitHub(fakeRepos());
  t.after(() => gh.close());
  const client = new GitHubClient({ baseUrl: gh.url });
  const tags = await client.tagsAt('actions/checkout', A);
  assert.deepEqual(tags, ['v4', 'v4.2', 'v4.2.2']);
  assert.equal(mostSpecificTag(tags!), 'v4.2.2');
  assert.ok(
    gh.requests.some((r) => r.includes('/tags?per_page=100&page=2')),
    'second page requested',
  );
  assert.ok(!gh.requests.some((r) => r.includes('page=3')), 'a short page ends the listing');
});

test('answers are cached on disk; stale entries are revalidated with ETags', async (t) => {
  const gh = await startFakeGitHub(fakeRepos());
  t.after(() => gh.close());
  const cache = tempCache(t);
  let now = Date.now();
  const make = () => new GitHubClient({ baseUrl: gh.url, cache, now: () => now });
  assert.equal(await make().commitOf('actions/checkout', 'v4'), A);
  const sent = gh.requests.length;
  assert.equal(await make().commitOf('actions/checkout', 'v4'), A);
  assert.equal(gh.requests.length, sent, 'a fresh entry is served from the cache');
  now += HOUR + 1000;
  assert.equal(await make().commitOf('actions/checkout', 'v4'), A);
  assert.equal(gh.requests.length, sent + 1, 'a stale ref is asked again');
  assert.equal(gh.notModified.length, 1, 'with If-None-Match: 304 Not Modified');
});

test('a rate limit that resets soon is waited out; a long one stops online checks with a clear message', async (t) => {
  const gh = await startFakeGitHub(fakeRepos());
  t.after(() => gh.close());
  gh.overrides.set('/repos/actions/checkout/commits/v4', { status: 429, headers: { 'retry-after': '0' }, times: 1 });
  const patient = new GitHubClient({ baseUrl: gh.url });
  assert.equal(await patient.commitOf('actions/checkout', 'v4'), A);

  const reset = String(Math.floor(Date.now() / 1000) + 3600);
  gh.overrides.set('/repos/', { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } });
  const client = new GitHubClient({ baseUrl: gh.url, maxRateLimitWaitMs: 1000 });
  assert.equal(await client.commitOf('actions/checkout', 'main'), undefined);
  const before = gh.requests.length;
  assert.equal(await client.commitOf('tj-actions/changed-files', 'v45'), undefined);
  assert.equal(gh.requests.length, before, 'nothing more is sent once the limit is hit');
  assert.match(client.problems.messages.join('\n'), /rate limit reached \(resets in \d+ s\).*GH_TOKEN/);
});

test('a forbidden answer (403 without rate limit) and a hung server degrade to "not known"', async (t) => {
  const gh = await startFakeGitHub(fakeRepos());
  t.after(() => gh.close());
  gh.overrides.set('/repos/actions/checkout/commits/main', { status: 403 });
  gh.overrides.set('/repos/actions/checkout/commits/v4', { status: 200, delayMs: 3000 });
  const client = new GitHubClient({ baseUrl: gh.url, timeoutMs: 200 });
  assert.equal(await client.commitOf('actions/checkout', 'main'), undefined);
  assert.equal(await client.commitOf('actions/checkout', 'v4'), undefined);
  const messages = client.problems.messages.join('\n');
  assert.match(messages, /answered 403/);
  assert.match(messages, /timed out/);
});

test('a commit only in a fork is not reachable from the repository; its own commits are', async (t) => {
  const gh = await startFakeGitHub(fakeRepos());
  t.after(() => gh.close());
  const client = new GitHubClient({ baseUrl: gh.url });
  assert.equal(await client.reachable('actions/checkout', A), true);
  assert.equal(await client.reachable('actions/checkout', F), false);
  assert.equal(
    await client.reachable('actions/checkout', 'e'.repeat(40)),
    undefined,
    'an unknown commit is not judged',
  );
});

test('advisories come from GET /advisories?ecosystem=actions&affects=owner/repo', async (t) => {
  const gh = await startFakeGitHub(fakeRepos());
  t.after(() => gh.close());
  const client = new GitHubClient({ baseUrl: gh.url });
  const advisories = await client.advisories('tj-actions/changed-files');
  assert.equal(advisories?.[0].ghsaId, 'GHSA-mrrh-fwg8-r2c3');
  assert.deepEqual(advisories?.[0].vulnerabilities, [
    { package: 'tj-actions/changed-files', vulnerableVersionRange: '<= 45.0.7', firstPatchedVersion: '46.0.1' },
  ]);
  assert.deepEqual(await client.advisories('actions/checkout'), []);
  assert.ok(gh.requests.includes('/advisories?ecosystem=actions&affects=tj-actions%2Fchanged-files&per_page=100'));
});

test('image digests come from the registry through its anonymous token flow', async (t) => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  const reg = await startFakeRegistry({ 'owner/app:1.0': digest });
  t.after(() => reg.close());
  const client = new RegistryClient({ problems: new OnlineProblems() });
  assert.equal(await client.digest(`${reg.host}/owner/app:1.0`), digest);
  assert.equal(await client.digest(`${reg.host}/owner/app:9.9`), null);
  assert.deepEqual(reg.requests.slice(0, 3), [
    'HEAD /v2/owner/app/manifests/1.0',
    'GET /token?service=fake-registry&scope=repository%3Aowner%2Fapp%3Apull',
    'HEAD /v2/owner/app/manifests/1.0',
  ]);
});
