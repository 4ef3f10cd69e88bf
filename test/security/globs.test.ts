// Class 4 (globs): patterns from .flowguard.yml (read even in untrusted workspaces) and files.exclude are matched
// without regular expressions, in time bounded by path x pattern length. Behaviour is that of picomatch (dot: true)
// on the patterns people write; a pattern that sent picomatch into minutes of backtracking returns at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { compileGlob, globMatcher } from '../../server/src/engine/glob';
import { runCli } from '../../server/src/cli/run';
import { HANG_GUARD_MS, tempRepo, writeFiles } from './helpers';

const GLOBS = [
  'vendor/**',
  '**/generated-*.yml',
  'my-org/*',
  '*.yml',
  '.github/workflows/*.yml',
  '**',
  '**/*.y{a,}ml',
  'a/**/b',
  'a/*/b',
  '*/x',
  'docs/[a-c]*.md',
  '?.yml',
  '../ci/*.yml',
  '../**/skip-me.yml',
  '**/test/**',
  '*',
  '*/*',
  'a/{b,c/d}/e',
  '.github/**/*.yaml',
  'foo',
];
const PATHS = [
  'vendor',
  'vendor/a.yml',
  'vendor/x/y.yml',
  'a/generated-x.yml',
  'generated-1.yml',
  'my-org/repo',
  'my-org/repo/sub',
  'x.yml',
  '.x.yml',
  'a/x.yml',
  '.github/workflows/ci.yml',
  '.github/workflows/sub/ci.yml',
  'a/b',
  'a/x/b',
  'a/x/y/b',
  'docs/b.md',
  'docs/d.md',
  'x/b',
  'x/a',
  'ab.yml',
  '../ci/a.yml',
  '../q/skip-me.yml',
  'z/test/q',
  'test/q',
  'a/b/e',
  'a/c/d/e',
  '.github/a/b.yaml',
  'foo',
  'foo/bar',
  'x/y.yaml',
];

test('matches like picomatch (dot: true) on ordinary patterns', () => {
  const differences: string[] = [];
  for (const g of GLOBS) {
    const expected = picomatch(g, { dot: true });
    const actual = compileGlob(g);
    for (const p of PATHS) if (expected(p) !== actual(p)) differences.push(`${g} ~ ${p}: picomatch ${expected(p)}`);
  }
  assert.deepEqual(differences, []);
  // Negated classes as in POSIX globs (picomatch reads `[!a]` differently).
  assert.equal(compileGlob('x/[!a]*')('x/b'), true);
  assert.equal(compileGlob('x/[!a]*')('x/a'), false);
});

test('a backtracking-bomb pattern is matched at once', () => {
  const started = performance.now();
  const m = globMatcher(['*/*a*a*a*a*a*a*a*a*a*b', `{${'a,'.repeat(200)}b}`, 'x'.repeat(5000)]);
  for (let i = 0; i < 200; i++) assert.equal(m(`x/${'a'.repeat(250)}c`), false);
  assert.ok(performance.now() - started < HANG_GUARD_MS);
});

test('the CLI with such a pattern in .flowguard.yml finishes', async (t) => {
  const repo = tempRepo(t);
  const deep = `${'a'.repeat(60)}/${'a'.repeat(60)}`;
  writeFiles(repo, {
    '.flowguard.yml': 'ignore: ["*/*a*a*a*a*a*a*a*a*a*b"]\ninclude: ["**/*a*a*a*a*a*a*a*a*a*a*b.yml"]\n',
    [`${deep}/${'a'.repeat(40)}c.yml`]: 'x: 1\n',
    '.github/workflows/ci.yml': 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
  });
  const started = performance.now();
  let out = '';
  const io = {
    cwd: repo,
    env: {},
    stdout: (s: string) => (out += s),
    stderr: (s: string) => (out += s),
    stdoutIsTTY: false,
  };
  await runCli(['scan', '--no-fail', '.'], io);
  assert.ok(performance.now() - started < HANG_GUARD_MS, out);
});
