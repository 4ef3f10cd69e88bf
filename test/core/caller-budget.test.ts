// Repository-wide look-ups (every workflow of the repository, the callers of a reusable workflow) parse a bounded
// amount of caller text: each scan thread holds its own models, and 200 callers of up to 1 MB each held over 150 MB
// per thread on the hostile set (issue 16).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callersOf, repositoryWorkflows } from '../../server/src/analysis/callers';
import type { RepoReader } from '../../server/src/analysis/file';

const WORKFLOWS = '.github/workflows';

/** An in-memory repository: its `.github/workflows` folder lists exactly `files`. */
function repository(files: Record<string, string>): RepoReader {
  const read = ((path: string) => files[path]) as RepoReader;
  read.list = (dir) =>
    dir === WORKFLOWS
      ? Object.keys(files)
          .map((p) => p.slice(WORKFLOWS.length + 1))
          .sort()
      : [];
  return read;
}

/** A workflow calling the reusable workflow `callee.yml`, padded to about `size` characters with a script. */
function caller(size: number): string {
  const head = 'on: pull_request_target\njobs:\n  call:\n    uses: ./.github/workflows/callee.yml\n  build:\n';
  const script = '    runs-on: ubuntu-latest\n    steps:\n      - run: |\n';
  return head + script + '          echo padding\n'.repeat(Math.ceil(size / 22));
}

test('a repository of a few small workflows is read whole', () => {
  const files = Object.fromEntries(['a', 'b', 'c'].map((n) => [`${WORKFLOWS}/${n}.yml`, caller(1000)]));
  assert.deepEqual(
    repositoryWorkflows(repository(files))?.map((w) => w.path),
    ['a', 'b', 'c'].map((n) => `${WORKFLOWS}/${n}.yml`),
  );
  assert.equal(callersOf(repository(files), `${WORKFLOWS}/callee.yml`, 'workflow')?.calls.length, 3);
});

test('caller text parsed per look-up stops at 2 MB, in listing order', () => {
  // Three callers of 0.9 MB: the first two fit, the third would pass 2 MB and is not parsed.
  const files = Object.fromEntries(['a', 'b', 'c'].map((n) => [`${WORKFLOWS}/${n}.yml`, caller(900 * 1024)]));
  assert.deepEqual(
    repositoryWorkflows(repository(files))?.map((w) => w.path),
    [`${WORKFLOWS}/a.yml`, `${WORKFLOWS}/b.yml`],
  );
  const calls = callersOf(repository(files), `${WORKFLOWS}/callee.yml`, 'workflow')?.calls ?? [];
  assert.deepEqual(
    calls.map((c) => c.path),
    [`${WORKFLOWS}/a.yml`, `${WORKFLOWS}/b.yml`],
  );
});
