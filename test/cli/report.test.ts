// The report layer in-process: code frames, secret masking everywhere a value could leak, and the parse-error entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';
import type { Finding } from '../../server/src/engine/types';
import { renderJson } from '../../server/src/report/json';
import type { FileReport, ScanReport } from '../../server/src/report/model';
import { SecretRedactor } from '../../server/src/report/redact';
import { renderSarif } from '../../server/src/report/sarif';
import { renderText } from '../../server/src/report/text';

const SECRET = 'sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0ZZ';

function reportOf(path: string, text: string): ScanReport {
  const file: FileReport = { path, uri: path, text, result: analyze({ path, text }) };
  return { toolVersion: '0.0.0-test', files: [file] };
}

const WORKFLOW = `on: issues
permissions: {}
jobs:
  triage:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - env:
          STRIPE_KEY: ${SECRET}
        run: echo "\${{ github.event.issue.title }}"
`;

test('a secret on a context line of another finding is masked in that frame too', () => {
  const report = reportOf('.github/workflows/triage.yml', WORKFLOW);
  const ids = report.files[0].result.findings.map((f) => f.ruleId);
  assert.ok(
    ids.includes('hardcoded-credential') && ids.includes('template-injection'),
    `precondition: ${ids.join(', ')}`,
  );
  const text = renderText(report);
  assert.ok(!text.includes(SECRET), 'no report shows the raw value');
  const injectionFrame = text.split('\n\n').find((block) => block.includes('template-injection'))!;
  assert.match(injectionFrame, /STRIPE_KEY: sk_live_\*+/, 'the line before the injection is shown masked');
  for (const out of [renderJson(report), renderSarif(report)]) assert.ok(!out.includes(SECRET));
});

test('carets stay under the finding when a masked secret earlier on the line changes its length', () => {
  const text = `A: ${SECRET} B`;
  const secret: Finding = {
    ruleId: 'x',
    message: '',
    severity: 'high',
    confidence: 'high',
    span: { start: 3, end: 3 + SECRET.length },
    fixes: [],
    properties: { masked: 'sk_live_****' },
  };
  const redactor = new SecretRedactor(text, [secret]);
  const masked = redactor.masked(0, text.length);
  assert.equal(masked.text, 'A: sk_live_**** B');
  assert.equal(masked.text[masked.indexOf(text.indexOf('B'))], 'B');
  assert.equal(masked.indexOf(3), 3);
  assert.equal(masked.indexOf(3 + SECRET.length), 3 + 'sk_live_****'.length);
  assert.equal(redactor.scrub(`value "${SECRET}" here`), 'value "sk_live_****" here');
});

test('a finding on a very long line is framed in a window that keeps the caret under it', () => {
  const padding = 'x'.repeat(5000);
  const text = `on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: echo ${padding} "\${{ github.event.issue.title }}"\n`;
  const report = reportOf('.github/workflows/long.yml', text);
  const out = renderText(report);
  const lines = out.split('\n');
  const frame = lines.findIndex((l) => l.includes('> 7 |'));
  assert.ok(frame > 0);
  assert.ok(lines[frame].length < 250, 'the frame is cut');
  const at = lines[frame + 1].indexOf('^');
  assert.equal(lines[frame].slice(at, at + 3), '${{');
});

test('invalid YAML appears as a parse-error entry in every format', () => {
  const report = reportOf('.github/workflows/broken.yml', 'on: push\njobs: [\n');
  assert.match(renderText(report), /broken\.yml:\d+:\d+  high  parse-error/);
  assert.equal(JSON.parse(renderJson(report)).findings[0].ruleId, 'parse-error');
  const sarif = JSON.parse(renderSarif(report));
  const result = sarif.runs[0].results[0];
  assert.equal(result.ruleId, 'parse-error');
  assert.equal(sarif.runs[0].tool.driver.rules[result.ruleIndex].id, 'parse-error');
});

test('scan errors (unreadable files) mark the SARIF run unsuccessful and are listed in JSON', () => {
  const report = {
    ...reportOf('.github/workflows/ok.yml', 'on: push\njobs: {}\n'),
    errors: ['cannot read .github/workflows/x.yml: permission denied'],
  };
  const run = JSON.parse(renderSarif(report)).runs[0];
  assert.equal(run.invocations[0].executionSuccessful, false);
  assert.deepEqual(run.invocations[0].toolExecutionNotifications, [
    { level: 'error', message: { text: 'cannot read .github/workflows/x.yml: permission denied' } },
  ]);
  assert.deepEqual(JSON.parse(renderJson(report)).errors, report.errors);
  assert.equal(
    JSON.parse(renderSarif(reportOf('.github/workflows/ok.yml', 'on: push\njobs: {}\n'))).runs[0].invocations[0]
      .executionSuccessful,
    true,
  );
});
