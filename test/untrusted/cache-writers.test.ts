// cache-poisoning is high only when the repository has a lower-trust writer of the cache the release restores: a job
// an outsider can run code in on the default branch's cache scope that saves a cache of the same kind. The repository
// is read through the reader the CLI and the language server use; without one (a single file), the finding is low.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { repoFileReader } from '../../server/src/io/repo-files';
import type { RepoReader } from '../../server/src/analysis/file';
import { FIXTURES } from '../helpers';

const DIR = join(FIXTURES, 'cache-poisoning');

/** `readFile: null` analyses the file alone. */
function cacheFindings(text: string, path: string, readFile: RepoReader | null = repoFileReader(join(DIR, 'repo'))) {
  const result = analyze({ path, text, readFile: readFile ?? undefined });
  assert.deepEqual(result.ruleErrors, []);
  return result.findings.filter((f) => f.ruleId === 'cache-poisoning');
}

test('a release whose cache a comment-triggered workflow of the repository writes is high and names the writer', () => {
  const text = readFileSync(join(DIR, 'vulnerable-comment-writer.yml'), 'utf8');
  const [finding, ...rest] = cacheFindings(text, '.github/workflows/release.yml');
  assert.equal(rest.length, 0);
  assert.equal(finding.severity, 'high');
  assert.equal(finding.properties?.writer, '.github/workflows/scdiff.yml:28');
  assert.match(finding.message, /scdiff\.yml:28 \(job 'golden-test', on issue_comment/);
});

test('the same release analysed alone (no repository to look for writers in) is low', () => {
  const text = readFileSync(join(DIR, 'vulnerable-comment-writer.yml'), 'utf8');
  const found = cacheFindings(text, 'release.yml', null);
  assert.deepEqual(
    found.map((f) => f.severity),
    ['low'],
  );
  assert.match(found[0].message, /not visible/);
});

test('a writer in the release workflow itself is found, with a related location at its cache step', () => {
  const text = `on:
  push:
    tags: ['v*']
  pull_request_target:
jobs:
  preview:
    if: github.event_name == 'pull_request_target'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: \${{ github.event.pull_request.head.sha }}
      - uses: Swatinem/rust-cache@v2
      - run: cargo build
  publish:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: Swatinem/rust-cache@v2
      - run: cargo publish
`;
  const found = cacheFindings(text, '.github/workflows/ci.yml');
  const publish = found.find((f) => f.severity === 'high');
  assert.ok(publish, JSON.stringify(found.map((f) => f.message)));
  assert.match(publish.message, /job 'preview', on pull_request_target/);
  const writerSpan = publish.related?.find((r) => /outsider's code saves a cache/.test(r.message))?.span;
  assert.ok(writerSpan);
  assert.equal(text.slice(writerSpan.start, writerSpan.end), 'Swatinem/rust-cache@v2');
  assert.ok(writerSpan.start < text.indexOf('publish:'));
});

test('an attacker text expanded into a script of an issues workflow makes it a writer; a fork-refusing one does not', () => {
  const release = readFileSync(join(DIR, 'low-no-writer.yml'), 'utf8');
  // The repository's comment workflow with a Ruby cache refuses forks: no writer.
  assert.deepEqual(
    cacheFindings(release, '.github/workflows/release.yml').map((f) => f.severity),
    ['low'],
  );
  const injected = `on:
  issues:
    types: [opened]
jobs:
  triage:
    runs-on: ubuntu-latest
    steps:
      - uses: ruby/setup-ruby@v1
        with:
          bundler-cache: true
      - run: bundle exec ruby triage.rb "\${{ github.event.issue.title }}"
`;
  const reader = repoFileReader(join(DIR, 'repo'));
  const withTriage = Object.assign(
    (path: string) => (path === '.github/workflows/triage.yml' ? injected : reader(path)),
    { list: (dir: string) => [...(reader.list?.(dir) ?? []), 'triage.yml'] },
  );
  const found = cacheFindings(release, '.github/workflows/release.yml', withTriage);
  assert.deepEqual(
    found.map((f) => f.severity),
    ['high'],
  );
  assert.match(found[0].message, /triage\.yml:\d+ \(job 'triage', on issues.*expands github\.event\.issue\.title/);
});
