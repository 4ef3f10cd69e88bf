// Code lenses above jobs and the hover on permissions: keys, through the real engine, and the rules' findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';
import { codeLenses } from '../../server/src/editor/lenses';
import { hoverInfo } from '../../server/src/editor/hover';

const TEXT = [
  'on: pull_request_target',
  'permissions:',
  '  contents: write',
  'jobs:',
  '  label:',
  '    runs-on: ubuntu-latest',
  '    permissions:',
  '      statuses: write',
  '    steps:',
  '      - uses: actions/labeler@v5',
  '  build:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '      - uses: someone/mystery@v1',
  '',
].join('\n');
const result = analyze({ path: '.github/workflows/x.yml', text: TEXT });

test('a lens above each job says what it needs; clicking narrows', () => {
  const lenses = codeLenses(result);
  assert.deepEqual(
    lenses.map((l) => [TEXT.slice(l.span.start, l.span.end), l.title]),
    [
      ['label', 'needs: contents: read, pull-requests: write'],
      ['build', 'needs: contents: read · 1 step(s) not understood'],
    ],
  );
  assert.equal(lenses[0].action, 'narrow-permissions');
});

test('no lenses for an action file or a file without a model', () => {
  assert.deepEqual(
    codeLenses(analyze({ path: 'action.yml', text: 'name: x\nruns:\n  using: composite\n  steps: []\n' })),
    [],
  );
  assert.deepEqual(codeLenses({ ...result, model: undefined }), []);
});

test('hover on a job permissions: key shows granted vs needed with reasons', () => {
  const at = TEXT.indexOf('permissions:', TEXT.indexOf('label:')) + 3;
  const md = hoverInfo(result, at)!.markdown;
  assert.match(md, /of job `label`/);
  assert.match(md, /Granted: statuses: write/);
  assert.match(md, /`contents: read` \*\*\(not granted\)\*\*: reads the labeler configuration/);
  assert.match(md, /`pull-requests: write` \*\*\(not granted\)\*\*/);
  assert.match(md, /granted but unused: `statuses: write`/);
});

test('hover on the workflow permissions: key covers the jobs that inherit it, unknown steps included', () => {
  const md = hoverInfo(result, TEXT.indexOf('permissions:') + 1)!.markdown;
  assert.match(md, /for every job without its own block/);
  assert.match(md, /Job `build` needs: contents: read/);
  assert.match(md, /not understood: someone\/mystery@v1: someone\/mystery is not in the knowledge base/);
  assert.equal(hoverInfo(result, TEXT.indexOf('runs-on')), undefined);
});

test('excessive-permissions reports unused job scopes; workflow scopes are spared while a job is not understood', () => {
  const found = result.findings.filter((f) => f.ruleId === 'excessive-permissions').map((f) => f.message);
  assert.deepEqual(found, [
    "Job 'label' grants statuses: write but no step uses it. (Low, hygiene: no trigger any user can fire reaches a job holding it with their code or text where the token is in reach.)",
  ]);
});

