// The language server's building blocks, tested on real text through the real engine.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../server/src/engine/analyze';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { hoverInfo } from '../../server/src/editor/hover';
import { applyEdits } from '../../server/src/fixes/edits';
import { minimalEdit, suppressionEdit } from '../../server/src/lsp/codeActions';
import { ConfigFiles, mergeConfig, rootFor, sanitizeSettings } from '../../server/src/lsp/config';
import { pathToUri, relativeTo, uriToPath } from '../../server/src/lsp/paths';
import { findCandidates, scan } from '../../server/src/lsp/scan';
import { LineIndex } from '../../server/src/text/lines';

const WORKFLOW = `on: push
permissions: write-all
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "\${{ github.event.issue.title }}"
`;

function tempTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'flowguard-units-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

describe('settings and config files', () => {
  test('invalid settings are dropped with a warning; valid ones kept', () => {
    const warnings: string[] = [];
    const s = sanitizeSettings(
      {
        enable: true,
        rules: { 'template-injection': 'low', x: 'loud', y: 3 },
        minSeverity: 'extreme',
        secretStore: 'keychain',
      },
      (m) => warnings.push(m),
    );
    assert.deepEqual(s, {
      enable: true,
      rules: { 'template-injection': 'low' },
      minSeverity: undefined,
      secretStore: undefined,
    });
    assert.equal(warnings.length, 4);
    assert.equal(sanitizeSettings({ secretStore: 'vault' }, () => assert.fail()).secretStore, 'vault');
    assert.deepEqual(
      sanitizeSettings(null, () => assert.fail()),
      { enable: true, rules: {} },
    );
    assert.equal(sanitizeSettings({ enable: false }, () => {}).enable, false);
  });

  test('editor settings win over .flowguard.yml', () => {
    const merged = mergeConfig(
      { ...DEFAULT_CONFIG, rules: { a: 'off', b: 'high' }, minSeverity: 'low', ignore: ['x/**'] },
      { enable: true, rules: { a: 'medium' }, minSeverity: undefined },
    );
    assert.deepEqual(merged.rules, { a: 'medium', b: 'high' });
    assert.equal(merged.minSeverity, 'low');
    assert.deepEqual(merged.ignore, ['x/**']);
    const vaultFile = {
      ...DEFAULT_CONFIG,
      secretStore: { provider: 'vault' as const, vaultUrl: 'https://vault.example.com' },
    };
    assert.deepEqual(mergeConfig(vaultFile, { enable: true, rules: {}, secretStore: 'aws' }).secretStore, {
      provider: 'aws',
      vaultUrl: 'https://vault.example.com',
    });
    assert.deepEqual(mergeConfig(vaultFile, { enable: true, rules: {} }).secretStore, vaultFile.secretStore);
  });

  test('config file problems carry positions; unsaved editor text wins over disk and is re-read after invalidation', () => {
    const root = tempTree({ '.flowguard.yml': 'rules:\n  template-injection: loud\n' });
    try {
      let editorText: string | undefined;
      const files = new ConfigFiles(() => editorText);
      const bad = files.load(root);
      assert.equal(bad.file, join(root, '.flowguard.yml'));
      assert.equal(bad.problems.length > 0, true);
      assert.equal(bad.problems[0].line, 1);
      assert.deepEqual(bad.config, DEFAULT_CONFIG, 'defaults apply while the file is invalid');
      editorText = 'rules:\n  template-injection: low\n';
      assert.equal(files.load(root).problems.length > 0, true, 'cached until invalidated');
      files.invalidate(root);
      assert.deepEqual(files.load(root).config.rules, { 'template-injection': 'low' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('rootFor: innermost workspace folder, else the nearest ancestor with .git or a config', () => {
    const root = tempTree({ 'repo/.git/HEAD': 'ref', 'repo/.github/workflows/ci.yml': WORKFLOW, 'loose/a.yml': '' });
    try {
      assert.equal(
        rootFor(join(root, 'repo/.github/workflows/ci.yml'), [root, join(root, 'repo')]),
        join(root, 'repo'),
      );
      assert.equal(rootFor(join(root, 'repo/.github/workflows/ci.yml'), []), join(root, 'repo'));
      assert.equal(
        rootFor(join(root, 'repo-other/x.yml'), [join(root, 'repo')]) !== join(root, 'repo'),
        true,
        'a sibling with a common prefix is not inside',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('paths', () => {
  test('file URIs round-trip and encode like VS Code', () => {
    const p = '/tmp/my repo/@scope/.github/workflows/ci (1).yml';
    const uri = pathToUri(p);
    assert.equal(uri, 'file:///tmp/my%20repo/%40scope/.github/workflows/ci%20%281%29.yml');
    assert.equal(uriToPath(uri), p);
    assert.equal(uriToPath('untitled:Untitled-1'), undefined);
    assert.equal(relativeTo('/a/b', '/a/b/c/d.yml'), 'c/d.yml');
    assert.equal(relativeTo('/a/b', '/a/bc/d.yml'), undefined);
  });
});

describe('code action helpers', () => {
  test('minimalEdit reproduces the new text and touches only the changed middle', () => {
    const before = 'a: 1\nb: 2\nc: 3\n';
    const after = 'a: 1\nb: "2"\nenv: x\nc: 3\n';
    const edit = minimalEdit(before, after);
    assert.equal(applyEdits(before, [edit]), after);
    assert.ok(edit.span.start >= 'a: 1\nb: '.length && edit.span.end <= before.length - 'c: 3\n'.length + 1);
    assert.equal(applyEdits(before, [minimalEdit(before, before)]), before);
  });

  test('suppression: a trailing comment on a YAML line, a comment line above the key of a run script; both honored', () => {
    const lines = new LineIndex(WORKFLOW);
    const result = analyze({ path: '.github/workflows/a.yml', text: WORKFLOW });
    for (const ruleId of ['excessive-permissions', 'template-injection']) {
      const finding = result.findings.find((f) => f.ruleId === ruleId);
      assert.ok(finding, `${ruleId} is found`);
      const edit = suppressionEdit(WORKFLOW, lines, finding)!;
      const text = applyEdits(WORKFLOW, [edit]);
      if (ruleId === 'excessive-permissions')
        assert.match(text, /^permissions: write-all # flowguard: ignore\[excessive-permissions\]$/m);
      else
        assert.match(
          text,
          /\n {6}# flowguard: ignore\[template-injection\]\n {6}- run: \|\n {10}echo "\$\{\{ github\.event\.issue\.title \}\}"/,
        );
      const after = analyze({ path: '.github/workflows/a.yml', text });
      assert.equal(after.findings.filter((f) => f.ruleId === ruleId).length, 0, `${ruleId} suppressed`);
      assert.equal(after.findings.filter((f) => f.ruleId === 'unjustified-suppression').length, 1, 'asks for a reason');
    }
  });

  test('suppression in a folded script leaves every command line intact', () => {
    const folded =
      'on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - name: Greet\n        run: >\n          ./check.sh &&\n          echo "${{ github.event.issue.title }}"\n';
    const result = analyze({ path: '.github/workflows/a.yml', text: folded });
    const finding = result.findings.find((f) => f.ruleId === 'template-injection')!;
    const text = applyEdits(folded, [suppressionEdit(folded, new LineIndex(folded), finding)!]);
    assert.equal(
      text,
      folded.replace('        run: >\n', '        # flowguard: ignore[template-injection]\n        run: >\n'),
    );
    assert.deepEqual(
      analyze({ path: '.github/workflows/a.yml', text }).findings.map((f) => f.ruleId),
      ['unjustified-suppression'],
    );
  });

  test('hoverInfo explains findings under the offset and escapes workflow text', () => {
    const result = analyze({ path: '.github/workflows/a.yml', text: WORKFLOW });
    const ti = result.findings.find((f) => f.ruleId === 'template-injection')!;
    const info = hoverInfo(result, ti.span.start + 2)!;
    assert.match(info.markdown, /template-injection/);
    assert.match(info.markdown, /docs\/rules\/template-injection\.md/);
    // Summary, risk, fix, docs; not the diagnostic's message, which the editor shows above the hover already.
    assert.ok(!info.markdown.includes(ti.message), info.markdown);
    assert.deepEqual(
      info.markdown.split('\n\n').map((p) => /^\*\*(Risk|Fix)\.\*\*|^\[Rule documentation\]/.exec(p)?.[0] ?? 'summary'),
      ['summary', '**Risk.**', '**Fix.**', '[Rule documentation]'],
    );
    assert.ok(
      !/<script>/.test(
        hoverInfo({ ...result, findings: [{ ...ti, message: '<script>x</script>' }] }, ti.span.start)!.markdown,
      ),
    );
    assert.equal(hoverInfo(result, 0)?.markdown.includes('template-injection') ?? false, false);
  });
});

describe('workspace scan', () => {
  test('finds workflows and actions, honors ignore, include and exclude, skips node_modules', () => {
    const root = tempTree({
      '.github/workflows/ci.yml': WORKFLOW,
      '.github/workflows/skip.yml': WORKFLOW,
      'actions/x/action.yml': 'runs:\n  using: composite\n  steps: []\n',
      'node_modules/dep/action.yml': 'runs:\n  using: node20\n  main: x.js\n',
      'ci/extra.yml': WORKFLOW,
      'ci/other.yml': WORKFLOW,
      'build/gen/.github/workflows/gen.yml': WORKFLOW,
    });
    try {
      const config = { ...DEFAULT_CONFIG, ignore: ['.github/workflows/skip.yml'], include: ['ci/extra.yml'] };
      const { candidates } = findCandidates({ roots: [{ root, config }], exclude: ['build/**'], skip: [] });
      assert.deepEqual(candidates.map((c) => c.relPath).sort(), [
        '.github/workflows/ci.yml',
        'actions/x/action.yml',
        'ci/extra.yml',
      ]);
      const out = scan(
        { roots: [{ root, config }], exclude: ['build/**'], skip: [join(root, 'ci/extra.yml')] },
        () => {},
      );
      assert.equal(out.files.length, 2);
      const ci = out.files.find((f) => f.uri.endsWith('/.github/workflows/ci.yml'))!;
      assert.equal(ci.findings.find((f) => f.ruleId === 'template-injection')?.range.start.line, 7);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
