// Taint through env, step outputs, job outputs, $GITHUB_ENV, composite action inputs and workflow inputs, and the
// precision side: values an outsider cannot turn into code are never reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, ofRule } from '../helpers';

const injections = (text: string, path = 'wf.yml') => ofRule(analyzeText(text, path), 'template-injection');
const flagged = (text: string, path?: string) =>
  injections(text, path).map((f) => text.slice(f.span.start, f.span.end));

test('taint flows through workflow, job and step env into ${{ env.X }}', () => {
  const text = `on: pull_request_target
env:
  TITLE: \${{ github.event.pull_request.title }}
  SHA: \${{ github.sha }}
jobs:
  a:
    runs-on: ubuntu-latest
    env:
      BRANCH: \${{ github.head_ref }}
    steps:
      - env:
          BODY: \${{ github.event.pull_request.body }}
        run: |
          echo \${{ env.TITLE }} \${{ env.BRANCH }} \${{ env.BODY }} \${{ env.SHA }}
`;
  const found = injections(text);
  assert.deepEqual(
    found.map((f) => text.slice(f.span.start, f.span.end)),
    ['${{ env.TITLE }}', '${{ env.BRANCH }}', '${{ env.BODY }}'],
  );
  assert.match(found[0].message, /github\.event\.pull_request\.title \(via env\.TITLE\)/);
  assert.ok(found.every((f) => f.severity === 'high'));
});

test('a step env entry that overrides a tainted name with a safe value clears the taint', () => {
  const text = `on: issues
env:
  TITLE: \${{ github.event.issue.title }}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - env:
          TITLE: fixed
        run: echo \${{ env.TITLE }}
`;
  assert.deepEqual(flagged(text), []);
});

test('step outputs written from tainted data via $GITHUB_OUTPUT are tainted, per output name', () => {
  const text = `on: pull_request_target
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: meta
        env:
          TITLE: \${{ github.event.pull_request.title }}
        run: |
          echo "title=$TITLE" >> "$GITHUB_OUTPUT"
          echo "sha=\${{ github.sha }}" >> "$GITHUB_OUTPUT"
      - run: echo "\${{ steps.meta.outputs.title }}" "\${{ steps.meta.outputs.sha }}"
`;
  const found = injections(text);
  assert.deepEqual(
    found.map((f) => text.slice(f.span.start, f.span.end)),
    ['${{ steps.meta.outputs.title }}'],
  );
  assert.match(
    found[0].message,
    /github\.event\.pull_request\.title \(via env\.TITLE -> steps\.meta\.outputs\.title\)/,
  );
});

test('outputs of actions known to echo untrusted text are tainted at medium confidence', () => {
  const text = `on: pull_request_target
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: branch
        uses: tj-actions/branch-names@v8
      - run: git push origin "HEAD:\${{ steps.branch.outputs.current_branch }}"
`;
  const found = injections(text);
  assert.equal(found.length, 1);
  assert.equal(found[0].confidence, 'medium');
});

test('job outputs carry taint to later jobs through needs', () => {
  const text = `on: issue_comment
jobs:
  later:
    needs: parse
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ needs.parse.outputs.command }}" "\${{ needs.parse.outputs.id }}"
  parse:
    runs-on: ubuntu-latest
    outputs:
      command: \${{ steps.p.outputs.command }}
      id: \${{ github.event.comment.id }}
    steps:
      - id: p
        run: echo "command=\${{ github.event.comment.body }}" >> $GITHUB_OUTPUT
`;
  assert.deepEqual(flagged(text), ['${{ needs.parse.outputs.command }}', '${{ github.event.comment.body }}']);
});

