// Crafted repositories for the security suite: built in a temporary folder by each test, removed afterwards.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Generous: only a hang (or a blow-up in the order of magnitude) fails a test. */
export const HANG_GUARD_MS = 10_000;
/** A CLI run includes Node and TypeScript start-up on a shared, busy machine: only a hang reaches this. */
export const CLI_GUARD_MS = 45_000;

export function tempRepo(t: { after(fn: () => void): void }, prefix = 'flowguard-sec-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes files (repository-relative path -> text) under `root`. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

export function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** Runs git for the test's own setup, never with the user's or system config. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    stdio: 'pipe',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  }).toString();
}

export const workflowWithToken = (token: string) =>
  `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n        env:\n          API_TOKEN: ${token}\n`;
