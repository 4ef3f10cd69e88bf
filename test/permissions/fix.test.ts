// The "Narrow permissions" fix: round trips with and without existing blocks, at workflow and job level, keeping
// comments and odd indentation, and keeping the grants of jobs whose steps are not understood.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { narrowPermissionsFix } from '../../server/src/fixes/permissions';
import { applyEdits } from '../../server/src/fixes/edits';
import { parseYaml } from '../../server/src/yaml/parse';
import { computeWorkflowPermissions } from '../../server/src/analysis/permissions/index';
import { jobs, workflow } from './helpers';

function narrow(text: string): { text: string; title: string } {
  const fix = narrowPermissionsFix(workflow(text));
  assert.ok(fix, 'a fix is offered');
  const out = applyEdits(text, fix.edits);
  assert.deepEqual(parseYaml(out).problems, [], 'valid YAML');
  return { text: out, title: fix.title };
}

test('without any block: a workflow block and the job blocks that need more are inserted', () => {
  const text =
    'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n  label:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/labeler@v5\n';
  assert.equal(
    narrow(text).text,
    'on: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n  label:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read  # reads the labeler configuration (actions/labeler@v5)\n      pull-requests: write  # adds labels to the pull request (actions/labeler@v5)\n    steps:\n      - uses: actions/labeler@v5\n',
  );
});