test('job outputs carry taint through a needs chain of any length, whatever order the file lists the jobs in', () => {
  // j6 needs j5 ... needs j1, listed last-first: a fixed number of rounds over the file order would lose the taint.
  const hop = (n: number) => `  j${n}:
    needs: j${n - 1}
    runs-on: ubuntu-latest
    outputs:
      v: \${{ needs.j${n - 1}.outputs.v }}
    steps:
      - run: echo hop
`;
  const text = `on: issue_comment
jobs:
  use:
    needs: j6
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ needs.j6.outputs.v }}"
${[6, 5, 4, 3, 2].map(hop).join('')}  j1:
    runs-on: ubuntu-latest
    outputs:
      v: \${{ github.event.comment.body }}
    steps:
      - run: echo start
`;
  const found = injections(text);
  assert.deepEqual(
    found.map((f) => text.slice(f.span.start, f.span.end)),
    ['${{ needs.j6.outputs.v }}'],
  );
  assert.equal(found[0].severity, 'high');
  assert.match(found[0].message, /^github\.event\.comment\.body/);
});

test('a needs cycle (an invalid workflow) neither hangs nor invents taint', () => {
  const text = `on: issue_comment
jobs:
  a:
    needs: b
    runs-on: ubuntu-latest
    outputs:
      v: \${{ needs.b.outputs.v }}
    steps:
      - run: echo "\${{ needs.b.outputs.v }}"
  b:
    needs: a
    runs-on: ubuntu-latest
    outputs:
      v: \${{ needs.a.outputs.v }}
    steps:
      - run: echo "\${{ needs.a.outputs.v }}"
`;
  assert.deepEqual(flagged(text), []);
});

test('a tainted NAME=value written to $GITHUB_ENV taints env.NAME for later steps only', () => {
  const text = `on: issues
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo \${{ env.ISSUE_BODY }}
      - env:
          B: \${{ github.event.issue.body }}
        run: echo "ISSUE_BODY=$B" >> $GITHUB_ENV
      - run: echo \${{ env.ISSUE_BODY }}
`;
  const found = injections(text);
  assert.equal(found.length, 1);
  assert.ok(found[0].span.start > text.indexOf('GITHUB_ENV'));
});

test('composite action inputs with no visible caller are reported at low severity, low confidence', () => {
  const text = `name: greet
inputs:
  who:
    description: who
runs:
  using: composite
  steps:
    - shell: bash
      run: echo "Hello \${{ inputs.who }}"
`;
  const found = injections(text, 'action.yml');
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, 'low');
  assert.equal(found[0].confidence, 'low');
  assert.match(found[0].message, /workflow using this action.*depends on what callers pass/);
});

test('workflow_dispatch string inputs are low severity; typed inputs are not reported', () => {
  const text = `on:
  workflow_dispatch:
    inputs:
      tag:
        type: string
      dry:
        type: boolean
      level:
        type: choice
        options: [a, b]
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: ./release.sh \${{ inputs.tag }} \${{ inputs.dry }} \${{ github.event.inputs.level }} \${{ github.event.inputs.tag }}
`;
  const found = injections(text);
  assert.deepEqual(
    found.map((f) => text.slice(f.span.start, f.span.end)),
    ['${{ inputs.tag }}', '${{ github.event.inputs.tag }}'],
  );
  assert.ok(found.every((f) => f.severity === 'low'));
});

test('workflow_call inputs with no visible caller are low severity at low confidence', () => {
  const text = `on:
  workflow_call:
    inputs:
      ref:
        type: string
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: git checkout \${{ inputs.ref }}
`;
  const [f] = injections(text);
  assert.equal(f.severity, 'low');
  assert.equal(f.confidence, 'low');
  assert.match(f.message, /depends on what callers pass/);
});

test('severity follows reach: privileged outsider > reusable workflow > fork pull request and maintainer-only', () => {
  const body = `jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event.pull_request.title }}"
`;
  assert.equal(injections(`on: pull_request_target\n${body}`)[0].severity, 'high');
  // A fork's pull_request run: the author can edit the workflow itself, and it has no secrets.
  assert.equal(injections(`on: pull_request\n${body}`)[0].severity, 'low');
  assert.equal(injections(`on: push\n${body}`)[0].severity, 'low');
  assert.equal(injections(`on:\n  workflow_call:\n${body}`)[0].severity, 'medium');
});

