// Drives the REAL built language server over stdio with a plain JSON-RPC client, as any editor would.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Hover, TextEdit } from 'vscode-languageserver-protocol';
import { CORPUS } from '../helpers';
import { LspClient, type Published } from './client';
import { pathToUri } from '../../server/src/lsp/paths';
import {
  FIX_ALL_METHOD,
  fixAllKind,
  MOVE_SECRET_COMMAND,
  STORE_SECRET_COMMAND,
  NARROW_PERMISSIONS_COMMAND,
  SUPPRESS_FINDING_COMMAND,
  SUPPRESS_KIND,
  SUPPRESS_METHOD,
  type CodeActionData,
  type FindingsChangedParams,
  type FixAllResult,
  type MoveSecretArgs,
  type ReviewResult,
  type SuppressFindingArgs,
  type SuppressResult,
  type RulesResult,
  type WorkspaceFindingsResult,
} from '../../server/src/protocol';

const VULNERABLE = `on: pull_request_target
permissions:
  contents: read
jobs:
  greet:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - name: Greet
        run: |
          echo "Title: \${{ github.event.pull_request.title }}"
          echo "Ref: \${{ github.head_ref }}"
`;

const TITLE_EXPR = '${{ github.event.pull_request.title }}';
const REF_EXPR = '${{ github.head_ref }}';

