// Shared test helpers: fixtures are real YAML files analysed through the real engine.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, type AnalysisResult } from '../server/src/engine/analyze';
import type { FlowguardConfig } from '../server/src/engine/config';
import type { Finding } from '../server/src/engine/types';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const CORPUS = join(ROOT, '..', 'shared', 'corpus');

export interface Fixture {
  ruleId: string;
  name: string;
  path: string;
  text: string;
  /** low: a twin of a vulnerable case that must still be reported, but only at low or info severity. */
  kind: 'vulnerable' | 'safe' | 'low';
  /** Expected text after applying the rule's preferred fixes until none is left. */
  fixed?: string;
}

/** test/fixtures/<rule-id>/{vulnerable,safe,low}*.yml, with <name>.fixed.yml beside a vulnerable file. */
export function fixturesFor(ruleId: string): Fixture[] {
  const dir = join(FIXTURES, ruleId);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && !/\.fixed\.ya?ml$/.test(f) && /^(vulnerable|safe|low)/.test(f))
    .sort()
    .map((name) => {
      const path = join(dir, name);
      const fixedPath = path.replace(/\.(ya?ml)$/, '.fixed.$1');
      return {
        ruleId,
        name,
        path,
        text: readFileSync(path, 'utf8'),
        kind: name.startsWith('vulnerable')
          ? ('vulnerable' as const)
          : name.startsWith('low')
            ? ('low' as const)
            : ('safe' as const),
        fixed: existsSync(fixedPath) ? readFileSync(fixedPath, 'utf8') : undefined,
      };
    });
}

/** Fixture files are analysed by content (they do not live under .github/workflows). */
export function analyzeText(text: string, path = 'fixture.yml', config?: FlowguardConfig): AnalysisResult {
  return analyze({ path, text, config });
}

export function ofRule(result: AnalysisResult, ruleId: string): Finding[] {
  return result.findings.filter((f) => f.ruleId === ruleId);
}

/** A multiset of rule ids, for "nothing else changed" comparisons. */
export function ruleCounts(findings: Finding[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of findings) m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1);
  return m;
}
