// Robustness over ../shared/corpus (real workflows and actions): the CLI finishes, reads every file, and no rule
// throws, and every file's fixes give valid YAML. Skipped when the corpus is absent; speed is measured by `npm run bench`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, ROOT, fixFile } from '../helpers';
import { runCli, tempDir } from './helpers';
import { analyze } from '../../server/src/engine/analyze';

const present = existsSync(join(CORPUS, 'MANIFEST.tsv'));

test(
  'flowguard scan ../shared/corpus completes without a crash or a rule error',
  { skip: present ? false : 'corpus not found at ../shared/corpus', timeout: 10 * 60_000 },
  async (t) => {
    const manifest = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'));
    const expected = manifest.filter((cols) => cols[4] === 'workflow' || cols[4] === 'action').length;
    const out = join(tempDir(t), 'corpus.json');
    const r = await runCli(['scan', join('..', 'shared', 'corpus'), '--format', 'json', '--output', out], {
      cwd: ROOT,
      timeoutMs: 9 * 60_000,
    });
    assert.equal(r.timedOut, false);
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    const byKind = (kind: string) => doc.files.filter((f: { kind: string | null }) => f.kind === kind).length;
    assert.equal(
      byKind('workflow') + byKind('action'),
      expected,
      'every workflow and action of the manifest is scanned',
    );
    // GitLab CI files found by path (.gitlab-ci.yml, .gitlab/...) are scanned as GitLab; none is left unclassified.
    assert.ok(byKind('gitlab') > 200, `${byKind('gitlab')} GitLab CI files`);
    assert.equal(doc.files.length, expected + byKind('gitlab'));
    const ruleErrors = doc.files.flatMap(
      (f: { path: string; ruleErrors?: Array<{ ruleId: string; message: string }> }) =>
        (f.ruleErrors ?? []).map((e) => `${f.path}: ${e.ruleId}: ${e.message}`),
    );
    assert.deepEqual(ruleErrors, []);
    assert.deepEqual(doc.errors, []);
  },
);

test(
  'fixing every finding of every corpus file gives valid YAML and never throws',
  { skip: present ? false : 'corpus not found at ../shared/corpus', timeout: 10 * 60_000 },
  () => {
    const manifest = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'));
    const broken: string[] = [];
    let changed = 0;
    for (const cols of manifest.filter((c) => c[4] === 'workflow' || c[4] === 'action')) {
      const [repo, , path] = cols;
      const text = readFileSync(join(CORPUS, repo.replace('/', '__'), path), 'utf8');
      const before = analyze({ path, text });
      const fixed = fixFile({ path, text });
      if (fixed.text === text) continue;
      changed++;
      const after = analyze({ path, text: fixed.text });
      if (after.problems.length > before.problems.length) broken.push(`${repo}/${path}: ${after.problems[0].message}`);
    }
    assert.ok(changed > 1000, `${changed} files changed by their fixes`);
    assert.deepEqual(broken, []);
  },
);
