// One file of `flowguard scan`: read, analyze, fix. Runs in the main thread or in a worker (cli/scanWorker.ts), so
// everything it takes and returns is plain data.
import { closeSync, constants, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { analyze, type AnalysisResult } from '../engine/analyze';
import type { FlowguardConfig } from '../engine/config';
import { fixAll, type FixAllResult } from '../fixes/apply';
import type { FileReport } from '../report/index';
import { factsFromRecords, type FactRecords, type SupplyChainFacts } from '../analysis/supply-chain/facts';
import { repoFileReader, splitBom, type RepoFileReader } from '../io/repo-files';
import { maybeGitlabPath } from '../model/detect';
import { MAX_ANALYZED_BYTES } from '../yaml/parse';
import { describeIoError } from './files';

/** What every file of a scan shares (sent once to each worker). */
export interface WorkerSetup {
  config: FlowguardConfig;
  fix: boolean;
  safeFixesOnly: boolean;
  /** Online answers (only with --online), as plain data. */
  facts?: FactRecords;
}

export interface FileTask {
  /** Absolute path. */
  file: string;
  /** As reported: relative to the working directory, forward slashes. */
  path: string;
  uri: string;
  /** Named on the command line (analyzed whatever its path). */
  explicit: boolean;
  /** owner/repo the file belongs to, when known. */
  repository?: string;
  /** The checkout the file belongs to (repoRootOf): its callers and callees are read from there. */
  root: string;
}

export interface FileOutcome {
  /** Undefined: the file could not be read, or is not ours (YAML under .gitlab/ that is not CI configuration). */
  report?: FileReport;
  /** Make the exit status 2 (unreadable file, fixes that could not be written). */
  errors: string[];
  warnings: string[];
}

/** Readers kept: files come sorted by path, so a repository's files are scanned together and older readers go. */
const KEPT_READERS = 4;

/**
 * Per thread: one reader per repository root (callees and callers shared by many workflows are read and parsed
 * once), the facts.
 */
export class FileScanner {
  private readonly readers = new Map<string, RepoFileReader>();
  private readonly facts?: SupplyChainFacts;

  constructor(private readonly setup: WorkerSetup) {
    this.facts = setup.facts ? factsFromRecords(setup.facts) : undefined;
  }

  scan(task: FileTask): FileOutcome {
    const outcome: FileOutcome = { errors: [], warnings: [] };
    outcome.report = this.scanInto(task, outcome);
    // The YAML model is large and no report reads it: dropped before the result travels or waits for its turn.
    if (outcome.report) delete outcome.report.result.model;
    return outcome;
  }

  private reader(root: string): RepoFileReader {
    let reader = this.readers.get(root);
    if (!reader) {
      this.readers.set(root, (reader = repoFileReader(root, undefined, { cacheFolderPaths: true })));
      // Bounded memory on an organization-sized scan: the oldest repository's texts and parsed callers are let go.
      if (this.readers.size > KEPT_READERS) this.readers.delete(this.readers.keys().next().value!);
    }
    return reader;
  }

  private scanInto(task: FileTask, outcome: FileOutcome): FileReport | undefined {
    const { path, uri } = task;
    const { config, fix, safeFixesOnly } = this.setup;
    const reader = this.reader(task.root);
    let text: string;
    let bom: string;
    try {
      // A sibling's caller look-up may have read this file already (a callee is far below the size limit).
      let raw = reader.cached?.(task.file);
      if (raw === undefined) {
        // Checked before reading: a huge file is reported, not loaded into memory.
        if (statSync(task.file).size > MAX_ANALYZED_BYTES) return { path, uri, text: '', result: tooLarge(path) };
        raw = readFileSync(task.file, 'utf8');
      }
      ({ bom, text } = splitBom(raw));
    } catch (err) {
      outcome.errors.push(`cannot read ${path}: ${describeIoError(err)}`);
      return undefined;
    }
    const input = { path, config, readFile: reader, facts: this.facts, repository: task.repository };
    const result = analyze({ ...input, text });
    const file: FileReport = { path, uri, text, result };
    // YAML under .gitlab/ found by walking is read to see whether it is CI configuration; other files there are not ours.
    if (!result.kind && result.problems.length === 0 && !task.explicit && maybeGitlabPath(path)) return undefined;
    if (!result.kind && result.problems.length === 0)
      file.skipped = 'neither a workflow, an action nor GitLab CI configuration';
    if (!fix || !result.findings.some((f) => f.fixes.some((x) => !safeFixesOnly || x.safety === 'safe'))) return file;
    let fixed: FixAllResult;
    try {
      fixed = fixAll(text, (next) => analyze({ ...input, text: next }), { safeOnly: safeFixesOnly });
    } catch (err) {
      // A broken fix must not stop the scan or leave a half-written file: the file is reported unfixed.
      outcome.errors.push(
        `could not apply the fixes to ${path}: ${String((err as Error)?.message ?? err).split('\n')[0]}`,
      );
      return file;
    }
    if (!fixed.converged) {
      const left = fixed.remaining.filter((f) => f.fixes.some((x) => !safeFixesOnly || x.safety === 'safe'));
      outcome.warnings.push(
        `the fixes for ${path} did not converge: after ${fixed.rounds} rounds ${left.length} finding${left.length === 1 ? '' : 's'} with a fix remain; the fixes applied so far are kept. Run the fix again.`,
      );
    }
    if (fixed.text === text) return file;
    const after = analyze({ ...input, text: fixed.text });
    // Files are rewritten in place: never with text that parses worse than what the user had.
    if (after.problems.length > result.problems.length) {
      outcome.errors.push(
        `did not write the fixes to ${path}: the result would not be valid YAML (${after.problems[0].message})`,
      );
      return file;
    }
    try {
      writeNoFollow(task.file, bom + fixed.text);
    } catch (err) {
      outcome.errors.push(`cannot write fixes to ${path}: ${describeIoError(err)}`);
      return file;
    }
    return { path, uri, text: fixed.text, result: after, applied: fixed.applied };
  }
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

/** Fixes are written to the file itself, never through a symbolic link (O_NOFOLLOW: a link fails with ELOOP). */
function writeNoFollow(file: string, text: string): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW);
  try {
    writeFileSync(fd, text, 'utf8');
  } finally {
    closeSync(fd);
  }
}
