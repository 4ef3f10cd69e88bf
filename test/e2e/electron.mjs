// The extension-host suite in desktop VS Code through @vscode/test-electron, for machines that can download VS Code
// (laptops, hosted CI). Where the download is impossible (no route to update.code.visualstudio.com) it says so and
// reports "skipped" instead of failing; the same suite still runs in code-server (hostSuite.mjs).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { buildSuite } from './buildSuite.mjs';
import { repoRoot } from './setup.mjs';
import { createWorkspace } from './workspace.mjs';
import { startLoopbackGitHub } from './githubApi.mjs';

/** Desktop VS Code the suite runs against (the same version code-server 4.139.1 embeds). */
export const VSCODE_VERSION = '1.139.1';

const OFFLINE =
  /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|getaddrinfo|socket hang up|Failed to get JSON|status code/i;

export async function runElectronSuite() {
  let executable;
  try {
    executable = await downloadAndUnzipVSCode({
      version: VSCODE_VERSION,
      cachePath: path.join(repoRoot, '.e2e-cache', 'vscode-test'),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (OFFLINE.test(message))
      return { skipped: `cannot download VS Code ${VSCODE_VERSION} here (${message.split('\n')[0]})` };
    throw error;
  }
  const suite = await buildSuite();
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'flowguard-e2e-electron-'));
  const github = await startLoopbackGitHub();
  try {
    const workspace = createWorkspace(path.join(runDir, 'ws'));
    const code = await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suite,
      extensionTestsEnv: { FLOWGUARD_E2E_GITHUB_API_URL: github.url },
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--user-data-dir',
        path.join(runDir, 'data'),
        '--disable-gpu',
      ],
    });
    return { code };
  } finally {
    await github.close();
    rmSync(runDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  runElectronSuite()
    .then((result) => {
      if (result.skipped) console.log(`[e2e] test-electron suite skipped: ${result.skipped}`);
      else console.log(`[e2e] test-electron suite: exit ${result.code}`);
      process.exit(result.skipped || result.code === 0 ? 0 : 1);
    })
    .catch((error) => {
      console.error(`[e2e] test-electron suite failed: ${error.stack ?? error}`);
      process.exit(1);
    });
}
