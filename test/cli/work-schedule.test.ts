// The parallel scan's schedule (cli/work-schedule.ts) without threads: which worker takes which file and when. A
// simulated pool lets workers answer in random orders, fail, and be replaced after large files, as cli/pool.ts does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BYTES_AHEAD,
  LARGE_FILE_BYTES,
  MAX_UNIT_FILES,
  WorkSchedule,
  workUnits,
} from '../../server/src/cli/work-schedule';

test("work units: a checkout's consecutive files stay together, up to the unit size, and cover every file once in order", () => {
  const roots = [...Array(3).fill('/a'), '/b', ...Array(150).fill('/c'), '/a'];
  const units = workUnits(roots, 1);
  assert.deepEqual(
    units.flatMap(([start, end]) => Array.from({ length: end - start }, (_, i) => start + i)),
    [...roots.keys()],
  );
  for (const [start, end] of units) assert.equal(new Set(roots.slice(start, end)).size, 1, `unit ${start}-${end}`);
  // /a, /b, then /c in units of at most MAX_UNIT_FILES, then /a again (not merged with the first: the order is kept).
  assert.deepEqual(
    units.map(([start, end]) => `${roots[start]}:${end - start}`),
    ['/a:3', '/b:1', `/c:${MAX_UNIT_FILES}`, `/c:${MAX_UNIT_FILES}`, `/c:${150 - 2 * MAX_UNIT_FILES}`, '/a:1'],
  );
  // A scan of one checkout is split so that every worker gets a share.
  assert.deepEqual(
    workUnits(Array(10).fill('/r'), 2).map(([s, e]) => e - s),
    [3, 3, 3, 1],
  );
  assert.deepEqual(workUnits([], 4), []);
});

interface Simulation {
  /** Worker (by start order) that analyzed each file. */
  analyzedBy: number[];
  replaced: number;
}

/**
 * Runs a schedule to the end. `pick` chooses which busy worker answers next (its file's result), `fails` whether that
 * answer is a crash. Checks the schedule's promises at every step.
 */
function simulate(
  roots: string[],
  sizes: number[],
  jobs: number,
  pick: (busy: number) => number,
  fails: () => boolean,
): Simulation {
  const schedule = new WorkSchedule<number>(roots, jobs, (i) => sizes[i]);
  const analyzedBy: number[] = [];
  const busy = new Map<number, number>();
  const workers: number[] = [];
  const done = new Set<number>();
  let nextWorker = 0;
  let emitted = 0;
  let replaced = 0;
  const start = () => {
    workers.push(nextWorker);
    return nextWorker++;
  };
  const feedAll = () => {
    for (const w of workers) {
      if (busy.has(w)) continue;
      const index = schedule.take(w);
      if (index === undefined) continue;
      assert.equal(analyzedBy[index], undefined, `file ${index} handed out twice`);
      analyzedBy[index] = w;
      busy.set(w, index);
    }
    const inFlight = [...busy.values()];
    assert.ok(inFlight.filter((i) => sizes[i] >= LARGE_FILE_BYTES).length <= 1, 'two large files at once');
    const ahead = analyzedBy.map((_, i) => i).filter((i) => i > emitted && analyzedBy[i] !== undefined);
    assert.ok(ahead.reduce((n, i) => n + sizes[i], 0) <= BYTES_AHEAD, 'too much text ahead of the report');
    assert.ok(analyzedBy.length <= emitted + jobs * MAX_UNIT_FILES, 'handed out beyond the window');
  };
  for (let i = 0; i < schedule.workersToStart(); i++) start();
  feedAll();
  while (emitted < roots.length) {
    assert.ok(busy.size > 0, `stalled with ${roots.length - emitted} files left`);
    const [worker, index] = [...busy][pick(busy.size)];
    busy.delete(worker);
    done.add(index);
    const crashed = fails();
    if (schedule.settled(index) || crashed) {
      workers.splice(workers.indexOf(worker), 1);
      const gone = schedule.release(worker);
      if (gone.replace) gone.adopt(start());
      replaced++;
    }
    while (done.has(emitted)) {
      schedule.written();
      emitted++;
    }
    assert.equal(schedule.nextToWrite, emitted);
    feedAll();
  }
  assert.equal(analyzedBy.filter((w) => w !== undefined).length, roots.length);
  return { analyzedBy, replaced };
}