function workspace(files: Record<string, string>): { root: string; uri: (rel: string) => string } {
  const root = mkdtempSync(join(tmpdir(), 'flowguard-lsp-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return { root, uri: (rel) => pathToUri(join(root, rel)) };
}

function textAt(
  text: string,
  range: { start: { line: number; character: number }; end: { line: number; character: number } },
): string {
  const doc = TextDocument.create('file:///x', 'yaml', 1, text);
  return doc.getText(range);
}

function ofRule(p: Published, ruleId: string) {
  return p.diagnostics.filter((d) => d.code === ruleId);
}

/** Applies edits like an editor and returns the single incremental change that turns `text` into the result. */
function applyAsIncrementalChange(
  text: string,
  edits: TextEdit[],
): { newText: string; change: { range: TextEdit['range']; text: string } } {
  const newText = TextDocument.applyEdits(TextDocument.create('file:///x', 'yaml', 1, text), edits);
  let start = 0;
  while (start < text.length && start < newText.length && text[start] === newText[start]) start++;
  let end = 0;
  while (
    end < text.length - start &&
    end < newText.length - start &&
    text[text.length - 1 - end] === newText[newText.length - 1 - end]
  )
    end++;
  const doc = TextDocument.create('file:///x', 'yaml', 1, text);
  return {
    newText,
    change: {
      range: { start: doc.positionAt(start), end: doc.positionAt(text.length - end) },
      text: newText.slice(start, newText.length - end),
    },
  };
}

describe('language server over stdio', () => {
  let client: LspClient;
  let ws: ReturnType<typeof workspace>;

  before(async () => {
    ws = workspace({
      '.github/workflows/ci.yml': VULNERABLE,
      '.github/workflows/ignored.yml': VULNERABLE,
      'notes/other.yml': 'key: value\n',
      '.flowguard.yml': 'ignore:\n  - .github/workflows/ignored.yml\n',
    });
    client = LspClient.start();
    const init = await client.initialize(pathToUri(ws.root));
    assert.equal(init.capabilities.hoverProvider, true);
    assert.deepEqual(init.capabilities.textDocumentSync, { openClose: true, change: 2 });
  });

  after(async () => {
    const code = await client.shutdown();
    assert.equal(code, 0, `server exit code; stderr: ${client.stderr.join('')}`);
    rmSync(ws.root, { recursive: true, force: true });
  });

  test('open -> diagnostics with code, docs href, source and exact ranges; findingsChanged is sent', async () => {
    const uri = ws.uri('.github/workflows/ci.yml');
    client.open(uri, VULNERABLE);
    const published = await client.diagnostics(uri);
    assert.equal(published.version, 1);
    const injections = ofRule(published, 'template-injection');
    assert.deepEqual(injections.map((d) => textAt(VULNERABLE, d.range)).sort(), [REF_EXPR, TITLE_EXPR].sort());
    for (const d of published.diagnostics) {
      assert.equal(d.source, 'flowguard');
      assert.equal(
        d.codeDescription?.href,
        `https://github.com/flowguard-dev/flowguard/blob/main/docs/rules/${d.code}.md`,
      );
    }
    assert.equal(injections[0].severity, 1, 'high severity maps to Error');
    const changed = await client.waitFor(
      () =>
        client.notifications.find(
          (n) => n.method === 'flowguard/findingsChanged' && (n.params as FindingsChangedParams).uri === uri,
        ),
      5000,
      'findingsChanged',
    );
    const params = changed.params as FindingsChangedParams;
    assert.equal(params.findings.filter((f) => f.ruleId === 'template-injection').length, 2);
    assert.equal(params.findings[0].category !== undefined, true);
    client.close(uri);
  });

  test('quick-fix from codeAction, applied as an incremental change, clears exactly that finding', async () => {
    const uri = ws.uri('.github/workflows/ci.yml');
    client.open(uri, VULNERABLE);
    const first = await client.diagnostics(uri, (p) => p.version === 1, 15_000, client.published.length);
    const title = ofRule(first, 'template-injection').find((d) => textAt(VULNERABLE, d.range) === TITLE_EXPR)!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: title.range,
      context: { diagnostics: [title] },
    });
    const fix = actions.find(
      (a) => a.kind === 'quickfix' && a.isPreferred && a.diagnostics?.[0]?.code === 'template-injection',
    );
    assert.ok(fix, `a preferred template-injection fix among: ${actions.map((a) => a.title).join(', ')}`);
    const edits = fix.edit!.changes![uri];
    const { newText, change } = applyAsIncrementalChange(VULNERABLE, edits);
    assert.ok(!newText.includes(`echo "Title: ${TITLE_EXPR}`), newText);
    const seen = client.published.length;
    const version = client.change(uri, [change]);
    const next = await client.diagnostics(uri, (p) => p.version === version, 15_000, seen);
    const remaining = ofRule(next, 'template-injection').map((d) => textAt(newText, d.range));
    assert.deepEqual(remaining, [REF_EXPR], 'only the other expansion is still reported');
    client.close(uri);
  });

  test('quick changes: results for stale versions are dropped and the last version wins', async () => {
    const uri = ws.uri('.github/workflows/burst.yml');
    client.open(uri, VULNERABLE);
    await client.diagnostics(uri, (p) => p.version === 1, 15_000, client.published.length);
    const seen = client.published.length;
    const doc = TextDocument.create(uri, 'yaml', 1, VULNERABLE);
    const refLine = doc.positionAt(VULNERABLE.indexOf(REF_EXPR)).line;
    // v2 drops the ref line, v3 restores it, v4 removes the title line: only v4's findings may be the final state.
    client.change(uri, [
      { range: { start: { line: refLine, character: 0 }, end: { line: refLine + 1, character: 0 } }, text: '' },
    ]);
    client.change(uri, [
      {
        range: { start: { line: refLine, character: 0 }, end: { line: refLine, character: 0 } },
        text: `          echo "Ref: ${REF_EXPR}"\n`,
      },
    ]);
    const last = client.change(uri, [
      { range: { start: { line: refLine - 1, character: 0 }, end: { line: refLine, character: 0 } }, text: '' },
    ]);
    const final = await client.diagnostics(uri, (p) => p.version === last, 15_000, seen);
    assert.deepEqual(
      ofRule(final, 'template-injection').map((d) => d.range.start.line),
      [refLine - 1],
    );
    await new Promise((r) => setTimeout(r, 300)); // anything still in flight would arrive now
    const afterBurst = client.published.slice(seen).filter((p) => p.uri === uri);
    // A fast document is analyzed at once on every change, a slow one once per burst: never more than one each.
    assert.ok(afterBurst.length <= 3, `${afterBurst.length} publications for 3 changes`);
    assert.equal(afterBurst.at(-1)!.version, last, 'no stale result is published after the latest one');
    const versions = afterBurst.map((p) => p.version!);
    assert.deepEqual(
      versions,
      [...versions].sort((a, b) => a - b),
      'versions only increase',
    );
    client.close(uri);
  });

  test('closing a document with unsaved edits puts the checklist back to the text on disk', async () => {
    const uri = ws.uri('.github/workflows/ci.yml');
    const changedFor = (accept: (p: FindingsChangedParams) => boolean, after: number) =>
      client.waitFor(
        () =>
          client.notifications
            .slice(after)
            .find(
              (n) =>
                n.method === 'flowguard/findingsChanged' &&
                (n.params as FindingsChangedParams).uri === uri &&
                accept(n.params as FindingsChangedParams),
            ),
        10_000,
        'findingsChanged',
      );
    const injections = (p: FindingsChangedParams) => p.findings.filter((f) => f.ruleId === 'template-injection').length;
    const seen = client.notifications.length;
    client.open(uri, VULNERABLE.replace(/\$\{\{ github\.(event\.pull_request\.title|head_ref) \}\}/g, 'fixed'));
    await changedFor((p) => injections(p) === 0, seen);
    const beforeClose = client.notifications.length;
    client.close(uri);
    await changedFor((p) => injections(p) === 2, beforeClose);
  });

  test('hover on a finding explains the risk and links the docs', async () => {
    const uri = ws.uri('.github/workflows/ci.yml');
    client.open(uri, VULNERABLE);
    const published = await client.diagnostics(uri, (p) => p.version === 1, 15_000, client.published.length);
    const d = ofRule(published, 'template-injection')[0];
    const hover = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri },
      position: { line: d.range.start.line, character: d.range.start.character + 3 },
    });
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /template-injection/);
    assert.match(value, /\*\*Risk\.\*\*/);
    assert.match(value, /docs\/rules\/template-injection\.md/);
    const nothing = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 0, character: 0 },
    });
    assert.ok(nothing === null || !(nothing.contents as { value: string }).value.includes('template-injection'));
    client.close(uri);
  });

  test('suppress action inside a run script puts a comment above the script key; the engine honors it, without a reason', async () => {
    const uri = ws.uri('.github/workflows/suppress.yml');
    client.open(uri, VULNERABLE);
    const published = await client.diagnostics(uri, (p) => p.version === 1, 15_000, client.published.length);
    const d = ofRule(published, 'template-injection').find((x) => textAt(VULNERABLE, x.range) === TITLE_EXPR)!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d], only: ['quickfix'] },
    });
    const suppress = actions.find((a) => a.kind === SUPPRESS_KIND && (a.data as CodeActionData).type === 'suppress');
    assert.ok(suppress, actions.map((a) => a.kind).join(', '));
    assert.deepEqual(suppress.data, { type: 'suppress', ruleId: 'template-injection', version: 1, findingIndex: 1 });
    const { newText, change } = applyAsIncrementalChange(VULNERABLE, suppress.edit!.changes![uri]);
    assert.equal(
      newText,
      VULNERABLE.replace('        run: |\n', '        # flowguard: ignore[template-injection]\n        run: |\n'),
      'the script text is unchanged',
    );
    const seen = client.published.length;
    const version = client.change(uri, [change]);
    const next = await client.diagnostics(uri, (p) => p.version === version, 15_000, seen);
    assert.deepEqual(ofRule(next, 'template-injection'), [], 'the comment covers the script');
    assert.equal(
      ofRule(next, 'unjustified-suppression').length,
      1,
      'the missing reason is flagged for the audit trail',
    );
    client.close(uri);
  });

  test('source.fixAll.flowguard applies every safe fix in one minimal edit', async () => {
    const uri = ws.uri('.github/workflows/fixall.yml');
    client.open(uri, VULNERABLE);
    await client.diagnostics(uri, (p) => p.version === 1, 15_000, client.published.length);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.flowguard'] },
    });
    assert.equal(actions.length, 1);
    assert.ok(actions.every((a) => a.kind === 'source.fixAll.flowguard'));
    const lightbulb = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 10, character: 20 }, end: { line: 10, character: 20 } },
      context: { diagnostics: [] },
    });
    assert.ok(
      !lightbulb.some((a) => a.kind === 'source.fixAll.flowguard'),
      'the unfiltered request on each cursor move does not compute fix-all',
    );
    const edits = actions[0].edit!.changes![uri];
    assert.equal(edits.length, 1);
    const { newText, change } = applyAsIncrementalChange(VULNERABLE, edits);
    assert.ok(
      newText.startsWith('on: pull_request_target\npermissions:\n  contents: read\n'),
      'text before the first fix is untouched',
    );
    const seen = client.published.length;
    const version = client.change(uri, [change]);
    const next = await client.diagnostics(uri, (p) => p.version === version, 15_000, seen);
    assert.equal(ofRule(next, 'template-injection').length, 0);
    client.close(uri);
  });

  test('flowguard/suppress writes the reason into the comment the server places; the finding goes, justified', async () => {
    const uri = ws.uri('.github/workflows/suppress-reason.yml');
    client.open(uri, VULNERABLE);
    const published = await client.diagnostics(uri, (p) => p.version === 1, 15_000, client.published.length);
    const d = ofRule(published, 'template-injection').find((x) => textAt(VULNERABLE, x.range) === TITLE_EXPR)!;
    const result = await client.request<SuppressResult | null>(SUPPRESS_METHOD, {
      uri,
      ruleId: 'template-injection',
      range: d.range,
      reason: 'titles are\nsanitised upstream',
    });
    assert.equal(result?.version, 1);
    const { newText, change } = applyAsIncrementalChange(VULNERABLE, result!.edits);
    assert.equal(
      newText,
      VULNERABLE.replace(
        '        run: |\n',
        '        # flowguard: ignore[template-injection] titles are sanitised upstream\n        run: |\n',
      ),
    );
    const seen = client.published.length;
    const version = client.change(uri, [change]);
    const next = await client.diagnostics(uri, (p) => p.version === version, 15_000, seen);
    assert.deepEqual(ofRule(next, 'template-injection'), []);
    assert.deepEqual(ofRule(next, 'unjustified-suppression'), []);
    const gone = await client.request<SuppressResult | null>(SUPPRESS_METHOD, {
      uri,
      ruleId: 'template-injection',
      range: d.range,
      reason: 'again',
    });
    assert.equal(gone, null, 'no finding left to suppress');
    client.close(uri);
  });

  test('least privilege: a lens with a typed command, the category fix-all kind on request, flowguard/fixAll passes', async () => {
    const text =
      'on: push\npermissions: write-all\njobs:\n  build:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - uses: actions/checkout@v4\n';
    const uri = ws.uri('.github/workflows/narrow.yml');
    client.open(uri, text);
    const first = await client.diagnostics(uri, (p) => p.version === 1, 15_000, client.published.length);
    assert.equal(ofRule(first, 'excessive-permissions').length, 1);
    const lenses = await client.request<Array<{ command?: { command: string; arguments?: unknown[] } }>>(
      'textDocument/codeLens',
      { textDocument: { uri } },
    );
    assert.deepEqual(
      lenses.map((l) => [l.command?.command, l.command?.arguments]),
      [[NARROW_PERMISSIONS_COMMAND, [{ uri }]]],
    );
    const whole = { start: { line: 0, character: 0 }, end: { line: 8, character: 0 } };
    const kind = fixAllKind('least-privilege');
    assert.equal(kind, 'source.fixAll.flowguard.leastPrivilege');
    const generic = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: whole,
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.ok(!generic.some((a) => a.kind === kind), 'not applied by a save action naming source.fixAll');
    const [category] = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: whole,
      context: { diagnostics: [], only: [kind] },
    });
    assert.equal(category?.kind, kind);
    assert.deepEqual(category.data, { type: 'fixAll', version: 1, category: 'least-privilege', applied: 1 });

    const result = await client.request<FixAllResult | null>(FIX_ALL_METHOD, {
      uri,
      selection: { category: 'least-privilege' },
    });
    assert.ok(result && result.converged && result.passes.length >= 1);
    assert.deepEqual(
      result.passes.flatMap((p) => p.fixes.map((f) => f.ruleId)),
      ['excessive-permissions'],
    );
    let current = text;
    let version = result.version;
    for (const pass of result.passes) {
      const { newText, change } = applyAsIncrementalChange(current, pass.edits);
      current = newText;
      version = client.change(uri, [change]);
    }
    assert.equal(
      current,
      TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 1, text), category.edit!.changes![uri]),
      'the passes and the code action agree',
    );
    assert.doesNotMatch(current, /write-all/);
    const after = await client.diagnostics(uri, (p) => p.version === version, 15_000);
    assert.deepEqual(ofRule(after, 'excessive-permissions'), []);
    client.close(uri);
  });

  test('settings from workspace/configuration turn a rule off; .flowguard.yml ignore is honored', async () => {
    const uri = ws.uri('.github/workflows/settings.yml');
    client.settings = { enable: true, rules: { 'template-injection': 'off' } };
    await client.rpc.sendNotification('workspace/didChangeConfiguration', { settings: { flowguard: client.settings } });
    client.open(uri, VULNERABLE);
    const off = await client.diagnostics(uri, (p) => p.version === 1, 15_000, client.published.length);
    assert.equal(ofRule(off, 'template-injection').length, 0);
    client.settings = { enable: true, rules: {} };
    await client.rpc.sendNotification('workspace/didChangeConfiguration', { settings: { flowguard: client.settings } });
    const on = await client.diagnostics(uri, (p) => ofRule(p, 'template-injection').length === 2, 15_000);
    assert.equal(on.version, 1);
    client.close(uri);

    const ignored = ws.uri('.github/workflows/ignored.yml');
    client.open(ignored, VULNERABLE);
    const none = await client.diagnostics(ignored, () => true, 15_000, client.published.length);
    assert.deepEqual(none.diagnostics, []);
    client.close(ignored);
  });

  test('YAML syntax errors become parse-error diagnostics', async () => {
    const uri = ws.uri('.github/workflows/broken.yml');
    client.open(uri, 'on: push\njobs:\n  a: [unclosed\n');
    const published = await client.diagnostics(uri, () => true, 15_000, client.published.length);
    assert.ok(published.diagnostics.some((d) => d.code === 'parse-error' && d.severity === 1));
    client.close(uri);
  });

  test('flowguard/rules lists every rule with docs URL and effective state', async () => {
    const result = await client.request<RulesResult>('flowguard/rules', {});
    assert.equal(result.categories.length, 9);
    const ti = result.rules.find((r) => r.id === 'template-injection')!;
    assert.equal(ti.category, 'untrusted-input');
    assert.equal(ti.enabled, true);
    assert.match(ti.docsUrl, /template-injection\.md$/);
  });

  test('flowguard/review returns per-workflow facts and a SARIF log', async () => {
    const uri = ws.uri('.github/workflows/ci.yml');
    const result = await client.request<ReviewResult>('flowguard/review', {
      uris: [uri, ws.uri('notes/other.yml')],
      sarif: true,
      srcRoot: pathToUri(ws.root) + '/',
    });
    assert.equal(result.files[0].facts?.kind, 'workflow');
    assert.deepEqual(
      result.files[0].facts?.triggers.map((t) => t.event),
      ['pull_request_target'],
    );
    assert.equal(result.files[1].facts, undefined, 'plain YAML has no workflow facts');
    const sarif = JSON.parse(result.sarif!) as {
      version: string;
      runs: Array<{
        results: Array<{
          ruleId: string;
          locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
        }>;
      }>;
    };
    assert.equal(sarif.version, '2.1.0');
    const injections = sarif.runs[0].results.filter((r) => r.ruleId === 'template-injection');
    assert.equal(injections.length, 2);
    assert.equal(injections[0].locations[0].physicalLocation.artifactLocation.uri, '.github/workflows/ci.yml');
  });

  test('flowguard/workspaceFindings scans the folder in a worker with progress, honoring ignore and exclude', async () => {
    const before = client.notifications.length;
    const result = await client.request<WorkspaceFindingsResult>('flowguard/workspaceFindings', {
      exclude: ['notes/**'],
    });
    const rels = result.files.map((f) => f.uri.slice(pathToUri(ws.root).length + 1)).sort();
    assert.deepEqual(rels, ['.github/workflows/ci.yml']);
    assert.equal(result.files[0].findings.filter((f) => f.ruleId === 'template-injection').length, 2);
    const progress = client.notifications
      .slice(before)
      .filter((n) => n.method === '$/progress')
      .map((n) => (n.params as { value: { kind: string } }).value.kind);
    assert.equal(progress[0], 'begin');
    assert.equal(progress.at(-1), 'end');
  });

  test('a file the client knows only from a workspace scan leaves it when the watcher reports it deleted', async () => {
    const rel = '.github/workflows/scanned-only.yml';
    writeFileSync(join(ws.root, rel), VULNERABLE);
    const uri = ws.uri(rel);
    const result = await client.request<WorkspaceFindingsResult>('flowguard/workspaceFindings', {});
    assert.ok(result.files.some((f) => f.uri === uri));
    rmSync(join(ws.root, rel));
    const seen = client.notifications.length;
    await client.rpc.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 3 }] });
    const removal = await client.waitFor(
      () =>
        client.notifications
          .slice(seen)
          .map((n) => n.params as FindingsChangedParams)
          .find((p) => p?.uri === uri),
      10_000,
      'findingsChanged for the deleted file',
    );
    assert.equal(removal.removed, true);
  });

  test('a deletion the watcher missed is found on its next event: the files the checklist shows are re-checked', async () => {
    const missed = '.gitlab/ci/missed.yml';
    const reported = '.github/workflows/reported.yml';
    mkdirSync(join(ws.root, '.gitlab/ci'), { recursive: true });
    writeFileSync(join(ws.root, missed), 'deploy:\n  script:\n    - curl http://example.com/x | sh\n');
    writeFileSync(join(ws.root, reported), VULNERABLE);
    const result = await client.request<WorkspaceFindingsResult>('flowguard/workspaceFindings', {});
    assert.ok([missed, reported].every((rel) => result.files.some((f) => f.uri === ws.uri(rel))));
    for (const rel of [missed, reported]) rmSync(join(ws.root, rel));
    const seen = client.notifications.length;
    await client.rpc.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: ws.uri(reported), type: 3 }],
    });
    const removals = () =>
      client.notifications
        .slice(seen)
        .map((n) => n.params as FindingsChangedParams)
        .filter((p) => p?.removed)
        .map((p) => p.uri);
    await client.waitFor(() => (removals().includes(ws.uri(missed)) ? true : undefined), 10_000, 'the missed removal');
    assert.deepEqual(removals().sort(), [ws.uri(missed), ws.uri(reported)].sort());
  });

  test(
    'workspace scan is cancellable',
    { skip: !existsSync(CORPUS) && 'corpus absent (../shared/corpus)' },
    async () => {
      const scanner = LspClient.start();
      try {
        await scanner.initialize(pathToUri(CORPUS));
        const source = new CancellationTokenSource();
        const pending = scanner.rpc.sendRequest(
          'flowguard/workspaceFindings',
          { workDoneToken: 'scan-1' },
          source.token,
        );
        await scanner.waitFor(
          () =>
            scanner.notifications.find(
              (n) => n.method === '$/progress' && (n.params as { value: { kind: string } }).value.kind === 'report',
            ),
          20_000,
          'first progress report',
        );
        source.cancel();
        await assert.rejects(pending, (err: { code?: number }) => err.code === -32800);
        assert.ok(
          await scanner.request<RulesResult>('flowguard/rules', {}),
          'still answering after the cancelled scan',
        );
      } finally {
        await scanner.shutdown();
      }
    },
  );
});

