// `flowguard scan --jobs N` and `--shard I/N` through the real CLI: worker output is byte-identical to the
// single-thread run; shards are disjoint and together are the unsharded scan; reports are written as files come.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { runCli as runCliInProcess } from '../../server/src/cli/run';
import { shardOf } from '../../server/src/cli/scan';
import { CORPUS, ROOT } from '../helpers';
import { LARGE_FILE_BYTES } from '../../server/src/cli/work-schedule';
import { CLI_RUNS_BUNDLE, EXAMPLES, runCli, tempDir } from './helpers';

const corpusPresent = existsSync(join(CORPUS, 'MANIFEST.tsv'));
/** Every 8th corpus repository (about 25): enough files for the workers to interleave, quick to scan. */
const corpusSlice = corpusPresent
  ? readdirSync(CORPUS)
      .filter((name) => name.includes('__'))
      .sort()
      .filter((_, i) => i % 8 === 0)
      .map((name) => join('..', 'shared', 'corpus', name))
  : [];
const paths = [...corpusSlice, 'examples', join('test', 'fixtures')];

describe('parallel scan', () => {
  test(
    'JSON and SARIF from --jobs 2 are byte-identical to --jobs 1 (corpus slice and bundled fixtures)',
    {
      skip: CLI_RUNS_BUNDLE ? false : 'dist/ is missing or older than the sources: run npm run bundle',
      timeout: 10 * 60_000,
    },
    async (t) => {
      if (!corpusPresent) t.diagnostic('../shared/corpus not found: examples and test/fixtures only');
      for (const format of ['json', 'sarif']) {
        const scan = (jobs: string) =>
          runCli(['scan', ...paths, '--format', format, '--jobs', jobs], {
            cwd: ROOT,
            timeoutMs: 5 * 60_000,
            env: { FLOWGUARD_DEBUG: '1' },
          });
        const [one, two] = [await scan('1'), await scan('2')];
        for (const r of [one, two]) {
          assert.equal(r.timedOut, false);
          assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr.slice(0, 2000)}`);
        }
        assert.match(two.stderr, /flowguard: 2 worker threads/, 'the second run used workers');
        assert.doesNotMatch(one.stderr, /worker threads/);
        const files = JSON.parse(one.stdout)[format === 'json' ? 'files' : 'runs'];
        assert.ok(files.length > 0);
        assert.ok(one.stdout === two.stdout, `${format} reports differ`);
      }
    },
  );

  test(
    'without --jobs the scan uses one worker per core but one (the main thread alone on 2 cores)',
    { skip: CLI_RUNS_BUNDLE ? false : 'dist/ is missing or older than the sources: run npm run bundle' },
    async () => {
      const r = await runCli(['scan', 'examples', '--format', 'json'], {
        cwd: ROOT,
        timeoutMs: 60_000,
        env: { FLOWGUARD_DEBUG: '1' },
      });
      assert.ok(r.status === 0 || r.status === 1, r.stderr.slice(0, 2000));
      // No more workers than files.
      const files = (JSON.parse(r.stdout) as { files: unknown[] }).files.length;
      const expected = Math.min(Math.max(1, availableParallelism() - 1), files);
      if (expected === 1) assert.doesNotMatch(r.stderr, /worker threads/);
      else assert.match(r.stderr, new RegExp(`flowguard: ${expected} worker threads`));
    },
  );
});

test(
  'large files are analyzed one at a time across the workers, each by a worker replaced afterwards, and the report is still the single-thread one',
  {
    skip: CLI_RUNS_BUNDLE ? false : 'dist/ is missing or older than the sources: run npm run bundle',
    timeout: 5 * 60_000,
  },
  async (t) => {
    const dir = tempDir(t);
    const workflows = join(dir, '.github', 'workflows');
    mkdirSync(workflows, { recursive: true });
    const head = 'on: pull_request_target\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n';
    const step = '      - run: echo "${{ github.event.pull_request.title }}"\n';
    // Large but quick to analyze: one step and a long comment.
    const large = head + step + '# padding\n'.repeat(Math.ceil(LARGE_FILE_BYTES / 10));
    // Adjacent large files: without the limit both workers would take one at the start.
    for (const name of ['a1', 'a2', 'b', 'c1', 'c2', 'c3']) writeFileSync(join(workflows, `${name}.yml`), large);
    for (let i = 0; i < 6; i++) writeFileSync(join(workflows, `s${i}.yml`), head + step);
    const scan = (jobs: string) =>
      runCli(['scan', '.', '--format', 'json', '--jobs', jobs], {
        cwd: dir,
        timeoutMs: 4 * 60_000,
        env: { FLOWGUARD_DEBUG: '1' },
      });
    const [one, two] = [await scan('1'), await scan('2')];
    assert.equal(two.status, one.status);
    assert.equal(one.status, 1, one.stderr.slice(0, 2000));
    assert.ok(one.stdout === two.stdout, 'the JSON reports differ');
    const events = [...two.stderr.matchAll(/^flowguard: large file (started|finished): (.+)$/gm)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    const names = ['a1', 'a2', 'b', 'c1', 'c2', 'c3'];
    // Workers take units of files, so the large files need not start in path order; each finishes before the next starts.
    const started = events.filter((_, i) => i % 2 === 0).map((e) => e.replace(/^started /, ''));
    assert.deepEqual(
      events,
      started.flatMap((path) => [`started ${path}`, `finished ${path}`]),
      'each large file finished before the next one started',
    );
    assert.deepEqual(
      [...started].sort(),
      names.map((n) => `.github/workflows/${n}.yml`),
    );
    // The worker that analyzed a large file keeps its heap's high-water mark: each is replaced.
    assert.equal([...two.stderr.matchAll(/^flowguard: worker replaced after a large file$/gm)].length, names.length);
  },
);

interface Captured {
  status: number | 'running';
  stdout: string[];
  stderr: string;
}

async function scanInProcess(args: string[]): Promise<Captured> {
  const out: Captured = { status: 0, stdout: [], stderr: '' };
  out.status = await runCliInProcess(['scan', ...args], {
    cwd: ROOT,
    env: {},
    stdout: (s) => out.stdout.push(s),
    stderr: (s) => (out.stderr += s),
    stdoutIsTTY: false,
  });
  return out;
}

interface JsonFinding {
  path: string;
  ruleId: string;
  range: { start: { offset: number } };
}

describe('sharded scan', () => {
  const shardPaths = ['examples', join('test', 'fixtures')];
  const key = (f: JsonFinding) => `${f.path}:${f.range.start.offset}:${f.ruleId}`;

  test('shards are disjoint, and together they are exactly the unsharded scan', async () => {
    const whole = JSON.parse((await scanInProcess([...shardPaths, '--format', 'json'])).stdout.join(''));
    const shards = [];
    for (let i = 1; i <= 3; i++)
      shards.push(
        JSON.parse((await scanInProcess([...shardPaths, '--format', 'json', '--shard', `${i}/3`])).stdout.join('')),
      );
    const files = shards.map((s) => s.files.map((f: { path: string }) => f.path) as string[]);
    assert.ok(
      files.every((f) => f.length > 0),
      `every shard has files: ${files.map((f) => f.length).join(', ')}`,
    );
    const all = files.flat();
    assert.equal(new Set(all).size, all.length, 'no file is in two shards');
    assert.deepEqual([...all].sort(), whole.files.map((f: { path: string }) => f.path).sort());
    assert.deepEqual(shards.flatMap((s) => s.findings.map(key)).sort(), whole.findings.map(key).sort());
  });

  test('the shard of a path is stable (a fixed hash, not the machine or the run) and within 1..N', () => {
    const spread = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`.github/workflows/w${i}.yml`, 4)));
    assert.deepEqual([...spread].sort(), [1, 2, 3, 4]);
    // Pinned values: changing the hash would move files between runners' SARIF categories.
    assert.deepEqual(
      ['.github/workflows/ci.yml', 'action.yml', '.gitlab-ci.yml'].map((p) => shardOf(p, 7)),
      [5, 4, 6],
    );
  });

  test('each shard uploads its own SARIF category (runAutomationDetails.id)', async () => {
    const ids = [];
    for (let i = 1; i <= 2; i++) {
      const sarif = JSON.parse(
        (await scanInProcess(['examples', '--format', 'sarif', '--shard', `${i}/2`])).stdout.join(''),
      );
      ids.push(sarif.runs[0].automationDetails?.id);
    }
    assert.deepEqual(ids, ['flowguard-shard-1-of-2/', 'flowguard-shard-2-of-2/']);
    const unsharded = JSON.parse((await scanInProcess(['examples', '--format', 'sarif'])).stdout.join(''));
    assert.equal(unsharded.runs[0].automationDetails, undefined);
  });

  test('bad --shard and --jobs values are usage errors (exit 2)', async () => {
    for (const bad of [
      ['--shard', '0/2'],
      ['--shard', '3/2'],
      ['--shard', 'x'],
      ['--jobs', '0'],
      ['--jobs', 'two'],
    ]) {
      const r = await scanInProcess(['examples', ...bad]);
      assert.equal(r.status, 2, bad.join(' '));
      assert.match(r.stderr, /^flowguard: --(shard|jobs) must be/);
    }
  });
});

test('the CLI writes the report as it scans: many files, many writes, one valid document', async () => {
  const r = await scanInProcess([EXAMPLES, join('test', 'fixtures'), '--format', 'json', '--jobs', '1']);
  const doc = JSON.parse(r.stdout.join(''));
  const withFindings = new Set(doc.findings.map((f: JsonFinding) => f.path)).size;
  assert.ok(withFindings > 10);
  assert.ok(r.stdout.length > withFindings, `${r.stdout.length} writes for ${withFindings} files with findings`);
});
