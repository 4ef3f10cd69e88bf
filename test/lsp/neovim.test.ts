// Neovim as a real second editor: the same server, attached by Neovim's own LSP client (skipped without nvim).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers';
import { serverCommand } from './client';

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const skip = nvim.status !== 0 ? 'nvim is not installed (apt-get install -y neovim)' : false;

const WORKFLOW = `on: pull_request_target
permissions:
  contents: read
jobs:
  greet:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: |
          echo "\${{ github.event.pull_request.title }}"
`;

test('Neovim attaches, shows Flowguard diagnostics and applies a quick-fix', { skip, timeout: 60_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'flowguard-nvim-'));
  try {
    const file = join(root, '.github', 'workflows', 'ci.yml');
    mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
    writeFileSync(file, WORKFLOW);
    const out = join(root, 'result.json');
    const r = spawnSync('nvim', ['--headless', '--clean', '-S', join(ROOT, 'test', 'lsp', 'neovim-client.lua'), file], {
      env: {
        ...process.env,
        FG_CMD: JSON.stringify([process.execPath, ...serverCommand()]),
        FG_ROOT: root,
        FG_OUT: out,
      },
      encoding: 'utf8',
      timeout: 50_000,
    });
    assert.equal(r.status, 0, `nvim failed: ${r.stderr}`);
    const result = JSON.parse(readFileSync(out, 'utf8')) as {
      before: Array<{ code: string; source: string; line: number }>;
      after: Array<{ code: string }>;
      action: string | null;
      text: string;
    };
    const before = result.before.filter((d) => d.code === 'template-injection');
    assert.deepEqual(
      before.map((d) => [d.source, d.line]),
      [['flowguard', 9]],
    );
    assert.ok(result.action, 'a preferred quick-fix was offered');
    assert.equal(result.after.filter((d) => d.code === 'template-injection').length, 0);
    assert.ok(!result.text.includes('echo "${{ github.event.pull_request.title }}"'), result.text);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
