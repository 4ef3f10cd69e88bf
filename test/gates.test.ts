// The gates `npm test` runs before the tests can really fail: each npm script is run on a temporary copy of the project
// with one defect planted (a stale generated file, a type error, a lint error, a format error) and must exit non-zero,
// naming the problem, while the clean copy passes. The scripts run exactly as package.json defines them.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers';

const HANG_GUARD = { timeout: 180_000 };

function runScript(cwd: string, script: string): { status: number | null; output: string } {
  const r = spawnSync('npm', ['run', '--silent', script], { cwd, encoding: 'utf8', timeout: 170_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** A temporary project: the given files and folders copied from this one, node_modules linked. */
function tempProject(entries: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowguard-gates-'));
  for (const entry of entries) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

test('npm test runs the gates in order, failing fast, before the bundle and the tests; CI runs npm test', () => {
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
  assert.deepEqual(scripts.test.split(' && '), [
    'npm run check:generated',
    'npm run typecheck',
    'npm run lint',
    'npm run format:check',
    'npm run bundle',
    'node scripts/run-tests.mjs',
  ]);
  assert.equal(scripts.build, 'npm run generate && npm run bundle');
  assert.match(readFileSync(join(ROOT, '.ci', 'run'), 'utf8'), /^npm test$/m);
});

describe('generation check', HANG_GUARD, () => {
  let dir = '';
  before(() => {
    dir = tempProject(['package.json', 'tsconfig.json', 'server', 'schemas', 'scripts', 'docs']);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('passes on the committed files', () => {
    const r = runScript(dir, 'check:generated');
    assert.equal(r.status, 0, r.output);
  });

  test('fails on an edited or obsolete rule page, names both, and rewrites nothing', () => {
    const page = join(dir, 'docs', 'rules', 'template-injection.md');
    const original = readFileSync(page, 'utf8');
    appendFileSync(page, '\nEdited by hand.\n');
    const edited = readFileSync(page, 'utf8');
    const header = readFileSync(join(dir, 'docs', 'rules', 'README.md'), 'utf8').split('\n')[0];
    writeFileSync(join(dir, 'docs', 'rules', 'retired-rule.md'), `${header}\n\n# retired-rule\n`);
    try {
      const r = runScript(dir, 'check:generated');
      assert.notEqual(r.status, 0, 'a stale page fails the gate');
      assert.match(r.output, /Stale generated files.*docs\/rules\/template-injection\.md/);
      assert.match(r.output, /docs\/rules\/retired-rule\.md/);
      assert.equal(readFileSync(page, 'utf8'), edited, 'the check does not regenerate in place');
    } finally {
      writeFileSync(page, original);
      rmSync(join(dir, 'docs', 'rules', 'retired-rule.md'));
    }
  });

  test('fails on a rule file added without regenerating the registry, and rewrites nothing', () => {
    const registry = join(dir, 'server', 'src', 'rules', 'index.ts');
    const before = readFileSync(registry, 'utf8');
    const added = join(dir, 'server', 'src', 'rules', 'supply-chain', 'unpinned-uses-copy.ts');
    cpSync(join(dir, 'server', 'src', 'rules', 'supply-chain', 'unpinned-uses.ts'), added);
    try {
      const r = runScript(dir, 'check:generated');
      assert.notEqual(r.status, 0, 'a stale registry fails the gate');
      assert.match(r.output, /Stale generated file: server\/src\/rules\/index\.ts/);
      assert.equal(readFileSync(registry, 'utf8'), before, 'the check does not regenerate in place');
    } finally {
      rmSync(added);
    }
  });
});

describe('typecheck, lint and format gates', HANG_GUARD, () => {
  // A project holding only the gates' configuration and one source file, so each script checks just that file.
  let dir = '';
  let probe = '';
  const CLEAN = [
    'export async function load(): Promise<number> {',
    '  return 1;',
    '}',
    '',
    'export async function main(): Promise<number> {',
    '  return await load();',
    '}',
    '',
  ].join('\n');
  before(() => {
    dir = tempProject(['package.json', 'tsconfig.json', 'eslint.config.mjs', '.prettierrc.json', '.prettierignore']);
    mkdirSync(join(dir, 'server', 'src'), { recursive: true });
    probe = join(dir, 'server', 'src', 'probe.ts');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a clean file passes all three', () => {
    writeFileSync(probe, CLEAN);
    for (const script of ['typecheck', 'lint', 'format:check']) {
      const r = runScript(dir, script);
      assert.equal(r.status, 0, `${script}: ${r.output}`);
    }
  });

  test('a type error fails the typecheck', () => {
    writeFileSync(probe, CLEAN.replace('return 1;', "return 'one';"));
    const r = runScript(dir, 'typecheck');
    assert.notEqual(r.status, 0);
    assert.match(r.output, /probe\.ts.*TS2322/);
  });

  test('an unawaited promise and an explicit any fail the lint (type-aware rules)', () => {
    writeFileSync(probe, CLEAN.replace('  return await load();', '  load();\n  return 1 as any;'));
    const r = runScript(dir, 'lint');
    assert.notEqual(r.status, 0);
    assert.match(r.output, /probe\.ts/);
    assert.match(r.output, /@typescript-eslint\/no-floating-promises/);
    assert.match(r.output, /@typescript-eslint\/no-explicit-any/);
  });

  test('unformatted code fails the format check', () => {
    writeFileSync(probe, CLEAN.replace('  return 1;', '    return 1'));
    const r = runScript(dir, 'format:check');
    assert.notEqual(r.status, 0);
    assert.match(r.output, /server\/src\/probe\.ts/);
  });
});
