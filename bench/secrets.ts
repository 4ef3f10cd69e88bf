// Scan cost of secret detection (issue 4) over ../shared/corpus: the corpus scanned with every rule and with every
// rule except the secrets category, interleaved in one process, plus the secrets rules' own hook time measured inside
// the all-rules runs (steady on a shared machine, where whole-scan differences drown in noise).
// Part of `npm run bench` through registerSecretsBench; standalone: node --import tsx bench/secrets.ts
import { analyze } from '../server/src/engine/analyze';
import type { Rule } from '../server/src/engine/rule';
import { ALL_RULES } from '../server/src/rules/index';
import { loadCorpus, ms, runSections, section, type CorpusFile, type Row } from './lib';

const HOOKS = ['workflow', 'job', 'step', 'action', 'actionStep', 'document'] as const;

/** The rule with each hook's CPU-side wall time added to `spent` under the rule id. */
function timed(rule: Rule, spent: Map<string, number>): Rule {
  const out: Rule = { meta: rule.meta };
  for (const h of HOOKS) {
    const hook = rule[h] as ((...args: unknown[]) => void) | undefined;
    if (!hook) continue;
    (out as unknown as Record<string, unknown>)[h] = (...args: unknown[]) => {
      const t = performance.now();
      try {
        hook.apply(rule, args);
      } finally {
        spent.set(rule.meta.id, (spent.get(rule.meta.id) ?? 0) + performance.now() - t);
      }
    };
  }
  return out;
}

/** CPU time (user + system, ms) of analyzing every file once. */
function cpuTotal(files: readonly CorpusFile[], rules: readonly Rule[]): number {
  const start = process.cpuUsage();
  for (const f of files) analyze({ path: f.repoPath, text: f.text, rules });
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function registerSecretsBench(files: readonly CorpusFile[], rounds = 5): void {
  section('Secrets rules: scan cost per file, all rules vs all rules minus the secrets category', () => {
    const spent = new Map<string, number>();
    const all = ALL_RULES.map((r) => timed(r, spent));
    const withoutSecrets = all.filter((r) => r.meta.category !== 'secrets');
    const secretIds = ALL_RULES.filter((r) => r.meta.category === 'secrets').map((r) => r.meta.id);
    cpuTotal(files.slice(0, 300), all);
    cpuTotal(files.slice(0, 300), withoutSecrets);
    const totals = { all: [] as number[], without: [] as number[], hooks: [] as number[] };
    const perRule = new Map<string, number[]>(secretIds.map((id) => [id, []]));
    for (let i = 0; i < rounds; i++) {
      spent.clear();
      totals.all.push(cpuTotal(files, all));
      for (const id of secretIds) perRule.get(id)!.push(spent.get(id) ?? 0);
      totals.hooks.push(secretIds.reduce((n, id) => n + (spent.get(id) ?? 0), 0));
      totals.without.push(cpuTotal(files, withoutSecrets));
    }
    const perFile = (total: number) => `${((total / files.length) * 1000).toFixed(0)} µs`;
    const rows: Row[] = [
      {
        measure: `all rules (${all.length})`,
        'corpus total': ms(median(totals.all)),
        'per file': perFile(median(totals.all)),
      },
      {
        measure: `all rules minus secrets (${withoutSecrets.length})`,
        'corpus total': ms(median(totals.without)),
        'per file': perFile(median(totals.without)),
      },
      {
        measure: 'secrets rules, own hook time',
        'corpus total': ms(median(totals.hooks)),
        'per file': perFile(median(totals.hooks)),
        share: `${((median(totals.hooks) / median(totals.all)) * 100).toFixed(1)}% of the full scan`,
      },
    ];
    for (const id of secretIds)
      rows.push({
        measure: `  ${id}`,
        'corpus total': ms(median(perRule.get(id)!)),
        'per file': perFile(median(perRule.get(id)!)),
      });
    return rows;
  });
}

if (process.argv[1]?.endsWith('secrets.ts')) {
  const files = loadCorpus();
  if (!files) console.log('corpus not found at ../shared/corpus: skipped');
  else {
    console.log(`${files.length} files, median of 5 rounds (CPU time)`);
    registerSecretsBench(files);
    await runSections();
  }
}
