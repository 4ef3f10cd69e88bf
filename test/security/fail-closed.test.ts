// Class 3: fail closed. Repository text never becomes a regular expression (an env key "A(" or "(a+)+c" once made
// secret-echo throw or backtrack for seconds), and a rule that throws makes the scan fail: exit status 3, SARIF
// executionSuccessful false with a notification, the text report says the analysis is incomplete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';
import { defineRule } from '../../server/src/engine/rule';
import { ALL_RULES } from '../../server/src/rules/index';
import { renderReport } from '../../server/src/report/index';
import { scanExitStatus } from '../../server/src/cli/scan';
import { runCli } from '../cli/helpers';
import { analysisDiagnostics } from '../../server/src/lsp/diagnostics';
import { parseYaml } from '../../server/src/yaml/parse';
import { CLI_GUARD_MS, tempRepo, writeFiles } from './helpers';

const keyed = (key: string) =>
  `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    permissions: {}\n    steps:\n` +
  `      - run: echo "$${'a'.repeat(32)}!" "$TOKEN" | base64\n        env:\n          "${key}": \${{ secrets.OTHER }}\n` +
  `          TOKEN: \${{ secrets.TOKEN }}\n`;

for (const key of ['A(', '(a+)+c', '[', '\\\\'])
  test(`an env key ${JSON.stringify(key)} neither breaks nor stalls a rule`, async (t) => {
    const repo = tempRepo(t);
    writeFiles(repo, { '.github/workflows/ci.yml': keyed(key) });
    const r = await runCli(['scan', '--format', 'json', '.'], { cwd: repo, timeoutMs: CLI_GUARD_MS });
    assert.equal(r.timedOut, false, 'the scan hung');
    const report = JSON.parse(r.stdout);
    assert.deepEqual(
      report.files.flatMap((f: { ruleErrors?: unknown[] }) => f.ruleErrors ?? []),
      [],
    );
    assert.ok(report.findings.some((f: { ruleId: string }) => f.ruleId === 'secret-echo'));
    assert.equal(r.status, 1);
  });

test('a rule that throws fails the scan: exit 3, SARIF executionSuccessful false, text says incomplete', () => {
  const broken = defineRule({
    meta: { ...ALL_RULES[0].meta, id: 'broken-rule' },
    workflow() {
      throw new Error('boom');
    },
  });
  const text = 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n';
  const result = analyze({ path: 'ci.yml', text, kind: 'workflow', rules: [broken] });
  assert.equal(result.ruleErrors.length, 1);
  const report = { toolVersion: '0.0.0', files: [{ path: 'ci.yml', uri: 'ci.yml', text, result }], errors: [] };
  const sarif = JSON.parse(renderReport('sarif', report));
  const invocation = sarif.runs[0].invocations[0];
  assert.equal(invocation.executionSuccessful, false);
  assert.match(invocation.toolExecutionNotifications[0].message.text, /broken-rule failed/);
  assert.match(renderReport('text', report, {}), /1 rule failure: the analysis is incomplete/);
  const diagnostics = analysisDiagnostics(
    'file:///ci.yml',
    parseYaml(text).lines,
    { result, durationMs: 0, cpuMs: 0 },
    1,
  );
  assert.ok(
    diagnostics.some((d) => d.severity === 1 && /broken-rule failed on this file/.test(String(d.message))),
    'the editor shows an error',
  );
  assert.equal(scanExitStatus(0, 0, 1, true), 3, '--no-fail does not hide a failed rule');
  assert.equal(scanExitStatus(2, 0, 1, false), 3);
  assert.equal(scanExitStatus(2, 0, 0, false), 1);
});