describe('language server: settings without workspace/configuration', () => {
  test('initializationOptions and didChangeConfiguration settings apply (minSeverity, enable)', async () => {
    const ws = workspace({});
    const client = LspClient.start();
    try {
      await client.initialize(
        pathToUri(ws.root),
        { workspace: { configuration: false } },
        { settings: { minSeverity: 'high' } },
      );
      const uri = ws.uri('.github/workflows/ci.yml');
      client.open(uri, VULNERABLE);
      const high = await client.diagnostics(uri);
      assert.ok(high.diagnostics.length > 0);
      assert.ok(
        high.diagnostics.every((d) => d.severity === 1),
        'only high findings (Error)',
      );
      await client.rpc.sendNotification('workspace/didChangeConfiguration', {
        settings: { flowguard: { enable: false } },
      });
      await client.diagnostics(uri, (p) => p.diagnostics.length === 0, 15_000, client.published.length);
    } finally {
      await client.shutdown();
      rmSync(ws.root, { recursive: true, force: true });
    }
  });
});

/** A server initialized as VS Code's client does: pulled settings, change annotations, suppression reasons asked. */
async function startVsCodeLikeClient(root: string, options: { movesSecrets?: boolean }): Promise<LspClient> {
  const client = LspClient.start();
  try {
    await client.initialize(
      pathToUri(root),
      { workspace: { configuration: true, workspaceFolders: true, workspaceEdit: { changeAnnotationSupport: {} } } },
      { suppressWithReason: true, ...options },
    );
  } catch (error) {
    await client.shutdown();
    throw error;
  }
  return client;
}

