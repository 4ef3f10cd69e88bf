// Work off the server's main thread. Document analyses go to one long-lived worker (loading the bundle in a new worker
// costs 0.1-2 s depending on machine load, too much per edit); a workspace scan gets a fresh worker of its own.
// Every job is cancellable and bounded in time, so a pathological document can neither block the server nor keep a
// core busy forever.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileFindings } from '../protocol';
import type { AnalyzeRequest, DocumentAnalysis } from './analysis';
import type { Lens } from '../editor/lenses';
import type { ScanRequest } from './scan';

export type WorkerRequest = { type: 'analyze'; req: AnalyzeRequest } | { type: 'scan'; req: ScanRequest };

export type WorkerReply =
  | { type: 'analyzed'; analysis: DocumentAnalysis }
  /** After 'analyzed': the same document's lenses, computed once the findings were sent. */
  | { type: 'lenses'; lenses: Lens[] }
  | { type: 'progress'; done: number; total: number }
  | { type: 'scanned'; files: FileFindings[]; scanned: number }
  | { type: 'error'; message: string };

export class JobCancelled extends Error {
  constructor(reason: string) {
    super(reason);
  }
}

export interface WorkerJob<T> {
  promise: Promise<T>;
  cancel(reason?: string): void;
}

/** A document analysis in the worker: its findings, then (a little later) its lenses. */
export interface AnalysisJob extends WorkerJob<DocumentAnalysis> {
  /** Rejects when the analysis failed or was cancelled. */
  lenses: Promise<Lens[]>;
}

/** The bundled worker sits next to the bundled server (dist/). Unbundled (ES modules under tsx) there is none. */
export function workerScript(): string | undefined {
  if (typeof __dirname === 'undefined') return undefined;
  const file = join(__dirname, 'analysisWorker.cjs');
  return existsSync(file) ? file : undefined;
}

export function runWorkerJob<T>(
  script: string,
  request: WorkerRequest,
  timeoutMs: number,
  onProgress?: (done: number, total: number) => void,
): WorkerJob<T> {
  const worker = new Worker(script);
  let settle: { resolve: (v: T) => void; reject: (e: Error) => void } | undefined;
  const promise = new Promise<T>((resolve, reject) => (settle = { resolve, reject }));
  const finish = (fn: () => void) => {
    if (!settle) return;
    fn();
    settle = undefined;
    clearTimeout(timer);
    void worker.terminate();
  };
  const timer = setTimeout(
    () => finish(() => settle!.reject(new JobCancelled(`stopped after ${Math.round(timeoutMs / 1000)} s`))),
    timeoutMs,
  );
  worker.on('message', (reply: WorkerReply) => {
    if (reply.type === 'progress') onProgress?.(reply.done, reply.total);
    else if (reply.type === 'error') finish(() => settle!.reject(new Error(reply.message)));
    else if (reply.type === 'scanned') finish(() => settle!.resolve(reply as T));
  });
  worker.on('error', (err) => finish(() => settle!.reject(err)));
  worker.on('exit', (code) => finish(() => settle!.reject(new Error(`analysis worker exited with code ${code}`))));
  worker.postMessage(request);
  return { promise, cancel: (reason = 'cancelled') => finish(() => settle!.reject(new JobCancelled(reason))) };
}

/**
 * The document worker's young generation (MB). V8's default let it grow to ~30 MB more resident memory on the 415 KB
 * corpus giant (server RSS after opening it: 150-155 MB, 121-130 MB with this limit) for no measurable gain: its
 * CPU per analysis stayed the same (bench/editor-latency.ts, server CPU per edit).
 */
const WORKER_YOUNG_GENERATION_MB = 8;

interface QueuedAnalysis {
  request: WorkerRequest;
  resolve(a: DocumentAnalysis): void;
  resolveLenses(lenses: Lens[]): void;
  /** Rejects the analysis and its lenses (a settled promise ignores it). */
  reject(e: Error): void;
  /** The caller no longer wants the result (superseded or closed); it is dropped when it arrives. */
  abandoned: boolean;
  timeoutMs: number;
}

