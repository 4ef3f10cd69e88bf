// Breakage class: permissions for gh api / REST calls. A PATCH on an issue comment needs issues (or pull-requests)
// write, never contents: write; and narrowing never grants a write scope the job was not already granted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';
import { applyEdits } from '../../server/src/fixes/edits';
import { computeWorkflowPermissions } from '../../server/src/analysis/permissions/index';
import { narrowPermissionsFix } from '../../server/src/fixes/permissions';
import { buildWorkflow } from '../../server/src/model/workflow';
import { parseYaml } from '../../server/src/yaml/parse';

function preferredFix(text: string, ruleId: string) {
  const finding = analyze({ path: '.github/workflows/x.yml', text }).findings.find((f) => f.ruleId === ruleId);
  assert.ok(finding, `${ruleId} is reported`);
  const fix = finding.fixes[0];
  assert.ok(fix);
  return { fix, fixed: applyEdits(text, fix.edits) };
}

const required = (text: string) =>
  computeWorkflowPermissions(buildWorkflow(parseYaml(text), 'x.yml')!).jobs.map((j) => j.required);

// Modelled on "update the bot's comment" steps of benchmark and preview workflows.
const updateComment = (path: string) => `on:
  issue_comment:
    types: [created]
permissions:
  contents: write
  issues: write
jobs:
  update:
    runs-on: ubuntu-latest
    steps:
      - run: gh api -X PATCH "${path}" -f body="$BODY"
        env:
          GH_TOKEN: \${{ github.token }}
          REPO: \${{ github.repository }}
          COMMENT_ID: \${{ github.event.comment.id }}
          BODY: done
`;

test('PATCH on an issue comment maps to issues: write whatever the owner/repo is written as', () => {
  for (const path of [
    'repos/$REPO/issues/comments/$COMMENT_ID',
    'repos/${{ github.event.repository.full_name }}/issues/comments/$COMMENT_ID',
    'repos/{owner}/{repo}/issues/comments/$COMMENT_ID',
    '/repos/$GITHUB_REPOSITORY/issues/comments/$COMMENT_ID',
  ])
    assert.deepEqual(required(updateComment(path)), [{ issues: 'write' }], path);
  // Commit comments really are contents.
  assert.deepEqual(required(updateComment('repos/$REPO/comments/$COMMENT_ID')), [{ contents: 'write' }]);
});

test('the narrowing fix keeps issues: write and drops contents: write for the comment job', () => {
  const { fixed } = preferredFix(updateComment('repos/$REPO/issues/comments/$COMMENT_ID'), 'excessive-permissions');
  assert.doesNotMatch(fixed, /contents: write/);
  assert.match(fixed, /issues: write {2}# gh api PATCH/);
});

test('narrowing never adds a write scope the job was not granted (a push that uses a PAT remote)', () => {
  // Modelled on version-bump jobs: checkout leaves the GITHUB_TOKEN in git's config, but the push goes through a
  // PAT in the remote URL. The job runs with contents: read, so the inferred contents: write is not needed.
  const text = `on:
  push:
    branches: [main]
permissions:
  contents: read
  pull-requests: write
jobs:
  bump:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          git remote set-url origin "https://x-access-token:$PAT@github.com/$GITHUB_REPOSITORY"
          git commit -am "chore: bump" && git push origin HEAD:main
        env:
          PAT: \${{ secrets.BOT_PAT }}
`;
  assert.deepEqual(required(text), [{ contents: 'write' }], 'the analysis infers a push with the token');
  const { fix, fixed } = preferredFix(text, 'excessive-permissions');
  assert.equal(fix.safety, 'unsafe');
  assert.doesNotMatch(fixed, /: write/, 'no write scope is granted');
  assert.match(fixed, /^permissions:\n {2}contents: read\njobs:/m, 'the job keeps the read it had');
});

test('a job with steps not understood keeps its grant and gets nothing more', () => {
  const text = `on: push
permissions:
  contents: read
  issues: write
jobs:
  known:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
  opaque:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: git push
      - uses: someone/mystery@v1
`;
  const wf = buildWorkflow(parseYaml(text), 'x.yml')!;
  const fix = narrowPermissionsFix(wf)!;
  const fixed = applyEdits(text, fix.edits);
  assert.doesNotMatch(fixed, /contents: write/);
  assert.match(
    fixed,
    /opaque:\n {4}runs-on: ubuntu-latest\n {4}permissions:\n {6}contents: read {2}# kept[^\n]*\n {6}issues: write {2}# kept/,
  );
});
