import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';

const wf = (text: string) => analyze({ path: '.github/workflows/x.yml', text });

test('a reasoned suppression on the same line silences the finding', () => {
  const r = wf(
    'on: push\npermissions: write-all # flowguard: ignore[excessive-permissions] release needs it\njobs: {}\n',
  );
  assert.equal(r.findings.filter((f) => f.ruleId === 'excessive-permissions').length, 0);
  assert.equal(r.suppressed, 1);
  assert.deepEqual(
    r.findings.map((f) => f.ruleId),
    [],
  );
});

test('a standalone suppression covers the next line; zizmor comments and aliases are honored', () => {
  const r = wf('on: push\n# zizmor: ignore[excessive-permissions] reviewed\npermissions: write-all\njobs: {}\n');
  assert.equal(r.suppressed, 1);
  assert.deepEqual(r.findings, []);
});

test("a peer's ignore explained in the comment lines below it is justified and covers the line after them", () => {
  const text =
    'on: push\n# zizmor: ignore[excessive-permissions]\n# The release job publishes packages and pages;\n# reviewed by security.\npermissions: write-all\njobs: {}\n';
  const r = wf(text);
  assert.deepEqual(r.findings, [], 'neither the finding nor unjustified-suppression');
  assert.equal(r.suppressed, 1);
});

test('stacked suppressions each cover the line after the comment block; an ignore is not a reason', () => {
  const text =
    'on: push\n# zizmor: ignore[excessive-permissions]\n# flowguard: ignore[template-injection] not reached\npermissions: write-all\njobs: {}\n';
  const r = wf(text);
  assert.deepEqual(
    r.findings.map((f) => f.ruleId),
    ['unjustified-suppression'],
  );
  assert.equal(r.suppressed, 1);
});

test('a suppression for another rule does not silence this one', () => {
  const r = wf('on: push\npermissions: write-all # flowguard: ignore[template-injection] nope\njobs: {}\n');
  assert.deepEqual(
    r.findings.map((f) => f.ruleId),
    ['excessive-permissions'],
  );
});

test('a suppression without a reason still suppresses but leaves an audit finding', () => {
  const text = 'on: push\npermissions: write-all # flowguard: ignore[excessive-permissions]\njobs: {}\n';
  const r = wf(text);
  assert.deepEqual(
    r.findings.map((f) => f.ruleId),
    ['unjustified-suppression'],
  );
  const f = r.findings[0];
  assert.equal(text.slice(f.span.start, f.span.end), '# flowguard: ignore[excessive-permissions]');
  assert.equal(f.severity, 'low');
});

test('ignore text inside a quoted string is not a suppression', () => {
  const r = wf('on: push\npermissions: write-all\nenv:\n  X: "# flowguard: ignore[excessive-permissions]"\njobs: {}\n');
  assert.equal(r.suppressed, 0);
});

test('config turns rules off and overrides severity, by id or alias', () => {
  const text = 'on: push\npermissions: write-all\njobs: {}\n';
  const base = { rules: {}, ignore: [], include: [], trustedActions: [], secretStore: { provider: 'github' as const } };
  assert.deepEqual(
    analyze({ path: '.github/workflows/x.yml', text, config: { ...base, rules: { 'excessive-permissions': 'off' } } })
      .findings,
    [],
  );
  const low = analyze({ path: '.github/workflows/x.yml', text, config: { ...base, rules: { permissions: 'low' } } });
  assert.equal(low.findings[0].severity, 'low');
  const min = analyze({
    path: '.github/workflows/x.yml',
    text,
    config: { ...base, rules: { permissions: 'low' }, minSeverity: 'medium' },
  });
  assert.deepEqual(min.findings, []);
});
