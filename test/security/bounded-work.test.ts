// Class 4: bounded work on repository content. Local composite actions fanning out to each other, self-references
// spelled `./act/.` and `./act/./.`, megabyte single-line scripts and bracket-heavy comments finish well within a hang
// guard and still produce their findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../server/src/cli/run';
import { analyze } from '../../server/src/engine/analyze';
import { fixFile } from '../helpers';
import { HANG_GUARD_MS, tempRepo, writeFiles } from './helpers';

async function timedScan(cwd: string, args: string[]): Promise<{ ms: number; out: string; status: unknown }> {
  let out = '';
  const io = { cwd, env: {}, stdout: (s: string) => (out += s), stderr: (s: string) => (out += s), stdoutIsTTY: false };
  const started = performance.now();
  const status = await runCli(['scan', ...args], io);
  return { ms: performance.now() - started, out, status };
}

const WORKFLOW =
  'on: push\npermissions: write-all\njobs:\n  b:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - uses: ./a0\n';

test('composite actions fanning out to each other are analyzed within a budget', async (t) => {
  const repo = tempRepo(t);
  const files: Record<string, string> = { '.github/workflows/ci.yml': WORKFLOW };
  for (let i = 0; i < 6; i++) {
    const steps = Array.from({ length: 35 }, (_, k) => `    - uses: ./a${i + 1}\n      with: { n: "${k}" }\n`).join('');
    files[`a${i}/action.yml`] = `name: a${i}\nruns:\n  using: composite\n  steps:\n${steps}`;
  }
  files['a6/action.yml'] =
    'name: leaf\nruns:\n  using: composite\n  steps:\n    - run: gh pr comment 1 -b x\n      shell: bash\n';
  writeFiles(repo, files);
  const r = await timedScan(repo, ['--format', 'json', '--no-fail', '.']);
  assert.ok(r.ms < HANG_GUARD_MS, `${r.ms} ms`);
  assert.equal(r.status, 0, r.out);
});

test('self-references through `.` segments are one callee (cycle found)', async (t) => {
  const repo = tempRepo(t);
  const steps = ['./act', './act/.', './act/./.', './act/', './x/../act']
    .flatMap((u) => Array.from({ length: 14 }, () => `    - uses: ${u}\n`))
    .join('');
  writeFiles(repo, {
    '.github/workflows/ci.yml': WORKFLOW.replace('./a0', './act'),
    'act/action.yml': `name: act\nruns:\n  using: composite\n  steps:\n${steps}`,
  });
  const r = await timedScan(repo, ['--format', 'json', '--no-fail', '.']);
  assert.ok(r.ms < HANG_GUARD_MS, `${r.ms} ms`);
  assert.equal(r.status, 0, r.out);
});

test('brackets in comments and scalars do not count as nesting; real flow nesting still does', () => {
  const base =
    'on: pull_request_target\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n';
  for (const text of [
    `# ${'{'.repeat(401)}\n${base}`,
    `${base}      - run: echo '${'['.repeat(500)}'\n`,
    `${base}      - run: |\n          ${'{'.repeat(500)}\n`,
  ]) {
    const result = analyze({ path: '.github/workflows/ci.yml', text });
    assert.deepEqual(result.problems, []);
    assert.ok(result.findings.some((f) => f.ruleId === 'template-injection'));
  }
  const deep = analyze({ path: '.github/workflows/ci.yml', text: `x: ${'['.repeat(401)}${']'.repeat(401)}\n${base}` });
  assert.match(deep.problems[0]?.message ?? '', /nested more than 400 levels/);
  const bomb = analyze({ path: '.github/workflows/ci.yml', text: `x: ${'{a: '.repeat(50_000)}\n` });
  assert.match(bomb.problems[0]?.message ?? '', /nested more than 400 levels/);
});

test('a 1 MB single-line script is analyzed and fixed in bounded time; a flood of one cause is one counted finding', () => {
  const fill = (unit: string) => unit.repeat(Math.ceil(1_000_000 / unit.length));
  for (const body of [fill(' '), fill('curl http://get.example.com/x '), fill('curl -k x ')]) {
    const text = `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: export API_TOKEN=9f8e7d6c5b4a39281706f5e4d3c2b1a0; ${body}\n`;
    const started = performance.now();
    const result = analyze({ path: '.github/workflows/ci.yml', text });
    fixFile({ path: '.github/workflows/ci.yml', text }, { safeOnly: true });
    assert.ok(performance.now() - started < HANG_GUARD_MS, `${Math.round(performance.now() - started)} ms`);
    assert.ok(result.findings.some((f) => f.ruleId === 'hardcoded-credential'));
    if (body.includes('curl')) {
      // One cause repeated in one step is one finding that counts its occurrences (not 200 findings and a limit).
      const flood = result.findings.filter((f) => f.ruleId === 'insecure-transport');
      assert.equal(flood.length, 1);
      assert.equal(flood[0].properties?.occurrences, Math.ceil(1_000_000 / (body.startsWith('curl http') ? 30 : 10)));
      assert.deepEqual(result.problems, []);
    }
  }
});

test('the per-file time budget turns a slow analysis into a reported limit', () => {
  const text = 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n';
  const result = analyze({ path: '.github/workflows/ci.yml', text, timeBudgetMs: -1 });
  assert.match(result.problems[0]?.message ?? '', /stopped analyzing this file/);
});
