// Class 5: symbolic links. A repository's workflow that links to a file outside it is neither read (its secrets
// would be printed in a frame) nor rewritten by --fix; a fix is never written through a link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../server/src/cli/run';
import { tempRepo, writeFiles } from './helpers';

const OUTSIDE_SECRET = 'k8Jd92LmQz7Xw4Rt1Vb6Np3Yh5Gc0Fs2Ae9Ui4Oo';
// Shaped like a workflow with a fixable finding, so following the link would both print and rewrite it.
const OUTSIDE = `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "\${{ github.event.issue.title }}"\n        env:\n          AWS_SECRET_ACCESS_KEY: ${OUTSIDE_SECRET}\n`;

async function scan(cwd: string, args: string[]): Promise<{ status: unknown; out: string }> {
  let out = '';
  const io = { cwd, env: {}, stdout: (s: string) => (out += s), stderr: (s: string) => (out += s), stdoutIsTTY: false };
  const status = await runCli(['scan', ...args], io);
  return { status, out };
}

test('links out of the scanned folder are not read and --fix never writes through them', async (t) => {
  const dir = tempRepo(t);
  const repo = join(dir, 'repo');
  writeFiles(dir, { 'home/credentials.yml': OUTSIDE });
  mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
  symlinkSync(join(dir, 'home', 'credentials.yml'), join(repo, '.github', 'workflows', 'ci.yml'));
  // A link that stays inside the repository is fine.
  writeFiles(repo, { 'shared/release.yml': OUTSIDE.replace(OUTSIDE_SECRET, '${{ secrets.AWS }}') });
  symlinkSync(join(repo, 'shared', 'release.yml'), join(repo, '.github', 'workflows', 'release.yml'));

  for (const args of [['.'], ['--fix', '.'], ['--fix', '--format', 'sarif', '.']]) {
    const r = await scan(repo, args);
    assert.ok(!r.out.includes(OUTSIDE_SECRET.slice(0, 12)), r.out);
    assert.doesNotMatch(r.out, /ci\.yml/);
    assert.match(r.out, /release\.yml/);
  }
  assert.equal(readFileSync(join(dir, 'home', 'credentials.yml'), 'utf8'), OUTSIDE, 'the outside file is unchanged');

  // Named explicitly: refused with a clear error, not read.
  const explicit = await scan(repo, ['--fix', '.github/workflows/ci.yml']);
  assert.equal(explicit.status, 2);
  assert.match(explicit.out, /symbolic link to a file outside/);
  assert.equal(readFileSync(join(dir, 'home', 'credentials.yml'), 'utf8'), OUTSIDE);
});

test('--fix does not write through a link inside the repository either (the link stays a link)', async (t) => {
  const repo = tempRepo(t);
  writeFiles(repo, { 'shared/release.yml': OUTSIDE.replace(OUTSIDE_SECRET, '${{ secrets.AWS }}') });
  mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
  symlinkSync(join(repo, 'shared', 'release.yml'), join(repo, '.github', 'workflows', 'release.yml'));
  const before = readFileSync(join(repo, 'shared', 'release.yml'), 'utf8');
  const r = await scan(repo, ['--fix', '.']);
  assert.match(r.out, /cannot write fixes to .*release\.yml: a symbolic link/);
  assert.equal(r.status, 2);
  assert.equal(readFileSync(join(repo, 'shared', 'release.yml'), 'utf8'), before);
});
