// `flowguard scan`: load the config, collect files, analyse (and fix) each, render one report.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyze, type AnalysisResult } from '../engine/analyze';
import { CONFIG_FILE_NAMES, ConfigError, loadConfigText, DEFAULT_CONFIG, type FlowguardConfig } from '../engine/config';
import { fixAll, type FixAllResult } from '../fixes/apply';
import { renderFixLog, renderReport, type FileReport, type ScanReport } from '../report/index';
import { ALL_RULES } from '../rules/index';
import { gitRootOf, repoFileReader, repoRootOf, splitBom, type RepoFileReader } from '../io/repo-files';
import { markLeakedSecrets, secretValueFindings } from '../secretstore/git-history';
import { MAX_ANALYSED_BYTES } from '../yaml/parse';
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
  const mb = MAX_ANALYSED_BYTES / 1024 / 1024;
  return {
    path,
    findings: [],
    problems: [
      {
        kind: 'limit',
        message: `File is larger than ${mb} MB; Flowguard does not analyse it.`,
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
  readFile: RepoFileReader,
  remote: { facts?: SupplyChainFacts; repository?: string },
): FileReport | undefined {
  const path = relativePath(cwd, target.file);
  const uri = artifactUri(cwd, target.file);
  let text: string;
  let bom: string;
  try {
    // Checked before reading: a huge file is reported, not loaded into memory.
    if (statSync(target.file).size > MAX_ANALYSED_BYTES) return { path, uri, text: '', result: tooLarge(path) };
    ({ bom, text } = splitBom(readFileSync(target.file, 'utf8')));
  } catch (err) {
    errors.push(`cannot read ${path}: ${describeIoError(err)}`);
    return undefined;
  }
  const result = analyze({ path, text, config, readFile, ...remote });
  const file: FileReport = { path, uri, text, result };
  if (!result.kind && result.problems.length === 0) file.skipped = 'neither a workflow nor an action';
  if (!opts.fix || !result.findings.some((f) => f.fixes.some((x) => !opts.safeFixesOnly || x.safety === 'safe')))
    return file;
  let fixed: FixAllResult;
  try {
    fixed = fixAll({ path, text, config, readFile, ...remote }, { safeOnly: opts.safeFixesOnly });
  } catch (err) {
    // A broken fix must not stop the scan or leave a half-written file: the file is reported unfixed.
    errors.push(`could not apply the fixes to ${path}: ${String((err as Error)?.message ?? err).split('\n')[0]}`);
    return file;
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
    writeFileSync(target.file, bom + fixed.text, 'utf8');
  } catch (err) {
    errors.push(`cannot write fixes to ${path}: ${describeIoError(err)}`);
    return file;
  }
  return { path, uri, text: fixed.text, result: after, applied: fixed.applied };
}

/** A credential the analysed text holds that git already committed is reported as leaked (rotate, not only move). */
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
  for (const p of ignored) io.stderr(`flowguard: skipped ${p} (ignored by configuration)\n`);

  // Online answers are resolved up front (only with --online); the scan itself stays synchronous and offline.
  const online = opts.online ? await resolveOnline(targets, config, io.env, opts.githubApiUrl) : undefined;
  for (const p of online?.problems ?? []) io.stderr(`flowguard: ${p}\n`);
  const readers = new Map<string, RepoFileReader>();
  const files = targets
    .map((t) =>
      scanFile(t, opts, config, io.cwd, ioErrors, readerFor(readers, t.file, io.cwd), {
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
  for (const e of ioErrors) io.stderr(`flowguard: ${e}\n`);

  if (ioErrors.length) return 2;
  if (targets.length === 0) io.stderr(`flowguard: no workflow or action files found in ${opts.paths.join(' ')}\n`);
  return findings > 0 && !opts.noFail ? 1 : 0;
}