test('job conditions narrow reach: an event_name check or a same-repository check', () => {
  const wf = (cond: string) => `on: [push, pull_request_target]
jobs:
  a:
    if: ${cond}
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event.head_commit.message }}"
`;
  assert.equal(injections(wf("github.event_name == 'push'"))[0].severity, 'low');
  assert.equal(injections(wf('github.event.pull_request.head.repo.full_name == github.repository'))[0].severity, 'low');
  assert.equal(injections(wf("github.event_name == 'push' || github.actor == 'x'"))[0].severity, 'high');
});

test('never reported: SHAs, numbers, ids, statuses, booleans, comparisons and toJSON of safe values', () => {
  const text = `on: pull_request_target
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: s
        run: echo ok
      - run: |
          echo \${{ github.sha }} \${{ github.event.pull_request.number }} \${{ github.event.pull_request.head.sha }}
          echo \${{ github.event.pull_request.base.sha }} \${{ github.run_id }} \${{ steps.s.outcome }} \${{ steps.s.conclusion }}
          echo \${{ github.event.pull_request.draft }} \${{ github.event.issue.id }} \${{ toJSON(github.event.pull_request.number) }}
          echo \${{ github.event.pull_request.title == 'x' }} \${{ contains(github.event.pull_request.body, 'x') }}
          echo \${{ github.event.pull_request.user.login }} \${{ github.event.pull_request.html_url }} \${{ github.actor }}
          echo \${{ startsWith(github.head_ref, 'release/') && 'yes' || 'no' }} \${{ secrets.TOKEN }} \${{ matrix.os }}
`;
  assert.deepEqual(flagged(text), []);
});

test('values flowing out of && / || / format() / toJSON() are still tainted', () => {
  const text = `on: issues
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo \${{ github.event.issue.title || 'none' }}
          echo \${{ format('{0}!', github.event.issue.body) }}
          echo '\${{ toJSON(github.event.issue) }}'
`;
  const found = injections(text);
  assert.equal(found.length, 3);
  // The whole issue object is not on either list: reported at medium confidence.
  assert.equal(found[2].confidence, 'medium');
});

test('unknown github.event fields are reported at medium confidence, known ones at high', () => {
  const text = `on: issues
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event.issue.milestone.title }}" "\${{ github.event.issue.title }}"
`;
  assert.deepEqual(
    injections(text).map((f) => f.confidence),
    ['medium', 'high'],
  );
});

test('AI agent prompts, github-script and executing action inputs are sinks', () => {
  const text = `on: issues
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: anthropics/claude-code-action@v1
        with:
          prompt: Summarize \${{ github.event.issue.body }}
      - uses: actions/github-script@v7
        with:
          script: console.log('\${{ github.event.issue.title }}')
      - uses: appleboy/ssh-action@v1
        with:
          script: echo \${{ github.event.issue.title }}
      - uses: actions/labeler@v5
        with:
          configuration-path: \${{ github.event.issue.title }}
`;
  const found = injections(text);
  assert.equal(found.length, 3);
  assert.match(found[0].message, /AI agent anthropics\/claude-code-action/);
  assert.equal(found[0].fixes.length, 0);
  assert.equal(found[1].fixes.length, 1);
  assert.equal(found[2].fixes.length, 0);
});

test('file-list outputs of changed-files actions are tainted, their booleans are not; `a && b` only lets b through', () => {
  const text = (version: string) => `on: pull_request
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: changed
        uses: tj-actions/changed-files@${version}
      - run: |
          echo \${{ steps.changed.outputs.any_changed }} \${{ steps.changed.outputs.all_changed_files }}
          echo \${{ github.event.pull_request.title && 'titled' || 'untitled' }}
      - uses: actions/github-script@v7
        with:
          script: console.log('\${{ steps.changed.outputs.all_changed_files }}')
`;
  assert.deepEqual(flagged(text('v40')), [
    '${{ steps.changed.outputs.all_changed_files }}',
    '${{ steps.changed.outputs.all_changed_files }}',
  ]);
  // From v41 the outputs backslash-escape shell characters (GHSA-mcph-m25j-8j63): inert in bash, not in JavaScript.
  const escaped = injections(text('v46'));
  assert.deepEqual(
    escaped.map((f) => f.properties?.sink),
    ['script'],
  );
  assert.match(escaped[0].message, /github-script/);
});
