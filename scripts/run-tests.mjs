// Runs every test/**/*.test.ts with Node's test runner (Node 20 has no glob support for --test).
// Extra arguments filter by path substring: node scripts/run-tests.mjs cli lsp
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = join(import.meta.dirname, '..');
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'fixtures' && name !== 'e2e') walk(p);
    } else if (name.endsWith('.test.ts')) files.push(relative(root, p));
  }
})(join(root, 'test'));
const selected = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;
const reporter = process.env.CI
  ? 'spec'
  : (process.argv.find((a) => a.startsWith('--test-reporter=')) ?? '--test-reporter=spec').split('=')[1];
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-reporter=${reporter}`, ...selected], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(r.status ?? 1);
