// Hostile YAML and workflow shapes for property-based tests (fast-check): alias bombs, deep nesting, huge lines, many
// expressions, and random mutations of real workflows (the rule fixtures, and the corpus when present). Shared by the
// short run in `npm test` (test/hostile-input.test.ts) and the long one in `npm run fuzz` (scripts/fuzz.ts).
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, type AnalysisResult } from '../../server/src/engine/analyze';
import { renderReport } from '../../server/src/report/index';
import { scanExitStatus } from '../../server/src/cli/scan';
import { CORPUS, FIXTURES } from '../helpers';

/** Real workflows to mutate: every fixture, plus every 10th corpus file when the corpus is there. */
export function seedTexts(): string[] {
  const texts: string[] = [];
  for (const rule of readdirSync(FIXTURES).sort())
    for (const name of readdirSync(join(FIXTURES, rule)).sort())
      if (name.endsWith('.yml')) texts.push(readFileSync(join(FIXTURES, rule, name), 'utf8'));
  const manifest = join(CORPUS, 'MANIFEST.tsv');
  if (existsSync(manifest)) {
    const rows = readFileSync(manifest, 'utf8').split('\n').slice(1).filter(Boolean);
    rows.forEach((row, i) => {
      const [repo, , path] = row.split('\t');
      const file = join(CORPUS, repo.replace('/', '__'), path);
      if (i % 10 === 0 && existsSync(file)) texts.push(readFileSync(file, 'utf8'));
    });
  }
  return texts;
}

/** The characters YAML and expressions give meaning to, and a few that break decoders and line counting. */
const SYNTAX = [...':-[]{}&*!|>\'"#%@`,?\n\t ${}()=<\\'].concat(['\r', '\u2028', '\uFEFF', '\0', '\uD800', '💥']);
const syntaxChar = fc.constantFrom(...SYNTAX);
const syntaxText = (maxLength: number) => fc.array(syntaxChar, { maxLength }).map((cs) => cs.join(''));
const words = fc.constantFrom(
  'on',
  'jobs',
  'steps',
  'run',
  'uses',
  'with',
  'env',
  'permissions',
  'secrets',
  'include',
  'extends',
  '<<',
  '!reference',
  'github.event.issue.title',
  '${{ github.head_ref }}',
  'actions/checkout@v4',
  'pull_request_target',
  'write-all',
  '&a',
  '*a',
  '- ',
  '  ',
  ': ',
);

