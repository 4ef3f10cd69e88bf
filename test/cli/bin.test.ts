// bin/flowguard.js, the package's `flowguard` command: loads the bundle, or says how to build it.
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers';
import { cliArgs, runNode, tempDir } from './helpers';

const BIN = join(ROOT, 'bin', 'flowguard.js');
const built = existsSync(join(ROOT, 'dist', 'cli.cjs'));

test(
  'the built command scans like the source',
  { skip: built ? false : 'dist/cli.cjs not built: run npm run build' },
  async () => {
    const r = await runNode([BIN, 'scan', 'examples/vulnerable', '--format', 'json']);
    assert.equal(r.status, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.ok(doc.findings.some((f: { ruleId: string }) => f.ruleId === 'template-injection'));
    const usage = await runNode([BIN, 'scan']);
    assert.equal(usage.status, 2);
  },
);

test('without dist/ the launcher says to build, exit 2', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'bin'));
  copyFileSync(BIN, join(dir, 'bin', 'flowguard.js'));
  const r = await runNode([join(dir, 'bin', 'flowguard.js'), '--version']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'flowguard: dist/cli.cjs is missing; run npm run build first.\n');
});

test('a reader that closes standard output early gets exit 2 and one line, not a stack trace', async () => {
  const child = spawn(process.execPath, cliArgs(['scan', 'examples/vulnerable', '--format', 'json']), {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy(); // like `| head -0`: nothing reads the report
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(status, 2, stderr);
  assert.match(stderr, /^flowguard: cannot write to standard output: EPIPE\n$/);
});
