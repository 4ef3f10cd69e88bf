// Findings over the real-world corpus (../shared/corpus): counts per rule and confidence, plus a seeded sample of
// findings with file:line and the source line (secrets masked), for reading by hand.
// Usage: node --import tsx scripts/corpus-findings.ts [--rule ID[,ID]] [--category CAT] [--confidence high]
//        [--min-severity high|medium|low|info] [--sample N | --all] [--seed N]   (--rules is an alias of --rule)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import { ALL_RULES } from '../server/src/rules/index';
import { SecretRedactor } from '../server/src/report/redact';
import { isSecretFinding } from '../server/src/report/model';
import type { Finding } from '../server/src/engine/types';
import type { Severity } from '../server/src/analysis/levels';
import { atLeast } from '../server/src/engine/analyze';

const root = join(import.meta.dirname, '..');
const corpus = join(root, '..', 'shared', 'corpus');
if (!existsSync(join(corpus, 'MANIFEST.tsv'))) {
  console.log('corpus not found at ../shared/corpus: skipped');
  process.exit(0);
}

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
};
const ruleFilter = (arg('rule') ?? arg('rules'))?.split(',');
const minSeverity = arg('min-severity') as Severity | undefined;
const category = arg('category');
const confidence = arg('confidence');
const sampleSize = process.argv.includes('--all') ? Infinity : Number(arg('sample') ?? 20);
let seed = Number(arg('seed') ?? 1);
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

const categoryOf = new Map(ALL_RULES.map((r) => [r.meta.id, r.meta.category]));
const rows = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t'));
const counts = new Map<string, { high: number; medium: number; low: number }>();
const picked: Array<{ where: string; finding: Finding; line: string }> = [];
let files = 0;
let errors = 0;
for (const [repo, , path, , kind] of rows) {
  if (kind !== 'workflow' && kind !== 'action') continue;
  const file = join(corpus, repo.replace('/', '__'), path);
  if (!existsSync(file)) continue;
  const text = readFileSync(file, 'utf8');
  const result = analyze({ path: file, text, kind, repository: repo });
  files++;
  errors += result.ruleErrors.length;
  const redactor = new SecretRedactor(text, result.findings.filter(isSecretFinding));
  for (const f of result.findings) {
    if (ruleFilter && !ruleFilter.includes(f.ruleId)) continue;
    if (category && categoryOf.get(f.ruleId) !== category) continue;
    if (minSeverity && !atLeast(f.severity, minSeverity)) continue;
    const c = counts.get(f.ruleId) ?? { high: 0, medium: 0, low: 0 };
    c[f.confidence]++;
    counts.set(f.ruleId, c);
    if (confidence && f.confidence !== confidence) continue;
    const lineNo = text.slice(0, f.span.start).split('\n').length;
    const lineStart = text.lastIndexOf('\n', f.span.start - 1) + 1;
    const lineEnd = text.indexOf('\n', f.span.start);
    const line = redactor
      .masked(lineStart, lineEnd === -1 ? text.length : lineEnd)
      .text.trim()
      .slice(0, 200);
    picked.push({ where: `${repo}/${path}:${lineNo}`, finding: { ...f, message: redactor.scrub(f.message) }, line });
  }
}

console.log(`${files} files, ${errors} rule errors`);
console.log('rule'.padEnd(34) + 'high'.padStart(7) + 'medium'.padStart(8) + 'low'.padStart(7));
for (const [rule, c] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) {
  console.log(rule.padEnd(34) + String(c.high).padStart(7) + String(c.medium).padStart(8) + String(c.low).padStart(7));
}
const sample =
  sampleSize >= picked.length
    ? picked
    : picked
        .map((p) => ({ p, k: random() }))
        .sort((a, b) => a.k - b.k)
        .slice(0, sampleSize)
        .map((x) => x.p);
if (sample.length)
  console.log(`\n${sample.length} of ${picked.length} findings${confidence ? ` (${confidence} confidence)` : ''}:`);
const compact = process.argv.includes('--compact');
for (const s of sample) {
  if (compact) console.log(`${s.where} [${s.finding.ruleId}] ${s.line}`);
  else
    console.log(
      `\n${s.where} [${s.finding.ruleId} ${s.finding.severity}/${s.finding.confidence}]\n  ${s.line}\n  ${s.finding.message}`,
    );
}