describe('language server: a client that asks for reasons and honours change annotations (VS Code)', () => {
  test('suppression runs the reason command (no comment without a reason); unsafe fixes need confirmation', async () => {
    const ws = workspace({});
    const client = await startVsCodeLikeClient(ws.root, {});
    try {
      const uri = ws.uri('.github/workflows/ci.yml');
      const text = VULNERABLE.replace('permissions:\n  contents: read\n', 'permissions: write-all\n');
      client.open(uri, text);
      const published = await client.diagnostics(uri);
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } },
        context: { diagnostics: published.diagnostics, only: ['quickfix'] },
      });
      const suppressions = actions.filter((a) => a.kind === SUPPRESS_KIND);
      assert.ok(suppressions.length > 0);
      for (const a of suppressions) {
        assert.equal(a.edit, undefined, 'no edit that would write an ignore without a reason');
        assert.equal(a.command?.command, SUPPRESS_FINDING_COMMAND);
        const [args] = a.command.arguments as SuppressFindingArgs[];
        assert.equal(args.uri, uri);
        assert.equal(args.ruleId, (a.data as CodeActionData & { type: 'suppress' }).ruleId);
      }
      const fixes = actions.filter((a) => (a.data as CodeActionData | undefined)?.type === 'fix');
      const unsafe = fixes.filter((a) => (a.data as CodeActionData & { type: 'fix' }).safety === 'unsafe');
      assert.ok(unsafe.length > 0, 'the write-all narrowing is unsafe');
      for (const a of fixes) {
        const confirm = Object.values(a.edit?.changeAnnotations ?? {}).some((x) => x.needsConfirmation);
        assert.equal(confirm, unsafe.includes(a), `${a.title}: needsConfirmation exactly for unsafe fixes`);
        if (confirm) assert.ok(a.edit?.documentChanges?.length, 'annotated edits travel as documentChanges');
      }
    } finally {
      await client.shutdown();
      rmSync(ws.root, { recursive: true, force: true });
    }
  });
});

