// `flowguard lsp --stdio` starts the real language server: a plain JSON-RPC client gets diagnostics and quick-fixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, InitializeResult } from 'vscode-languageserver-protocol';
import { ruleDocsUrl } from '../../server/src/engine/docs';
import { ROOT } from '../helpers';
import { EXAMPLES } from './helpers';

interface Message {
  id?: number;
  method?: string;
  /** The fields of the server messages this test reads (publishDiagnostics, workspace/configuration). */
  params?: { uri?: string; diagnostics?: Diagnostic[]; items?: unknown[] };
  result?: unknown;
}

/** Minimal LSP client over stdio: Content-Length framing, requests by id, notifications by method. */
class StdioClient {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, (m: Message) => void>();
  private readonly waiters: Array<{ match: (m: Message) => boolean; resolve: (m: Message) => void }> = [];

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    /** Rejects when the server dies, so a crash fails the test instead of leaving it waiting. */
    private readonly exited: Promise<never>,
  ) {
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const headerEnd = this.buffer.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
        if (this.buffer.length < headerEnd + 4 + length) return;
        const message = JSON.parse(
          this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'),
        ) as Message;
        this.buffer = this.buffer.subarray(headerEnd + 4 + length);
        this.dispatch(message);
      }
    });
  }

  private dispatch(m: Message): void {
    if (m.id !== undefined && m.method === undefined) {
      this.pending.get(m.id)?.(m);
      this.pending.delete(m.id);
      return;
    }
    // Server-to-client requests (configuration, registration...) get an empty answer.
    if (m.id !== undefined && m.method)
      this.send({
        id: m.id,
        result: m.method === 'workspace/configuration' ? (m.params?.items ?? []).map(() => null) : null,
      });
    const i = this.waiters.findIndex((w) => w.match(m));
    if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
  }

  private send(message: object): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  request(method: string, params: unknown): Promise<Message> {
    const id = this.nextId++;
    const answer = new Promise<Message>((resolve) => {
      this.pending.set(id, resolve);
      this.send({ id, method, params });
    });
    return Promise.race([answer, this.exited]);
  }

  notify(method: string, params: unknown): void {
    this.send({ method, params });
  }

  waitFor(match: (m: Message) => boolean): Promise<Message> {
    return Promise.race([new Promise<Message>((resolve) => this.waiters.push({ match, resolve })), this.exited]);
  }
}

// The server finds its analysis worker next to the bundle, so this runs the built CLI as users do (npm test builds first).
const BIN = join(ROOT, 'bin', 'flowguard.js');
const built = existsSync(join(ROOT, 'dist', 'cli.cjs'));

test(
  'flowguard lsp --stdio publishes diagnostics with code, href and source, and offers quick-fixes',
  { timeout: 60_000, skip: built ? false : 'dist/cli.cjs not built: run npm run build' },
  async (t) => {
    const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<never>((_, reject) =>
      child.on('exit', (code) => reject(new Error(`server exited (${code}): ${stderr}`))),
    );
    t.after(() => child.kill());
    const client = new StdioClient(child, exited);
    const init = await client.request('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      workspaceFolders: null,
    });
    assert.ok((init.result as InitializeResult).capabilities.codeActionProvider, 'the server offers code actions');
    client.notify('initialized', {});

    const path = join(EXAMPLES, 'vulnerable', '.github', 'workflows', 'pr-greeter.yml');
    const uri = pathToFileURL(path).href;
    const published = client.waitFor(
      (m) =>
        m.method === 'textDocument/publishDiagnostics' &&
        m.params?.uri === uri &&
        (m.params.diagnostics?.length ?? 0) > 0,
    );
    client.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version: 1, text: readFileSync(path, 'utf8') },
    });
    const diagnostics = (await published).params?.diagnostics ?? [];
    const perm = diagnostics.find((d) => d.code === 'excessive-permissions');
    assert.ok(perm, 'excessive-permissions is reported');
    assert.equal(perm.source, 'flowguard');
    assert.equal(perm.codeDescription?.href, ruleDocsUrl('excessive-permissions'));
    assert.deepEqual(perm.range.start, { line: 5, character: 13 });

    const actions = await client.request('textDocument/codeAction', {
      textDocument: { uri },
      range: perm.range,
      context: { diagnostics: [perm] },
    });
    assert.ok(
      (actions.result as Array<{ kind: string }>).some((a) => a.kind.startsWith('quickfix')),
      'a quick-fix is offered',
    );
    await client.request('shutdown', null);
    const done = new Promise((resolve) => child.on('exit', resolve));
    client.notify('exit', null);
    await done;
  },
);
