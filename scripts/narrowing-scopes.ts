// Corpus check for "Narrow permissions never adds a scope the job did not have": every narrowing fix on
// ../shared/corpus, applied alone; for each job, the scopes it is granted before and after are compared. A job whose
// grant was an explicit block (its own or the workflow's) must not gain a scope key or a higher level; narrowing
// write-all or the repository default into explicit scopes is the fix's purpose and is not counted.
// Usage: node --import tsx scripts/narrowing-scopes.ts [--limit N]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import { applyEdits } from '../server/src/fixes/edits';
import {
  computeWorkflowPermissions,
  levelRank,
  sortedScopes,
  type ScopeMap,
} from '../server/src/analysis/permissions/index';
import type { Workflow } from '../server/src/model/workflow';
import { repoFileReader } from '../server/src/io/repo-files';

const corpus = join(import.meta.dirname, '..', '..', 'shared', 'corpus');
if (!existsSync(join(corpus, 'MANIFEST.tsv'))) {
  console.log('corpus not found at ../shared/corpus: skipped');
  process.exit(0);
}
const limitAt = process.argv.indexOf('--limit');
const limit = limitAt === -1 ? Infinity : Number(process.argv[limitAt + 1]);
const rows = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t'))
  .filter(([, , , , kind]) => kind === 'workflow')
  .slice(0, limit);

/** The explicit scopes each job is granted (undefined: write-all, an expression or the repository default). */
function explicitGrants(wf: Workflow): Map<string, ScopeMap | undefined> {
  const out = new Map<string, ScopeMap | undefined>();
  for (const jp of computeWorkflowPermissions(wf).jobs) {
    const kind = jp.granted.kind;
    out.set(jp.job.id, kind === 'map' || kind === 'none' || kind === 'read-all' ? jp.granted.scopes : undefined);
  }
  return out;
}

let fixes = 0;
const violations: string[] = [];
for (const [repo, , path] of rows) {
  const repoDir = join(corpus, repo.replace('/', '__'));
  const file = join(repoDir, path);
  if (!existsSync(file)) continue;
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const input = { path, text, kind: 'workflow' as const, readFile: repoFileReader(repoDir), repository: repo };
  const before = analyze(input);
  if (before.problems.length || before.model?.kind !== 'workflow') continue;
  const grantsBefore = explicitGrants(before.model);
  const seen = new Set<string>();
  for (const finding of before.findings)
    for (const fix of finding.fixes) {
      if (!/^Narrow permissions/i.test(fix.title)) continue;
      const key = JSON.stringify(fix.edits);
      if (seen.has(key)) continue;
      seen.add(key);
      fixes++;
      const after = analyze({ ...input, text: applyEdits(text, fix.edits) });
      if (after.model?.kind !== 'workflow') {
        violations.push(`${repo}/${path}: ${finding.ruleId}: the fixed file is no longer a workflow`);
        continue;
      }
      for (const [job, scopes] of explicitGrants(after.model)) {
        const was = grantsBefore.get(job);
        if (!was || !scopes) continue;
        for (const s of sortedScopes(scopes))
          if (levelRank(scopes[s]) > levelRank(was[s]))
            violations.push(
              `${repo}/${path}: ${finding.ruleId}: job '${job}' ${s}: ${was[s] ?? 'absent'} -> ${scopes[s]}`,
            );
      }
    }
}
console.log(`${rows.length} workflows, ${fixes} narrowing fixes checked, ${violations.length} violations`);
for (const v of violations) console.log('  ' + v);
process.exit(violations.length ? 1 : 0);
