// The checklist store after a workspace scan meets the notifications that arrived while the scan ran.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeScanAnswer } from '../../client/src/scanMerge';
import type { FileFindings } from '../../server/src/protocol';

const file = (name: string, generation: number, problems = 0): FileFindings => ({
  uri: `file:///r/.github/workflows/${name}`,
  kind: 'workflow',
  generation,
  findings: [],
  problems,
});

test('a file removed after the scan read it stays removed; an older removal does not hide a newer scan', () => {
  const merged = mergeScanAnswer(
    [file('deleted.yml', 1), file('recreated.yml', 4), file('kept.yml', 0)],
    new Map(),
    new Map([
      [file('deleted.yml', 0).uri, 2],
      [file('recreated.yml', 0).uri, 3],
    ]),
  );
  assert.deepEqual([...merged.keys()].map((u) => u.split('/').pop()).sort(), ['kept.yml', 'recreated.yml']);
});

test('a file announced after the scan listed its folder is kept, and the newer copy of a changed file wins', () => {
  const created = file('created.yml', 1);
  const changed = file('changed.yml', 3, 1);
  const merged = mergeScanAnswer(
    [file('changed.yml', 2)],
    new Map([
      [created.uri, created],
      [changed.uri, changed],
    ]),
    new Map([
      [created.uri, 1],
      [changed.uri, 3],
    ]),
  );
  assert.equal(merged.get(created.uri), created);
  assert.equal(merged.get(changed.uri)?.problems, 1);
});

test('files only the old store knew, with no announcement during the scan, are dropped (the scan no longer sees them)', () => {
  const stale = file('stale.yml', 5);
  const merged = mergeScanAnswer([file('a.yml', 0)], new Map([[stale.uri, stale]]), new Map());
  assert.deepEqual([...merged.keys()], [file('a.yml', 0).uri]);
});
