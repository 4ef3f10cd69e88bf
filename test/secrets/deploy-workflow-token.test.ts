// deploy-without-environment reads a reusable workflow's secrets through its callers in the repository: a secret every
// caller fills with the workflow token is that token (no credential for an environment to fence off), a registry token
// from the callers' secrets is a credential (low when only collaborators can start the calling job), and with no
// visible caller the secret counts as a credential and the workflow as reachable by anyone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { repoFileReader } from '../../server/src/io/repo-files';
import { FIXTURES } from '../helpers';

const ROOT = join(FIXTURES, 'deploy-without-environment', 'repo');

function deployFindings(path: string, withReader = true) {
  const text = readFileSync(join(ROOT, path), 'utf8');
  const result = analyze({ path, text, readFile: withReader ? repoFileReader(ROOT) : undefined });
  assert.deepEqual(result.ruleErrors, []);
  return result.findings.filter((f) => f.ruleId === 'deploy-without-environment');
}

test('an image pushed with a secret every caller fills with the workflow token is low, naming the secret', () => {
  const found = deployFindings('.github/workflows/build-and-publish-image.yml');
  assert.deepEqual(
    found.map((f) => f.severity),
    ['low'],
  );
  assert.match(found[0].message, /secrets\.token is the workflow token every caller in this repository passes/);
});

test('the same secret filled with a registry token by its caller is a credential, low as only collaborators push tags', () => {
  const found = deployFindings('.github/workflows/push-release-image.yml');
  assert.deepEqual(
    found.map((f) => f.severity),
    ['low'],
  );
  assert.match(found[0].message, /\(Low: only collaborators can start this job; an environment adds a review step/);
});

test('without the repository, a reusable workflow secret counts as a credential (medium)', () => {
  assert.deepEqual(
    deployFindings('.github/workflows/build-and-publish-image.yml', false).map((f) => f.severity),
    ['medium'],
  );
});
