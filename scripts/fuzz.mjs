// `npm run fuzz [-- --runs N] [-- --seed S] [-- --jobs J] [-- --minutes M]`: the long property-based run over hostile
// files (default 100,000 cases) and random edit sequences through the language server's scheduler (default 500), split
// over one process per core (J; process i uses seed S+i). With --minutes, the run stops at that time limit and says how
// many cases it reached (on a loaded machine a niced run may not reach them all).
// Replay a failure with the seed it prints: node --import tsx test/fuzz/run.ts RUNS SEED EDIT_RUNS
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg('--runs', 100_000);
const editRuns = arg('--edit-runs', 500);
const seed = arg('--seed', Date.now() % 1_000_000);
const jobs = arg('--jobs', availableParallelism());
const minutes = arg('--minutes', 0);
const root = join(import.meta.dirname, '..');
const started = Date.now();
const deadline = minutes > 0 ? started + minutes * 60_000 : 0;
console.log(
  `fuzz: ${runs} hostile files and ${editRuns} edit sequences over ${jobs} processes, seeds ${seed}..${seed + jobs - 1}` +
    (deadline ? `, time limit ${minutes} min` : ''),
);

const results = await Promise.all(
  Array.from({ length: jobs }, (_, i) => {
    const share = (n) => Math.floor(n / jobs) + (i < n % jobs ? 1 : 0);
    return new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'test/fuzz/run.ts',
          String(share(runs)),
          String(seed + i),
          String(share(editRuns)),
          String(deadline),
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
      child.on('close', (status) => {
        const line = out.trim().split('\n').pop() ?? '';
        try {
          resolve({ status, ...JSON.parse(line) });
        } catch {
          resolve({
            status,
            cases: 0,
            editCases: 0,
            failures: [`process ${i} printed no result (exit ${status}): ${out.slice(-2000)}`],
          });
        }
      });
    });
  }),
);
const cases = results.reduce((n, r) => n + r.cases, 0);
const editCases = results.reduce((n, r) => n + r.editCases, 0);
const failures = results.flatMap((r) => r.failures);
for (const f of failures) console.log(`\nFAILURE\n${f}`);
console.log(
  `fuzz: ${cases} hostile files, ${editCases} edit sequences, ${failures.length} failure(s), ${Math.round((Date.now() - started) / 1000)} s`,
);
const short = [cases < runs && `${runs} hostile files`, editCases < editRuns && `${editRuns} edit sequences`];
if (short.some(Boolean)) console.log(`fuzz: stopped at the time limit before ${short.filter(Boolean).join(' and ')}`);
process.exitCode = failures.length ? 1 : 0;