test('excessive-permissions: a workflow write scope only one job needs', () => {
  const text =
    'on: push\npermissions:\n  contents: write\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n  b:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - run: git push\n';
  const f = analyze({ path: '.github/workflows/x.yml', text }).findings.filter(
    (x) => x.ruleId === 'excessive-permissions',
  );
  assert.equal(f.length, 1);
  assert.match(f[0].message, /only job 'b' needs it \(git push/);
  assert.equal(f[0].fixes[0].title, 'Narrow permissions');
});

test('missing-permissions: high only where an outsider has a path to the token, hygiene (low) elsewhere', () => {
  // Event text that becomes shell code in a step holding the token: a path on every event an outsider can fire.
  const injected =
    '      - run: echo "${{ github.event.comment.body }}${{ github.event.issue.title }}${{ github.event.pull_request.title }}"\n        env:\n          GH_TOKEN: ${{ github.token }}\n';
  const sev = (on: string, step = injected) =>
    analyze({
      path: '.github/workflows/x.yml',
      text: `on: ${on}\njobs:\n  a:\n    runs-on: x\n    steps:\n${step}`,
    }).findings.find((f) => f.ruleId === 'missing-permissions')?.severity;
  assert.equal(sev('pull_request_target'), 'high');
  assert.equal(sev('issue_comment'), 'high');
  // Without anything of the outsider's running there, the missing block is hygiene.
  assert.equal(sev('issue_comment', '      - run: echo hello\n'), 'low');
  // Fork pull requests get a read-only token; only collaborators' branches get the default one.
  assert.equal(sev('pull_request'), 'low');
  assert.equal(sev('push'), 'low');
  assert.equal(sev('workflow_dispatch'), 'low');
  // Only people with triage access can label: a privileged event, but not one an outsider fires.
  assert.equal(sev('\n  issues:\n    types: [labeled]'), 'low');
  assert.equal(sev('\n  issues:\n    types: [opened, labeled]'), 'high');
  assert.equal(sev('workflow_call'), undefined);
});

test('lenses are informational when there is nothing to narrow', () => {
  const text =
    'on: push\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n';
  const lenses = codeLenses(analyze({ path: '.github/workflows/x.yml', text }));
  assert.deepEqual(
    lenses.map((l) => [l.title, l.action]),
    [['needs: contents: read', undefined]],
  );
});

test('pull-requests: write is not called unused when the job comments on the pull request through the issues API', () => {
  const text =
    'on: pull_request_target\npermissions: {}\njobs:\n  c:\n    runs-on: x\n    permissions:\n      pull-requests: write\n    steps:\n      - uses: actions/github-script@v7\n        with:\n          script: await github.rest.issues.createComment({ ...context.repo, issue_number: context.issue.number, body: "hi" })\n';
  assert.deepEqual(
    analyze({ path: '.github/workflows/x.yml', text }).findings.filter((f) => f.ruleId === 'excessive-permissions'),
    [],
  );
});

test('an id-token grant is kept while the job runs code we cannot see', () => {
  const text =
    'on: push\npermissions: {}\njobs:\n  publish:\n    runs-on: x\n    permissions:\n      id-token: write\n    steps:\n      - run: ./tools/release/publish.ts\n';
  const r = analyze({ path: '.github/workflows/x.yml', text });
  assert.deepEqual(
    r.findings.filter((f) => f.ruleId === 'excessive-permissions'),
    [],
  );
  const noCode = text.replace('./tools/release/publish.ts', 'echo hi');
  assert.match(
    analyze({ path: '.github/workflows/x.yml', text: noCode }).findings.find(
      (f) => f.ruleId === 'excessive-permissions',
    )!.message,
    /id-token: write but no step uses it/,
  );
});

/** The excessive-permissions messages of a one-job workflow granting `grants` and running `steps`. */
function unusedScopes(grants: string[], steps: string[]): string[] {
  const text = [
    'on:',
    '  push:',
    "    tags: ['v*']",
    'permissions: {}',
    'jobs:',
    '  release:',
    '    runs-on: ubuntu-latest',
    '    permissions:',
    ...grants.map((g) => `      ${g}`),
    '    steps:',
    ...steps.map((s) => `      ${s}`),
    '',
  ].join('\n');
  return analyze({ path: '.github/workflows/release.yml', text })
    .findings.filter((f) => f.ruleId === 'excessive-permissions')
    .map((f) => f.message);
}

test('goreleaser: packages, id-token, issues and discussions its configuration can use are not called unused', () => {
  const goreleaser = [
    '- uses: actions/checkout@v4',
    '- uses: goreleaser/goreleaser-action@v6',
    '  with:',
    '    args: release --clean',
    '  env:',
    '    GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}',
  ];
  const grants = ['contents: write', 'packages: write', 'id-token: write', 'issues: write', 'discussions: write'];
  assert.deepEqual(unusedScopes(grants, goreleaser), []);
  // pull-requests is nothing goreleaser documents: still reported.
  assert.deepEqual(
    unusedScopes([...grants, 'pull-requests: write'], goreleaser).map((m) => m.split(' but ')[0]),
    ["Job 'release' grants pull-requests: write"],
  );
});

test('npm publish with the token in its environment runs lifecycle scripts (napi-rs uploads to the release)', () => {
  const publish = (env: string) => ['- uses: actions/checkout@v4', '- run: npm publish', '  env:', `    ${env}`];
  assert.deepEqual(unusedScopes(['contents: write'], publish('GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}')), []);
  // Without the token in its environment, contents: write is unused (checkout only reads).
  assert.match(unusedScopes(['contents: write'], publish('NPM_TOKEN: ${{ secrets.NPM_TOKEN }}'))[0], /contents: write/);
});

test('a release task run with the Git credentials checkout persisted may push: contents: write is not called unused', () => {
  const steps = (persist: boolean) => [
    '- uses: actions/checkout@v4',
    ...(persist ? [] : ['  with:', '    persist-credentials: false']),
    '- run: bundle exec rake release',
  ];
  assert.deepEqual(unusedScopes(['contents: write'], steps(true)), []);
  assert.match(unusedScopes(['contents: write'], steps(false))[0], /contents: write/);
});

test('pull-requests: write is used when a comment goes through the issues API and issues is granted only read', () => {
  const text = [
    'on:',
    '  workflow_run:',
    '    workflows: [check]',
    '    types: [completed]',
    'permissions: {}',
    'jobs:',
    '  comment:',
    '    runs-on: ubuntu-latest',
    '    permissions:',
    '      contents: read',
    '      issues: read',
    '      pull-requests: write',
    '    steps:',
    '      - uses: actions/github-script@v7',
    '        with:',
    '          github-token: ${{ secrets.GITHUB_TOKEN }}',
    '          script: |',
    '            const issues = await github.paginate(github.rest.issues.listForRepo.endpoint.merge({ ...context.repo }))',
    '            await github.rest.issues.createComment({ ...context.repo, issue_number: 1, body: "failed" })',
    '',
  ].join('\n');
  assert.deepEqual(
    analyze({ path: '.github/workflows/comment.yml', text }).findings.filter(
      (f) => f.ruleId === 'excessive-permissions',
    ),
    [],
  );
});

test('a workflow-level write scope that reaches no job is low: it grants nothing today', () => {
  const text =
    'on: push\npermissions:\n  id-token: write\njobs:\n  a:\n    runs-on: x\n    permissions:\n      contents: read\n    steps:\n      - uses: actions/checkout@v4\n';
  const found = analyze({ path: '.github/workflows/x.yml', text }).findings.filter(
    (f) => f.ruleId === 'excessive-permissions',
  );
  assert.deepEqual(
    found.map((f) => f.severity),
    ['low'],
  );
});
