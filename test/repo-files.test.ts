// The adapters hand the engine the repository's other files (local reusable workflows and composite actions) and
// mark credentials that git already committed. Checked through the real CLI and the real language server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoFileReader, repoRootOf } from '../server/src/io/repo-files';
import { pathToUri } from '../server/src/lsp/paths';
import { runCli, tempDir } from './cli/helpers';
import { LspClient } from './lsp/client';

const CALLER = `on: pull_request
permissions: write-all
jobs:
  comment:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - uses: ./.github/actions/comment   # posts the summary
        with:
          token: \${{ github.token }}
  release:
    uses: ./.github/workflows/publish.yml
    secrets: inherit
`;
const COMMENT_ACTION = `name: comment
inputs:
  token:
    required: true
runs:
  using: composite
  steps:
    - run: gh pr comment "$PR" --body done
      shell: bash
      env:
        GH_TOKEN: \${{ inputs.token }}
        PR: \${{ github.event.number }}
`;
const PUBLISH = `on:
  workflow_call:
    secrets:
      NPM_TOKEN:
        required: true
jobs:
  publish:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
`;
const LEAKED = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const DEPLOY = `on: push
permissions:
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: ./deploy.sh
        env:
          API_TOKEN: ${LEAKED}
`;

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, stdio: 'pipe' });

function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** A repository with the caller, its local callees and a committed deploy workflow holding a token. */
function repository(t: { after(fn: () => void): void }): string {
  const root = tempDir(t);
  write(root, { '.github/workflows/deploy.yml': DEPLOY });
  git(root, 'init', '-q');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'deploy');
  write(root, {
    '.github/workflows/ci.yml': CALLER,
    '.github/actions/comment/action.yml': COMMENT_ACTION,
    '.github/workflows/publish.yml': PUBLISH,
  });
  return root;
}

test('repoRootOf: a workflow belongs to the folder above .github/workflows; other files to the nearest git root', (t) => {
  const root = tempDir(t);
  const inGithub = join(root, 'sub', '.github', 'actions', 'x', 'action.yml');
  write(root, {
    'sub/.github/workflows/a.yml': 'on: push\n',
    'sub/.github/actions/x/action.yml': 'name: x\n',
    'tools/action.yml': 'name: x\n',
  });
  assert.equal(repoRootOf(join(root, 'sub', '.github', 'workflows', 'a.yml'), '/fallback'), join(root, 'sub'));
  assert.equal(repoRootOf(join(root, 'tools', 'action.yml'), '/fallback'), '/fallback');
  // A copy without git: an action under .github/ belongs to the folder holding it.
  assert.equal(repoRootOf(inGithub, '/fallback'), join(root, 'sub'));
  mkdirSync(join(root, '.git'));
  assert.equal(repoRootOf(join(root, 'tools', 'action.yml'), '/fallback'), root);
  assert.equal(repoRootOf(inGithub, '/fallback'), root);
});

test('the repository reader lists every action file, without node_modules, and never outside the root', (t) => {
  const outer = tempDir(t);
  write(outer, {
    'elsewhere/action.yml': 'name: outside\n',
    'repo/action.yml': 'name: root\n',
    'repo/.github/actions/a/action.yaml': 'name: a\n',
    'repo/tools/deep/b/action.yml': 'name: b\n',
    'repo/node_modules/dep/action.yml': 'name: dep\n',
    'repo/docs/action.yml.md': 'not an action\n',
  });
  const read = repoFileReader(join(outer, 'repo'));
  assert.deepEqual(read.actionFiles!().sort(), [
    '.github/actions/a/action.yaml',
    'action.yml',
    'tools/deep/b/action.yml',
  ]);
});

test('repoFileReader reads inside the root only, prefers unsaved text, and reads missing files as undefined', (t) => {
  const outer = tempDir(t);
  write(outer, { 'secret.txt': 'outside', 'repo/.github/workflows/a.yml': 'on: push\n' });
  const root = join(outer, 'repo');
  const read = repoFileReader(root, (p) => (p === join(root, 'open.yml') ? 'unsaved' : undefined));
  assert.equal(read('./.github/workflows/a.yml'), 'on: push\n');
  assert.equal(read('open.yml'), 'unsaved');
  assert.equal(read('../secret.txt'), undefined);
  assert.equal(read('.github/../../secret.txt'), undefined);
  assert.equal(read(join(outer, 'secret.txt')), undefined);
  assert.equal(read('.github'), undefined, 'a folder is not a file');
  assert.equal(read('missing.yml'), undefined);
  symlinkSync(join(outer, 'secret.txt'), join(root, 'link.yml'));
  assert.equal(read('link.yml'), undefined, 'a link out of the repository is not followed');
});

