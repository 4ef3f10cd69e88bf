// Stdio robustness: a malformed Content-Length header makes the language server say so and exit (the editor can
// restart it) instead of going silent forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { serverCommand } from '../lsp/client';
import { CLI_GUARD_MS } from './helpers';

for (const header of ['Content-Length: abc', 'Content-Type: application/json'])
  test(`the stdio server exits with a clear error on "${header}"`, async () => {
    const child = spawn(process.execPath, serverCommand(), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_GUARD_MS);
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      child.stdin.write(`${header}\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`);
    });
    clearTimeout(timer);
    assert.equal(code, 1, stderr);
    assert.match(stderr, /malformed message on standard input/);
  });
