// `npm run update-advisories` against the loopback GitHub API (GITHUB_API_URL): the script itself in a child process,
// writing to a folder of the test (--out), never to the repository. The refreshed snapshot and the pinned-SHA table
// of the actions the secret-store fixes insert must match their schemas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { tempDir } from '../cli/helpers';
import { startFakeGitHub, type FakeRepo } from './servers';
import { fakeRepos, sha } from './fixtures';
import type { Advisory } from '../../server/src/knowledge/supply-chain';

const ROOT = join(import.meta.dirname, '..', '..');
const KNOWLEDGE = join(ROOT, 'server', 'src', 'knowledge', 'supply-chain');
const bundled = (name: string) => JSON.parse(readFileSync(join(KNOWLEDGE, name), 'utf8'));

function runScript(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts', 'update-advisories.ts'), ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (err, out, errOut) => done({ code: err ? Number(err.code ?? 1) : 0, out, err: errOut }),
    );
  });
}

test('update-advisories refreshes the snapshot and the pins from GITHUB_API_URL into --out, valid per schema', async (t) => {
  const repos: Record<string, FakeRepo> = fakeRepos();
  const pins = bundled('pins.json').pins as Record<string, { ref: string }>;
  const actions = Object.keys(pins);
  // Every pinned action but the last exists: its major tag and a more specific one point at one commit.
  actions.slice(0, -1).forEach((action, i) => {
    const major = /^v?\d+/.exec(pins[action].ref)![0];
    const commit = sha(String(10 + i));
    repos[action] = {
      defaultBranch: 'main',
      branches: { main: commit },
      tags: [
        { name: major, sha: commit },
        { name: `${major}.9.1`, sha: commit },
      ],
      commits: [commit],
    };
  });
  // Advisories the API lists beside tj-actions': one with an unknown severity and a non-actions package (left out).
  repos['some-org/tool'] = {
    defaultBranch: 'main',
    branches: {},
    tags: [],
    commits: [],
    advisories: [
      {
        ghsa_id: 'GHSA-2222-3333-4444',
        cve_id: null,
        summary: 'some-org/tool runs input as code',
        severity: 'medium',
        html_url: 'https://github.com/advisories/GHSA-2222-3333-4444',
        vulnerabilities: [
          {
            package: { ecosystem: 'actions', name: 'some-org/tool' },
            vulnerable_version_range: '>= 1.0.0, < 1.4.2',
            first_patched_version: '1.4.2',
          },
          { package: { ecosystem: 'npm', name: 'tool' }, vulnerable_version_range: '< 2', first_patched_version: '2' },
        ],
      },
      {
        ghsa_id: 'GHSA-5555-6666-7777',
        summary: 'unrated',
        severity: 'unknown',
        html_url: 'https://github.com/advisories/GHSA-5555-6666-7777',
        vulnerabilities: [],
      },
    ],
  };
  const gh = await startFakeGitHub(repos);
  gh.advisoryPageSize.max = 1; // three advisories: three pages linked by rel="next"
  t.after(() => void gh.close());
  const out = join(tempDir(t), 'knowledge');
  const before = { advisories: readFileSync(join(KNOWLEDGE, 'advisories.json'), 'utf8'), pins: pins };

  const run = await runScript(['--out', out], { GITHUB_API_URL: gh.url, GH_TOKEN: 'test-token-not-real' });
  assert.equal(run.code, 0, run.err);
  assert.equal(gh.requests.filter((r) => r.startsWith('/advisories?')).length, 3, 'followed the Link pages');

  const ajv = new Ajv({ allErrors: true, strict: false });
  const written = <T>(name: string, schema: string): T => {
    const json = JSON.parse(readFileSync(join(out, name), 'utf8')) as T;
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas', schema), 'utf8')));
    assert.ok(validate(json), `${name}: ${ajv.errorsText(validate.errors)}`);
    return json;
  };
  const advisories = written<{ advisories: Advisory[] }>('advisories.json', 'advisories.schema.json');
  const ids = advisories.advisories.map((a) => a.ghsaId);
  assert.ok(ids.includes('GHSA-mrrh-fwg8-r2c3') && ids.includes('GHSA-2222-3333-4444'), ids.join(', '));
  assert.ok(!ids.includes('GHSA-5555-6666-7777'), 'an unknown severity is left out');
  const tool = advisories.advisories.find((a) => a.ghsaId === 'GHSA-2222-3333-4444');
  assert.deepEqual(tool?.vulnerabilities, [
    { package: 'some-org/tool', vulnerableVersionRange: '>= 1.0.0, < 1.4.2', firstPatchedVersion: '1.4.2' },
  ]);
  // The compromised commits recorded by hand stay, on the refreshed advisory and on one the API does not list.
  const tj = advisories.advisories.find((a) => a.ghsaId === 'GHSA-mrrh-fwg8-r2c3');
  assert.equal(tj?.compromisedCommits?.length, 1);
  assert.ok(ids.includes('GHSA-qmg3-hpqr-gqvc'), 'reviewdog/action-setup (hand-recorded) is kept');

  const refreshed = written<{ pins: Record<string, { ref: string; sha?: string }> }>(
    'pins.json',
    'action-pins.schema.json',
  ).pins;
  actions.slice(0, -1).forEach((action, i) => {
    const major = /^v?\d+/.exec(pins[action].ref)![0];
    assert.deepEqual(refreshed[action], { ref: `${major}.9.1`, sha: sha(String(10 + i)) }, action);
  });
  assert.deepEqual(refreshed[actions.at(-1)!], pins[actions.at(-1)!], 'an unresolved action is kept as it was');
  assert.match(run.err, /not resolved .*; kept/);

  // The repository's own files are untouched.
  assert.equal(readFileSync(join(KNOWLEDGE, 'advisories.json'), 'utf8'), before.advisories);
  assert.deepEqual(bundled('pins.json').pins, before.pins);
});

test('update-advisories stops with an error, writing nothing, when the API fails', async (t) => {
  const gh = await startFakeGitHub(fakeRepos());
  gh.overrides.set('/advisories', { status: 500 });
  t.after(() => void gh.close());
  const out = join(tempDir(t), 'knowledge');
  const run = await runScript([], {
    GITHUB_API_URL: gh.url,
    GH_TOKEN: 'test-token-not-real',
    FLOWGUARD_KNOWLEDGE_OUT: out,
  });
  assert.notEqual(run.code, 0);
  assert.match(run.err, /GET .*\/advisories.*: 500/);
  assert.throws(() => readFileSync(join(out, 'advisories.json')), /ENOENT/);
});
