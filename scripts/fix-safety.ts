// Fix-safety check over the real-world corpus (../shared/corpus): every fix of every finding, applied alone, is
// judged by scripts/fix-safety-check.ts. Prints fixes applied, broken among safe (must be 0) and broken among
// unsafe, by rule, and the broken safe fixes in full. Exit code 1 when a safe fix broke a file.
// Usage: node --import tsx scripts/fix-safety.ts [--rule ID[,ID]] [--limit N] [--per-rule-per-file N (5)] [--show N] [--unsafe] [--residual]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoFileReader } from '../server/src/io/repo-files';
import { checkFileFixes, shellTools, type FixVerdict } from './fix-safety-check';

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
const ruleIds = arg('rule')?.split(',');
const limit = Number(arg('limit') ?? Infinity);
const perRulePerFile = Number(arg('per-rule-per-file') ?? 5);
const show = Number(arg('show') ?? 10);

const tools = shellTools();
if (!tools.shellcheck) console.log('shellcheck not found: the ShellCheck part of the check is skipped');
if (!tools.bash) console.log('bash not found: the bash -n part of the check is skipped');

const rows = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t'))
  .filter(([, , , , kind]) => kind === 'workflow' || kind === 'action')
  .slice(0, limit);

const started = Date.now();
const all: Array<FixVerdict & { file: string }> = [];
for (const [repo, , path, , kind] of rows) {
  const repoDir = join(corpus, repo.replace('/', '__'));
  const file = join(repoDir, path);
  if (!existsSync(file)) continue;
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const verdicts = checkFileFixes(
    { path, text, kind: kind as 'workflow' | 'action', readFile: repoFileReader(repoDir), repository: repo },
    tools,
    { ruleIds, maxFixesPerRule: perRulePerFile },
  );
  for (const v of verdicts) all.push({ ...v, file: `${repo}/${path}` });
}

const byRule = new Map<string, { safe: number; unsafe: number; brokenSafe: number; brokenUnsafe: number }>();
for (const v of all) {
  const r = byRule.get(v.ruleId) ?? { safe: 0, unsafe: 0, brokenSafe: 0, brokenUnsafe: 0 };
  r[v.safety]++;
  if (v.problems.length) r[v.safety === 'safe' ? 'brokenSafe' : 'brokenUnsafe']++;
  byRule.set(v.ruleId, r);
}
const brokenSafe = all.filter((v) => v.safety === 'safe' && v.problems.length);
const brokenUnsafe = all.filter((v) => v.safety === 'unsafe' && v.problems.length);
const residual = all.filter((v) => v.residual.length);
console.log(
  `${rows.length} files, ${all.length} fixes applied (each alone) in ${((Date.now() - started) / 1000).toFixed(1)} s` +
    `; shellcheck ${tools.shellcheck ? 'on' : 'off'}, bash -n ${tools.bash ? 'on' : 'off'}`,
);
console.log(
  'rule'.padEnd(30) + 'safe'.padStart(7) + 'broken'.padStart(8) + 'unsafe'.padStart(8) + 'broken'.padStart(8),
);
for (const [rule, r] of [...byRule].sort((a, b) => a[0].localeCompare(b[0])))
  console.log(
    rule.padEnd(30) +
      String(r.safe).padStart(7) +
      String(r.brokenSafe).padStart(8) +
      String(r.unsafe).padStart(8) +
      String(r.brokenUnsafe).padStart(8),
  );
console.log(
  `total: ${all.length} fixes; broken among safe: ${brokenSafe.length}; broken among unsafe: ${brokenUnsafe.length}` +
    `; ${residual.length} leave the same value reported by another rule on the rewritten line`,
);
const print = (title: string, list: typeof all) => {
  if (!list.length) return;
  console.log(`\n${title} (first ${Math.min(show, list.length)} of ${list.length}):`);
  for (const v of list.slice(0, show))
    console.log(`- ${v.file} [${v.ruleId}] ${v.title}\n    ${v.problems.slice(0, 3).join('\n    ')}`);
};
print('Broken safe fixes', brokenSafe);
if (process.argv.includes('--unsafe')) print('Broken unsafe fixes', brokenUnsafe);
if (process.argv.includes('--residual'))
  print(
    'Residual findings',
    residual.map((v) => ({ ...v, problems: v.residual })),
  );
process.exit(brokenSafe.length ? 1 : 0);