function aliasBomb(levels: number, width: number): string {
  const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(',')}]`];
  for (let i = 1; i < levels; i++)
    lines.push(
      `l${i}: &l${i} [${Array(width)
        .fill(`*l${i - 1}`)
        .join(',')}]`,
    );
  return (
    `on: push\n${lines.join('\n')}\njobs:\n  x:\n    runs-on: ubuntu-latest\n    env: *l${levels - 1}\n` +
    `    steps:\n      - run: echo "\${{ github.event.issue.title }}"\n      - with: *l${levels - 1}\n`
  );
}

function deepFlow(depth: number, open: string, close: string): string {
  return `on: push\njobs: ${open.repeat(depth)}x${close.repeat(depth)}\n`;
}

function deepBlock(depth: number, seq: boolean): string {
  let text = 'on: push\njobs:\n';
  for (let i = 0; i < depth; i++) text += `${'  '.repeat(i + 1)}${seq ? '- ' : ''}k${i}:\n`;
  return text;
}

function hugeLine(length: number, expression: boolean): string {
  const body = expression ? '${{ github.event.issue.title }}'.repeat(Math.ceil(length / 31)) : 'x'.repeat(length);
  return `on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${body}\n`;
}

function manyExpressions(count: number, perJob: boolean): string {
  const exprs = Array.from({ length: count }, (_, i) => `echo "\${{ github.event.issue.title }}${i}"`);
  if (!perJob)
    return `on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${exprs.map((e) => `          ${e}`).join('\n')}\n`;
  let text = 'on: pull_request_target\njobs:\n';
  exprs.forEach((e, i) => (text += `  j${i}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${e}\n`));
  return text;
}

type Mutation =
  | { op: 'delete'; at: number; length: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'duplicate'; at: number; length: number; times: number }
  | { op: 'indent'; at: number; by: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.nat({ max: 200 }) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(syntaxText(20), words, fc.string({ maxLength: 20, unit: 'binary' })),
  }),
  fc.record({
    op: fc.constant('duplicate' as const),
    at: fc.nat(),
    length: fc.nat({ max: 400 }),
    times: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({ op: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -4, max: 8 }) }),
);

function mutate(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = out.length ? m.at % (out.length + 1) : 0;
    if (m.op === 'delete') out = out.slice(0, at) + out.slice(at + m.length);
    else if (m.op === 'insert') out = out.slice(0, at) + m.text + out.slice(at);
    else if (m.op === 'duplicate')
      out = out.slice(0, at) + out.slice(at, at + m.length).repeat(m.times) + out.slice(at);
    else {
      const lineStart = out.lastIndexOf('\n', at - 1) + 1;
      out =
        m.by >= 0
          ? out.slice(0, lineStart) + ' '.repeat(m.by) + out.slice(lineStart)
          : out.slice(0, lineStart) + out.slice(lineStart).replace(new RegExp(`^ {0,${-m.by}}`), '');
    }
  }
  return out;
}

export interface HostileCase {
  path: string;
  text: string;
}

/** Where a case is read as: a workflow, an action, or GitLab CI (the three dialects have their own models). */
const dialectPath = fc.constantFrom('.github/workflows/fuzz.yml', 'action.yml', '.gitlab-ci.yml');

/** `large` allows the multi-megabyte shapes (the long run); the short run stays in the hundreds of kilobytes. */
export function hostileCase(seeds: readonly string[], large = false): fc.Arbitrary<HostileCase> {
  const scale = large ? 10 : 1;
  const text = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.constantFrom(...seeds), fc.array(mutation, { maxLength: 8 }))
        .map(([s, m]) => mutate(s, m)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 12 }))
        .map(([l, w]) => aliasBomb(l, w)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 2000 }), fc.constantFrom(['[', ']'], ['{', '}'], ['{a: ', '}'], ['[[', ']]']))
        .map(([d, [o, c]]) => deepFlow(d, o, c)),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.integer({ min: 1, max: 1500 }), fc.boolean()).map(([d, s]) => deepBlock(d, s)),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.integer({ min: 1, max: 50_000 * scale }), fc.boolean()).map(([n, e]) => hugeLine(n, e)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 500 * scale }), fc.boolean())
        .map(([n, perJob]) => manyExpressions(n, perJob)),
    },
    { weight: 1, arbitrary: fc.array(fc.oneof(syntaxChar, words), { maxLength: 300 }).map((p) => p.join('')) },
  );
  return fc.record({ path: dialectPath, text });
}

export type ReportFormat = 'json' | 'sarif' | 'text';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'sarif', 'text'];

/**
 * What a hostile case must never do; returns the problem, or undefined when the case was handled. The budget is CPU
 * time: on a shared machine wall time measures the neighbours (a 430 KB case took 36 s of wall time at load 20).
 * `formats`: the reports rendered from the result (rendering all three is a third of a case's cost; the long run
 * renders one, drawn with the case).
 */
export function checkCase(
  c: HostileCase,
  budgetMs: number,
  formats: readonly ReportFormat[] = REPORT_FORMATS,
): string | undefined {
  const started = process.cpuUsage();
  let result: AnalysisResult;
  try {
    result = analyze({ path: c.path, text: c.text });
  } catch (err) {
    return `analyze threw: ${(err as Error).stack}`;
  }
  if (result.ruleErrors.length)
    return `rule failed: ${result.ruleErrors.map((e) => `${e.ruleId}: ${e.message.split('\n').slice(0, 3).join(' | ')}`).join('; ')}`;
  const file = { path: c.path, uri: c.path, text: c.text, result };
  for (const format of formats) {
    try {
      const out = renderReport(format, { toolVersion: '0', files: [file] });
      if (format !== 'text') JSON.parse(out);
    } catch (err) {
      return `${format} report failed: ${(err as Error).message}`;
    }
  }
  const status = scanExitStatus(result.findings.length + result.problems.length, 0, 0, false);
  if (status !== 0 && status !== 1) return `exit status ${status}`;
  const used = process.cpuUsage(started);
  const cpuMs = (used.user + used.system) / 1000;
  if (cpuMs > budgetMs) return `took ${cpuMs.toFixed(0)} ms of CPU (budget ${budgetMs} ms)`;
  return undefined;
}
