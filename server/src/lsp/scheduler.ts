// The analysis scheduler: open documents -> analyses. Analyzes a document as soon as the messages already received are
// handled (so a burst of edits that queued up during an analysis costs one more analysis, of its last version),
// debounces only a slow document whose previous version is still being analyzed, runs small documents on the main
// thread and large ones in a worker, cancels superseded work, and never hands on a result that is not for the
// document's latest version.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FlowguardConfig } from '../engine/config';
import type { FileKind } from '../model/detect';
import type { FactRecords } from '../analysis/supply-chain/facts';
import type { RepoFileReader } from '../io/repo-files';
import { LineIndex } from '../text/lines';
import { analyzeText, editorData, type DocumentAnalysis, type EditorData } from './analysis';
import { AnalysisWorker, JobCancelled, type AnalysisJob } from './workerJobs';

/**
 * Documents of at least this many UTF-16 units are analyzed in a worker thread (measured with bench/run.ts): a 9 KB
 * workflow takes ~6-12 ms on the main thread, the 360-415 KB corpus giants 300-900 ms, and a worker needs 100-300 ms
 * to load the bundle (so one worker is kept, see workerJobs.ts). At 100 K the main thread is never blocked for more
 * than ~100-200 ms, while 99% of real files (corpus p99 = 40 KB; 4 of 2,096 files are larger) keep the cheaper path,
 * which also keeps the YAML model for hover extensions.
 */
export const WORKER_THRESHOLD = 100_000;
/** A worker analysis taking longer than this is stopped and reported on the document. */
export const WORKER_TIMEOUT_MS = 30_000;
/** An analysis cheaper than this (CPU ms) is repeated at once on every edit: waiting would cost more than it saves. */
export const FAST_ANALYSIS_MS = 20;
/**
 * Quiet time after an edit to a slow document whose previous version is still being analyzed (in the worker: the
 * main thread is never busy when an edit is handled): typing bursts cost one analysis.
 */
export const EDIT_DEBOUNCE_MS = 250;

/** What the server decided about a document: analyzed as what, with which config. */
export interface Target {
  relPath: string;
  config: FlowguardConfig;
  kind?: FileKind;
  /** The repository the file belongs to (local callees are read from it); absent for unsaved buffers. */
  repoRoot?: string;
  /** Online facts known when the analysis starts (only where online checks are allowed). */
  facts?: FactRecords;
}

export interface Snapshot {
  version: number;
  text: string;
  lines: LineIndex;
  analysis: DocumentAnalysis;
  /**
   * Lenses and permissions: computed once per version, off the edit->diagnostics path (on first use, or by the worker
   * right after the findings).
   */
  editor(): Promise<EditorData>;
}

interface Entry {
  /** Bumped on every schedule/close: any work started under an older generation is stale. */
  generation: number;
  /** A debounce: the analysis starts when it fires. */
  timer?: NodeJS.Timeout;
  /** An analysis about to start, once the messages already received are handled. */
  deferred?: NodeJS.Immediate;
  job?: AnalysisJob;
  latest?: Snapshot;
  /** The generation `latest` was made in: snapshot() may have analyzed the version a pending run is for. */
  latestGeneration?: number;
  /** What the last analysis cost (CPU ms). */
  lastCostMs?: number;
}

export interface AnalyzerHost {
  /** Undefined: the document is not analyzed (not a workflow/action, ignored, or Flowguard disabled). */
  target(doc: TextDocument): Promise<Target | undefined>;
  /** The latest version of an open document (to drop stale results). */
  current(uri: string): TextDocument | undefined;
  done(doc: TextDocument, snapshot: Snapshot | undefined, stoppedReason?: string): void;
  workerScript?: string;
  /** Reads repository files for main-thread analyses, preferring unsaved editor text. */
  reader?(repoRoot: string): RepoFileReader;
  log(message: string): void;
  /** Overrides FAST_ANALYSIS_MS. */
  fastAnalysisMs?: number;
}

