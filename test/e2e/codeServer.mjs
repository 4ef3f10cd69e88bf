// Starts code-server (a real VS Code) on loopback with all of its state in a temp dir, and drives it with
// Playwright through Debian's Chromium. Shared by the UI test and the extension-host suite.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath, codeServerEntry, node24Bin } from './setup.mjs';

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function codeServerEnv(home) {
  // HOME in the run dir: code-server would otherwise write ~/.config/code-server with a password.
  return { ...process.env, HOME: home, PATH: `${path.dirname(node24Bin)}:${process.env.PATH}`, VSCODE_PROXY_URI: '' };
}

/** Installs a .vsix into a fresh extensions dir (0.8 s): the packaged extension, as a user gets it. */
export function installVsix(runDir, vsix) {
  execFileSync(
    node24Bin,
    [
      codeServerEntry,
      '--extensions-dir',
      path.join(runDir, 'exts'),
      '--user-data-dir',
      path.join(runDir, 'data'),
      '--install-extension',
      vsix,
    ],
    {
      env: codeServerEnv(path.join(runDir, 'home')),
      stdio: 'pipe',
    },
  );
}

export function makeRunDir(name) {
  const runDir = mkdtempSync(path.join(os.tmpdir(), `flowguard-e2e-${name}-`));
  for (const dir of ['home', 'data/User', 'exts']) mkdirSync(path.join(runDir, dir), { recursive: true });
  return runDir;
}

/**
 * Starts code-server and waits for /healthz. `settings` go to the user settings.json.
 * Returns { url, port, stop(), log() }.
 */
export async function startCodeServer(runDir, { settings = {} } = {}) {
  const port = await freePort();
  writeFileSync(path.join(runDir, 'config.yaml'), 'auth: none\n');
  writeFileSync(
    path.join(runDir, 'data', 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'security.workspace.trust.enabled': false,
        'editor.hover.enabled': false,
        ...settings,
      },
      null,
      2,
    ),
  );
  const args = [
    codeServerEntry,
    '--config',
    path.join(runDir, 'config.yaml'),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir',
    path.join(runDir, 'data'),
    '--extensions-dir',
    path.join(runDir, 'exts'),
  ];
  const child = spawn(node24Bin, args, {
    env: codeServerEnv(path.join(runDir, 'home')),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`code-server did not answer /healthz within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    log: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // A routed (rewritten) document otherwise may not open a WebSocket to 127.0.0.1.
  '--disable-features=LocalNetworkAccessChecks',
];

export async function launchBrowser(runDir) {
  const context = await chromium.launchPersistentContext(path.join(runDir, 'chromium'), {
    executablePath: chromiumPath,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  return context;
}

export function removeRunDir(runDir) {
  rmSync(runDir, { recursive: true, force: true });
}
