// `flowguard scan --online --fix` end to end: the real CLI in a child process against the loopback GitHub API and
// registry. Without --online nothing may be requested.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../cli/helpers';
import { startFakeGitHub, startFakeRegistry } from './servers';
import { A, B, E, G, fakeRepos } from './fixtures';

const ruleIds = (json: string) =>
  (JSON.parse(json) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId);

const DIGEST = `sha256:${'cd'.repeat(32)}`;

function workflow(registry: string): string {
  return `on: pull_request
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    container: ${registry}/owner/app:1.0
    steps:
      - uses: actions/checkout@v4
      - uses: tj-actions/changed-files@v45 # list changes
      - uses: actions/checkout@${B} # v4.2.2
      - uses: ./.github/actions/local
  call:
    uses: some-org/workflows/.github/workflows/build.yml@main
`;
}

async function setup(t: Parameters<typeof tempDir>[0]) {
  const gh = await startFakeGitHub(fakeRepos());
  const reg = await startFakeRegistry({ 'owner/app:1.0': DIGEST });
  t.after(() => void gh.close());
  t.after(() => void reg.close());
  const dir = tempDir(t);
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  const file = join(dir, '.github', 'workflows', 'ci.yml');
  writeFileSync(file, workflow(reg.host));
  const env = { GITHUB_API_URL: gh.url, GH_TOKEN: 'test-token-not-real', XDG_CACHE_HOME: join(dir, 'cache') };
  return { gh, reg, dir, file, env };
}

test('without --online nothing is requested and the offline findings remain', async (t) => {
  const { gh, reg, dir, file, env } = await setup(t);
  const before = readFileSync(file, 'utf8');
  const run = await runCli(['scan', '.', '--format', 'json'], { cwd: dir, env });
  assert.equal(run.status, 1, run.stderr);
  const rules = ruleIds(run.stdout);
  assert.ok(rules.includes('unpinned-uses'));
  assert.ok(rules.includes('known-vulnerable-actions'), 'v45 is in the bundled advisory range');
  assert.ok(!rules.includes('ref-version-mismatch'), 'needs the API');
  // Offline, the only fix is the upgrade to the patched tag: nothing is pinned without the API.
  const fix = await runCli(['scan', '.', '--fix'], { cwd: dir, env });
  assert.equal(fix.status, 1, fix.stderr);
  assert.deepEqual(gh.requests, []);
  assert.deepEqual(reg.requests, []);
  assert.match(readFileSync(file, 'utf8'), /tj-actions\/changed-files@v46\.0\.1 # list changes/);
  assert.equal(readFileSync(file, 'utf8').replace('@v46.0.1', '@v45'), before);
});

test('--online --fix pins every tag and branch, upgrades the vulnerable action pinned, and reports a wrong comment', async (t) => {
  const { gh, reg, dir, file, env } = await setup(t);
  const run = await runCli(['scan', '.', '--online', '--fix', '--no-fail'], { cwd: dir, env });
  assert.equal(run.status, 0, run.stderr);
  assert.ok(gh.requests.length > 0 && reg.requests.length > 0);
  const fixed = readFileSync(file, 'utf8');
  assert.equal(
    fixed,
    workflow(reg.host)
      .replace(`${reg.host}/owner/app:1.0`, `${reg.host}/owner/app@${DIGEST} # 1.0`)
      .replace('actions/checkout@v4', `actions/checkout@${A} # v4.2.2`)
      .replace('tj-actions/changed-files@v45 # list changes', `tj-actions/changed-files@${E} # v46.0.1`)
      .replace(`${B} # v4.2.2`, `${B} # v4.1.1`)
      .replace('build.yml@main', `build.yml@${G} # main`),
  );
  assert.match(run.stdout, /ref-version-mismatch/);
  assert.match(run.stdout, /known-vulnerable-actions/);
  assert.doesNotMatch(run.stderr, /flowguard: .*(failed|answered)/);

  // Nothing is left to report online; a repeated scan is answered from the disk cache.
  const again = await runCli(['scan', '.', '--online', '--format', 'json', '--no-fail'], { cwd: dir, env });
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(ruleIds(again.stdout), []);
  const sent = gh.requests.length;
  const third = await runCli(['scan', '.', '--online', '--format', 'json', '--no-fail'], { cwd: dir, env });
  assert.equal(third.stdout, again.stdout);
  assert.equal(gh.requests.length, sent, 'answered from the cache');
});

test('an unreachable API degrades to offline findings with one clear message', async (t) => {
  const { dir, env } = await setup(t);
  const run = await runCli(['scan', '.', '--online', '--no-fail'], {
    cwd: dir,
    env: { ...env, GITHUB_API_URL: 'http://127.0.0.1:9', FLOWGUARD_HTTP_TIMEOUT_MS: '500' },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /GitHub API request failed \(ECONNREFUSED\); online checks are incomplete/);
  assert.match(run.stdout, /unpinned-uses/);
});

test('--github-api-url must be https (plain http only to this machine) and needs --online', async (t) => {
  const dir = tempDir(t);
  const bad = await runCli(['scan', '.', '--online', '--github-api-url', 'http://example.com/api'], {
    cwd: dir,
  });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /must be https/);
  const alone = await runCli(['scan', '.', '--github-api-url', 'https://ghe.example.com/api/v3'], {
    cwd: dir,
  });
  assert.equal(alone.status, 2);
  assert.match(alone.stderr, /--github-api-url needs --online/);
});
