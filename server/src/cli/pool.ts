// `flowguard scan --jobs N`: files analyzed by N worker threads (dist/scanWorker.cjs), handed back in target order so
// the report is the same as a single-thread scan's. A worker takes a checkout's files together (a work unit): each
// thread parses the callers and callees of a file once for all the files of that checkout, and files of one
// repository spread over the workers made every worker parse them (at least 1.6 times the parses of a one-thread
// scan of the corpus). Work is handed out ahead of the file the report waits for within a bounded window, so memory stays bounded
// even when one slow file holds the line. A large file is in at most one worker at a time: its parse and models take
// about 60 bytes a character, and two of them at once set the scan's peak memory. The worker that analyzed it is then
// replaced: V8 keeps a heap's high-water mark, so two workers that had each seen a large file held both peaks.
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

/** A work unit holds at most this many files: a checkout with more is split, so one large repository still spreads. */
export const MAX_UNIT_FILES = 64;

/**
 * The work units of a scan, as [start, end) task ranges: runs of consecutive tasks of one checkout (tasks come sorted
 * by path). A unit holds at most MAX_UNIT_FILES files and at most a (2 * jobs)th of the scan, so the scan of a single
 * repository still reaches every worker.
 */
export function workUnits(roots: readonly string[], jobs: number): Array<[number, number]> {
  const size = Math.max(1, Math.min(MAX_UNIT_FILES, Math.ceil(roots.length / (jobs * 2))));
  const units: Array<[number, number]> = [];
  for (let start = 0; start < roots.length;) {
    let end = start + 1;
    while (end < roots.length && end - start < size && roots[end] === roots[start]) end++;
    units.push([start, end]);
    start = end;
  }
  return units;
}

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
  // Files handed out beyond the one the report waits for, at most: room for every worker's unit.
  const window = jobs * MAX_UNIT_FILES;
  const units = workUnits(
    tasks.map((t) => t.root),
    jobs,
  );
  let nextUnit = 0;
  /** The unit each worker is in: the next file it takes and the unit's end. */
  const cursors = new Map<Worker, { next: number; end: number }>();
  const done = new Map<number, FileOutcome>();
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
  /** The large file in a worker, if any: the next large file waits for it (and so does the rest of its unit). */
  let largeInFlight: number | undefined;
  const feed = (worker: Worker) => {
    if (busy.has(worker)) return;
    let unit = cursors.get(worker);
    if (!unit || unit.next >= unit.end) {
      if (nextUnit >= units.length || units[nextUnit][0] >= emitted + window) return;
      const [start, end] = units[nextUnit++];
      cursors.set(worker, (unit = { next: start, end }));
    }
    const index = unit.next;
    if (index >= emitted + window) return;
    if (isLarge(index)) {
      if (largeInFlight !== undefined) return;
      largeInFlight = index;
      trace?.(`large file started: ${tasks[index].path}`);
    }
    busy.set(worker, index);
    worker.postMessage({ index, task: tasks[index] });
    unit.next++;
  };
  const workLeft = (unit: { next: number; end: number } | undefined) =>
    nextUnit < units.length || (unit !== undefined && unit.next < unit.end);
  /** A fresh worker takes the place of one that is gone, in the middle of its unit. */
  const replace = (worker: Worker) => {
    const unit = cursors.get(worker);
    cursors.delete(worker);
    workers.delete(worker);
    if (!workLeft(unit)) return;
    const fresh = start();
    if (unit) cursors.set(fresh, unit);
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
  for (let i = 0; i < Math.min(jobs, units.length); i++) feed(start());
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
