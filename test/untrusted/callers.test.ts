// Inputs of reusable workflows and composite actions take their taint from the callers inside the repository
// (read through the same repository reader the CLI and the language server use).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { repoFileReader } from '../../server/src/io/repo-files';
import { FIXTURES } from '../helpers';

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

test('a reusable workflow input a pull_request_target caller fills with the PR title is high, naming the caller', () => {
  const found = injections('callers-tainted', REUSABLE);
  assert.deepEqual(
    found.map((f) => [f.expr, f.severity]),
    [['${{ inputs.title }}', 'high']],
  );
  assert.match(found[0].message, /github\.event\.pull_request\.title/);
  assert.match(found[0].message, /\.github\/workflows\/pr-target\.yml:11/);
});

test('a composite action input an issues caller fills with the issue title is high', () => {
  const [f, ...rest] = injections('callers-tainted', ACTION);
  assert.deepEqual(rest, []);
  assert.equal(f.severity, 'high');
  assert.match(f.message, /github\.event\.issue\.title.*\.github\/workflows\/issues\.yml:14/);
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
