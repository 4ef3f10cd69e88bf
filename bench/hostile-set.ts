// The hostile set (issue 16): 400 generated files — fast-check's hostile shapes at full size (mutated corpus files,
// alias bombs, deep nesting, huge lines, many expressions) plus the extremes (a 12 MB file, a 5 MB line, 20,000
// expressions in one script) — scanned by the CLI: exit 0/1, no stack trace, peak RSS (target < 300 MB).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { hostileCase, seedTexts } from '../test/fuzz/hostile';
import { ms, ROOT, section, type Row } from './lib';

const COUNT = 400;

function extremes(): Record<string, string> {
  const step = '      - name: step\n        run: echo "building"\n';
  const head = 'on: issues\njobs:\n  big:\n    runs-on: ubuntu-latest\n    steps:\n';
  const lines = Array.from({ length: 20_000 }, (_, i) => `          echo "\${{ github.event.issue.title }} ${i}"`);
  return {
    'twelve-mb.yml': head + step.repeat(Math.ceil((12 * 1024 * 1024) / step.length)),
    'five-mb-line.yml': `${head}      - run: echo ${'x'.repeat(5 * 1024 * 1024)}\n`,
    'twenty-thousand-expressions.yml': `${head}      - run: |\n${lines.join('\n')}\n`,
    'deep.yml': `on: push\njobs: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`,
  };
}

export function registerHostileSetBench(): void {
  section(`Hostile set: ${COUNT} generated files through flowguard scan (JSON)`, () => {
    const cli = join(ROOT, 'dist', 'cli.cjs');
    if (!existsSync(cli)) {
      console.log('  dist/cli.cjs missing: run npm run build');
      return [];
    }
    const dir = mkdtempSync(join(tmpdir(), 'flowguard-hostile-'));
    try {
      const workflows = join(dir, '.github', 'workflows');
      mkdirSync(workflows, { recursive: true });
      const generated = fc.sample(hostileCase(seedTexts(), true), { numRuns: COUNT - 4, seed: 16 });
      generated.forEach((c, i) => writeFileSync(join(workflows, `h${String(i).padStart(3, '0')}.yml`), c.text));
      for (const [name, text] of Object.entries(extremes())) writeFileSync(join(workflows, name), text);
      const rows: Row[] = [];
      for (const jobs of [1, availableParallelism()]) {
        const load = loadavg()[0].toFixed(1);
        const started = performance.now();
        const r = spawnSync(
          process.execPath,
          [
            '--require',
            join(ROOT, 'bench', 'peak-rss.cjs'),
            cli,
            'scan',
            '.',
            '--format',
            'json',
            '--output',
            join(dir, 'report.json'),
            '--jobs',
            String(jobs),
          ],
          { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
        );
        const usage = /bench-usage (\d+) (\d+)/.exec(r.stderr);
        rows.push({
          jobs,
          exit: r.status ?? `signal ${r.signal}`,
          wall: ms(performance.now() - started),
          CPU: usage ? ms(Number(usage[2])) : '-',
          'peak RSS': usage ? `${(Number(usage[1]) / 1024).toFixed(0)} MB` : '-',
          'stack trace': /\n\s+at .+:\d+:\d+/.test(r.stderr) ? 'YES' : 'no',
          stderr:
            r.stderr
              .replace(/bench-usage.*/, '')
              .trim()
              .split('\n')[0]
              ?.slice(0, 80) ?? '',
          'load (1 min)': load,
        });
      }
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
