// Hostile and broken files through the real CLI: a clear result in every format, never a crash, never a hang.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_ANALYZED_BYTES, MAX_STRUCTURE } from '../server/src/yaml/parse';
import { hasStackTrace, runCli, tempDir, validateSarif } from './cli/helpers';

/** Generous for a slow CI machine, far below "hangs". */
const TIMEOUT_MS = 60_000;

function workflowsDir(root: string): string {
  const dir = join(root, '.github', 'workflows');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function aliasBomb(): string {
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
  return `on: push\n${lines.join('\n')}\njobs:\n  x:\n    runs-on: ubuntu-latest\n    env: *j\n    steps:\n      - run: echo "\${{ github.event.issue.title }}"\n`;
}

function binaryJunk(): Buffer {
  const bytes = Buffer.alloc(64 * 1024);
  let x = 2463534242;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** ~5 MB of harmless steps (long scripts: a few thousand lines, within MAX_STRUCTURE) with one injection at the very end. */
function fiveMegabytes(): string {
  const step = `      - name: step\n        run: echo "building ${'x'.repeat(2000)}"\n`;
  const head =
    'on: issues\npermissions: {}\njobs:\n  big:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n';
  return (
    head +
    step.repeat(Math.ceil((5 * 1024 * 1024) / step.length)) +
    '      - run: echo "${{ github.event.issue.title }}"\n'
  );
}

function scanAll(cwd: string, format: string, extra: string[] = []) {
  return runCli(['scan', '.', '--format', format, ...extra], { cwd, timeoutMs: TIMEOUT_MS });
}

function assertNoCrash(r: { status: number | null; stderr: string; timedOut: boolean }): void {
  assert.equal(r.timedOut, false, 'finished before the timeout');
  assert.ok(r.status === 0 || r.status === 1, `exit status ${r.status}: ${r.stderr}`);
  assert.ok(!/internal error/.test(r.stderr), r.stderr);
  assert.ok(!hasStackTrace(r.stderr), r.stderr);
}

describe('bad input', { concurrency: true }, () => {
  test('invalid YAML becomes a parse-error entry with a position in text, JSON and SARIF (which validates)', async (t) => {
    const dir = tempDir(t);
    writeFileSync(
      join(workflowsDir(dir), 'broken.yml'),
      'on: push\njobs:\n  a:\n    runs-on: [ubuntu\n    steps: - run: x\n',
    );
    const text = await scanAll(dir, 'text');
    assertNoCrash(text);
    assert.equal(text.status, 1);
    assert.match(text.stdout, /^\.github\/workflows\/broken\.yml:\d+:\d+  high  parse-error/m);
    assert.match(text.stdout, /Invalid YAML: /);

    const json = JSON.parse((await scanAll(dir, 'json')).stdout);
    const syntax = json.findings.find((f: { ruleId: string }) => f.ruleId === 'parse-error');
    assert.ok(syntax, 'a parse-error entry');
    assert.ok(syntax.range.start.line >= 4, 'on the line of the unclosed bracket or after it');

    const out = join(dir, 'r.sarif');
    const sarif = await scanAll(dir, 'sarif', ['-o', out]);
    assertNoCrash(sarif);
    assert.deepEqual(await validateSarif(out, dir), []);
  });

  test('an empty workflow file and an empty file named explicitly give a clean result', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(workflowsDir(dir), 'empty.yml'), '');
    writeFileSync(join(dir, 'empty.yaml'), '');
    const r = await runCli(['scan', '.', 'empty.yaml'], { cwd: dir, timeoutMs: TIMEOUT_MS });
    assertNoCrash(r);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /empty\.yaml: skipped \(neither a workflow, an action nor GitLab CI configuration\)/);
  });

  test('binary junk is reported as invalid YAML, and the frame prints no control characters', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(workflowsDir(dir), 'junk.yml'), binaryJunk());
    const r = await scanAll(dir, 'text');
    assertNoCrash(r);
    assert.match(r.stdout, /parse-error/);
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(r.stdout), 'no raw control characters in the text report');
    const json = await scanAll(dir, 'json');
    assertNoCrash(json);
    JSON.parse(json.stdout);
  });

  test('a 5 MB workflow is analyzed to the end', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(workflowsDir(dir), 'big.yml'), fiveMegabytes());
    const r = await scanAll(dir, 'json');
    assertNoCrash(r);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(
      doc.findings.map((f: { ruleId: string }) => f.ruleId).filter((id: string) => id === 'template-injection'),
      ['template-injection'],
      'the injection on the last line is found',
    );
  });

  test('a file above the size limit is reported without being analyzed', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(workflowsDir(dir), 'huge.yml'), '#'.repeat(MAX_ANALYZED_BYTES + 1));
    const r = await scanAll(dir, 'json');
    assertNoCrash(r);
    assert.equal(r.status, 1, 'a file Flowguard could not analyze is a finding, never a clean pass');
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.findings.length, 1);
    assert.equal(doc.findings[0].ruleId, 'parse-error');
    assert.match(doc.findings[0].message, /larger than/);
  });

  test('a workflow with more lines and flow items than MAX_STRUCTURE is a parse-error where it goes over, exit 1', async (t) => {
    const dir = tempDir(t);
    const step = '      - run: echo building\n';
    const head = 'on: issues\njobs:\n  big:\n    runs-on: ubuntu-latest\n    steps:\n';
    writeFileSync(join(workflowsDir(dir), 'long.yml'), head + step.repeat(MAX_STRUCTURE + 10));
    const r = await scanAll(dir, 'json');
    assertNoCrash(r);
    assert.equal(r.status, 1);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(
      doc.findings.map((f: { ruleId: string; message: string }) => [
        f.ruleId,
        /more than 60,000 lines/.test(f.message),
      ]),
      [['parse-error', true]],
    );
    assert.equal(doc.findings[0].range.start.line, MAX_STRUCTURE + 1);
  });

  test('a YAML alias bomb (billion laughs) neither hangs nor explodes', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(workflowsDir(dir), 'bomb.yml'), aliasBomb());
    for (const format of ['text', 'json']) {
      const r = await scanAll(dir, format);
      assertNoCrash(r);
      assert.ok(r.stdout.length < 1_000_000, 'the report does not expand the aliases');
    }
  });

  test('10,000-deep nesting is refused with a clear message, block and flow style', async (t) => {
    const dir = tempDir(t);
    const wf = workflowsDir(dir);
    writeFileSync(join(wf, 'flow.yml'), 'on: push\njobs: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n');
    writeFileSync(join(wf, 'block.yml'), 'on: push\njobs:\n  ' + '- '.repeat(10_000) + 'x\n');
    const r = await scanAll(dir, 'json');
    assertNoCrash(r);
    const doc = JSON.parse(r.stdout);
    const messages = doc.findings.map(
      (f: { path: string; ruleId: string; message: string }) => `${f.path.split('/').pop()} ${f.ruleId}`,
    );
    assert.deepEqual(messages.sort(), ['block.yml parse-error', 'flow.yml parse-error']);
    assert.ok(doc.findings.every((f: { message: string }) => /nested more than/.test(f.message)));
    assert.equal(r.status, 1);
    // The position is where the nesting goes over the limit, not the top of the file.
    assert.ok(doc.findings.every((f: { range: { start: { offset: number } } }) => f.range.start.offset > 400));
  });
});
