// The real built language server on GitLab CI files, driven over stdio like any editor: diagnostics on .gitlab-ci.yml
// and on a file it includes, a GitLab quick-fix applied as an incremental change, hover on a job, the review facts.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Hover } from 'vscode-languageserver-protocol';
import { LspClient } from '../lsp/client';
import { pathToUri } from '../../server/src/lsp/paths';
import type { ReviewResult } from '../../server/src/protocol';

const PIPELINE = `include:
  - local: .gitlab/jobs.yml

variables:
  CI_DEBUG_TRACE: "true"
  GIT_DEPTH: "10"

stages: [test, deploy]

.deploy_base:
  environment: production
  when: manual

deploy:
  stage: deploy
  extends: .deploy_base
  script:
    - sh -c "echo Deploying $CI_COMMIT_BRANCH"
    - echo "$CI_MERGE_REQUEST_TITLE"
`;
const JOBS = 'lint:\n  image: someone/linter\n  script: [lint]\n';

describe('language server on GitLab CI', () => {
  let client: LspClient;
  let root: string;
  const uri = (rel: string) => pathToUri(join(root, rel));

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'flowguard-gitlab-'));
    mkdirSync(join(root, '.gitlab'));
    writeFileSync(join(root, '.gitlab-ci.yml'), PIPELINE);
    writeFileSync(join(root, '.gitlab', 'jobs.yml'), JOBS);
    client = LspClient.start();
    await client.initialize(pathToUri(root));
  });

  after(async () => {
    assert.equal(await client.shutdown(), 0, client.stderr.join(''));
    rmSync(root, { recursive: true, force: true });
  });

  test('diagnostics on .gitlab-ci.yml; the safe debug-trace fix clears exactly that finding', async () => {
    const u = uri('.gitlab-ci.yml');
    client.open(u, PIPELINE);
    const first = await client.diagnostics(u);
    const codes = first.diagnostics.map((d) => d.code).sort();
    assert.deepEqual(codes, ['gitlab-debug-trace', 'gitlab-script-injection']);
    const doc = TextDocument.create(u, 'yaml', 1, PIPELINE);
    const injection = first.diagnostics.find((d) => d.code === 'gitlab-script-injection')!;
    assert.equal(doc.getText(injection.range), '$CI_COMMIT_BRANCH');
    const trace = first.diagnostics.find((d) => d.code === 'gitlab-debug-trace')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: u },
      range: trace.range,
      context: { diagnostics: [trace] },
    });
    const fix = actions.find(
      (a) => a.kind === 'quickfix' && a.isPreferred && a.diagnostics?.[0]?.code === 'gitlab-debug-trace',
    );
    assert.ok(fix, actions.map((a) => a.title).join(', '));
    const newText = TextDocument.applyEdits(doc, fix.edit!.changes![u]);
    assert.equal(newText, PIPELINE.replace('  CI_DEBUG_TRACE: "true"\n', ''));
    const seen = client.published.length;
    const version = client.change(u, [
      { range: { start: { line: 0, character: 0 }, end: doc.positionAt(PIPELINE.length) }, text: newText },
    ]);
    const next = await client.diagnostics(u, (p) => p.version === version, 15_000, seen);
    assert.deepEqual(
      next.diagnostics.map((d) => d.code),
      ['gitlab-script-injection'],
    );
    client.close(u);
  });

  test('hover on a job shows what its templates make of it', async () => {
    const u = uri('.gitlab-ci.yml');
    client.open(u, PIPELINE);
    await client.diagnostics(u, undefined, 15_000, client.published.length);
    const line = PIPELINE.split('\n').indexOf('deploy:');
    const hover = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri: u },
      position: { line, character: 2 },
    });
    const text = (hover.contents as { value: string }).value;
    assert.match(text, /GitLab job `deploy`/);
    assert.match(text, /Environment: `production`/);
    assert.match(text, /Gate: manual/);
    client.close(u);
  });

  test('an included file under .gitlab/ gets its own diagnostics', async () => {
    const u = uri('.gitlab/jobs.yml');
    client.open(u, JOBS);
    const published = await client.diagnostics(u);
    assert.deepEqual(
      published.diagnostics.map((d) => d.code),
      ['gitlab-unpinned-image'],
    );
    client.close(u);
  });

  test('flowguard/review returns GitLab facts', async () => {
    const result = await client.request<ReviewResult>('flowguard/review', { uris: [uri('.gitlab-ci.yml')] });
    const facts = result.files[0].facts!;
    assert.equal(facts.kind, 'gitlab');
    assert.deepEqual(
      facts.jobs.map((j) => [j.id, j.environment, j.gate]),
      [['deploy', 'production', 'manual']],
    );
    assert.deepEqual(
      facts.actions.map((a) => [a.kind, a.pinned]),
      [['include:local', true]],
    );
  });
});
