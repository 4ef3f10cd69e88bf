// Inputs of reusable workflows and composite actions take their taint from the callers inside the repository
// (read through the same repository reader the CLI and the language server use).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { repoFileReader } from '../../server/src/io/repo-files';
import { FIXTURES } from '../helpers';
import { runCli, tempDir } from '../cli/helpers';

const REUSABLE = '.github/workflows/reusable-changelog.yml';
const ACTION = '.github/actions/label/action.yml';

function injections(repo: string, path: string, withReader = true, rules = ['template-injection']) {
  const root = repo.startsWith('/') ? repo : join(FIXTURES, 'template-injection', repo);
  const text = readFileSync(join(root, path), 'utf8');
  const result = analyze({ path, text, readFile: withReader ? repoFileReader(root) : undefined });
  assert.deepEqual(result.ruleErrors, []);
  return result.findings
    .filter((f) => rules.includes(f.ruleId))
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

// Composite actions calling local actions are callers too: workflow -> triage -> summarize -> tools/comment.
const CHAIN = [
  '.github/actions/triage/action.yml',
  '.github/actions/summarize/action.yml',
  'tools/comment/action.yml',
] as const;

test('text a workflow passes through a chain of composite actions is reported at the workflow, not in the actions', () => {
  const found = injections('action-callers-tainted', '.github/workflows/triage.yml', true, [
    'template-injection',
    'github-env',
  ]);
  assert.deepEqual(
    found.map((f) => [f.ruleId, f.expr, f.severity]),
    [
      ['github-env', 'title: ${{ github.event.pull_request.title }}', 'medium'],
      ['template-injection', 'title: ${{ github.event.pull_request.title }}', 'high'],
    ],
  );
  assert.deepEqual(
    found[1].related?.map((r) => r.message),
    [
      'into the callee: .github/actions/triage/action.yml:13 with.text -> .github/actions/summarize/action.yml:13 with.body -> tools/comment/action.yml:14 the bash script',
    ],
  );
  // Each action in the chain sees its caller (an action) and that caller's callers: none reports the text again.
  for (const path of CHAIN)
    assert.deepEqual(injections('action-callers-tainted', path, true, ['template-injection', 'github-env']), [], path);
});

test('an action passing event text it reads itself into a local action is the caller: medium at its with: line', () => {
  const [f, ...rest] = injections('action-callers-tainted', '.github/actions/greet/action.yml');
  assert.deepEqual(rest, []);
  assert.equal(f.severity, 'medium');
  assert.equal(f.expr, 'words: ${{ github.event.pull_request.title }}');
  assert.deepEqual(
    f.related?.map((r) => r.message),
    ['into the callee: .github/actions/shout/action.yml:10 the bash script'],
  );
  assert.deepEqual(injections('action-callers-tainted', '.github/actions/shout/action.yml'), []);
});

test('action callers passing constants give no finding along the chain', () => {
  for (const path of ['.github/workflows/triage.yml', ...CHAIN, '.github/actions/shout/action.yml'])
    assert.deepEqual(injections('action-callers-clean', path, true, ['template-injection', 'github-env']), [], path);
});

test("an inner action whose action callers have no visible caller is low: depends on what that action's callers pass", (t) => {
  const dir = tempDir(t);
  cpSync(join(FIXTURES, 'template-injection', 'action-callers-tainted'), dir, { recursive: true });
  rmSync(join(dir, '.github', 'workflows'), { recursive: true });
  const found = injections(dir, 'tools/comment/action.yml');
  assert.deepEqual(
    found.map((f) => [f.expr, f.severity]),
    [['${{ inputs.body }}', 'low']],
  );
  assert.match(found[0].message, /inputs\.title \(via \.github\/actions\/triage\/action\.yml:13 with\.text -> /);
  assert.match(found[0].message, /depends on what that action's callers pass/);
});

test('actions calling each other in a cycle are followed a bounded number of hops', () => {
  assert.deepEqual(injections('action-callers-tainted', '.github/actions/loop-a/action.yml'), []);
  const found = injections('action-callers-tainted', '.github/actions/loop-b/action.yml');
  assert.deepEqual(
    found.map((f) => [f.expr, f.severity]),
    [['${{ inputs.value }}', 'low']],
  );
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
