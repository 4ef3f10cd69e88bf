// Property-based robustness (fast-check): hostile YAML and workflow shapes through the real engine and reports, and
// random edit sequences through the real language-server scheduler. A short run; `npm run fuzz` runs ≥ 100,000 cases.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkCase, hostileCase, seedTexts } from './fuzz/hostile';
import { checkEditSequence, editSequence } from './fuzz/edits';
import { analyze } from '../server/src/engine/analyze';
import { scanExitStatus } from '../server/src/cli/scan';

/** Per file, generous for a loaded machine and far below "hangs" (the issue saw 8.9 s on one document). */
const BUDGET_MS = 5_000;
const seeds = seedTexts();

test('a failure outside the rules (here a reader that throws while GitLab includes are resolved) fails closed', () => {
  const result = analyze({
    path: '.gitlab-ci.yml',
    text: 'include:\n  - local: ci/build.yml\njob:\n  script: echo\n',
    readFile: () => {
      throw new Error('disk on fire');
    },
  });
  assert.deepEqual(
    result.ruleErrors.map((e) => e.ruleId),
    ['engine'],
  );
  assert.match(result.ruleErrors[0].message, /disk on fire/);
  assert.equal(scanExitStatus(0, 0, result.ruleErrors.length, true), 3, 'exit 3 even with --no-fail');
});

describe('hostile input (property-based, short run)', () => {
  test('no crash, no rule failure, no hang, exit 0 or 1, valid JSON and SARIF on hostile files', () => {
    fc.assert(
      fc.property(hostileCase(seeds), (c) => {
        const problem = checkCase(c, BUDGET_MS);
        assert.equal(problem, undefined, `${c.path} (${c.text.length} chars): ${problem}`);
      }),
      { numRuns: 150, seed: Number(process.env.FUZZ_SEED ?? 1616) },
    );
  });

  test('the language server never loses an edit: the last version of a document is the one published', async () => {
    await fc.assert(
      fc.asyncProperty(editSequence(seeds), async (edits) => {
        const problem = await checkEditSequence(edits);
        assert.equal(problem, undefined, problem);
      }),
      { numRuns: 12, seed: Number(process.env.FUZZ_SEED ?? 1616) },
    );
  });
});
