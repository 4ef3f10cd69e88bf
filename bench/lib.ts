// Bench building blocks: corpus loading, timing helpers and a section runner that prints one table per section.
// Other areas add their own measurements with `section(name, fn)` (see bench/run.ts) and may time the engine with a
// subset of rules through `timeEngine(files, rules)`, e.g. ALL_RULES against ALL_RULES minus a category in the same run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import type { Rule } from '../server/src/engine/rule';
import { ALL_RULES } from '../server/src/rules/index';

export const ROOT = join(import.meta.dirname, '..');
export const CORPUS = join(ROOT, '..', 'shared', 'corpus');

export interface CorpusFile {
  /** Path inside the corpus (`owner__repo/.github/workflows/x.yml`). */
  rel: string;
  /** Path inside its repository (what kind detection sees). */
  repoPath: string;
  abs: string;
  text: string;
  kind: string;
}

/** Workflow and action files of ../shared/corpus (GitLab files are not ours), or undefined when it is absent. */
export function loadCorpus(): CorpusFile[] | undefined {
  const manifest = join(CORPUS, 'MANIFEST.tsv');
  if (!existsSync(manifest)) return undefined;
  const files: CorpusFile[] = [];
  for (const line of readFileSync(manifest, 'utf8').split('\n').slice(1)) {
    const [repo, , path, , kind] = line.split('\t');
    if (!path || (kind !== 'workflow' && kind !== 'action')) continue;
    const rel = `${repo.replace('/', '__')}/${path}`;
    const abs = join(CORPUS, rel);
    if (existsSync(abs)) files.push({ rel, repoPath: path, abs, text: readFileSync(abs, 'utf8'), kind });
  }
  return files;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface Stats {
  n: number;
  total: number;
  p50: number;
  p95: number;
  max: number;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    total: sorted.reduce((a, b) => a + b, 0),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.at(-1) ?? NaN,
  };
}

export interface EngineTiming extends Stats {
  filesPerSecond: number;
  findings: number;
  ruleErrors: number;
}

/** Analyzes every file once with `rules` (default: all) and returns per-file timings. Warm the JIT with `warmup`. */
export function timeEngine(
  files: readonly CorpusFile[],
  rules: readonly Rule[] = ALL_RULES,
  warmup = true,
): EngineTiming {
  if (warmup) for (const f of files.slice(0, 50)) analyze({ path: f.repoPath, text: f.text, rules });
  const samples: number[] = [];
  let findings = 0;
  let ruleErrors = 0;
  for (const f of files) {
    const start = performance.now();
    const r = analyze({ path: f.repoPath, text: f.text, rules });
    samples.push(performance.now() - start);
    findings += r.findings.length;
    ruleErrors += r.ruleErrors.length;
  }
  const s = stats(samples);
  return { ...s, filesPerSecond: (files.length / s.total) * 1000, findings, ruleErrors };
}

export type Row = Record<string, string | number>;
const sections: Array<{ name: string; fn: () => Promise<Row[]> | Row[] }> = [];

/** Registers a measurement; its rows are printed as a table under `name`. Return [] (and log why) to skip. */
export function section(name: string, fn: () => Promise<Row[]> | Row[]): void {
  sections.push({ name, fn });
}

export async function runSections(filter?: string): Promise<void> {
  for (const s of sections) {
    if (filter && !s.name.toLowerCase().includes(filter.toLowerCase())) continue;
    console.log(`\n## ${s.name}`);
    try {
      const rows = await s.fn();
      if (rows.length) console.log(table(rows));
    } catch (err) {
      console.log(`  failed: ${(err as Error).stack ?? err}`);
      process.exitCode = 1;
    }
  }
}

export function ms(n: number): string {
  return Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(0)} ms` : '-';
}

function table(rows: Row[]): string {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: string | number | undefined) => (v === undefined ? '' : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => '| ' + vals.map((v, i) => v.padEnd(widths[i])).join(' | ') + ' |';
  return [
    line(cols),
    '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
    ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
  ].join('\n');
}