export class AnalysisScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly worker?: AnalysisWorker;

  constructor(private readonly host: AnalyzerHost) {
    if (host.workerScript) this.worker = new AnalysisWorker(host.workerScript, WORKER_TIMEOUT_MS);
  }

  /**
   * Analyzes the document after `delayMs` of quiet (0: at once); a later call supersedes this one. "At once" waits
   * for the messages already received to be handled: the JSON-RPC connection handles one message per event-loop
   * turn (setImmediate), so edits that arrived while the main thread was busy supersede this one before it starts.
   */
  schedule(doc: TextDocument, delayMs: number): void {
    const entry = this.entry(doc.uri);
    const generation = ++entry.generation;
    this.clearPending(entry);
    entry.job?.cancel('superseded by a newer version');
    entry.job = undefined;
    const run = () => {
      entry.timer = undefined;
      entry.deferred = undefined;
      if (entry.generation !== generation) return;
      void this.run(doc.uri, generation).catch((err) =>
        this.host.log(`analysis of ${doc.uri} failed: ${(err as Error).stack ?? err}`),
      );
    };
    if (delayMs > 0) entry.timer = setTimeout(run, delayMs);
    // Two turns: the connection's next message handler was queued after this one returns, behind a single turn.
    else entry.deferred = setImmediate(() => (entry.deferred = setImmediate(run)));
  }

  /** Analyzes the document's new version: at once, or after a quiet spell when it is slow and being edited. */
  edited(doc: TextDocument): void {
    this.schedule(doc, this.delayFor(doc));
  }

  /**
   * No wait when nothing is pending for the document: a lone edit is not delayed, and edits that queued up while a
   * main-thread analysis blocked the server are coalesced by schedule(). A document whose analysis is still pending (a
   * debounce, or a worker job) waits for a quiet spell unless its last analysis cost under FAST_ANALYSIS_MS, so while
   * edits keep coming only the last of a burst is analyzed.
   */
  delayFor(doc: TextDocument): number {
    const entry = this.entries.get(doc.uri);
    if (entry?.timer === undefined && entry?.job === undefined) return 0;
    const fast = this.host.fastAnalysisMs ?? FAST_ANALYSIS_MS;
    return entry.lastCostMs !== undefined && entry.lastCostMs >= fast ? EDIT_DEBOUNCE_MS : 0;
  }

  /**
   * The analysis of the document's current version. A small document whose analysis is pending is analyzed now
   * (a few ms), so code actions right after an edit see the edit; a large one answers only once its worker is done.
   */
  async snapshot(doc: TextDocument): Promise<Snapshot | undefined> {
    const latest = this.entries.get(doc.uri)?.latest;
    if (latest?.version === doc.version) return latest;
    if (doc.getText().length >= WORKER_THRESHOLD) return undefined;
    const target = await this.host.target(doc);
    const current = this.host.current(doc.uri);
    if (!target || !current || current.version !== doc.version) return undefined;
    return this.analyzeHere(doc, target);
  }

  /** The last completed snapshot, whatever its version (callers check it against the document version). */
  lastSnapshot(uri: string): Snapshot | undefined {
    return this.entries.get(uri)?.latest;
  }

  close(uri: string): void {
    const entry = this.entries.get(uri);
    if (!entry) return;
    entry.generation++;
    this.clearPending(entry);
    entry.job?.cancel('document closed');
    this.entries.delete(uri);
  }

  dispose(): void {
    for (const uri of [...this.entries.keys()]) this.close(uri);
    this.worker?.dispose();
  }

  private entry(uri: string): Entry {
    let e = this.entries.get(uri);
    if (!e) this.entries.set(uri, (e = { generation: 0 }));
    return e;
  }

  private clearPending(entry: Entry): void {
    clearTimeout(entry.timer);
    clearImmediate(entry.deferred);
    entry.timer = undefined;
    entry.deferred = undefined;
  }

  private isStale(uri: string, generation: number, version: number): boolean {
    return this.entries.get(uri)?.generation !== generation || this.host.current(uri)?.version !== version;
  }

  private async run(uri: string, generation: number): Promise<void> {
    const doc = this.host.current(uri);
    if (!doc) return;
    const version = doc.version;
    const target = await this.host.target(doc);
    if (this.isStale(uri, generation, version)) return;
    if (!target) {
      const entry = this.entries.get(uri);
      if (entry) entry.latest = undefined;
      this.host.done(doc, undefined);
      return;
    }
    const text = doc.getText();
    const entry = this.entry(uri);
    if (text.length < WORKER_THRESHOLD || !this.worker) {
      // A code action or hover since the edit had this version analyzed already (snapshot()): that one is published.
      const ready = entry.latestGeneration === generation && entry.latest?.version === version;
      this.host.done(doc, ready ? entry.latest : this.analyzeHere(doc, target));
      return;
    }
    const job = this.worker.analyze(analysisRequest(target, text));
    entry.job = job;
    try {
      const analysis = await job.promise;
      if (this.isStale(uri, generation, version)) return;
      // A worker's analysis has no model, hence no permissions: hovers explain findings only.
      const editor: Promise<EditorData> = job.lenses.then(
        (lenses) => ({ lenses }),
        () => ({ lenses: [] }),
      );
      const snapshot = { version, text, lines: new LineIndex(text), analysis, editor: () => editor };
      this.record(entry, snapshot);
      this.host.done(doc, snapshot);
    } catch (err) {
      if (this.isStale(uri, generation, version)) return;
      const reason =
        err instanceof JobCancelled ? err.message : `analysis failed: ${(err as Error).message.split('\n')[0]}`;
      this.host.log(`${uri}: ${reason}`);
      this.host.done(doc, undefined, reason);
    } finally {
      if (entry.job === job) entry.job = undefined;
    }
  }

  private analyzeHere(doc: TextDocument, target: Target): Snapshot {
    const text = doc.getText();
    const readFile = target.repoRoot ? this.host.reader?.(target.repoRoot) : undefined;
    const analysis = analyzeText(analysisRequest(target, text), readFile);
    let editor: Promise<EditorData> | undefined;
    const snapshot: Snapshot = {
      version: doc.version,
      text,
      lines: new LineIndex(text),
      analysis,
      editor: () => (editor ??= Promise.resolve(editorData(analysis.result, readFile))),
    };
    this.record(this.entry(doc.uri), snapshot);
    return snapshot;
  }

  private record(entry: Entry, snapshot: Snapshot): void {
    entry.latest = snapshot;
    entry.latestGeneration = entry.generation;
    entry.lastCostMs = snapshot.analysis.cpuMs;
  }
}

/** What one analysis of a document's text needs, in the worker or on the main thread alike. */
function analysisRequest(target: Target, text: string) {
  const { relPath, config, kind, repoRoot, facts } = target;
  return { relPath, text, config, kind, repoRoot, facts };
}
