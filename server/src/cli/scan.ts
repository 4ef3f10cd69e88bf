// `flowguard scan`: load the config, collect files (this shard's), analyze (and fix) each in the main thread or in
// worker threads, and write the report file by file in target order.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONFIG_FILE_NAMES, ConfigError, loadConfigText, DEFAULT_CONFIG, type FlowguardConfig } from '../engine/config';
import { renderFixLog, reportWriter, type FileReport } from '../report/index';
import type { ReportSink } from '../report/model';
import { printableLine } from '../report/text';
import { ALL_RULES } from '../rules/index';
import { gitRootOf, repoRootOf } from '../io/repo-files';
import { markLeakedSecrets, secretValueFindings } from '../secretstore/git-history';
import { CliError, type ScanOptions } from './args';
import { resolveOnline } from './online';
import { repositoryOf } from '../io/repository';
import { collectTargets, describeIoError, relativePath } from './files';
import { scanInWorkers, scanWorkerScript } from './pool';
import { FileScanner, type FileOutcome, type FileTask, type WorkerSetup } from './scan-file';

export interface CliIO {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Resolves when standard output has room again (the report is written as it is produced). */
  drain?(): Promise<void>;
  stdoutIsTTY: boolean;
}

export interface LoadedConfig {
  config: FlowguardConfig;
  /** Folder the config's globs are relative to. */
  baseDir: string;
  file?: string;
}

const KNOWN_RULE_NAMES: ReadonlySet<string> = new Set(ALL_RULES.flatMap((r) => [r.meta.id, ...r.meta.aliases]));

/** `--config FILE`, else .flowguard.yml/.yaml in the working directory, else the defaults. Invalid config: exit 2. */
export function loadConfig(explicit: string | undefined, cwd: string): LoadedConfig {
  const candidates = explicit ? [resolve(cwd, explicit)] : CONFIG_FILE_NAMES.map((n) => resolve(cwd, n));
  for (const file of candidates) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if (explicit) throw new CliError(`cannot read config ${explicit}: ${describeIoError(err)}`);
      continue;
    }
    const shown = relativePath(cwd, file);
    try {
      return { config: loadConfigText(text, shown, KNOWN_RULE_NAMES), baseDir: dirname(file), file };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const lines = err.problems.map((p) => `${shown}:${p.line + 1}:${p.character + 1}: ${p.message}`);
      throw new CliError(`invalid configuration in ${shown}:\n${lines.join('\n')}`);
    }
  }
  return { config: structuredClone(DEFAULT_CONFIG), baseDir: cwd };
}

/** Relative reference for files under the working directory (GitHub code scanning wants repo-relative paths). */
function artifactUri(cwd: string, file: string): string {
  const rel = relativePath(cwd, file);
  if (rel.startsWith('../') || rel === '..' || /^[a-z]:/i.test(rel)) return pathToFileURL(file).href;
  return rel.split('/').map(encodeURIComponent).join('/');
}

/** 32-bit FNV-1a: the same shard for the same path on every runner, platform and Node version. */
export function shardOf(path: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193) >>> 0;
  return (h % count) + 1;
}

/** A credential the analyzed text holds that git already committed is reported as leaked (rotate, not only move). */
async function markLeaks(file: FileReport, absolute: string): Promise<void> {
  const gitRoot = secretValueFindings(file.result).length ? gitRootOf(absolute) : undefined;
  if (gitRoot) await markLeakedSecrets(file.result, gitRoot, file.text, absolute);
}

/** Where the report goes: standard output (waiting when the reader is slow) or a file written as it grows. */
function reportSink(opts: ScanOptions, io: CliIO): { write: ReportSink; drain(): Promise<void>; close(): void } {
  if (!opts.output) return { write: io.stdout, drain: () => io.drain?.() ?? Promise.resolve(), close: () => {} };
  let fd: number;
  try {
    fd = openSync(resolve(io.cwd, opts.output), 'w');
  } catch (err) {
    throw new CliError(`cannot write report to ${opts.output}: ${describeIoError(err)}`);
  }
  return {
    write: (chunk) => {
      try {
        writeSync(fd, chunk);
      } catch (err) {
        throw new CliError(`cannot write report to ${opts.output}: ${describeIoError(err)}`);
      }
    },
    drain: () => Promise.resolve(),
    close: () => closeSync(fd),
  };
}

