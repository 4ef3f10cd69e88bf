// Shared test helpers: fixtures are real YAML files analysed through the real engine.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, type AnalysisResult } from '../server/src/engine/analyze';
import { loadConfigText, type FlowguardConfig } from '../server/src/engine/config';
import { factsFromRecords, type FactRecords, type SupplyChainFacts } from '../server/src/analysis/supply-chain/facts';
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
  /** `.flowguard.yml` beside the fixtures (a policy the rule needs), and `facts.json`: resolved remote facts. */
  config?: FlowguardConfig;
  facts?: SupplyChainFacts;
}

/** test/fixtures/<rule-id>/{vulnerable,safe}*.yml, with <name>.fixed.yml beside a vulnerable file. */
export function fixturesFor(ruleId: string): Fixture[] {
  const dir = join(FIXTURES, ruleId);
  if (!existsSync(dir)) return [];
  const configPath = join(dir, '.flowguard.yml');
  const config = existsSync(configPath) ? loadConfigText(readFileSync(configPath, 'utf8'), configPath) : undefined;
  const factsPath = join(dir, 'facts.json');
  const facts = existsSync(factsPath)
    ? factsFromRecords(JSON.parse(readFileSync(factsPath, 'utf8')) as FactRecords)
    : undefined;
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
        config,
        facts,
      };
    });
}

/** Fixture files are analysed by content (they do not live under .github/workflows). */
export function analyzeText(
  text: string,
  path = 'fixture.yml',
  config?: FlowguardConfig,
  facts?: SupplyChainFacts,
): AnalysisResult {
  return analyze({ path, text, config, facts });
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
