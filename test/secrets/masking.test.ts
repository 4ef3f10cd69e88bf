// No planted secret value appears in anything Flowguard writes: the CLI in every format (text, JSON, SARIF, with
// snippets and fixes) and the language server (diagnostics, hovers, code actions, custom notifications).
import { test, after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeAction, Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { analyze } from '../../server/src/engine/analyze';
import { FIXTURES } from '../helpers';
import { runCli } from '../cli/helpers';
import { LspClient } from '../lsp/client';
import { pathToUri } from '../../server/src/lsp/paths';

const SOURCE = join(FIXTURES, 'hardcoded-credential');
let root: string;
const files: Array<{ rel: string; text: string }> = [];
const planted = new Set<string>();

before(() => {
  root = mkdtempSync(join(tmpdir(), 'flowguard-mask-'));
  mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
  for (const name of readdirSync(SOURCE).filter((n) => /^vulnerable.*\.ya?ml$/.test(n) && !n.includes('.fixed.'))) {
    const rel = name === 'vulnerable-action.yml' ? 'deploy/action.yml' : `.github/workflows/${name}`;
    mkdirSync(join(root, rel, '..'), { recursive: true });
    copyFileSync(join(SOURCE, name), join(root, rel));
    const text = readFileSync(join(root, rel), 'utf8');
    files.push({ rel, text });
    for (const f of analyze({ path: rel, text }).findings) {
      if (typeof f.properties?.masked !== 'string' || f.properties.throwaway) continue;
      const value = text.slice(f.span.start, f.span.end);
      // A private key is checked line by line (its body lines are what must not leak).
      for (const part of value.split('\n').map((l) => l.trim()))
        if (part.length >= 12 && !/^-----/.test(part)) planted.add(part);
    }
  }
  assert.ok(planted.size >= 15, `${planted.size} planted values`);
});

after(() => rmSync(root, { recursive: true, force: true }));

/** The planted values (or a 10-character piece of their middle) found in an output. */
function leaks(output: string): string[] {
  const out: string[] = [];
  for (const v of planted) {
    const middle = v.slice(Math.floor(v.length / 2) - 5, Math.floor(v.length / 2) + 5);
    if (output.includes(v) || (v.length >= 20 && output.includes(middle))) out.push(v.slice(0, 4) + '…');
  }
  return out;
}

for (const format of ['text', 'json', 'sarif'] as const) {
  test(`CLI --format ${format}: no planted value in stdout or stderr`, async () => {
    const run = await runCli(['scan', '.', '--format', format, '--no-fail'], { cwd: root, timeoutMs: 60_000 });
    assert.equal(run.timedOut, false);
    assert.ok(run.stdout.includes('hardcoded-credential'), `the ${format} report lists the findings`);
    assert.deepEqual(leaks(run.stdout + run.stderr), []);
  });
}

describe('language server', () => {
  let client: LspClient;
  before(async () => {
    client = LspClient.start();
    await client.initialize(pathToUri(root));
  });
  after(async () => {
    await client.shutdown();
  });

  test('diagnostics, hovers, code actions and notifications contain no planted value', async () => {
    const outputs: unknown[] = [];
    for (const { rel, text } of files) {
      const uri = pathToUri(join(root, rel));
      client.open(uri, text);
      const published = await client.diagnostics(uri, (p) =>
        p.diagnostics.some((d: Diagnostic) => d.code === 'hardcoded-credential'),
      );
      outputs.push(published);
      for (const d of published.diagnostics.filter((x: Diagnostic) => x.code === 'hardcoded-credential')) {
        outputs.push(
          await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: d.range.start }),
        );
        outputs.push(
          await client.request<CodeAction[]>('textDocument/codeAction', {
            textDocument: { uri },
            range: d.range,
            context: { diagnostics: [d] },
          }),
        );
      }
      client.close(uri);
    }
    outputs.push(client.notifications);
    const all = JSON.stringify(outputs);
    assert.ok(all.includes('hardcoded-credential'));
    assert.deepEqual(leaks(all), []);
  });
});