describe('language server: a client that moves secrets itself (VS Code)', () => {
  const text =
    'on: push\npermissions: {}\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    container:\n      image: registry.example.com/app:1\n      credentials:\n        username: deployer\n        password: "s3cr3t-Pa55word!"\n    steps:\n      - run: ./deploy.sh\n';

  async function moveAction(movesSecrets: boolean): Promise<{ uri: string; action: CodeAction }> {
    const ws = workspace({});
    const client = await startVsCodeLikeClient(ws.root, { movesSecrets });
    try {
      const uri = ws.uri('.github/workflows/deploy.yml');
      client.open(uri, text);
      const [finding] = ofRule(await client.diagnostics(uri), 'hardcoded-credential');
      assert.ok(finding, 'the inline password is found');
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: finding.range,
        context: { diagnostics: [finding], only: ['quickfix'] },
      });
      const action = actions.find((a) => {
        const data = a.data as CodeActionData | undefined;
        return data?.type === 'fix' && data.ruleId === 'hardcoded-credential';
      });
      assert.ok(action, actions.map((a) => a.title).join(' | '));
      return { uri, action };
    } finally {
      await client.shutdown();
      rmSync(ws.root, { recursive: true, force: true });
    }
  }

  test('"Move to secret store" is a command with the edit, its version and the store step, and no edit of its own', async () => {
    const { uri, action } = await moveAction(true);
    assert.equal(action.edit, undefined, 'nothing for the editor to apply before (or instead of) the command');
    assert.equal(action.command?.command, MOVE_SECRET_COMMAND);
    const [args] = action.command.arguments as MoveSecretArgs[];
    assert.equal(args.uri, uri);
    assert.equal(args.version, 1);
    assert.equal(args.needsConfirmation, true, 'unsafe: previewed');
    assert.equal(args.store.command, STORE_SECRET_COMMAND);
    const after = TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 1, text), args.edits);
    assert.ok(after.includes('password: ${{ secrets.'), after);
    const location = args.store.arguments?.[0] as { valueSpan: { start: number; end: number } };
    assert.equal(text.slice(location.valueSpan.start, location.valueSpan.end), 's3cr3t-Pa55word!');
    assert.ok(!JSON.stringify(action).includes('s3cr3t-Pa55word!'), 'the value itself never travels');
  });

  test('a client without the ability gets the edit and the store step as its command', async () => {
    const { action } = await moveAction(false);
    assert.ok(action.edit?.documentChanges?.length);
    assert.equal(action.command?.command, STORE_SECRET_COMMAND);
  });
});

