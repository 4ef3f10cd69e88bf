import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml } from '../../server/src/yaml/parse';
import { buildWorkflow } from '../../server/src/model/workflow';
import { buildAction } from '../../server/src/model/action';
import { kindFromContent, kindFromPath } from '../../server/src/model/detect';
import { parseUses } from '../../server/src/model/uses';

test('triggers in all three forms', () => {
  const forms = [
    'on: push',
    'on: [push, pull_request_target]',
    'on:\n  issue_comment:\n    types: [created]\n  workflow_dispatch:\n',
  ];
  const events = forms.map((f) => buildWorkflow(parseYaml(f + '\njobs: {}\n'), 'w.yml')!.triggers.map((t) => t.event));
  assert.deepEqual(events, [['push'], ['push', 'pull_request_target'], ['issue_comment', 'workflow_dispatch']]);
});

test('jobs, steps, uses, env, permissions and containers keep their spans', () => {
  const text = `on: push
permissions:
  contents: read
env:
  A: 1
jobs:
  build:
    runs-on: [self-hosted, linux]
    container:
      image: node:20
      credentials:
        username: u
        password: \${{ secrets.P }}
    services:
      db:
        image: postgres
        env:
          POSTGRES_PASSWORD: postgres
    steps:
      - uses: actions/checkout@v4
      - id: s
        shell: pwsh
        run: echo hi
  call:
    uses: org/repo/.github/workflows/r.yml@main
    secrets: inherit
`;
  const wf = buildWorkflow(parseYaml(text), 'w.yml')!;
  assert.equal(wf.permissions?.kind, 'map');
  assert.deepEqual(
    wf.permissions?.scopes.map((s) => [s.scope, s.level]),
    [['contents', 'read']],
  );
  const [build, call] = wf.jobs;
  assert.deepEqual(
    build.runsOn.map((r) => r.text),
    ['self-hosted', 'linux'],
  );
  assert.equal(build.container?.image?.text, 'node:20');
  assert.equal(build.container?.credentials?.entries[1].value?.expressions.length, 1);
  assert.equal(build.services[0].env?.entries[0].name, 'POSTGRES_PASSWORD');
  assert.equal(build.steps[0].uses?.slug, 'actions/checkout');
  assert.equal(build.steps[0].uses?.pinned, false);
  assert.equal(build.steps[1].shell, 'pwsh');
  assert.equal(text.slice(build.steps[1].run!.span.start, build.steps[1].run!.span.end), 'echo hi');
  assert.equal(call.uses?.kind, 'reusable-workflow');
  assert.equal(call.secretsInherit?.text, 'inherit');
  assert.equal(text.slice(build.idSpan.start, build.idSpan.end), 'build');
});

test('uses references', () => {
  const s = { start: 0, end: 0 };
  assert.deepEqual(
    [parseUses('github/codeql-action/init@v3', s).slug, parseUses('github/codeql-action/init@v3', s).path],
    ['github/codeql-action/init', 'init'],
  );
  assert.equal(parseUses('actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', s).pinned, true);
  assert.equal(parseUses('./.github/actions/setup', s).kind, 'local');
  assert.equal(parseUses('docker://alpine:3.20', s).kind, 'docker');
  assert.equal(parseUses('./.github/workflows/build.yml', s).kind, 'local-reusable-workflow');
});

test('composite action metadata', () => {
  const text =
    'name: x\ninputs:\n  token:\n    default: ${{ github.token }}\nruns:\n  using: composite\n  steps:\n    - run: echo ${{ inputs.token }}\n      shell: bash\n';
  const a = buildAction(parseYaml(text), 'action.yml')!;
  assert.equal(a.using?.text, 'composite');
  assert.equal(a.inputs[0].name, 'token');
  assert.equal(a.steps[0].shell, 'bash');
});

test('file kind by path, then by content', () => {
  assert.equal(kindFromPath('repo/.github/workflows/ci.yaml'), 'workflow');
  assert.equal(kindFromPath('a/b/action.yml'), 'action');
  assert.equal(kindFromPath('ci/pipeline.yml'), undefined);
  assert.equal(kindFromContent(parseYaml('runs:\n  using: node20\n')), 'action');
  assert.equal(kindFromContent(parseYaml('on: push\njobs: {}\n')), 'workflow');
  // A top-level `stages:` is GitLab CI's; YAML with neither dialect's keys is no workflow at all.
  assert.equal(kindFromContent(parseYaml('stages: [build]\n')), 'gitlab');
  assert.equal(kindFromContent(parseYaml('name: app\nreplicas: 2\n')), undefined);
});