test(
  'CLI: local callees are followed (narrowed scopes, explicit secrets) and committed credentials are marked leaked',
  { skip: !hasGit() && 'git is not installed' },
  async (t) => {
    const root = repository(t);
    const r = await runCli(['scan', '.', '--format', 'json', '--no-fail'], { cwd: root });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { findings: Array<{ path: string; ruleId: string; message: string }> };
    const findings = (path: string) => report.findings.filter((f) => f.path === path);
    const inherit = findings('.github/workflows/ci.yml').find((f) => f.ruleId === 'secrets-inherit');
    assert.match(inherit?.message ?? '', /NPM_TOKEN/, 'the callee was read: its secret is named');
    const leaked = findings('.github/workflows/deploy.yml').find((f) => f.ruleId === 'hardcoded-credential');
    assert.match(leaked?.message ?? '', /already in the git history \(commit [0-9a-f]{12}\)/);
    assert.ok(!r.stdout.includes(LEAKED), 'the value is masked');

    const fixed = await runCli(['scan', '.github/workflows/ci.yml', '--fix', '--no-fail'], { cwd: root });
    assert.equal(fixed.status, 0, fixed.stderr);
    const text = readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8');
    assert.match(text, /permissions: \{\}\n/);
    assert.match(text, /\n {6}pull-requests: write {2}# gh pr comment/, 'the composite action’s gh call was seen');
    assert.match(text, /secrets:\n {6}NPM_TOKEN: \$\{\{ secrets.NPM_TOKEN \}\}\n/);
    assert.ok(
      text.includes('      - uses: ./.github/actions/comment   # posts the summary\n'),
      'other lines unchanged',
    );
  },
);

test(
  'language server: local callees are read, unsaved callee text wins, and committed credentials are marked leaked',
  { skip: !hasGit() && 'git is not installed' },
  async (t) => {
    const root = repository(t);
    const client = LspClient.start();
    t.after(() => client.shutdown());
    await client.initialize(pathToUri(root), {}, { workspaceTrusted: true });

    const caller = pathToUri(join(root, '.github/workflows/ci.yml'));
    client.open(caller, CALLER);
    const first = await client.diagnostics(caller);
    assert.match(first.diagnostics.find((d) => d.code === 'secrets-inherit')?.message.toString() ?? '', /NPM_TOKEN/);

    // The callee open with unsaved edits: the caller's next analysis sees them.
    client.open(
      pathToUri(join(root, '.github/workflows/publish.yml')),
      PUBLISH.replace(/NPM_TOKEN/g, 'REGISTRY_TOKEN'),
    );
    const seen = client.published.length;
    const version = client.change(caller, [{ text: CALLER + '\n' }]);
    const next = await client.diagnostics(caller, (p) => p.version === version, 15_000, seen);
    assert.match(
      next.diagnostics.find((d) => d.code === 'secrets-inherit')?.message.toString() ?? '',
      /REGISTRY_TOKEN/,
    );

    // The callee changed on disk (not open): after the watched-file event the caller's next analysis reads it again.
    const publish = join(root, '.github/workflows/publish.yml');
    client.close(pathToUri(publish));
    const seenClosed = client.published.length;
    const closedVersion = client.change(caller, [{ text: CALLER + '\n' }]);
    const fromSaved = await client.diagnostics(caller, (p) => p.version === closedVersion, 15_000, seenClosed);
    assert.match(
      fromSaved.diagnostics.find((d) => d.code === 'secrets-inherit')?.message.toString() ?? '',
      /NPM_TOKEN/,
      'closed unsaved: the disk text again',
    );
    writeFileSync(publish, PUBLISH.replace(/NPM_TOKEN/g, 'PACKAGES_TOKEN'));
    void client.rpc.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToUri(publish), type: 2 }],
    });
    const seenDisk = client.published.length;
    const diskVersion = client.change(caller, [{ text: CALLER }]);
    const fromDisk = await client.diagnostics(caller, (p) => p.version === diskVersion, 15_000, seenDisk);
    assert.match(
      fromDisk.diagnostics.find((d) => d.code === 'secrets-inherit')?.message.toString() ?? '',
      /PACKAGES_TOKEN/,
    );

    const deploy = pathToUri(join(root, '.github/workflows/deploy.yml'));
    client.open(deploy, DEPLOY);
    const marked = await client.diagnostics(deploy, (p) =>
      p.diagnostics.some(
        (d) => d.code === 'hardcoded-credential' && /already in the git history/.test(String(d.message)),
      ),
    );
    assert.ok(!JSON.stringify(marked).includes(LEAKED), 'the value is masked');
  },
);

