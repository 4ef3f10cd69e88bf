// Runs the real CLI in a child process (from source via tsx, so the tests need no build) and validates SARIF with
// Microsoft's SARIF Multitool.
import { spawn } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers';

export const CLI_ENTRY = join(ROOT, 'server', 'src', 'cli', 'main.ts');
export const EXAMPLES = join(ROOT, 'examples');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  cwd?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
}

/** Spawns `node <args>` and collects its output; a process that outlives the timeout is killed and flagged. */
export function runNode(args: string[], options: RunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, timedOut });
    });
  });
}

/** Resolved from the repository, so the CLI can run with any working directory (e.g. a temp folder). */
const TSX_LOADER = import.meta.resolve('tsx');
const DIST_CLI = join(ROOT, 'dist', 'cli.cjs');

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/**
 * The bundle when it is at least as new as every source it is built from (always so under `npm test`, which builds
 * first), else the sources through tsx: either way the code under test is the current source, and the bundle starts
 * several times faster.
 */
const CLI_COMMAND: string[] =
  existsSync(DIST_CLI) &&
  statSync(DIST_CLI).mtimeMs >=
    Math.max(
      newestMtime(join(ROOT, 'server', 'src')),
      newestMtime(join(ROOT, 'schemas')),
      newestMtime(join(ROOT, 'package.json')),
    )
    ? [DIST_CLI]
    : ['--import', TSX_LOADER, CLI_ENTRY];

/** Whether runCli runs the bundle (dist/cli.cjs), the only form with worker threads (dist/scanWorker.cjs). */
export const CLI_RUNS_BUNDLE = CLI_COMMAND[0] === DIST_CLI;

/** Arguments for `node` that run the CLI with `args`. */
export function cliArgs(args: string[]): string[] {
  return [...CLI_COMMAND, ...args];
}

export function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  return runNode(cliArgs(args), options);
}

export function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowguard-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** No JavaScript stack trace leaked into user-facing output. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+:\d+:\d+\)?$/m.test(text) || /Error: .*\n\s+at /.test(text);
}

function multitoolPath(): string {
  const exe = process.platform === 'win32' ? 'Sarif.Multitool.exe' : 'Sarif.Multitool';
  const path = join(ROOT, 'node_modules', '@microsoft', `sarif-multitool-${process.platform}`, exe);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    // npm may hold back the package's chmod postinstall; this is what it would have done.
    chmodSync(path, 0o755);
  }
  return path;
}

export interface SarifIssue {
  ruleId: string;
  level: string;
  arguments: string[];
}

/** Validates a SARIF file; returns the Multitool's errors and warnings (its notes are style advice). */
export async function validateSarif(file: string, outDir: string): Promise<SarifIssue[]> {
  const out = join(outDir, 'validation.sarif');
  const r = await new Promise<{ status: number | null; output: string }>((resolve, reject) => {
    const child = spawn(
      multitoolPath(),
      ['validate', file, '-o', out, '--log', 'ForceOverwrite', '--level', 'Error;Warning'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
  if (r.status !== 0) throw new Error(`SARIF Multitool failed (${r.status}): ${r.output}`);
  const log = JSON.parse(readFileSync(out, 'utf8'));
  return (log.runs?.[0]?.results ?? []).map(
    (x: { ruleId: string; level?: string; message?: { arguments?: string[] } }) => ({
      ruleId: x.ruleId,
      level: x.level ?? 'warning',
      arguments: x.message?.arguments ?? [],
    }),
  );
}
