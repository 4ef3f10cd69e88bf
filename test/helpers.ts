// Shared test helpers: fixtures are real YAML files analyzed through the real engine.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, type AnalysisResult, type AnalyzeInput } from '../server/src/engine/analyze';
import { fixAll, type FixAllOptions, type FixAllResult } from '../server/src/fixes/apply';
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
  kind: 'vulnerable' | 'safe';
  /** Expected text after applying the rule's preferred fixes until none is left. */
  fixed?: string;
}

/** test/fixtures/<rule-id>/{vulnerable,safe}*.yml, with <name>.fixed.yml beside a vulnerable file. */
export function fixturesFor(ruleId: string): Fixture[] {
  const dir = join(FIXTURES, ruleId);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && !/\.fixed\.ya?ml$/.test(f) && /^(vulnerable|safe)/.test(f))
    .sort()
    .map((name) => {
      const path = join(dir, name);
      const fixedPath = path.replace(/\.(ya?ml)$/, '.fixed.$1');
      return {
        ruleId,
        name,
        path,
        text: readFileSync(path, 'utf8'),
        kind: name.startsWith('vulnerable') ? ('vulnerable' as const) : ('safe' as const),
        fixed: existsSync(fixedPath) ? readFileSync(fixedPath, 'utf8') : undefined,
      };
    });
}

/** Fixture files are analyzed by content (they do not live under .github/workflows). */
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

/** fixAll over a file, re-analyzed with the same path and config after every pass (as the CLI and the server do). */
export function fixFile(input: AnalyzeInput, options?: FixAllOptions): FixAllResult {
  return fixAll(input.text, (text) => analyze({ ...input, text }), options);
}
