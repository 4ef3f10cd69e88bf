// Scale: repeats of one cause collapse into one finding (bounded reports on files with thousands of expressions).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../server/src/engine/analyze';
import { MAX_RELATED_OCCURRENCES } from '../server/src/engine/context';
import { fixFile, ofRule } from './helpers';

const PATH = '.github/workflows/scale.yml';

function repeatedInjection(times: number, otherStep = true): string {
  const lines = Array.from({ length: times }, (_, i) => `          echo "\${{ github.event.issue.title }} ${i}"`);
  return (
    'on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n' +
    `      - run: |\n${lines.join('\n')}\n          echo "\${{ github.event.issue.body }}"\n` +
    (otherStep ? '      - run: echo "${{ github.event.issue.title }}"\n' : '')
  );
}

describe('one cause, one finding', () => {
  test('an expression repeated in one step is one finding with the other occurrences related and counted', () => {
    const text = repeatedInjection(5);
    const found = ofRule(analyze({ path: PATH, text }), 'template-injection');
    // The title in step 1 (collapsed), the body in step 1, the title again in step 2 (another step: its own finding).
    assert.deepEqual(
      found.map((f) => [text.slice(f.span.start, f.span.end), f.properties?.occurrences ?? 1, f.related?.length ?? 0]),
      [
        ['${{ github.event.issue.title }}', 5, 4],
        ['${{ github.event.issue.body }}', 1, 0],
        ['${{ github.event.issue.title }}', 1, 0],
      ],
    );
    const first = found[0];
    const lines = first.related!.map((r) => text.slice(0, r.span.start).split('\n').length);
    assert.deepEqual(lines, [10, 11, 12, 13], 'each other occurrence, at its own line');
  });

  test('thousands of repeats: one finding, a bounded list of related locations, the full count, no limit problem', () => {
    const result = analyze({ path: PATH, text: repeatedInjection(5000, false) });
    const found = ofRule(result, 'template-injection');
    assert.equal(found.length, 2);
    assert.equal(found[0].properties?.occurrences, 5000);
    assert.equal(found[0].related?.length, MAX_RELATED_OCCURRENCES);
    assert.deepEqual(result.problems, []);
  });

  test('fixing the collapsed finding fixes every occurrence (round trip, nothing else changes)', () => {
    const text = repeatedInjection(3, false);
    const fixed = fixFile({ path: PATH, text });
    assert.equal(fixed.converged, true);
    const after = analyze({ path: PATH, text: fixed.text });
    assert.deepEqual(after.problems, []);
    assert.deepEqual(ofRule(after, 'template-injection'), []);
    assert.ok(!fixed.text.includes('${{ github.event.issue.title }} '), fixed.text);
  });
});
