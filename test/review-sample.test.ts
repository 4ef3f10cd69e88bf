// The precision review harness on a tiny synthetic corpus: it draws medium/high findings with their context, and
// scores a judged sheet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers';

const INJECTION = `on: pull_request_target
permissions:
  contents: read
jobs:
  greet:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: echo "\${{ github.event.pull_request.title }}"
`;
const NO_PERMISSIONS = `on:
  issue_comment:
    types: [created]
jobs:
  reply:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: echo "\${{ github.event.comment.body }}"
        env:
          GH_TOKEN: \${{ github.token }}
`;

function run(args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'review-sample.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
}

test('review-sample draws a seeded sheet with context and scores the judged sheet per rule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowguard-review-'));
  try {
    const corpus = join(dir, 'corpus');
    for (const [repo, file, text] of [
      ['acme__site', 'greet.yml', INJECTION],
      ['acme__bot', 'reply.yml', NO_PERMISSIONS],
    ]) {
      mkdirSync(join(corpus, repo, '.github', 'workflows'), { recursive: true });
      writeFileSync(join(corpus, repo, '.github', 'workflows', file), text);
    }
    writeFileSync(
      join(corpus, 'MANIFEST.tsv'),
      'repo\tcommit\tpath\tsize_bytes\tkind\tlicense\n' +
        'acme/site\t0\t.github/workflows/greet.yml\t1\tworkflow\tMIT\n' +
        'acme/bot\t0\t.github/workflows/reply.yml\t1\tworkflow\tMIT\n',
    );
    const sheet = join(dir, 'sheet.md');
    run(['--corpus', corpus, '--seed', '7', '--per-rule', '5', '--out', sheet]);
    const text = readFileSync(sheet, 'utf8');
    assert.match(text, /^## 1\. missing-permissions — high\/high$/m);
    assert.match(text, /^## 2\. template-injection — high\/high$/m);
    assert.match(text, /- triggers: issue_comment \[created\]/);
    assert.match(text, /- job: greet; runs-on: ubuntu-latest/);
    assert.match(text, /- file: acme\/site\/\.github\/workflows\/greet\.yml:9/);
    assert.match(text, /^## 3\. template-injection — high\/high$/m);
    assert.equal((text.match(/^- verdict: $/gm) ?? []).length, 3);
    // The same seed draws the same sheet.
    const again = join(dir, 'again.md');
    run(['--corpus', corpus, '--seed', '7', '--per-rule', '5', '--out', again]);
    assert.equal(readFileSync(again, 'utf8'), text);
    // --rule limits the sheet to the rules named.
    const one = join(dir, 'one.md');
    run(['--corpus', corpus, '--seed', '7', '--per-rule', '5', '--rule', 'missing-permissions', '--out', one]);
    assert.deepEqual(readFileSync(one, 'utf8').match(/^## \d+\. \S+/gm), ['## 1. missing-permissions']);

    const judged = text.replace('- verdict: ', '- verdict: true').replaceAll('- verdict: \n', '- verdict: debatable\n');
    writeFileSync(sheet, judged);
    const score = run(['--score', sheet]);
    assert.match(score, /missing-permissions\s+1\s+0\s+0\s+100%/);
    assert.match(score, /template-injection\s+0\s+0\s+2\s+0%/);
    assert.match(score, /all\s+1\s+0\s+2\s+33%/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
