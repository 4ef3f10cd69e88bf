#!/usr/bin/env node
// `npm run test:e2e`: prepares what the real-editor suites need (cached under .e2e-cache/), then runs
//   1. the extension-host suite in desktop VS Code via @vscode/test-electron (skipped, with the reason, when VS Code
//      cannot be downloaded),
//   2. the same suite inside code-server,
//   3. the Playwright UI test against code-server with the packaged .vsix installed,
//   4. a benchmark: the extension's first scan of ../shared/corpus in code-server (skipped when absent).
// Exits non-zero when any of them fails.
import { runCorpusScan } from './corpusScan.mjs';
import { runElectronSuite } from './electron.mjs';
import { runHostSuite } from './hostSuite.mjs';
import { setup } from './setup.mjs';
import { runUiTest } from './ui.mjs';

const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const results = [];

async function stage(name, fn) {
  const started = Date.now();
  process.stdout.write(`[e2e] ${name}\n`);
  try {
    const detail = await fn();
    results.push({ name, ok: true, time: seconds(started), detail });
  } catch (error) {
    results.push({
      name,
      ok: false,
      time: seconds(started),
      detail: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
}

const started = Date.now();
await stage('setup (Node 24, Chromium, code-server, .vsix)', () => setup());
if (results[0].ok) {
  await stage('extension-host suite in VS Code (test-electron)', async () => {
    const result = await runElectronSuite();
    if (result.skipped) return `skipped: ${result.skipped}`;
    if (result.code !== 0) throw new Error(`exit ${result.code}`);
    return 'passed';
  });
  await stage('extension-host suite in code-server', async () => {
    const { code, lines } = await runHostSuite();
    const summary = lines.find((l) => /\d+\/\d+ passed/.test(l)) ?? '';
    if (code !== 0) throw new Error(`exit ${code}: ${lines.filter((l) => l.includes('FAIL')).join('\n')}`);
    return summary.replace('[flowguard-e2e] ', '');
  });
  await stage('UI test (Playwright + Chromium + code-server, packaged .vsix)', async () => {
    const { screenshots } = await runUiTest();
    return `screenshots: ${screenshots.join(', ')}`;
  });
  await stage('first scan of ../shared/corpus in code-server (benchmark)', async () => {
    const result = await runCorpusScan();
    if (result.skipped) return `skipped: ${result.skipped}`;
    if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.lines.join('\n')}`);
    return (
      '\n    ' +
      result.lines
        .filter((l) => !l.includes('passed'))
        .map((l) => l.replace('[flowguard-e2e] ', ''))
        .join('\n    ')
    );
  });
}

console.log('\n[e2e] summary');
for (const r of results)
  console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.time})${r.detail ? `: ${r.detail}` : ''}`);
console.log(`[e2e] total ${seconds(started)}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
