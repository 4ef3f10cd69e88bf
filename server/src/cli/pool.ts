// `flowguard scan --jobs N`: files analyzed by N worker threads (dist/scanWorker.cjs), handed back in target order so
// the report is the same as a single-thread scan's. Work is handed out a little ahead of the file the report waits
// for, never far: memory stays bounded even when one slow file holds the line. A large file is in at most one worker
// at a time: its parse and models take about 60 bytes a character, and two of them at once set the scan's peak memory.
// The worker that analyzed it is then replaced: V8 keeps a heap's high-water mark, so two workers that had each seen
// a large file held both peaks.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileTask, FileOutcome, WorkerSetup } from './scan-file';

/** The bundled worker sits next to the bundled CLI (dist/). Unbundled (ES modules under tsx) there is none. */
export function scanWorkerScript(): string | undefined {
  if (typeof __dirname === 'undefined') return undefined;
  const file = join(__dirname, 'scanWorker.cjs');
  return existsSync(file) ? file : undefined;
}

export type WorkerMessage = { index: number; outcome: FileOutcome };

/**
 * Files from this size on are analyzed one at a time across the pool, each by a worker replaced afterwards. Two of the
 * corpus's 2,339 files are this large (0.42 and 0.37 MB); on the hostile set (49 such files) the replacements cut the
 * 2-worker peak from 351-365 MB to 276-284 MB, at 0.4-1.4 s CPU each (a fresh worker's start and cold JIT; measured
 * on the hostile set and the corpus), wall time unchanged.
 */
export const LARGE_FILE_BYTES = 256 * 1024;

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0; // The worker reports the unreadable file.
  }
}

/**
 * Runs every task on `jobs` workers and calls `emit` once per task, in task order, awaiting each call (the report is
 * written there). A worker that dies fails only its file (reported as an engine failure, exit 3) and is replaced.
 * `trace` hears when a large file goes to a worker and when its result comes back (FLOWGUARD_DEBUG).
 */
export async function scanInWorkers(
  script: string,
  setup: WorkerSetup,
  tasks: readonly FileTask[],
  jobs: number,
  emit: (outcome: FileOutcome) => Promise<void>,
  trace?: (event: string) => void,
): Promise<void> {
  const window = jobs * 4;
  const done = new Map<number, FileOutcome>();
  let next = 0;
  let emitted = 0;
  let emitting = false;
  let finish!: () => void;
  let fail!: (err: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const workers = new Set<Worker>();

  const drain = async () => {
    if (emitting) return;
    emitting = true;
    try {
      while (done.has(emitted)) {
        const outcome = done.get(emitted)!;
        done.delete(emitted++);
        await emit(outcome);
        for (const w of workers) feed(w);
      }
    } catch (err) {
      fail(err);
    } finally {
      emitting = false;
    }
    if (emitted === tasks.length) finish();
  };

  const busy = new Map<Worker, number>();
  // Sizes are read once per file: feed() asks again for a large file each time a worker is offered it.
  const largeByIndex = new Map<number, boolean>();
  const isLarge = (index: number): boolean => {
    let known = largeByIndex.get(index);
    if (known === undefined) largeByIndex.set(index, (known = fileSize(tasks[index].file) >= LARGE_FILE_BYTES));
    return known;
  };
  /** The large file in a worker, if any: the next large file waits for it (and the files after it wait in order). */
  let largeInFlight: number | undefined;
  const feed = (worker: Worker) => {
    if (busy.has(worker) || next >= tasks.length || next >= emitted + window) return;
    if (isLarge(next)) {
      if (largeInFlight !== undefined) return;
      largeInFlight = next;
      trace?.(`large file started: ${tasks[next].path}`);
    }
    busy.set(worker, next);
    worker.postMessage({ index: next, task: tasks[next] });
    next++;
  };
  /** Whether the file was the large one in flight (then its worker is replaced). */
  const settled = (index: number): boolean => {
    if (index !== largeInFlight) return false;
    largeInFlight = undefined;
    trace?.(`large file finished: ${tasks[index].path}`);
    return true;
  };

  const start = () => {
    const worker = new Worker(script, {
      workerData: setup,
      // Half V8's default young generation: each worker's peak memory is lower, at a few more (cheap) scavenges.
      resourceLimits: { maxYoungGenerationSizeMb: 16 },
    });
    workers.add(worker);
    worker.on('message', (msg: WorkerMessage) => {
      busy.delete(worker);
      done.set(msg.index, msg.outcome);
      if (settled(msg.index)) {
        // Its heap stays at the large file's peak: a fresh worker takes its place.
        workers.delete(worker);
        void worker.terminate();
        trace?.('worker replaced after a large file');
        if (next < tasks.length) start();
      }
      // Every idle worker: one may have been waiting for this large file.
      for (const w of workers) feed(w);
      void drain();
    });
    worker.on('error', (err) => {
      const index = busy.get(worker);
      busy.delete(worker);
      workers.delete(worker);
      if (index !== undefined) {
        done.set(index, workerFailed(tasks[index], err));
        settled(index);
      }
      if (next < tasks.length) feed(start());
      for (const w of workers) feed(w);
      void drain();
    });
    return worker;
  };

  if (tasks.length === 0) return;
  for (let i = 0; i < Math.min(jobs, tasks.length); i++) feed(start());
  try {
    await finished;
  } finally {
    await Promise.all([...workers].map((w) => w.terminate()));
  }
}

function workerFailed(task: FileTask, err: Error): FileOutcome {
  return {
    report: {
      path: task.path,
      uri: task.uri,
      text: '',
      result: {
        path: task.path,
        findings: [],
        problems: [],
        suppressed: 0,
        ruleErrors: [{ ruleId: 'engine', message: `the worker analyzing this file failed: ${err.message}` }],
      },
    },
    errors: [],
    warnings: [],
  };
}
