// A plain LSP client over stdio for tests and the bench: spawns the real built server and speaks JSON-RPC to it.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type {
  Diagnostic,
  InitializeResult,
  PublishDiagnosticsParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';
import { ROOT } from '../helpers';

export interface Published extends PublishDiagnosticsParams {
  receivedAt: number;
}

/** The command that starts the server: the CLI's `flowguard lsp --stdio` (what other editors run), else dist/server.cjs. */
export function serverCommand(): string[] {
  const cli = join(ROOT, 'dist', 'cli.cjs');
  const server = join(ROOT, 'dist', 'server.cjs');
  if (existsSync(cli)) return [cli, 'lsp', '--stdio'];
  if (!existsSync(server)) throw new Error('dist/server.cjs is missing: run `npm run build` first');
  return [server, '--stdio'];
}

export class LspClient {
  readonly rpc: MessageConnection;
  readonly published: Published[] = [];
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  readonly stderr: string[] = [];
  private waiters: Array<() => void> = [];
  private versions = new Map<string, number>();

  private constructor(
    readonly child: ChildProcess,
    ipc = false,
  ) {
    this.rpc = ipc
      ? createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child))
      : createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.rpc.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.push({ ...p, receivedAt: performance.now() });
      this.wake();
    });
    this.rpc.onNotification((method: string, params: unknown) => {
      this.notifications.push({ method, params });
      this.wake();
    });
    // $/progress never reaches generic handlers in vscode-jsonrpc: no handler is registered per token here.
    this.rpc.onUnhandledProgress((params) => {
      this.notifications.push({ method: '$/progress', params });
      this.wake();
    });
    // The server may ask for settings and progress tokens; answer like a minimal editor.
    this.rpc.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => this.settings));
    this.rpc.onRequest('window/workDoneProgress/create', () => null);
    this.rpc.onRequest('client/registerCapability', () => null);
    this.rpc.onRequest('window/showMessageRequest', (p: unknown) => {
      this.notifications.push({ method: 'window/showMessageRequest', params: p });
      this.wake();
      return null;
    });
    child.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    this.rpc.listen();
  }

  settings: unknown = { enable: true, rules: {} };

  static start(args: string[] = serverCommand()): LspClient {
    return new LspClient(spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  /** Over node IPC, as VS Code's client runs dist/server.cjs. */
  static startIpc(): LspClient {
    return new LspClient(
      fork(join(ROOT, 'dist', 'server.cjs'), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] }),
      true,
    );
  }

  async initialize(
    rootUri: string | null,
    capabilities: Record<string, unknown> = {},
    initializationOptions?: unknown,
  ): Promise<InitializeResult> {
    const result = await this.rpc.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: rootUri ? [{ uri: rootUri, name: 'root' }] : null,
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true },
        window: { workDoneProgress: true },
        textDocument: { publishDiagnostics: { versionSupport: true } },
        ...capabilities,
      },
      initializationOptions,
    });
    await this.rpc.sendNotification('initialized', {});
    return result;
  }

  open(uri: string, text: string, languageId = 'yaml'): void {
    this.versions.set(uri, 1);
    void this.rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Sends changes and returns the new version. */
  change(uri: string, changes: TextDocumentContentChangeEvent[]): number {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    void this.rpc.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: changes,
    });
    return version;
  }

  close(uri: string): void {
    void this.rpc.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.rpc.sendRequest<T>(method, params);
  }

  /** Waits for a publishDiagnostics for `uri` matching `accept`, considering only those received after `after` entries. */
  async diagnostics(
    uri: string,
    accept: (p: Published) => boolean = () => true,
    timeoutMs = 15_000,
    after = 0,
  ): Promise<Published> {
    return this.waitFor(
      () => this.published.slice(after).find((p) => p.uri === uri && accept(p)),
      timeoutMs,
      `diagnostics for ${uri}`,
    );
  }

  async waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = probe();
      if (hit !== undefined) return hit;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting for ${what}; server stderr: ${this.stderr.join('').slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async shutdown(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    if (this.child.exitCode !== null) return this.child.exitCode;
    try {
      await Promise.race([
        this.rpc.sendRequest('shutdown'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('shutdown timed out')), 5000)),
      ]);
      await this.rpc.sendNotification('exit');
    } catch {
      this.child.kill();
    }
    const code = await Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    this.rpc.dispose();
    return code;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

export type { Diagnostic };
