// Shared test helpers: fixtures are real YAML files analyzed through the real engine.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, type AnalysisResult, type AnalyzeInput } from '../server/src/engine/analyze';
import { fixAll, type FixAllOptions, type FixAllResult } from '../server/src/fixes/apply';
import { loadConfigText, type FlowguardConfig } from '../server/src/engine/config';
import { factsFromRecords, type FactRecords, type SupplyChainFacts } from '../server/src/analysis/supply-chain/facts';
import type { Finding } from '../server/src/engine/types';
import { repoFileReader, type RepoFileReader } from '../server/src/io/repo-files';
import { LineIndex } from '../server/src/text/lines';

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
  /** <name>.findings: the rule's expected findings (goldenFindings format); undefined when the file is missing. */
  goldenPath: string;
  golden?: string;
  /** Reads the fixture's repository, test/fixtures/<rule-id>/repo/, for rules that follow local callees. */
  readFile?: RepoFileReader;
  /** `.flowguard.yml` beside the fixtures (a policy the rule needs), and `facts.json`: resolved remote facts. */
  config?: FlowguardConfig;
  facts?: SupplyChainFacts;
}

/**
 * test/fixtures/<rule-id>/{vulnerable,safe,low}*.yml, with <name>.fixed.yml and <name>.findings beside them; a repo/
 * folder there is the repository the fixtures' local `uses: ./...` resolve in.
 */
export function fixturesFor(ruleId: string): Fixture[] {
  const dir = join(FIXTURES, ruleId);
  if (!existsSync(dir)) return [];
  const readFile = existsSync(join(dir, 'repo')) ? repoFileReader(join(dir, 'repo')) : undefined;
  const configPath = join(dir, '.flowguard.yml');
  const config = existsSync(configPath) ? loadConfigText(readFileSync(configPath, 'utf8'), configPath) : undefined;
  const factsPath = join(dir, 'facts.json');
  const facts = existsSync(factsPath)
    ? factsFromRecords(JSON.parse(readFileSync(factsPath, 'utf8')) as FactRecords)
    : undefined;
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && !/\.fixed\.ya?ml$/.test(f) && /^(vulnerable|safe|low)/.test(f))
    .sort()
    .map((name) => {
      const path = join(dir, name);
      const fixedPath = path.replace(/\.(ya?ml)$/, '.fixed.$1');
      const goldenPath = path.replace(/\.ya?ml$/, '.findings');
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
        goldenPath,
        golden: existsSync(goldenPath) ? readFileSync(goldenPath, 'utf8') : undefined,
        readFile,
        config,
        facts,
      };
    });
}

/** Fixture files are analyzed by content (they do not live under .github/workflows). */
export function analyzeText(
  text: string,
  path = 'fixture.yml',
  config?: FlowguardConfig,
  facts?: SupplyChainFacts,
): AnalysisResult {
  return analyze({ path, text, config, facts });
}

/** A fixture analysed as its rule's tests see it (with its repository, if it has one); `text` replaces its content. */
export function analyzeFixture(fx: Fixture, text = fx.text): AnalysisResult {
  return analyze({ path: fx.path, text, readFile: fx.readFile, config: fx.config, facts: fx.facts });
}

/**
 * Findings as golden text: one line each, `line:col rule severity confidence message` (1-based, UTF-16 columns like the
 * editor's), sorted by position so the file does not depend on the order rules run in.
 */
export function goldenFindings(findings: readonly Finding[], text: string): string {
  const lines = new LineIndex(text);
  return findings
    .map((f) => ({ f, at: lines.positionAt(f.span.start) }))
    .sort(
      (a, b) =>
        a.at.line - b.at.line ||
        a.at.character - b.at.character ||
        a.f.ruleId.localeCompare(b.f.ruleId) ||
        a.f.message.localeCompare(b.f.message),
    )
    .map(
      ({ f, at }) =>
        `${at.line + 1}:${at.character + 1} ${f.ruleId} ${f.severity} ${f.confidence} ${f.message.replace(/\n/g, '\\n')}\n`,
    )
    .join('');
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

/**
 * A real workflow whose fixes need more passes than fixAll allows by default: one run step with fifteen injected
 * expressions. Each template-injection fix adds the step's env entry at the same place, so the fixes overlap and
 * fixAll applies one per pass.
 */
export function manyInjectionsWorkflow(): string {
  const expressions = [
    'issue.title',
    'issue.body',
    'comment.body',
    'pull_request.title',
    'pull_request.body',
    'pull_request.head.ref',
    'pull_request.head.label',
    'review.body',
    'review_comment.body',
    'discussion.title',
    'discussion.body',
    'pages[0].page_name',
    'commits[0].message',
    'head_commit.message',
    'head_commit.author.name',
  ];
  return (
    'on: [issues, issue_comment, pull_request_target]\npermissions: {}\njobs:\n  greet:\n    runs-on: ubuntu-latest\n' +
    '    timeout-minutes: 5\n    steps:\n      - run: |\n' +
    expressions.map((e) => `          echo "\${{ github.event.${e} }}"\n`).join('')
  );
}
