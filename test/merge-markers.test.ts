// A merge left conflict markers in ARCHITECTURE.md once and every gate passed: Markdown is neither compiled nor
// formatted. This walks the project's own text files (not dependencies or build output) and fails on any marker line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './helpers';

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'test-output', '.git', '.vscode-test', 'out']);
const TEXT_FILE = /\.(ts|mts|cts|js|mjs|cjs|json|md|yml|yaml|sh|txt)$|^run$/;
const MARKER = /^(<{7} |={7}$|>{7} )/m;

function* projectTextFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* projectTextFiles(join(dir, entry.name));
    } else if (TEXT_FILE.test(entry.name)) {
      yield join(dir, entry.name);
    }
  }
}

test('no file of the project holds a merge conflict marker', () => {
  const withMarkers: string[] = [];
  for (const file of projectTextFiles(ROOT)) {
    if (MARKER.test(readFileSync(file, 'utf8'))) withMarkers.push(relative(ROOT, file));
  }
  assert.deepEqual(withMarkers, []);
});

test('the marker check sees a conflict block', () => {
  assert.ok(MARKER.test('text\n<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> branch\n'));
  assert.ok(!MARKER.test('a heading\n=====\n<<<<<<<< eight is not a marker\n'));
});