for (const [name, options] of [
  ['an untrusted workspace', { workspaceTrusted: false }],
  ['an editor that sends no trust flag', {}],
] as const)
  test(
    `language server: in ${name} history is not read, so nothing is marked leaked`,
    { skip: !hasGit() && 'git is not installed' },
    async (t) => {
      const root = repository(t);
      const client = LspClient.start();
      t.after(() => client.shutdown());
      await client.initialize(pathToUri(root), {}, options);
      const deploy = pathToUri(join(root, '.github/workflows/deploy.yml'));
      client.open(deploy, DEPLOY);
      const first = await client.diagnostics(deploy, (p) =>
        p.diagnostics.some((d) => d.code === 'hardcoded-credential'),
      );
      // The trusted case above re-publishes within a few hundred ms; give it well over that.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const all = client.published.filter((p) => p.uri === deploy);
      assert.ok(
        all.length >= 1 && all.every((p) => p.diagnostics.every((d) => !String(d.message).includes('git history'))),
        JSON.stringify(all.map((p) => p.diagnostics.map((d) => d.message))),
      );
      assert.ok(first.diagnostics.length > 0);
    },
  );

test('repoFileReader keeps what it read, but not without bound: the least recently read text goes first', (t) => {
  const dir = tempDir(t);
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  write('kept.yml', 'first');
  write('dropped.yml', 'first');
  const read = repoFileReader(dir);
  assert.equal(read('dropped.yml'), 'first');
  assert.equal(read('kept.yml'), 'first');
  write('kept.yml', 'second');
  assert.equal(read('kept.yml'), 'first', 'read once per scan: a file is not read again');
  // Five files of 0.9 MB (each under the 1 MB a callee may have) pass the 4 MB kept.
  for (let i = 0; i < 5; i++) write(`big${i}.yml`, 'x'.repeat(900 * 1024));
  write('dropped.yml', 'second');
  for (let i = 0; i < 5; i++) {
    assert.equal(read(`big${i}.yml`)?.length, 900 * 1024);
    if (i === 2) assert.equal(read('kept.yml'), 'first', 'read again recently: kept');
  }
  assert.equal(read('dropped.yml'), 'second', 'the least recently read text was let go and is read again');
  assert.equal(read('kept.yml'), 'first');
});

test('repoFileReader: a folder linked from outside the root reads as missing; cached() answers without the disk', (t) => {
  const outer = tempDir(t);
  write(outer, { 'elsewhere/w.yml': 'outside\n', 'repo/.github/workflows/a.yml': 'on: push\n' });
  const root = join(outer, 'repo');
  symlinkSync(join(outer, 'elsewhere'), join(root, 'linked'));
  const read = repoFileReader(root);
  assert.equal(read('linked/w.yml'), undefined, 'a folder link out of the repository is not followed');
  symlinkSync(join(root, '.github', 'workflows', 'a.yml'), join(root, 'inner.yml'));
  assert.equal(read('inner.yml'), 'on: push\n', 'a link that stays inside is followed');
  const a = join(root, '.github', 'workflows', 'a.yml');
  assert.equal(read.cached!(a), undefined, 'not read yet');
  assert.equal(read('.github/workflows/a.yml'), 'on: push\n');
  writeFileSync(a, 'on: pull_request\n');
  assert.equal(read.cached!(a), 'on: push\n', 'the text read, not the disk');
  assert.equal(read.cached!(join(root, 'linked', 'w.yml')), undefined, 'a refused path has no text');
});

test('repoFileReader: a folder replaced by a link out of the repository after a first read is refused (long-lived reader)', (t) => {
  const outer = tempDir(t);
  write(outer, {
    'elsewhere/secret.yml': 'outside\n',
    'repo/.github/actions/tool/action.yml': 'runs: {using: composite, steps: []}\n',
  });
  const root = join(outer, 'repo');
  const tool = join(root, '.github', 'actions', 'tool');
  const longLived = repoFileReader(root);
  const scanLived = repoFileReader(root, undefined, { cacheFolderPaths: true });
  for (const read of [longLived, scanLived]) assert.ok(read('.github/actions/tool/action.yml'));
  // A pull or checkout while the editor is open swaps the folder for a link.
  renameSync(tool, join(outer, 'old-tool'));
  symlinkSync(join(outer, 'elsewhere'), tool);
  assert.equal(longLived('.github/actions/tool/secret.yml'), undefined, 'the folder is resolved again on each read');
  assert.equal(
    repoFileReader(root, undefined, { cacheFolderPaths: true })('.github/actions/tool/secret.yml'),
    undefined,
  );
  assert.equal(scanLived('.github/actions/tool/action.yml'), 'runs: {using: composite, steps: []}\n', 'memoized');
});
