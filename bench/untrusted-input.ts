// Cost of the untrusted-input rules (issue 3): the corpus scanned with the foundation's four rules, with those plus the
// untrusted-input rules and self-hosted-runner, and with every rule, in the same process. The issue's budget is <= 1.5x.
import { analyze } from '../server/src/engine/analyze';
import type { Rule } from '../server/src/engine/rule';
import { ALL_RULES } from '../server/src/rules/index';
import { ms, section, type CorpusFile, type Row } from './lib';

const FOUNDATION = ['excessive-permissions', 'template-injection', 'hardcoded-credential', 'unjustified-suppression'];
const ISSUE_3 = (r: Rule) => r.meta.category === 'untrusted-input' || r.meta.id === 'self-hosted-runner';

/** CPU time (user + system, ms) of analyzing every file once: steadier than wall time on a shared machine. */
function cpuTotal(files: readonly CorpusFile[], rules: readonly Rule[]): number {
  const start = process.cpuUsage();
  for (const f of files) analyze({ path: f.repoPath, text: f.text, rules });
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Median of `rounds` full-corpus CPU totals, interleaved so that JIT warm-up and GC noise hit every rule set alike. */
function medianTotals(files: readonly CorpusFile[], sets: Array<readonly Rule[]>, rounds = 5): number[] {
  const totals = sets.map(() => [] as number[]);
  for (const rules of sets) cpuTotal(files.slice(0, 300), rules);
  for (let i = 0; i < rounds; i++) sets.forEach((rules, k) => totals[k].push(cpuTotal(files, rules)));
  return totals.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]);
}

export function registerUntrustedInputBench(files: readonly CorpusFile[]): void {
  section('Untrusted-input rules: corpus scan time vs the foundation rules (budget <= 1.5x)', () => {
    const foundation = ALL_RULES.filter((r) => FOUNDATION.includes(r.meta.id));
    const withIssue3 = ALL_RULES.filter((r) => FOUNDATION.includes(r.meta.id) || ISSUE_3(r));
    // The foundation's template-injection is now the taint-aware one; the row without it shows what taint costs.
    const withoutInjection = foundation.filter((r) => r.meta.id !== 'template-injection');
    const [base, ours, all, noInjection] = medianTotals(files, [foundation, withIssue3, ALL_RULES, withoutInjection]);
    const row = (set: string, rules: number, total: number): Row => ({
      'rule set': set,
      rules,
      'CPU time (median of 5)': ms(total),
      'x foundation': (total / base).toFixed(2),
    });
    return [
      row('foundation without template-injection', withoutInjection.length, noInjection),
      row('foundation (4 rules)', foundation.length, base),
      row('foundation + untrusted-input + self-hosted-runner', withIssue3.length, ours),
      row('all rules', ALL_RULES.length, all),
    ];
  });
}
