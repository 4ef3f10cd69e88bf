// Coverage of the actions knowledge base over the real-world corpus (../shared/corpus): top-N coverage, coverage of
// all `uses:` occurrences, and the most used actions still missing.
// Local actions (./...) and docker:// images are no knowledge-base matter: they are counted apart, outside the
// denominator, as are reusable workflows and references built from expressions or malformed (`$/...`).
// Usage: node --import tsx scripts/kb-coverage.ts [--top 200] [--missing 25]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from '../server/src/yaml/parse';
import { buildWorkflow } from '../server/src/model/workflow';
import { buildAction } from '../server/src/model/action';
import { lookupAction } from '../server/src/knowledge/actions-kb';

const root = join(import.meta.dirname, '..', '..', 'shared', 'corpus');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const top = arg('--top', 200);
const missingShown = arg('--missing', 25);

if (!existsSync(join(root, 'MANIFEST.tsv'))) {
  console.log('kb-coverage: ../shared/corpus not found; nothing to measure.');
  process.exit(0);
}

const counts = new Map<string, number>();
const apart = { local: 0, docker: 0, invalid: 0, reusableWorkflow: 0 };
for (const line of readFileSync(join(root, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1)) {
  const [repo, , path, , kind] = line.split('\t');
  const file = join(root, repo.replace('/', '__'), path);
  if (!existsSync(file)) continue;
  const parsed = parseYaml(readFileSync(file, 'utf8'));
  const model = kind === 'workflow' ? buildWorkflow(parsed, path) : buildAction(parsed, path);
  if (!model) continue;
  const refs =
    model.kind === 'workflow'
      ? model.jobs.flatMap((j) => [j.uses, ...j.steps.map((s) => s.uses)])
      : model.steps.map((s) => s.uses);
  for (const ref of refs) {
    if (!ref) continue;
    if (ref.kind === 'local' || ref.kind === 'local-reusable-workflow') apart.local++;
    else if (ref.kind === 'docker') apart.docker++;
    else if (ref.kind === 'reusable-workflow') apart.reusableWorkflow++;
    else if (!ref.slug || ref.raw.includes('${{') || !/^[a-z0-9]/i.test(ref.owner ?? '')) apart.invalid++;
    else counts.set(ref.slug, (counts.get(ref.slug) ?? 0) + 1);
  }
}

const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
const total = ranked.reduce((n, [, c]) => n + c, 0);
const known = ranked.filter(([slug]) => lookupAction(slug));
const knownOccurrences = known.reduce((n, [, c]) => n + c, 0);
const topKnown = ranked.slice(0, top).filter(([slug]) => lookupAction(slug)).length;
const pct = (a: number, b: number) => (b === 0 ? '100.0' : ((100 * a) / b).toFixed(1));

console.log(`actions in the corpus: ${ranked.length} distinct, ${total} uses: occurrences`);
console.log(
  `top-${top} coverage: ${topKnown}/${Math.min(top, ranked.length)} (${pct(topKnown, Math.min(top, ranked.length))}%)`,
);
console.log(`occurrence coverage: ${knownOccurrences}/${total} (${pct(knownOccurrences, total)}%)`);
console.log(`distinct actions known: ${known.length}/${ranked.length}`);
console.log(
  `counted apart: ${apart.local} local ./ actions or workflows, ${apart.docker} docker://, ${apart.reusableWorkflow} remote reusable workflows, ${apart.invalid} built from expressions or malformed`,
);
const missing = ranked.filter(([slug]) => !lookupAction(slug)).slice(0, missingShown);
if (missing.length) {
  console.log(`top missing actions:`);
  for (const [slug, n] of missing) console.log(`  ${String(n).padStart(5)}  ${slug}`);
}
