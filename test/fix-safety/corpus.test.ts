// The fix-safety check on a slice of the real-world corpus: every fix marked safe, applied alone, leaves valid YAML,
// changes nothing outside its region, removes its finding, adds none, and leaves changed scripts parsing under
// bash -n without new ShellCheck errors. `npm run fix-safety` runs the same check over the whole corpus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoFileReader } from '../../server/src/io/repo-files';
import { checkFileFixes, shellTools } from '../../scripts/fix-safety-check';
import { CORPUS } from '../helpers';

const manifest = join(CORPUS, 'MANIFEST.tsv');
const present = existsSync(manifest);

test(
  'fix-safety check over a corpus slice: no fix marked safe breaks a file',
  { skip: !present && 'corpus not found at ../shared/corpus' },
  (t) => {
    const tools = shellTools();
    if (!tools.shellcheck) t.diagnostic('shellcheck not found: the ShellCheck part of the check is skipped');
    if (!tools.bash) t.diagnostic('bash not found: the bash -n part of the check is skipped');
    // Every 50th workflow or action file: a slice across repositories, the same on every run.
    const rows = readFileSync(manifest, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'))
      .filter(([, , , , kind]) => kind === 'workflow' || kind === 'action')
      .filter((_, i) => i % 50 === 0);
    let applied = 0;
    const broken: string[] = [];
    for (const [repo, , path, , kind] of rows) {
      const dir = join(CORPUS, repo.replace('/', '__'));
      if (!existsSync(join(dir, path))) continue;
      const text = readFileSync(join(dir, path), 'utf8').replace(/^\uFEFF/, '');
      const verdicts = checkFileFixes(
        { path, text, kind: kind as 'workflow' | 'action', readFile: repoFileReader(dir) },
        tools,
        { maxFixesPerRule: 2 },
      );
      applied += verdicts.length;
      for (const v of verdicts)
        if (v.safety === 'safe' && v.problems.length)
          broken.push(`${repo}/${path} [${v.ruleId}] ${v.title}: ${v.problems.join('; ')}`);
    }
    t.diagnostic(`${rows.length} files, ${applied} fixes applied alone`);
    assert.ok(applied > 10, 'the slice exercises fixes');
    assert.deepEqual(broken, []);
  },
);