describe('language server over node IPC (how VS Code runs dist/server.cjs)', () => {
  test('initialize -> open -> diagnostics', async () => {
    const ws = workspace({});
    const client = LspClient.startIpc();
    try {
      const init = await client.initialize(pathToUri(ws.root));
      assert.equal(init.serverInfo?.name, 'flowguard');
      const uri = ws.uri('.github/workflows/ci.yml');
      client.open(uri, VULNERABLE);
      const published = await client.diagnostics(uri);
      assert.equal(ofRule(published, 'template-injection').length, 2);
    } finally {
      assert.equal(await client.shutdown(), 0);
      rmSync(ws.root, { recursive: true, force: true });
    }
  });
});

describe('language server: configuration file and robustness', () => {
  test('a bad .flowguard.yml gets diagnostics on the config file itself', async () => {
    const ws = workspace({
      '.flowguard.yml': 'rules:\n  template-injection: bogus\nunknownKey: 1\n',
      '.github/workflows/ci.yml': VULNERABLE,
    });
    const client = LspClient.start();
    try {
      await client.initialize(pathToUri(ws.root));
      client.open(ws.uri('.github/workflows/ci.yml'), VULNERABLE);
      const config = await client.diagnostics(ws.uri('.flowguard.yml'));
      assert.ok(config.diagnostics.length >= 2, JSON.stringify(config.diagnostics));
      assert.ok(config.diagnostics.every((d) => d.code === 'flowguard-config' && d.severity === 1));
      assert.ok(
        config.diagnostics.some((d) => d.range.start.line === 1),
        'points at the bad value',
      );
      assert.ok(
        config.diagnostics.some((d) => d.range.start.line === 2 && /unknownKey/.test(String(d.message))),
        'points at the unknown key',
      );
      const warned = await client.waitFor(
        () => client.notifications.find((n) => n.method === 'window/showMessageRequest'),
        5000,
        'a warning message',
      );
      assert.ok(warned, 'the user is told the config is not in effect');
      // Fixing the file in the editor clears them.
      const cfgUri = ws.uri('.flowguard.yml');
      client.open(cfgUri, 'rules:\n  template-injection: low\n');
      await client.diagnostics(cfgUri, (p) => p.diagnostics.length === 0, 15_000, client.published.length);
      const wf = await client.diagnostics(ws.uri('.github/workflows/ci.yml'), (p) =>
        ofRule(p, 'template-injection').some((d) => d.severity === 3),
      );
      assert.ok(wf, 'the corrected config applies at once');
    } finally {
      await client.shutdown();
      rmSync(ws.root, { recursive: true, force: true });
    }
  });

  test('a 5 MB document is analyzed in a worker while other requests keep answering; alias bombs are harmless', async () => {
    const ws = workspace({});
    const client = LspClient.start();
    try {
      await client.initialize(pathToUri(ws.root));
      let big = 'on: push\npermissions: {}\njobs:\n';
      for (let i = 0; big.length < 5 * 1024 * 1024; i++)
        big += `  job${i}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "\${{ github.event.issue.title }}"\n`;
      const bigUri = ws.uri('.github/workflows/big.yml');
      client.open(bigUri, big);
      const small = ws.uri('.github/workflows/small.yml');
      const opened = performance.now();
      client.open(small, VULNERABLE);
      const smallDiags = await client.diagnostics(small);
      const hover = await client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri: small },
        position: ofRule(smallDiags, 'template-injection')[0].range.start,
      });
      const answeredIn = performance.now() - opened;
      assert.ok(hover, 'hover answered');
      assert.ok(
        !client.published.some((p) => p.uri === bigUri),
        'the small document was answered before the big one finished',
      );
      assert.ok(
        answeredIn < 10_000,
        `other documents answered in ${answeredIn.toFixed(0)} ms (the big one takes far longer)`,
      );

      const bomb = `on: push\njobs:\n  a: &a [x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n`;
      const bombUri = ws.uri('.github/workflows/bomb.yml');
      client.open(bombUri, bomb);
      await client.diagnostics(bombUri);
      // Closing the big document cancels its analysis; the server is still healthy afterwards.
      client.close(bigUri);
      const rules = await client.request<RulesResult>('flowguard/rules', {});
      assert.ok(rules.rules.length > 0);
    } finally {
      assert.equal(await client.shutdown(), 0);
      rmSync(ws.root, { recursive: true, force: true });
    }
  });
});
