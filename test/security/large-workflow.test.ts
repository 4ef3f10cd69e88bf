// Class 4: a 9.5 MB workflow (just under the 10 MB the CLI analyzes) finishes in the engine and in the real CLI within
// a hang guard and is reported: findings (capped per rule), no crash, no rule error. Built in the test: a script of a
// hundred thousand downloads piped to sh, issue titles echoed between them (once over 120 s: a linear overlap test
// per match in unverified-script-exec made it quadratic). Twenty downloads share a line and one expression: a file with more
// than 60,000 lines, brackets and commas is a parse-error (too large) before any rule runs (test/bad-input.test.ts),
// and this test is about the rules' cost on a file they do analyze.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';
import { MAX_ANALYZED_BYTES } from '../../server/src/yaml/parse';
import { runCli } from '../cli/helpers';
import { tempRepo, writeFiles } from './helpers';

/** Only a hang, or a return of the quadratic scan (minutes), reaches this on a busy 2-core machine. */
const LARGE_FILE_GUARD_MS = 120_000;

function largeWorkflow(): string {
  const head =
    'on: issues\npermissions: {}\njobs:\n  b:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n' +
    '      - uses: actions/checkout@v4\n      - run: |\n';
  const parts = [head];
  let length = head.length;
  for (let i = 0; length < 9.5 * 1024 * 1024; i += 20) {
    const downloads = Array.from({ length: 20 }, (_, k) => `curl -fsSL http://example.com/${i + k} | sh`);
    const line = `          echo "\${{ github.event.issue.title }} ${i}"; ${downloads.join('; ')}\n`;
    parts.push(line);
    length += line.length;
  }
  return parts.join('');
}

const TEXT = largeWorkflow();

test('a 9.5 MB workflow: the engine finishes and reports capped findings', () => {
  assert.ok(TEXT.length > 9.4 * 1024 * 1024 && TEXT.length < MAX_ANALYZED_BYTES, `${TEXT.length} bytes`);
  const started = performance.now();
  const result = analyze({ path: '.github/workflows/big.yml', text: TEXT });
  const ms = performance.now() - started;
  assert.ok(ms < LARGE_FILE_GUARD_MS, `${Math.round(ms)} ms`);
  assert.deepEqual(result.ruleErrors, []);
  const rules = new Set(result.findings.map((f) => f.ruleId));
  for (const id of ['template-injection', 'unverified-script-exec', 'insecure-transport']) assert.ok(rules.has(id), id);
  const listed = result.findings.filter((f) => f.ruleId === 'unverified-script-exec');
  assert.ok(listed.length <= 201);
  assert.ok(
    listed.some((f) => typeof f.properties?.dropped === 'number' && /not listed/.test(f.message)),
    'the cap is said, by a finding that counts what was not listed',
  );
});

test('a 9.5 MB workflow: the CLI finishes, exits 1 with a JSON report, no crash', async (t) => {
  const repo = tempRepo(t);
  writeFiles(repo, { '.github/workflows/big.yml': TEXT });
  const run = await runCli(['scan', '--format', 'json', '.'], { cwd: repo, timeoutMs: LARGE_FILE_GUARD_MS });
  assert.equal(run.timedOut, false, 'the scan hung');
  assert.equal(run.status, 1, run.stderr);
  const report = JSON.parse(run.stdout) as {
    findings: Array<{ ruleId: string }>;
    files: Array<{ ruleErrors?: unknown[]; problems?: Array<{ kind: string }> }>;
  };
  assert.ok(report.findings.some((f) => f.ruleId === 'template-injection'));
  assert.deepEqual(
    report.files.flatMap((f) => f.ruleErrors ?? []),
    [],
  );
});
