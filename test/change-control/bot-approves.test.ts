// bot-approves-pull-request in a reusable workflow: its severity follows who can start its callers in the repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { repoFileReader } from '../../server/src/io/repo-files';
import { FIXTURES } from '../helpers';

const ROOT = join(FIXTURES, 'bot-approves-pull-request', 'repo');

function approvals(path: string, withReader = true) {
  const text = readFileSync(join(ROOT, path), 'utf8');
  const result = analyze({ path, text, readFile: withReader ? repoFileReader(ROOT) : undefined });
  assert.deepEqual(result.ruleErrors, []);
  return result.findings.filter((f) => f.ruleId === 'bot-approves-pull-request');
}

test('a reusable workflow called only from a workflow_dispatch release merges with --admin at low', () => {
  const found = approvals('.github/workflows/publish-versions.yml');
  assert.deepEqual(
    found.map((f) => f.severity),
    ['low'],
  );
  assert.match(found[0].message, /called only from workflows that users with write access start/);
});

test("a caller job that needs a dispatch-only gate does not run on its workflow's pull_request trigger: low", () => {
  const found = approvals('.github/workflows/publish-versions-gated.yml');
  assert.deepEqual(
    found.map((f) => f.severity),
    ['low'],
  );
  assert.match(found[0].message, /called only from workflows that users with write access start/);
});

test('a caller job of the same workflow that needs only a job running on pull_request stays medium', () => {
  assert.deepEqual(
    approvals('.github/workflows/publish-versions-ungated.yml').map((f) => f.severity),
    ['medium'],
  );
});

test('a reusable workflow called from an issue_comment workflow stays medium', () => {
  assert.deepEqual(
    approvals('.github/workflows/approve-on-comment.yml').map((f) => f.severity),
    ['medium'],
  );
});

test('without a view of the callers a reusable workflow stays medium', () => {
  assert.deepEqual(
    approvals('.github/workflows/publish-versions.yml', false).map((f) => f.severity),
    ['medium'],
  );
});
