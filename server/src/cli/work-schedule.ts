// Which file a worker of `flowguard scan --jobs N` takes next (cli/pool.ts runs the workers). Plain bookkeeping, no
// threads, so the rules below are tested on their own:
// - A worker takes a checkout's files together (a work unit): each thread parses the callers and callees of a file once
//   for all the files of that checkout; files of one repository spread over the workers made every worker parse them
//   (at least 1.6 times the parses of a one-thread scan of the corpus).
// - Work goes out at most a window ahead of the file the report waits for, so memory stays bounded even when one slow
//   file holds the line. An outcome waiting for its turn holds its file's text: the window is bounded in files and in
//   bytes (BYTES_AHEAD).
// - A large file is in at most one worker at a time: its parse and models take about 60 bytes a character, and two of
//   them at once set the scan's peak memory.

/** A work unit holds at most this many files: a checkout with more is split, so one large repository still spreads. */
export const MAX_UNIT_FILES = 64;

/**
 * Files from this size on are large: one at a time across the pool, each by a worker replaced afterwards. Two of the
 * corpus's 2,339 files are this large (0.42 and 0.37 MB); on the hostile set (49 such files) the replacements cut the
 * 2-worker peak from 351-365 MB to 276-284 MB, at 0.4-1.4 s CPU each (a fresh worker's start and cold JIT; measured
 * on the hostile set and the corpus), wall time unchanged.
 */
export const LARGE_FILE_BYTES = 256 * 1024;

/**
 * Bytes of the files analyzed ahead of the file the report waits for, at most. The corpus's files never reach it
 * (2,339 files in 11 MB); on the hostile set (44 MB) the 2-worker peak was 272-275 MB with the file window alone,
 * 263-266 MB with this bound.
 */
export const BYTES_AHEAD = 16 * 1024 * 1024;

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

interface Cursor {
  next: number;
  end: number;
}

/** The schedule of one scan; `W` identifies a worker. */
export class WorkSchedule<W> {
  private readonly units: Array<[number, number]>;
  private nextUnit = 0;
  /** The unit each worker is in: the next file it takes and the unit's end. */
  private readonly cursors = new Map<W, Cursor>();
  /** Files handed out beyond the one the report waits for, at most: room for every worker's unit. */
  private readonly window: number;
  private readonly sizes = new Map<number, number>();
  /** Bytes of the files handed out and not yet written to the report. */
  private bytesAhead = 0;
  /** Files before this one are written to the report. */
  private emitted = 0;
  /** The large file in a worker, if any. */
  private largeInFlight: number | undefined;

  /** `sizeOf` is asked once per file, when a worker could take it. */
  constructor(
    roots: readonly string[],
    private readonly jobs: number,
    private readonly sizeOf: (index: number) => number,
  ) {
    this.units = workUnits(roots, jobs);
    this.window = jobs * MAX_UNIT_FILES;
  }

  /** Workers worth starting: no more than there are units. */
  workersToStart(): number {
    return Math.min(this.jobs, this.units.length);
  }

  /** The file an idle worker takes now, or undefined: it waits (or the work is out). */
  take(worker: W): number | undefined {
    let unit = this.cursors.get(worker);
    if (!unit || unit.next >= unit.end) {
      if (this.nextUnit >= this.units.length || this.units[this.nextUnit][0] >= this.emitted + this.window) return;
      const [start, end] = this.units[this.nextUnit++];
      this.cursors.set(worker, (unit = { next: start, end }));
    }
    const index = unit.next;
    if (index >= this.emitted + this.window) return;
    const size = this.size(index);
    if (index !== this.emitted && this.bytesAhead + size > BYTES_AHEAD) return;
    const large = size >= LARGE_FILE_BYTES;
    if (large && this.largeInFlight !== undefined) return;
    if (large) this.largeInFlight = index;
    this.bytesAhead += size;
    unit.next++;
    return index;
  }

  /** A worker answered for (or failed on) the file. True when it was the large one: the worker is to be replaced. */
  settled(index: number): boolean {
    if (index !== this.largeInFlight) return false;
    this.largeInFlight = undefined;
    return true;
  }

  /** The file the report waits for: every file before it is written. */
  get nextToWrite(): number {
    return this.emitted;
  }

  /** The report has written the file it waited for. */
  written(): void {
    this.bytesAhead -= this.size(this.emitted++);
  }

  /**
   * The worker is gone. Whether a fresh one should take its place: then `adopt` hands it the rest of the unit it was
   * in, which no other worker takes.
   */
  release(worker: W): { replace: boolean; adopt: (fresh: W) => void } {
    const unit = this.cursors.get(worker);
    this.cursors.delete(worker);
    const unitLeft = unit !== undefined && unit.next < unit.end;
    return {
      replace: unitLeft || this.nextUnit < this.units.length,
      adopt: (fresh) => {
        if (unitLeft) this.cursors.set(fresh, unit);
      },
    };
  }

  isLarge(index: number): boolean {
    return this.size(index) >= LARGE_FILE_BYTES;
  }

  private size(index: number): number {
    let size = this.sizes.get(index);
    if (size === undefined) this.sizes.set(index, (size = this.sizeOf(index)));
    return size;
  }
}
