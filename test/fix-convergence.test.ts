// fixAll says whether it converged: a file whose fixes still apply after the last allowed pass is reported, not
// silently left half-fixed.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { analyzeText, fixFile as fixAll, manyInjectionsWorkflow, ofRule } from './helpers';

const input = { path: '.github/workflows/greet.yml', text: manyInjectionsWorkflow() };

test('fixes that need more passes than allowed: converged is false, and the text holds the passes made', () => {
  const fixable = ofRule(analyzeText(input.text, input.path), 'template-injection').filter((f) => f.fixes.length);
  assert.equal(fixable.length, 15, 'precondition: fifteen fixable injections');
  const partial = fixAll(input);
  assert.equal(partial.converged, false);
  assert.equal(partial.rounds, 10);
  assert.equal(partial.applied.length, 10);
  assert.equal(partial.remaining.filter((f) => f.fixes.length).length, 5);
  assert.equal(fixAll(input, { maxPasses: 10 }).text, partial.text, 'deterministic');

  const rest = fixAll({ ...input, text: partial.text });
  assert.equal(rest.converged, true, 'running it again finishes the job');
  assert.equal(rest.rounds, 5);
  assert.equal(rest.text, fixAll(input, { maxPasses: 20 }).text);
});

test('a file whose fixes settle: converged, and a second run changes nothing in zero rounds', () => {
  const all = fixAll(input, { maxPasses: 20 });
  assert.deepEqual([all.converged, all.rounds], [true, 15]);
  assert.deepEqual(ofRule(analyzeText(all.text, input.path), 'template-injection'), []);
  const again = fixAll({ ...input, text: all.text });
  assert.deepEqual([again.text === all.text, again.converged, again.rounds, again.applied.length], [true, true, 0, 0]);
});
