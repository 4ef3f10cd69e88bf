// `flowguard scan`: load the config, collect files, analyze (and fix) each, render one report.
import { closeSync, constants, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { maybeGitlabPath } from '../model/detect';
import { analyze, type AnalysisResult } from '../engine/analyze';
import { CONFIG_FILE_NAMES, ConfigError, loadConfigText, DEFAULT_CONFIG, type FlowguardConfig } from '../engine/config';
import { fixAll, type FixAllResult } from '../fixes/apply';
import { renderFixLog, renderReport, type FileReport, type ScanReport } from '../report/index';
import { printableLine } from '../report/text';
import { ALL_RULES } from '../rules/index';
import { gitRootOf, repoFileReader, repoRootOf, splitBom, type RepoFileReader } from '../io/repo-files';
import { markLeakedSecrets, secretValueFindings } from '../secretstore/git-history';
import { MAX_ANALYZED_BYTES } from '../yaml/parse';
import { CliError, type ScanOptions } from './args';
import { resolveOnline } from './online';
import { repositoryOf } from '../io/repository';
import type { SupplyChainFacts } from '../analysis/supply-chain/facts';
import { collectTargets, describeIoError, relativePath, type Target } from './files';

export interface CliIO {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout(text: string): void;
  stderr(text: string): void;
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

function tooLarge(path: string): AnalysisResult {
  const mb = MAX_ANALYZED_BYTES / 1024 / 1024;
  return {
    path,
    findings: [],
    problems: [
      {
        kind: 'limit',
        message: `File is larger than ${mb} MB; Flowguard does not analyze it.`,
        span: { start: 0, end: 0 },
      },
    ],
    suppressed: 0,
    ruleErrors: [],
  };
}

/** Relative reference for files under the working directory (GitHub code scanning wants repo-relative paths). */
function artifactUri(cwd: string, file: string): string {
  const rel = relativePath(cwd, file);
  if (rel.startsWith('../') || rel === '..' || /^[a-z]:/i.test(rel)) return pathToFileURL(file).href;
  return rel.split('/').map(encodeURIComponent).join('/');
}

/** One reader per repository root for the whole scan, so callees shared by many workflows are read once. */
function readerFor(readers: Map<string, RepoFileReader>, file: string, cwd: string): RepoFileReader {
  const root = repoRootOf(file, cwd);
  let reader = readers.get(root);
  if (!reader) readers.set(root, (reader = repoFileReader(root)));
  return reader;
}

function scanFile(
  target: Target,
  opts: ScanOptions,
  config: FlowguardConfig,
  cwd: string,
  errors: string[],
  warnings: string[],
  readFile: RepoFileReader,
  remote: { facts?: SupplyChainFacts; repository?: string },
): FileReport | undefined {
  const path = relativePath(cwd, target.file);
  const uri = artifactUri(cwd, target.file);
  let text: string;
  let bom: string;
  try {
    // Checked before reading: a huge file is reported, not loaded into memory.
    if (statSync(target.file).size > MAX_ANALYZED_BYTES) return { path, uri, text: '', result: tooLarge(path) };
    ({ bom, text } = splitBom(readFileSync(target.file, 'utf8')));
  } catch (err) {
    errors.push(`cannot read ${path}: ${describeIoError(err)}`);
    return undefined;
  }
  const result = analyze({ path, text, config, readFile, ...remote });
  const file: FileReport = { path, uri, text, result };
  // YAML under .gitlab/ found by walking is read to see whether it is CI configuration; other files there are not ours.
  if (!result.kind && result.problems.length === 0 && !target.explicit && maybeGitlabPath(path)) return undefined;
  if (!result.kind && result.problems.length === 0)
    file.skipped = 'neither a workflow, an action nor GitLab CI configuration';
  if (!opts.fix || !result.findings.some((f) => f.fixes.some((x) => !opts.safeFixesOnly || x.safety === 'safe')))
    return file;
  let fixed: FixAllResult;
  try {
    fixed = fixAll(text, (next) => analyze({ path, text: next, config, readFile, ...remote }), {
      safeOnly: opts.safeFixesOnly,
    });
  } catch (err) {
    // A broken fix must not stop the scan or leave a half-written file: the file is reported unfixed.
    errors.push(`could not apply the fixes to ${path}: ${String((err as Error)?.message ?? err).split('\n')[0]}`);
    return file;
  }
  if (!fixed.converged) {
    const left = fixed.remaining.filter((f) => f.fixes.some((x) => !opts.safeFixesOnly || x.safety === 'safe'));
    warnings.push(
      `the fixes for ${path} did not converge: after ${fixed.rounds} rounds ${left.length} finding${left.length === 1 ? '' : 's'} with a fix remain; the fixes applied so far are kept. Run the fix again.`,
    );
  }
  if (fixed.text === text) return file;
  const after = analyze({ path, text: fixed.text, config, readFile, ...remote });
  // Files are rewritten in place: never with text that parses worse than what the user had.
  if (after.problems.length > result.problems.length) {
    errors.push(
      `did not write the fixes to ${path}: the result would not be valid YAML (${after.problems[0].message})`,
    );
    return file;
  }
  try {
    writeNoFollow(target.file, bom + fixed.text);
  } catch (err) {
    errors.push(`cannot write fixes to ${path}: ${describeIoError(err)}`);
    return file;
  }
  return { path, uri, text: fixed.text, result: after, applied: fixed.applied };
}

/** Fixes are written to the file itself, never through a symbolic link (O_NOFOLLOW: a link fails with ELOOP). */
function writeNoFollow(file: string, text: string): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW);
  try {
    writeFileSync(fd, text, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** A credential the analyzed text holds that git already committed is reported as leaked (rotate, not only move). */
async function markLeaks(files: FileReport[], targets: Map<string, string>): Promise<void> {
  await Promise.all(
    files.map(async (f) => {
      const file = targets.get(f.path);
      const gitRoot = file && secretValueFindings(f.result).length ? gitRootOf(file) : undefined;
      if (file && gitRoot) await markLeakedSecrets(f.result, gitRoot, f.text, file);
    }),
  );
}

export async function runScan(opts: ScanOptions, io: CliIO, toolVersion: string): Promise<number> {
  const { config, baseDir } = loadConfig(opts.config, io.cwd);
  if (opts.minSeverity) config.minSeverity = opts.minSeverity;
  const { targets, ignored, errors } = collectTargets(opts.paths, io.cwd, baseDir, config);
  /** Problems that make the exit status 2 once the report is out (unreadable files, fixes that failed). */
  const ioErrors = [...errors];
  /** Reported on stderr; they do not change the exit status. */
  const warnings: string[] = [];
  for (const p of ignored) io.stderr(`flowguard: skipped ${printableLine(p)} (ignored by configuration)\n`);

  // Online answers are resolved up front (only with --online); the scan itself stays synchronous and offline.
  const online = opts.online ? await resolveOnline(targets, config, io.env, opts.githubApiUrl) : undefined;
  for (const p of online?.problems ?? []) io.stderr(`flowguard: ${p}\n`);
  const readers = new Map<string, RepoFileReader>();
  const files = targets
    .map((t) =>
      scanFile(t, opts, config, io.cwd, ioErrors, warnings, readerFor(readers, t.file, io.cwd), {
        facts: online?.facts,
        repository: repositoryOf(t.file, io.env),
      }),
    )
    .filter((f): f is FileReport => f !== undefined);
  await markLeaks(files, new Map(targets.map((t) => [relativePath(io.cwd, t.file), t.file])));
  const report: ScanReport = {
    toolVersion,
    files,
    srcRoot: pathToFileURL(io.cwd).href.replace(/\/?$/, '/'),
    errors: ioErrors,
  };
  const color = opts.color ?? (opts.output === undefined && io.stdoutIsTTY && !io.env.NO_COLOR);
  const rendered = renderReport(opts.format, report, { color });

  if (opts.output) {
    try {
      writeFileSync(resolve(io.cwd, opts.output), rendered, 'utf8');
    } catch (err) {
      throw new CliError(`cannot write report to ${opts.output}: ${describeIoError(err)}`);
    }
  } else {
    io.stdout(rendered);
  }
  // Human notes go where they cannot corrupt a machine-readable report on standard output.
  const notes = opts.format === 'text' && !opts.output ? [] : renderFixLog(report);
  const findings = files.reduce((n, f) => n + f.result.findings.length + f.result.problems.length, 0);
  if (opts.output)
    notes.push(
      `Wrote ${opts.format} report to ${opts.output}: ${findings} finding${findings === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}.`,
    );
  const log = opts.format === 'text' || opts.output ? io.stdout : io.stderr;
  for (const n of notes) log(n + '\n');
  for (const w of warnings) io.stderr(`flowguard: warning: ${printableLine(w)}\n`);
  for (const e of ioErrors) io.stderr(`flowguard: ${printableLine(e)}\n`);

  const failedRules = files.flatMap((f) => f.result.ruleErrors.map((e) => `${f.path}: rule ${e.ruleId}`));
  for (const r of failedRules)
    io.stderr(`flowguard: ${printableLine(r)} failed; the analysis of this file is incomplete\n`);

  if (targets.length === 0) io.stderr(`flowguard: no workflow or action files found in ${opts.paths.join(' ')}\n`);
  return scanExitStatus(findings, ioErrors.length, failedRules.length, opts.noFail);
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
