// Property-based robustness (fast-check): hostile YAML and workflow shapes through the real engine and reports, and
// random edit sequences through the real language-server scheduler. A short run; `npm run fuzz` runs ≥ 100,000 cases.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkCase, hostileCase, seedTexts } from './fuzz/hostile';
import { checkEditSequence, editSequence } from './fuzz/edits';

/** Per file, generous for a loaded machine and far below "hangs" (the issue saw 8.9 s on one document). */
const BUDGET_MS = 5_000;
const seeds = seedTexts();

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