test("a maintainer's comment on a narrowed scope line is kept; generated comments are never cut short", () => {
  const text =
    'on: push\npermissions: {}\njobs:\n  label:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: write  # labeler config lives in the repo\n      pull-requests: write\n      issues: write\n    steps:\n      - uses: actions/labeler@v5\n';
  const out = narrow(text).text;
  assert.match(out, /^ {6}contents: read {2}# labeler config lives in the repo$/m, out);
  assert.doesNotMatch(out, /…/, out);
});

test('a job needing nothing under a workflow that needs nothing gets permissions: {}', () => {
  const text = 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: make\n';
  assert.equal(
    narrow(text).text,
    'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: make\n',
  );
});

test('existing blocks are rewritten in place; comments elsewhere and four-space indentation are kept', () => {
  const text = [
    '# release workflow',
    'on: push   # every push',
    'permissions:     # reviewed 2024',
    '    contents: write',
    '    packages: write',
    'jobs:',
    '    release:',
    '        runs-on: ubuntu-latest   # fast',
    '        steps:',
    '            - uses: actions/checkout@v4',
    '            - run: gh release create v1   # ship it',
    '              env:',
    '                  GH_TOKEN: ${{ github.token }}',
    '',
  ].join('\n');
  const out = narrow(text).text;
  assert.equal(
    out,
    [
      '# release workflow',
      'on: push   # every push',
      'permissions: {}     # reviewed 2024',
      'jobs:',
      '    release:',
      '        runs-on: ubuntu-latest   # fast',
      '        permissions:',
      '            contents: write  # gh release create (step 2)',
      '        steps:',
      '            - uses: actions/checkout@v4',
      '            - run: gh release create v1   # ship it',
      '              env:',
      '                  GH_TOKEN: ${{ github.token }}',
      '',
    ].join('\n'),
  );
});

test('write-all at job level becomes the needed scopes; its trailing comment stays on the key line', () => {
  const text =
    'on: push\npermissions: read-all\njobs:\n  a:\n    runs-on: x\n    permissions: write-all   # lazy\n    steps:\n      - uses: actions/stale@v9\n';
  assert.equal(
    narrow(text).text,
    'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    permissions:   # lazy\n      actions: write  # saves and deletes its state cache between runs (v9+) (actions/stale@v9)\n      issues: write  # labels, comments on and closes stale issues (actions/stale@v9)\n      pull-requests: write  # labels, comments on and closes stale pull requests (actions/stale@v9)\n    steps:\n      - uses: actions/stale@v9\n',
  );
});

test('a job with a step we cannot understand keeps its grants, and the title says so', () => {
  const text =
    'on: push\npermissions:\n  contents: write\n  issues: write\njobs:\n  known:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n  opaque:\n    runs-on: x\n    steps:\n      - uses: someone/mystery@v1\n';
  const { text: out, title } = narrow(text);
  assert.match(title, /keeps the grants of 'opaque'/);
  const after = jobs(out);
  assert.deepEqual(after.get('opaque')!.granted.scopes, { contents: 'write', issues: 'write' });
  assert.deepEqual(after.get('known')!.granted.scopes, { contents: 'read' });
  assert.match(out, /contents: write {2}# kept: someone\/mystery@v1 is not understood/);
});

test('a job that relies on the repository default and cannot be understood keeps it: no workflow block is added', () => {
  const text =
    'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: ./deploy.sh\n        env:\n          GITHUB_TOKEN: ${{ github.token }}\n  b:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n';
  const out = narrow(text).text;
  assert.ok(!/^permissions:/m.test(out));
  assert.equal(jobs(out).get('a')!.granted.kind, 'default');
  assert.deepEqual(jobs(out).get('b')!.granted.scopes, { contents: 'read' });
});

test('after narrowing, every job is granted at least what its known steps need, and narrowing again changes nothing', () => {
  const text =
    'on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - run: git push\n  b:\n    runs-on: x\n    steps:\n      - uses: github/codeql-action/init@v3\n      - uses: github/codeql-action/analyze@v3\n';
  const out = narrow(text).text;
  for (const jp of jobs(out).values()) {
    for (const [scope, level] of Object.entries(jp.required))
      assert.ok(
        level === 'read' ? jp.granted.scopes[scope as 'contents'] : jp.granted.scopes[scope as 'contents'] === 'write',
        `${jp.job.id} keeps ${scope}: ${level}`,
      );
  }
  assert.equal(narrowPermissionsFix(workflow(out)), undefined);
});

test('CRLF files stay CRLF', () => {
  const text = 'on: push\r\njobs:\r\n  a:\r\n    runs-on: x\r\n    steps:\r\n      - uses: actions/labeler@v5\r\n';
  const out = narrow(text).text;
  assert.ok(!/[^\r]\n/.test(out), 'every newline is CRLF');
});

/** Each job's explicit grant (its own block or the workflow's): undefined for write-all and the repository default. */
function explicitGrants(text: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const jp of computeWorkflowPermissions(workflow(text)).jobs) {
    const kind = jp.granted.kind;
    if (kind === 'map' || kind === 'none' || kind === 'read-all') out.set(jp.job.id, { ...jp.granted.scopes });
  }
  return out;
}

const levelRank = (level: string | undefined) => (level === 'write' ? 2 : level === 'read' ? 1 : 0);

// Issue 17: narrowing must never give a job with an explicit block a scope (or a level) it was not granted, even when
// its steps seem to need it. Checked on ../shared/corpus by scripts/narrowing-scopes.ts (391 fixes, 0 violations).
test('narrowing never adds a scope, or raises a level, that an explicit block did not grant', () => {
  const labeler = '      - uses: actions/labeler@v5\n';
  const release = '      - run: gh release create v1\n        env:\n          GH_TOKEN: ${{ github.token }}\n';
  const shapes = [
    // The job's own empty block; the step would need contents: write.
    `on: push\njobs:\n  ship:\n    runs-on: ubuntu-latest\n    permissions: {}\n    steps:\n${release}`,
    // Inherited from the workflow: contents: read only, the labeler would need pull-requests: write.
    `on: pull_request\npermissions:\n  contents: read\njobs:\n  label:\n    runs-on: ubuntu-latest\n    steps:\n${labeler}`,
    // read-all at the workflow level: no write may appear.
    `on: push\npermissions: read-all\njobs:\n  ship:\n    runs-on: ubuntu-latest\n    steps:\n${release}`,
    // A job block with an unrelated write scope.
    `on: pull_request\npermissions: {}\njobs:\n  label:\n    runs-on: ubuntu-latest\n    permissions:\n      issues: write\n    steps:\n${labeler}`,
    // A step we do not understand beside one we do.
    `on: push\npermissions:\n  contents: read\njobs:\n  mixed:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: example/unknown-action@v1\n${release}`,
    // Two jobs, one with its own block, one inheriting a workflow block wider than it needs.
    `on: push\npermissions:\n  contents: write\n  packages: write\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n  label:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n    steps:\n${labeler}`,
  ];
  let narrowed = 0;
  for (const text of shapes) {
    const fix = narrowPermissionsFix(workflow(text));
    if (!fix) continue;
    narrowed++;
    const out = applyEdits(text, fix.edits);
    const before = explicitGrants(text);
    for (const [job, scopes] of explicitGrants(out)) {
      const was = before.get(job);
      assert.ok(was, `job '${job}' had an explicit grant:\n${text}`);
      for (const [scope, level] of Object.entries(scopes))
        assert.ok(
          levelRank(level) <= levelRank(was[scope]),
          `job '${job}' gained ${scope}: ${level}\n${text}\n->\n${out}`,
        );
    }
  }
  assert.ok(narrowed >= 4, `narrowing offered on ${narrowed} shapes`);
});