export async function runScan(opts: ScanOptions, io: CliIO, toolVersion: string): Promise<number> {
  const { config, baseDir } = loadConfig(opts.config, io.cwd);
  if (opts.minSeverity) config.minSeverity = opts.minSeverity;
  const collected = collectTargets(opts.paths, io.cwd, baseDir, config);
  const shard = opts.shard;
  const targets = shard
    ? collected.targets.filter((t) => shardOf(relativePath(io.cwd, t.file), shard.count) === shard.index)
    : collected.targets;
  /** Problems that make the exit status 2 once the report is out (unreadable files, fixes that failed). */
  const ioErrors = [...collected.errors];
  /** Reported on stderr; they do not change the exit status. */
  const warnings: string[] = [];
  for (const p of collected.ignored) io.stderr(`flowguard: skipped ${printableLine(p)} (ignored by configuration)\n`);

  // Online answers are resolved up front (only with --online); the scan itself stays offline.
  const online = opts.online ? await resolveOnline(targets, config, io.env, opts.githubApiUrl) : undefined;
  for (const p of online?.problems ?? []) io.stderr(`flowguard: ${p}\n`);
  const setup: WorkerSetup = {
    config,
    fix: opts.fix,
    safeFixesOnly: opts.safeFixesOnly,
    facts: online?.records,
  };
  // Files of one folder belong to one checkout: looked up once per folder (each lookup climbs to the filesystem root
  // testing for `.git`, 16 K checks and ~80 ms over the corpus).
  const checkoutByDir = new Map<string, { root: string; repository?: string }>();
  const checkoutOf = (file: string) => {
    const dir = dirname(file);
    let known = checkoutByDir.get(dir);
    if (!known)
      checkoutByDir.set(dir, (known = { root: repoRootOf(file, io.cwd), repository: repositoryOf(file, io.env) }));
    return known;
  };
  const tasks: FileTask[] = targets.map((t) => ({
    file: t.file,
    path: relativePath(io.cwd, t.file),
    uri: artifactUri(io.cwd, t.file),
    explicit: t.explicit,
    ...checkoutOf(t.file),
  }));

  const sink = reportSink(opts, io);
  const color = opts.color ?? (opts.output === undefined && io.stdoutIsTTY && !io.env.NO_COLOR);
  const writer = reportWriter(
    opts.format,
    sink.write,
    {
      toolVersion,
      srcRoot: pathToFileURL(io.cwd).href.replace(/\/?$/, '/'),
      ...(shard ? { automationId: `flowguard-shard-${shard.index}-of-${shard.count}/` } : {}),
    },
    { color },
  );
  const emit = async (task: FileTask, outcome: FileOutcome) => {
    ioErrors.push(...outcome.errors);
    warnings.push(...outcome.warnings);
    if (!outcome.report) return;
    await markLeaks(outcome.report, task.file);
    writer.file(outcome.report);
    await sink.drain();
  };
  try {
    const jobs = Math.min(opts.jobs ?? defaultJobs(), tasks.length);
    const script = jobs > 1 ? scanWorkerScript() : undefined;
    if (script) {
      if (io.env.FLOWGUARD_DEBUG) io.stderr(`flowguard: ${jobs} worker threads\n`);
      let at = 0;
      const trace = io.env.FLOWGUARD_DEBUG ? (event: string) => io.stderr(`flowguard: ${event}\n`) : undefined;
      await scanInWorkers(script, setup, tasks, jobs, (outcome) => emit(tasks[at++], outcome), trace);
    } else {
      const scanner = new FileScanner(setup);
      for (const task of tasks) await emit(task, scanner.scan(task));
    }
    writer.end(ioErrors);
  } finally {
    sink.close();
  }
  const digests = writer.digests;

  // Human notes go where they cannot corrupt a machine-readable report on standard output.
  const notes = opts.format === 'text' && !opts.output ? [] : renderFixLog(digests);
  const findings = digests.reduce((n, d) => n + d.findings, 0);
  if (opts.output)
    notes.push(
      `Wrote ${opts.format} report to ${opts.output}: ${findings} finding${findings === 1 ? '' : 's'} in ${digests.length} file${digests.length === 1 ? '' : 's'}.`,
    );
  const log = opts.format === 'text' || opts.output ? io.stdout : io.stderr;
  for (const n of notes) log(n + '\n');
  for (const w of warnings) io.stderr(`flowguard: warning: ${printableLine(w)}\n`);
  for (const e of ioErrors) io.stderr(`flowguard: ${printableLine(e)}\n`);

  const failedRules = digests.flatMap((d) => d.ruleErrors.map((e) => `${d.path}: rule ${e.ruleId}`));
  for (const r of failedRules)
    io.stderr(`flowguard: ${printableLine(r)} failed; the analysis of this file is incomplete\n`);

  if (collected.targets.length === 0)
    io.stderr(`flowguard: no workflow or action files found in ${opts.paths.join(' ')}\n`);
  return scanExitStatus(findings, ioErrors.length, failedRules.length, opts.noFail);
}

/**
 * Worker threads when --jobs is not given: one per core but one. A single analysis thread already keeps about 1.3
 * cores busy (V8's garbage collector and compiler run beside it), and each worker compiles the engine again: on 2
 * cores the corpus took 8.2-8.5 s (11 s CPU) in one thread and 8.5-8.7 s (16 s CPU) with 2 workers. The core left is
 * for those threads and the report writer.
 */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * 0 clean, 1 findings (unless --no-fail), 2 usage/configuration/I-O error, 3 a rule failed: the scan fails closed, so
 * content that breaks a rule cannot turn a check off (--no-fail does not hide it).
 */
export function scanExitStatus(findings: number, ioErrors: number, ruleFailures: number, noFail: boolean): number {
  if (ioErrors) return 2;
  if (ruleFailures) return 3;
  return findings > 0 && !noFail ? 1 : 0;
}
