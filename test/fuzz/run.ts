// One fuzzing process: `node --import tsx test/fuzz/run.ts RUNS SEED [EDIT_RUNS [DEADLINE]]`. scripts/fuzz.mjs starts
// one per core. DEADLINE (epoch ms) stops it early: the hostile files get 85% of the time left, the edit sequences the
// rest. Prints one JSON line: cases run, failures (with fast-check's counterexample and seed to replay), time.
import fc from 'fast-check';
import { checkCase, hostileCase, REPORT_FORMATS, seedTexts } from './hostile';
import { checkEditSequence, editSequence } from './edits';

const [runs, seed, editRuns, deadline] = process.argv.slice(2).map(Number);
/** fast-check's time limit for a phase given this share of the time left; none without a deadline. */
const timeLimit = (share: number) =>
  deadline ? { interruptAfterTimeLimit: Math.max(0, (deadline - Date.now()) * share) } : {};
/** Per file; generous (other processes share the machine), far below "hangs". */
const BUDGET_MS = 10_000;
const seeds = seedTexts();
const started = performance.now();
let cases = 0;
const failures: string[] = [];
const files = fc.check(
  // One report format per case, drawn with it (so a seed replays the same format): every format still sees a third of
  // the cases, at two thirds of the rendering cost.
  fc.property(hostileCase(seeds), fc.constantFrom(...REPORT_FORMATS), (c, format) => {
    if (++cases % 1_000 === 0)
      process.stderr.write(`${new Date().toISOString()} fuzz seed ${seed}: ${cases}/${runs} cases\n`);
    const problem = checkCase(c, BUDGET_MS, [format]);
    if (problem) throw new Error(`${c.path} (${c.text.length} chars): ${problem}`);
  }),
  { numRuns: runs, seed, endOnFailure: true, ...timeLimit(0.85) },
);
if (files.failed) failures.push(`${String(files.errorInstance).slice(0, 2000)}\n${fc.defaultReportMessage(files)}`);
let editCases = 0;
const edits = await fc.check(
  fc.asyncProperty(editSequence(seeds), async (e) => {
    editCases++;
    const problem = await checkEditSequence(e);
    if (problem) throw new Error(problem);
  }),
  { numRuns: editRuns || 0, seed, endOnFailure: true, ...timeLimit(1) },
);
if (edits.failed) failures.push(`${String(edits.errorInstance).slice(0, 2000)}\n${fc.defaultReportMessage(edits)}`);
console.log(
  JSON.stringify({ seed, cases, editCases, failures, seconds: Math.round((performance.now() - started) / 1000) }),
);
process.exitCode = failures.length ? 1 : 0;