/**
 * Analyzes documents one at a time in a persistent worker. Cancelling a queued job removes it; cancelling the running
 * one answers the caller at once and lets the worker finish unless it is still busy after ABANDON_GRACE_MS, when the
 * worker is replaced (cheaper than waiting on a pathological document). A job's analysis is handed on as soon as it
 * arrives; the job runs until its lenses arrive too.
 */
export class AnalysisWorker {
  static readonly ABANDON_GRACE_MS = 1000;
  private worker?: Worker;
  private running?: QueuedAnalysis & { timer: NodeJS.Timeout; graceTimer?: NodeJS.Timeout };
  private readonly queue: QueuedAnalysis[] = [];

  constructor(
    private readonly script: string,
    private readonly timeoutMs: number,
  ) {}

  analyze(request: AnalyzeRequest, timeoutMs = this.timeoutMs): AnalysisJob {
    let settleLenses!: { resolve: (l: Lens[]) => void; reject: (e: Error) => void };
    const lenses = new Promise<Lens[]>((resolve, reject) => (settleLenses = { resolve, reject }));
    lenses.catch(() => {}); // callers that never ask for the lenses must not see an unhandled rejection
    let job!: QueuedAnalysis;
    const promise = new Promise<DocumentAnalysis>((resolve, reject) => {
      job = {
        request: { type: 'analyze', req: request },
        resolve,
        resolveLenses: settleLenses.resolve,
        reject: (e) => {
          reject(e);
          settleLenses.reject(e);
        },
        abandoned: false,
        timeoutMs,
      };
    });
    this.queue.push(job);
    this.next();
    return { promise, lenses, cancel: (reason = 'cancelled') => this.cancel(job, reason) };
  }

  dispose(): void {
    for (const job of this.queue.splice(0)) job.reject(new JobCancelled('server shutting down'));
    if (this.running) this.finish((job) => job.reject(new JobCancelled('server shutting down')));
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private cancel(job: QueuedAnalysis, reason: string): void {
    if (job.abandoned) return;
    job.abandoned = true;
    job.reject(new JobCancelled(reason));
    const queued = this.queue.indexOf(job);
    if (queued !== -1) this.queue.splice(queued, 1);
    else if (this.running === job)
      this.running.graceTimer = setTimeout(
        () => this.running === job && this.restart(),
        AnalysisWorker.ABANDON_GRACE_MS,
      );
  }

  private next(): void {
    if (this.running || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    const worker = this.ensureWorker();
    const timer = setTimeout(() => {
      if (this.running === job) {
        job.reject(new JobCancelled(`stopped after ${Math.round(job.timeoutMs / 1000)} s`));
        this.restart();
      }
    }, job.timeoutMs);
    this.running = Object.assign(job, { timer });
    worker.postMessage(job.request);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, {
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    worker.unref(); // the connection, not an idle worker, decides how long the server lives
    worker.on('message', (reply: WorkerReply) => {
      if (this.worker !== worker || !this.running) return;
      if (reply.type === 'analyzed') {
        if (!this.running.abandoned) this.running.resolve(reply.analysis);
      } else if (reply.type === 'lenses') this.finish((job) => job.resolveLenses(reply.lenses));
      else if (reply.type === 'error') this.finish((job) => job.reject(new Error(reply.message)));
    });
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.running) this.finish((job) => job.reject(new Error(`analysis worker ${why}`)));
    };
    worker.on('error', (err) => lost(`failed: ${err.message}`));
    worker.on('exit', (code) => lost(`exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  /** Settles the running job (unless its caller gave up) and starts the next one. */
  private finish(settle: (job: QueuedAnalysis) => void): void {
    const job = this.running!;
    this.running = undefined;
    clearTimeout(job.timer);
    clearTimeout(job.graceTimer);
    if (!job.abandoned) settle(job);
    this.next();
  }

  private restart(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    const job = this.running;
    if (job) {
      this.running = undefined;
      clearTimeout(job.timer);
      clearTimeout(job.graceTimer);
    }
    this.next();
  }
}