test('every file is analyzed once, in bounded memory, whatever order the workers answer in and whichever crash', () => {
  const file = fc.record({
    checkout: fc.integer({ min: 0, max: 3 }),
    size: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 0, max: LARGE_FILE_BYTES - 1 }) },
      { weight: 1, arbitrary: fc.integer({ min: LARGE_FILE_BYTES, max: 10 * 1024 * 1024 }) },
    ),
  });
  fc.assert(
    fc.property(
      fc.array(file, { maxLength: 300 }),
      fc.integer({ min: 1, max: 4 }),
      fc.infiniteStream(fc.nat()),
      fc.infiniteStream(fc.integer({ min: 0, max: 19 })),
      (files, jobs, picks, crashes) => {
        // Sorted by path: a checkout's files are consecutive.
        files.sort((a, b) => a.checkout - b.checkout);
        const pick = picks[Symbol.iterator]();
        const crash = crashes[Symbol.iterator]();
        simulate(
          files.map((f) => `/repo${f.checkout}`),
          files.map((f) => f.size),
          jobs,
          (n) => pick.next().value % n,
          () => crash.next().value === 0,
        );
      },
    ),
    { numRuns: 300, seed: 16 },
  );
});

test('a worker takes a whole checkout, and its replacement takes the rest of the unit it was in', () => {
  // Four checkouts of 20 files: a unit each (at most a quarter of the scan with 2 workers).
  const roots = ['/a', '/b', '/c', '/d'].flatMap((r) => Array<string>(20).fill(r));
  const small = Array<number>(80).fill(1000);
  const byCheckout = (analyzedBy: number[]) => [0, 20, 40, 60].map((at) => new Set(analyzedBy.slice(at, at + 20)));
  // Workers answer in turn: two checkouts are in flight at once.
  let turn = 0;
  const { analyzedBy } = simulate(
    roots,
    small,
    2,
    (n) => turn++ % n,
    () => false,
  );
  assert.deepEqual(
    byCheckout(analyzedBy).map((s) => s.size),
    [1, 1, 1, 1],
  );
  assert.notEqual(analyzedBy[0], analyzedBy[20], 'both workers are used');
  // A large file in the middle of checkout a: its worker is replaced, and the replacement goes on with a.
  const sizes = [...small];
  sizes[5] = LARGE_FILE_BYTES;
  const run = simulate(
    roots,
    sizes,
    2,
    (n) => turn++ % n,
    () => false,
  );
  assert.equal(run.replaced, 1);
  assert.equal(new Set(run.analyzedBy.slice(0, 6)).size, 1, 'files 0-5 in one worker');
  assert.equal(new Set(run.analyzedBy.slice(6, 20)).size, 1, 'files 6-19 in its replacement');
  assert.notEqual(run.analyzedBy[5], run.analyzedBy[6]);
  assert.deepEqual(
    byCheckout(run.analyzedBy)
      .slice(1)
      .map((s) => s.size),
    [1, 1, 1],
  );
});

test('large files wait for one another, and go out ahead of the report only within the byte bound', () => {
  // A small file that answers last, then 6 MB files: one large file at a time, and at most BYTES_AHEAD (16 MB)
  // of them analyzed before the small one is written.
  const mb6 = 6 * 1024 * 1024;
  const roots = ['/first', ...Array<string>(10).fill('/a')];
  const sizes = [1000, ...Array<number>(10).fill(mb6)];
  const schedule = new WorkSchedule<string>(roots, 2, (i) => sizes[i]);
  const replace = (worker: string, fresh: string) => {
    const gone = schedule.release(worker);
    assert.equal(gone.replace, true);
    gone.adopt(fresh);
  };
  assert.equal(schedule.take('w1'), 0);
  assert.equal(schedule.take('w2'), 1, '6 MB ahead');
  assert.equal(schedule.take('w1'), undefined, 'the next large file waits for the one in flight');
  assert.equal(schedule.settled(1), true, 'the large one: its worker is replaced');
  replace('w2', 'w3');
  assert.equal(schedule.take('w3'), 2, '12 MB ahead');
  assert.equal(schedule.settled(2), true);
  replace('w3', 'w4');
  assert.equal(schedule.take('w4'), undefined, 'a third would hold 18 MB ahead of the report');
  assert.equal(schedule.settled(0), false);
  schedule.written();
  schedule.written();
  assert.equal(schedule.take('w4'), 3, 'the report caught up: 12 MB ahead again');
});
