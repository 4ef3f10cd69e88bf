// Inputs of reusable workflows and composite actions take their taint from the callers inside the repository
// (read through the same repository reader the CLI and the language server use).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { repoFileReader } from '../../server/src/io/repo-files';
import { FIXTURES } from '../helpers';
import { runCli, tempDir } from '../cli/helpers';

const REUSABLE = '.github/workflows/reusable-changelog.yml';
const ACTION = '.github/actions/label/action.yml';

function injections(repo: string, path: string, withReader = true) {
  const root = join(FIXTURES, 'template-injection', repo);
  const text = readFileSync(join(root, path), 'utf8');
  const result = analyze({ path, text, readFile: withReader ? repoFileReader(root) : undefined });
  assert.deepEqual(result.ruleErrors, []);
  return result.findings
    .filter((f) => f.ruleId === 'template-injection')
    .map((f) => ({ ...f, expr: text.slice(f.span.start, f.span.end) }));
}

test('a pull_request_target caller passing the PR title into a reusable workflow is high at its with: line', () => {
  const found = injections('callers-tainted', '.github/workflows/pr-target.yml');
  assert.deepEqual(
    found.map((f) => [f.expr, f.severity]),
    [['title: ${{ github.event.pull_request.title }}', 'high']],
  );
  assert.match(
    found[0].message,
    /github\.event\.pull_request\.title is passed to \.\/\.github\/workflows\/reusable-changelog\.yml/,
  );
  assert.deepEqual(
    found[0].related?.map((r) => r.message),
    ['into the callee: .github/workflows/reusable-changelog.yml:18 the bash script'],
  );
  // The callee is only unsafe with what this caller passes: it reports nothing itself.
  assert.deepEqual(injections('callers-tainted', REUSABLE), []);
});

test('an issues caller passing the issue title into a composite action is high at its with: line', () => {
  const [f, ...rest] = injections('callers-tainted', '.github/workflows/issues.yml');
  assert.deepEqual(rest, []);
  assert.equal(f.severity, 'high');
  assert.match(f.message, /github\.event\.issue\.title is passed to \.\/\.github\/actions\/label as input name/);
  assert.deepEqual(injections('callers-tainted', ACTION), []);
});

test('a caller of a caller: text a reusable workflow forwards to another is reported at the outermost caller', () => {
  const root = join(FIXTURES, 'template-injection', 'repo');
  const caller = join(FIXTURES, 'template-injection', 'vulnerable-caller-of-callee.yml');
  const text = readFileSync(caller, 'utf8');
  const found = analyze({ path: caller, text, readFile: repoFileReader(root) }).findings.filter(
    (f) => f.ruleId === 'template-injection',
  );
  const forwarded = found.find((f) => /forward-title/.test(f.message));
  assert.ok(forwarded);
  assert.deepEqual(
    forwarded.related?.map((r) => r.message),
    [
      'into the callee: .github/workflows/forward-title.yml:14 with.line -> .github/workflows/changelog-line.yml:15 the bash script',
    ],
  );
  // Without the outer caller, the inner callee depends on what forward-title's callers pass: low, never medium.
  for (const f of injections('repo', '.github/workflows/changelog-line.yml')) {
    assert.equal(f.severity, 'low');
    assert.match(f.message, /depends on what that workflow's callers pass/);
  }
});

test('callers passing constants, matrix values and trusted contexts give no finding', () => {
  assert.deepEqual(injections('callers-clean', REUSABLE), []);
  assert.deepEqual(injections('callers-clean', ACTION), []);
});

test('with no caller visible (no repository reader), inputs are low: "depends on what callers pass"', () => {
  for (const path of [REUSABLE, ACTION]) {
    const found = injections('callers-tainted', path, false);
    assert.ok(found.length > 0, path);
    for (const f of found) {
      assert.equal(f.severity, 'low');
      assert.match(f.message, /depends on what callers pass/);
    }
  }
});

test('the repository reader lists a folder but never outside the repository', () => {
  const read = repoFileReader(join(FIXTURES, 'template-injection', 'callers-tainted'));
  assert.deepEqual(read.list!('.github/workflows'), ['issues.yml', 'pr-target.yml', 'reusable-changelog.yml']);
  assert.deepEqual(read.list!('../../'), []);
  assert.deepEqual(read.list!('/etc'), []);
});

test('flowguard scan on a repository: the caller-dependent injection is reported in the caller, not the callee', async (t) => {
  const dir = tempDir(t);
  cpSync(join(FIXTURES, 'template-injection', 'callers-tainted'), dir, { recursive: true });
  const r = await runCli(['scan', '.', '--format', 'json'], { cwd: dir });
  assert.equal(r.status, 1, r.stderr);
  const findings = (JSON.parse(r.stdout) as { findings: CliFinding[] }).findings.filter(
    (f) => f.ruleId === 'template-injection',
  );
  assert.deepEqual(findings.map((f) => [f.path, f.range.start.line, f.severity]).sort(), [
    ['.github/workflows/issues.yml', 14, 'high'],
    ['.github/workflows/pr-target.yml', 11, 'high'],
  ]);
  const prTarget = findings.find((f) => f.path.endsWith('pr-target.yml'))!;
  assert.deepEqual(
    prTarget.related.map((x) => [x.message, x.range.start.line]),
    [['into the callee: .github/workflows/reusable-changelog.yml:18 the bash script', 9]],
  );
});

interface CliFinding {
  path: string;
  ruleId: string;
  severity: string;
  range: { start: { line: number } };
  related: Array<{ message: string; range: { start: { line: number } } }>;
}
