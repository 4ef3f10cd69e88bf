// Applies the "Narrow permissions" fix to every workflow of the real-world corpus (../shared/corpus) and checks that
// the result is valid YAML whose jobs are still granted every scope their known steps need. Prints how many jobs are
// fully explained and how many have steps we cannot understand (and the commonest reasons).
// Usage: node --import tsx scripts/permissions-corpus.ts
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from '../server/src/yaml/parse';
import { buildWorkflow } from '../server/src/model/workflow';
import {
  computeWorkflowPermissions,
  levelRank,
  sortedScopes,
  type FileResolver,
} from '../server/src/analysis/permissions/index';
import { narrowPermissionsFix } from '../server/src/fixes/permissions';
import { applyEdits } from '../server/src/fixes/edits';

const root = join(import.meta.dirname, '..', '..', 'shared', 'corpus');
if (!existsSync(join(root, 'MANIFEST.tsv'))) {
  console.log('permissions-corpus: ../shared/corpus not found; nothing to check.');
  process.exit(0);
}

const counts = {
  workflows: 0,
  fixed: 0,
  unchanged: 0,
  invalidAfter: 0,
  lostScopes: 0,
  errors: 0,
  jobs: 0,
  explained: 0,
  withUnknown: 0,
  keptDefault: 0,
};
const reasons = new Map<string, number>();
const problems: string[] = [];
const started = performance.now();
for (const line of readFileSync(join(root, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1)) {
  const [repo, , path, , kind] = line.split('\t');
  if (kind !== 'workflow') continue;
  const repoDir = join(root, repo.replace('/', '__'));
  const file = join(repoDir, path);
  if (!existsSync(file)) continue;
  // Local reusable workflows and composite actions are resolved inside the same repository's files.
  const resolve: FileResolver = (p) =>
    existsSync(join(repoDir, p)) ? readFileSync(join(repoDir, p), 'utf8') : undefined;
  const text = readFileSync(file, 'utf8');
  try {
    const wf = buildWorkflow(parseYaml(text), path);
    if (!wf) continue;
    counts.workflows++;
    const before = computeWorkflowPermissions(wf, { resolve });
    for (const jp of before.jobs) {
      counts.jobs++;
      if (jp.unknown.length === 0) counts.explained++;
      else {
        counts.withUnknown++;
        for (const u of jp.unknown) {
          const key = u.reason
            .replace(/^in [^:]+: /, '')
            .replace(/`[^`]*`/g, '`…`')
            .replace(/^\S+ is not in the knowledge base/, '<action> is not in the knowledge base')
            .replace(/remote reusable workflow \S+/, 'remote reusable workflow')
            .slice(0, 90);
          reasons.set(key, (reasons.get(key) ?? 0) + 1);
        }
      }
    }
    const fix = narrowPermissionsFix(wf, { resolve }, before);
    if (!fix) {
      counts.unchanged++;
      continue;
    }
    const out = applyEdits(text, fix.edits);
    const parsed = parseYaml(out);
    const after = buildWorkflow(parsed, path);
    if (parsed.problems.length > 0 || !after) {
      counts.invalidAfter++;
      problems.push(`${repo}/${path}: invalid YAML after the fix: ${parsed.problems[0]?.message ?? 'no workflow'}`);
      continue;
    }
    counts.fixed++;
    const result = computeWorkflowPermissions(after, { resolve });
    for (const jp of result.jobs) {
      if (jp.granted.kind === 'default') {
        counts.keptDefault++;
        continue;
      }
      const missing = sortedScopes(jp.required).filter(
        (s) => levelRank(jp.granted.scopes[s]) < levelRank(jp.required[s]),
      );
      if (missing.length) {
        counts.lostScopes++;
        problems.push(`${repo}/${path}: job ${jp.job.id} lost ${missing.join(', ')}`);
      }
    }
  } catch (err) {
    counts.errors++;
    problems.push(`${repo}/${path}: ${(err as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
  }
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `workflows: ${counts.workflows} (${counts.fixed} narrowed, ${counts.unchanged} already narrow) in ${seconds}s`,
);
console.log(
  `after the fix: ${counts.invalidAfter} invalid YAML, ${counts.lostScopes} jobs missing a needed scope, ${counts.errors} errors`,
);
console.log(
  `jobs: ${counts.jobs}; fully explained ${counts.explained} (${((100 * counts.explained) / counts.jobs).toFixed(1)}%), with unknown steps ${counts.withUnknown}; jobs left on the repository default (unknown steps, no block) ${counts.keptDefault}`,
);
console.log('commonest reasons for unknown steps:');
for (const [r, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 12))
  console.log(`  ${String(n).padStart(5)}  ${r}`);
for (const p of problems.slice(0, 20)) console.log(`  ! ${p}`);
process.exit(counts.invalidAfter + counts.lostScopes + counts.errors > 0 ? 1 : 0);
