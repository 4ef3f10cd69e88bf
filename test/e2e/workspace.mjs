// The workspace both real-editor suites open: a few workflows and a GitLab CI pipeline with known findings, written
// fresh for every run.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** excessive-permissions (write-all, high) on line 3, insecure-transport (http://, low: the download is kept, not run) on line 12. */
export const VULNERABLE_WORKFLOW = `name: Vulnerable
on: push
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - run: curl http://example.com/install.sh -o install.sh
`;

/** cache-poisoning in a release job: its fix is marked safe, so "Fix All Safe Issues" applies it. */
export const RELEASE_WORKFLOW = `name: Release
on:
  release:
    types: [published]
permissions:
  contents: write
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0
        with:
          node-version: 22
          cache: npm
      - run: npm ci && npm run build
`;

/** A value that is not a workflow value: shows escaping in the review. */
export const ESCAPING_WORKFLOW = `name: "<img src=x onerror=alert(1)>"
on: pull_request
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: echo hello
`;

/** GitLab CI: password-argument (low) on line 7, whose quick-fix passes the password on stdin. */
export const GITLAB_PIPELINE = `stages: [build]

build-image:
  stage: build
  tags: [docker]
  script:
    - docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"
    - docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" .
`;

/** GITLAB_PIPELINE after that quick-fix: only the login line changes. */
export const GITLAB_PIPELINE_FIXED = GITLAB_PIPELINE.replace(
  'docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"',
  'echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"',
);

export function createWorkspace(dir) {
  const workflows = path.join(dir, '.github', 'workflows');
  mkdirSync(workflows, { recursive: true });
  writeFileSync(path.join(workflows, 'vulnerable.yml'), VULNERABLE_WORKFLOW);
  writeFileSync(path.join(workflows, 'release.yml'), RELEASE_WORKFLOW);
  writeFileSync(path.join(workflows, 'escaping.yml'), ESCAPING_WORKFLOW);
  writeFileSync(path.join(dir, '.gitlab-ci.yml'), GITLAB_PIPELINE);
  // Excluded by the workspace's files.exclude: must never appear in the checklist.
  mkdirSync(path.join(dir, 'vendored', '.github', 'workflows'), { recursive: true });
  writeFileSync(path.join(dir, 'vendored', '.github', 'workflows', 'excluded.yml'), VULNERABLE_WORKFLOW);
  mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  writeFileSync(
    path.join(dir, '.vscode', 'settings.json'),
    // Online checks stay off (no test reaches the internet) until the pinning test points them at the loopback API.
    JSON.stringify({ 'files.exclude': { '**/vendored': true }, 'flowguard.online': false }, null, 2),
  );
  return dir;
}
