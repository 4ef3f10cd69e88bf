// Runs the extension-host suite (test/e2e/suite) inside code-server: the workbench is opened with a `payload` naming
// the extension under development and the tests module, which the released build honors only when its
// developmentOptions.enableSmokeTestDriver is set; code-server has no flag for it, so the served page is adjusted.
import path from 'node:path';
import { buildSuite } from './buildSuite.mjs';
import { launchBrowser, makeRunDir, removeRunDir, startCodeServer } from './codeServer.mjs';
import { repoRoot } from './setup.mjs';
import { createWorkspace } from './workspace.mjs';
import { startLoopbackGitHub } from './githubApi.mjs';

const SUITE_TIMEOUT_MS = 240_000;

/** Turns on the smoke-test driver in the workbench configuration embedded in the served HTML. */
export function enableSmokeTestDriver(html) {
  return html.replace(
    /(<meta id="vscode-workbench-web-configuration" data-settings=")([^"]*)(")/,
    (_match, start, encoded, end) => {
      const json = encoded.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
      const config = JSON.parse(json);
      config.developmentOptions = { ...(config.developmentOptions ?? {}), enableSmokeTestDriver: true };
      return start + JSON.stringify(config).replace(/&/g, '&amp;').replace(/"/g, '&quot;') + end;
    },
  );
}

/** Runs test/e2e/suite/<entry>.ts in code-server on `folder` (default: a fresh test workspace). */
export async function runHostSuite({ entry = 'index', folder, keep = false } = {}) {
  const suite = await buildSuite(entry);
  const runDir = makeRunDir('host');
  const workspace = folder ?? createWorkspace(path.join(runDir, 'ws'));
  // Named to the extension host, which inherits code-server's environment.
  const github = await startLoopbackGitHub();
  process.env.FLOWGUARD_E2E_GITHUB_API_URL = github.url;
  const server = await startCodeServer(runDir).catch(async (error) => {
    await github.close();
    throw error;
  });
  const browser = await launchBrowser(runDir);
  const lines = [];
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    let finish;
    const exitCode = new Promise((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationExit', (code) => finish(code));
    page.on('console', (message) => {
      const text = message.text();
      if (text.includes('[flowguard-e2e]')) {
        const line = text.slice(text.indexOf('[flowguard-e2e]'));
        lines.push(line);
        process.stdout.write(`  ${line}\n`);
      }
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(repoRoot)],
      ['extensionTestsPath', remote(suite)],
    ]);
    const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`;
    await page.route(
      (u) => u.pathname === '/' && u.searchParams.has('payload'),
      async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, body: enableSmokeTestDriver(await response.text()) });
      },
    );
    await page.goto(url);
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), SUITE_TIMEOUT_MS));
    const code = await Promise.race([exitCode, timeout]);
    if (code === 'timeout')
      throw new Error(`the extension-host suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s`);
    if (!lines.some((l) => /\d+\/\d+ passed/.test(l)))
      throw new Error(
        `the suite exited (${code}) without running: is the payload honored?\n${server.log().slice(-3000)}`,
      );
    return { code: Number(code), lines };
  } finally {
    await browser.close();
    await server.stop();
    await github.close();
    if (!keep) removeRunDir(runDir);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const started = Date.now();
  runHostSuite()
    .then(({ code }) => {
      console.log(
        `[e2e] extension-host suite in code-server: exit ${code} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      process.exit(code === 0 ? 0 : 1);
    })
    .catch((error) => {
      console.error(`[e2e] extension-host suite in code-server failed: ${error.stack ?? error}`);
      process.exit(1);
    });
}
