// Class 1: no process from repository config. The "already in git history" check reads objects in-process; a
// partial clone whose promisor remote names a command (remote.origin.uploadpack, run through sh on a lazy fetch)
// must not get it run by `flowguard scan`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../cli/helpers';
import { git, hasGit, CLI_GUARD_MS, tempRepo, workflowWithToken, writeFiles } from './helpers';

const TOKEN = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const WORKFLOW = '.github/workflows/ci.yml';

test('scanning a partial clone never runs the promisor remote command', async (t) => {
  if (!hasGit()) return t.skip('git is not installed');
  const dir = tempRepo(t);
  const origin = join(dir, 'origin');
  const clone = join(dir, 'clone');
  const marker = join(dir, 'PAYLOAD-RAN');
  git(dir, 'init', '-q', origin);
  git(origin, 'config', 'uploadpack.allowFilter', 'true');
  writeFiles(origin, { [WORKFLOW]: workflowWithToken(TOKEN) });
  git(origin, 'add', '.');
  git(origin, 'commit', '-q', '-m', 'ci');
  git(dir, 'clone', '-q', '--filter=blob:none', '--no-checkout', `file://${origin}`, clone);
  // The attacker's checkout: its own config names a program, and the workflow's blobs are not on disk.
  git(clone, 'config', 'remote.origin.uploadpack', `touch '${marker}'; git-upload-pack`);
  writeFiles(clone, { [WORKFLOW]: workflowWithToken(TOKEN) });

  const r = await runCli(['scan', '--format', 'json', '.'], { cwd: clone, timeoutMs: CLI_GUARD_MS });
  assert.equal(r.timedOut, false);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(existsSync(marker), false, 'the repository-configured command ran');
});

test('history in pack files is read without git: a committed token is reported as leaked', async (t) => {
  if (!hasGit()) return t.skip('git is not installed');
  const repo = tempRepo(t);
  git(repo, 'init', '-q');
  writeFiles(repo, { [WORKFLOW]: workflowWithToken(TOKEN) });
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'ci');
  git(repo, 'gc', '-q', '--aggressive');
  assert.ok(readdirSync(join(repo, '.git', 'objects', 'pack')).some((f) => f.endsWith('.pack')));
  const r = await runCli(['scan', '--format', 'json', '.'], { cwd: repo, timeoutMs: CLI_GUARD_MS });
  const report = JSON.parse(r.stdout);
  const leaked = report.findings.filter(
    (f: { properties?: Record<string, unknown> }) => f.properties?.leakedInHistory === true,
  );
  assert.equal(leaked.length, 1, r.stdout);
  assert.ok(!r.stdout.includes(TOKEN));
});
