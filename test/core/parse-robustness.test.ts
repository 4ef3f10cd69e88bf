// The parser and engine never throw and never hang, whatever the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';
import { LARGE_PARSE_MAX_TEXT, parseYaml, parseYamlShared, MAX_NESTING } from '../../server/src/yaml/parse';

const wf = (text: string) => analyze({ path: '.github/workflows/x.yml', text });

test('invalid YAML gives problems with positions and a partial analysis', () => {
  const r = wf('on: push\njobs:\n  a:\n    runs-on: [ubuntu\n    steps: - run: x\n');
  assert.ok(r.problems.length > 0);
  assert.ok(r.problems.every((p) => p.span.start >= 0 && p.kind === 'yaml'));
});

test('empty and whitespace-only files give no findings and no problems', () => {
  for (const t of ['', '\n\n', '# only a comment\n']) {
    const r = wf(t);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.ruleErrors, []);
  }
});

test('binary junk is survived', () => {
  let junk = '';
  for (let i = 0; i < 5000; i++) junk += String.fromCharCode((i * 7919) % 256);
  const r = wf(junk);
  assert.deepEqual(r.ruleErrors, []);
});

test('an alias bomb neither explodes nor crashes', () => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(
      `${cur}: &${cur} [${Array(9)
        .fill('*' + prev)
        .join(',')}]`,
    );
  }
  const text =
    'on: push\n' +
    lines.join('\n') +
    '\njobs:\n  x:\n    runs-on: ubuntu-latest\n    env: *j\n    steps:\n      - run: echo\n';
  const r = wf(text);
  assert.deepEqual(r.ruleErrors, []);
});

test('nesting beyond the limit is refused with a clear problem, not a stack overflow', () => {
  const deep = '['.repeat(MAX_NESTING * 30) + ']'.repeat(MAX_NESTING * 30);
  const r = wf(deep);
  assert.equal(r.problems[0].kind, 'limit');
  assert.match(r.problems[0].message, /nested/);
  const block = Array.from({ length: 3000 }, (_, i) => ' '.repeat(i) + 'k:').join('\n');
  assert.equal(parseYaml(block).problems[0]?.kind, 'limit');
});

test('a 5 MB workflow is analyzed', () => {
  // Long scripts: 5 MB in a few thousand lines (a file of 5 MB in short lines is over MAX_STRUCTURE).
  const step = `      - name: step\n        run: echo "\${{ github.event.issue.title }}" ${'x'.repeat(2000)}\n`;
  const text =
    'on: issues\npermissions: {}\njobs:\n  big:\n    runs-on: ubuntu-latest\n    steps:\n' +
    step.repeat(Math.ceil((5 * 1024 * 1024) / step.length));
  const r = wf(text);
  // Every step is analysed; each rule lists at most 200 findings per file, and one more finding counts the rest at
  // their highest severity (not a parse problem: the file was analysed).
  const listed = r.findings.filter((f) => f.ruleId === 'template-injection');
  assert.equal(listed.length, 201);
  const summary = listed.find((f) => f.properties?.dropped !== undefined);
  assert.ok(summary, 'a summary finding counts the findings not listed');
  assert.match(summary.message, /^\d+ more template-injection findings in this file are not listed/);
  assert.equal(summary.properties?.dropped, Math.ceil((5 * 1024 * 1024) / step.length) - 200);
  assert.equal(summary.severity, listed[0].severity);
  assert.deepEqual(r.problems, []);
});

test('a parse shared between analyses of one text does not carry one analysis problems into the next', () => {
  const text = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n';
  assert.equal(parseYamlShared(text), parseYamlShared(text));
  const stopped = analyze({ path: '.github/workflows/x.yml', text, timeBudgetMs: -1 });
  assert.ok(stopped.problems.some((p) => p.kind === 'limit'));
  assert.deepEqual(wf(text).problems, []);
});

test('the last large text read for another file (a reusable workflow of a few hundred KB) is kept for the next analysis; a larger one is not', () => {
  const job = (i: number) => `  j${i}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test-${i}\n`;
  const workflow = (bytes: number, tag: string) => {
    let text = `# ${tag}\non: workflow_call\njobs:\n`;
    for (let i = 0; text.length < bytes; i++) text += job(i);
    return text;
  };
  const large = workflow(200 * 1024, 'large');
  const first = parseYamlShared(large);
  assert.ok(first.doc && first.problems.length === 0);
  assert.equal(parseYamlShared(large), first, 'parsed once');
  // The same text read again from disk (another string) is still a hit.
  assert.equal(parseYamlShared((' ' + large).slice(1)), first);
  const tooLarge = workflow(LARGE_PARSE_MAX_TEXT + 1024, 'too large');
  assert.notEqual(parseYamlShared(tooLarge), parseYamlShared(tooLarge), 'over the bound: parsed each time');
  assert.equal(parseYamlShared(large), first, 'and it did not take the place of the kept one');
  // The file an analysis is about is not kept (it is used when a caller's analysis kept it).
  const analyzed = workflow(200 * 1024, 'analyzed');
  assert.notEqual(parseYamlShared(analyzed, { analyzed: true }), parseYamlShared(analyzed, { analyzed: true }));
  assert.equal(parseYamlShared(large, { analyzed: true }), first);
  // One slot: another large text takes its place.
  parseYamlShared(workflow(200 * 1024, 'another'));
  assert.notEqual(parseYamlShared(large), first);
});
