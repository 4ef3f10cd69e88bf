// The language server's online features against the loopback GitHub API: a lazily resolved "Pin to commit SHA"
// (codeAction/resolve), hover facts on `uses:`, flowguard/pinWorkspace; nothing is requested in untrusted workspaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, Hover } from 'vscode-languageserver-protocol';
import { LspClient } from '../lsp/client';
import { pathToUri } from '../../server/src/lsp/paths';
import { PIN_WORKSPACE_METHOD, type PinWorkspaceResult } from '../../server/src/protocol';
import { tempDir } from '../cli/helpers';
import { startFakeGitHub } from './servers';
import { A, B, F, fakeRepos } from './fixtures';

const TEXT =
  'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - uses: actions/checkout@v4\n';

async function start(t: Parameters<typeof tempDir>[0], trusted: boolean, text = TEXT, delayMs = 0) {
  const gh = await startFakeGitHub(fakeRepos());
  gh.delay.ms = delayMs;
  t.after(() => void gh.close());
  const dir = tempDir(t);
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  const file = join(dir, '.github', 'workflows', 'ci.yml');
  writeFileSync(file, text);
  process.env.GITHUB_API_URL = gh.url;
  process.env.XDG_CACHE_HOME = join(dir, 'cache');
  process.env.GH_TOKEN = 'test-token-not-real';
  const client = LspClient.start();
  t.after(() => void client.shutdown());
  await client.initialize(pathToUri(dir), {}, { workspaceTrusted: trusted });
  const uri = pathToUri(file);
  client.open(uri, text);
  await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'unpinned-uses'));
  return { gh, uri, client };
}

const at = (line: number, character: number) => ({ line, character });

test('trusted: Pin to commit SHA is resolved lazily; hover shows the commit and its tags; the workspace can be pinned', async (t) => {
  const { gh, uri, client } = await start(t, true);
  const range = { start: at(7, 14), end: at(7, 14) };
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range,
    context: { diagnostics: [] },
  });
  const pin = actions.find((a) => a.title === 'Pin to commit SHA');
  assert.ok(pin && !pin.edit, 'offered without its edit');
  assert.equal(gh.requests.length, 0, 'listing actions asks nothing');
  const resolved = await client.request<CodeAction>('codeAction/resolve', pin);
  assert.equal(resolved.title, `Pin actions/checkout to ${A.slice(0, 12)} (v4.2.2)`);
  assert.deepEqual(resolved.edit?.changes?.[uri], [
    { range: { start: at(7, 31), end: at(7, 33) }, newText: A },
    { range: { start: at(7, 33), end: at(7, 33) }, newText: ' # v4.2.2' },
  ]);

  const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: at(7, 20) });
  const markdown = (hover.contents as { value: string }).value;
  assert.match(markdown, new RegExp(`Commit \`${A}\``));
  assert.match(markdown, /most specific: `v4\.2\.2`/);

  const summary = await client.request<PinWorkspaceResult>(PIN_WORKSPACE_METHOD, {});
  assert.equal(summary.pinned, 1);
  assert.equal(summary.files, 1);
  assert.deepEqual(summary.unresolved, []);
  assert.equal(Object.values(summary.changes)[0][0].newText.includes(`${A} # v4.2.2`), true);
});

test('untrusted: no pin action, no request', async (t) => {
  const { gh, uri, client } = await start(t, false);
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: at(7, 14), end: at(7, 14) },
    context: { diagnostics: [] },
  });
  assert.ok(!actions.some((a) => a.title === 'Pin to commit SHA'));
  await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: at(7, 20) });
  const summary = await client.request<PinWorkspaceResult>(PIN_WORKSPACE_METHOD, {});
  assert.match(summary.disabled ?? '', /trusted workspace/);
  assert.deepEqual(gh.requests, []);
});

// B is v4.1.1, not v4.2.2; F is a fork's commit served under actions/checkout.
const PINNED = `${TEXT}      - uses: actions/checkout@${B} # v4.2.2\n      - uses: actions/checkout@${F} # v4\n`;
const ONLINE_RULES = ['ref-version-mismatch', 'impostor-commit'];
const online = (p: { diagnostics: Array<{ code?: unknown }> }) => [
  ...new Set(p.diagnostics.map((d) => String(d.code)).filter((c) => ONLINE_RULES.includes(c))),
];

test('trusted: offline diagnostics first, then ref-version-mismatch and impostor-commit for the current version only', async (t) => {
  // Slow answers: the user types while the facts are on their way.
  const { gh, uri, client } = await start(t, true, PINNED, 150);
  const first = client.published.find((p) => p.uri === uri)!;
  assert.equal(first.version, 1);
  assert.deepEqual(online(first), [], 'published before any answer');
  const version = client.change(uri, [{ range: { start: at(0, 0), end: at(0, 0) }, text: '# edited\n' }]);
  const withFacts = await client.diagnostics(uri, (p) => online(p).length > 0, 30_000);
  assert.equal(withFacts.version, version, 'the facts are published on the latest version');
  assert.deepEqual(online(withFacts).sort(), ONLINE_RULES.slice().sort());
  assert.ok(
    withFacts.diagnostics.some((d) => d.code === 'ref-version-mismatch' && d.range.start.line === 9),
    'on the SHA pinned with the wrong comment (a line down after the edit)',
  );
  assert.ok(
    client.published.filter((p) => p.uri === uri && p.version === 1).every((p) => online(p).length === 0),
    'nothing is published for the superseded version once the facts arrive',
  );
  assert.ok(
    gh.requests.some((r) => r.includes('/compare/')),
    'reachability was asked',
  );

  // The next edits are analyzed with what is known at once: no request, no flicker.
  const sent = gh.requests.length;
  const next = client.change(uri, [{ range: { start: at(0, 0), end: at(0, 0) }, text: '# again\n' }]);
  const again = await client.diagnostics(uri, (p) => p.version === next, 15_000);
  assert.deepEqual(online(again).sort(), ONLINE_RULES.slice().sort());
  assert.equal(gh.requests.length, sent);

  // The mismatch's fix (the comment to the commit's tag) is offered and checked like every fix.
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: at(10, 14), end: at(10, 14) },
    context: { diagnostics: [] },
  });
  assert.ok(
    actions.some((a) => a.kind === 'quickfix' && /v4\.1\.1/.test(a.title) && a.edit),
    actions.map((a) => a.title).join(', '),
  );
});

test('untrusted: SHA pins get no online diagnostics and nothing is requested', async (t) => {
  const { gh, uri, client } = await start(t, false, PINNED);
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(client.published.filter((p) => p.uri === uri).every((p) => online(p).length === 0));
  assert.deepEqual(gh.requests, []);
});
