// `flowguard scan --jobs N`: files analyzed by N worker threads (dist/scanWorker.cjs), handed back in target order so
// the report is the same as a single-thread scan's. Which file goes to which worker, and when, is decided by
// WorkSchedule (work-schedule.ts). The worker that analyzed a large file is replaced: V8 keeps a heap's high-water
// mark, so two workers that had each seen a large file held both peaks.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileTask, FileOutcome, WorkerSetup } from './scan-file';
import { WorkSchedule } from './work-schedule';

/** The bundled worker sits next to the bundled CLI (dist/). Unbundled (ES modules under tsx) there is none. */
export function scanWorkerScript(): string | undefined {
  if (typeof __dirname === 'undefined') return undefined;
  const file = join(__dirname, 'scanWorker.cjs');
  return existsSync(file) ? file : undefined;
}

export type WorkerMessage = { index: number; outcome: FileOutcome };

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
  const schedule = new WorkSchedule<Worker>(
    tasks.map((t) => t.root),
    jobs,
    (index) => fileSize(tasks[index].file),
  );
  const done = new Map<number, FileOutcome>();
  let emitting = false;
  let finish!: () => void;
  let fail!: (err: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const workers = new Set<Worker>();
  const busy = new Map<Worker, number>();

  const drain = async () => {
    if (emitting) return;
    emitting = true;
    try {
      for (let next = schedule.nextToWrite; done.has(next); next = schedule.nextToWrite) {
        const outcome = done.get(next)!;
        done.delete(next);
        schedule.written();
        await emit(outcome);
        for (const w of workers) feed(w);
      }
    } catch (err) {
      fail(err);
    } finally {
      emitting = false;
    }
    if (schedule.nextToWrite === tasks.length) finish();
  };

  const feed = (worker: Worker) => {
    if (busy.has(worker)) return;
    const index = schedule.take(worker);
    if (index === undefined) return;
    if (schedule.isLarge(index)) trace?.(`large file started: ${tasks[index].path}`);
    busy.set(worker, index);
    worker.postMessage({ index, task: tasks[index] });
  };
  /** Whether the file was the large one in flight (then its worker is replaced). */
  const settled = (index: number): boolean => {
    if (!schedule.settled(index)) return false;
    trace?.(`large file finished: ${tasks[index].path}`);
    return true;
  };
  /** A fresh worker takes the place of one that is gone, in the middle of its unit. */
  const replace = (worker: Worker) => {
    workers.delete(worker);
    const gone = schedule.release(worker);
    if (gone.replace) gone.adopt(start());
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
        replace(worker);
        void worker.terminate();
        trace?.('worker replaced after a large file');
      }
      // Every idle worker: one may have been waiting for this large file.
      for (const w of workers) feed(w);
      void drain();
    });
    worker.on('error', (err) => {
      const index = busy.get(worker);
      busy.delete(worker);
      if (index !== undefined) {
        done.set(index, workerFailed(tasks[index], err));
        settled(index);
      }
      replace(worker);
      for (const w of workers) feed(w);
      void drain();
    });
    return worker;
  };

  if (tasks.length === 0) return;
  for (let i = 0; i < schedule.workersToStart(); i++) feed(start());
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
