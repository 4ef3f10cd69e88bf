// The server's configuration, findings notifications and workspace scan as units, without the protocol: real files in a
// temporary folder, real config parsing, the real engine.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { analyzeText } from '../../server/src/lsp/analysis';
import { FindingsNotifier } from '../../server/src/lsp/findingsNotifier';
import { pathToUri } from '../../server/src/lsp/paths';
import type { Snapshot } from '../../server/src/lsp/scheduler';
import { summarize } from '../../server/src/lsp/summaries';
import { WorkspaceConfiguration } from '../../server/src/lsp/workspaceConfig';
import { startWorkspaceScan } from '../../server/src/lsp/workspaceScan';
import type { FindingsChangedParams } from '../../server/src/protocol';
import { LineIndex } from '../../server/src/text/lines';

const WORKFLOW =
  'on: pull_request_target\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo "${{ github.head_ref }}"\n';

const roots: string[] = [];
function tempTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'flowguard-workspace-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function configuration(open: Record<string, string> = {}, pulled?: (root: string) => unknown) {
  const loads: Array<{ file: string; problems: number }> = [];
  const warnings: string[] = [];
  const config = new WorkspaceConfiguration({
    pull: async (root) => pulled?.(root),
    openText: (path) => open[path],
    warn: (m) => warnings.push(m),
    loaded: ({ file, problems }) => loads.push({ file, problems: problems.length }),
  });
  if (pulled) config.usePulledSettings(true);
  return { config, loads, warnings };
}

describe('workspace configuration', () => {
  test('decides per document: workflows and actions by path, included YAML, ignored files, disabled settings', async () => {
    const root = tempTree({
      '.flowguard.yml': 'ignore:\n  - .github/workflows/skip.yml\ninclude:\n  - ci/*.yml\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
    });
    const { config, loads } = configuration();
    config.setFolders([root]);
    const uri = (rel: string) => pathToUri(join(root, rel));
    const ci = await config.target(uri('.github/workflows/ci.yml'));
    assert.deepEqual(
      [ci?.relPath, ci?.kind, ci?.root, ci?.repoRoot],
      ['.github/workflows/ci.yml', 'workflow', root, root],
    );
    assert.equal((await config.target(uri('sub/action.yml')))?.kind, 'action');
    assert.equal((await config.target(uri('ci/extra.yml')))?.relPath, 'ci/extra.yml', 'included by config');
    assert.equal(await config.target(uri('.github/workflows/skip.yml')), undefined, 'ignored by config');
    assert.equal(await config.target(uri('notes/other.yml')), undefined, 'plain YAML');
    assert.equal(await config.target(uri('.flowguard.yml')), undefined, 'the config file itself');
    assert.equal(await config.target('untitled:Untitled-1', 'yaml'), undefined);
    assert.equal((await config.target('untitled:Untitled-1', 'github-actions-workflow'))?.kind, 'workflow');
    assert.deepEqual(loads, [{ file: join(root, '.flowguard.yml'), problems: 0 }], 'loaded once, announced once');

    config.push({ enable: false });
    assert.equal(await config.target(uri('.github/workflows/ci.yml')), undefined, 'Flowguard disabled');
  });

  test('pulled settings per folder win over .flowguard.yml; an edited config file is reloaded and announced again', async () => {
    const root = tempTree({ '.flowguard.yml': 'rules:\n  unpinned-uses: off\n' });
    const configPath = join(root, '.flowguard.yml');
    const open: Record<string, string> = {};
    let asked = 0;
    const { config, loads } = configuration(open, () => {
      asked++;
      return { rules: { 'template-injection': 'low' } };
    });
    config.setFolders([root]);
    const merged = await config.configFor(root);
    assert.equal(merged.rules['template-injection'], 'low');
    assert.equal(merged.rules['unpinned-uses'], 'off');
    await config.configFor(root);
    assert.equal(asked, 1, 'settings are cached per folder');
    config.settingsChanged();
    await config.configFor(root);
    assert.equal(asked, 2, 'asked again after a change');

    open[configPath] = 'rules:\n  unpinned-uses: nonsense\n';
    config.configFileChanged(configPath);
    assert.deepEqual(
      loads.map((l) => l.problems),
      [0, 1],
      'the unsaved invalid text is loaded and its problem announced',
    );
    assert.equal((await config.configFor(root)).rules['unpinned-uses'], undefined, 'defaults while invalid');
  });
});

describe('findings notifier', () => {
  test('announces changes only, with a generation that only increases; a scan answer makes the next one go out', () => {
    const sent: FindingsChangedParams[] = [];
    const notifier = new FindingsNotifier((p) => sent.push(p));
    const uri = 'file:///r/.github/workflows/a.yml';
    const text = WORKFLOW;
    const findings = summarize(uri, text, analyzeText({ relPath: 'a.yml', text, config: DEFAULT_CONFIG }), 0);
    notifier.notify(uri, findings);
    notifier.notify(uri, { ...findings });
    assert.equal(sent.length, 1, 'the same findings are not announced twice');
    notifier.scanAnswered([uri]);
    notifier.notify(uri, findings);
    notifier.notify(uri, undefined);
    notifier.notify(uri, undefined);
    assert.deepEqual(
      sent.map((p) => [p.generation, p.removed ?? false, p.findings.length > 0]),
      [
        [1, false, true],
        [2, false, true],
        [3, true, false],
      ],
    );
    assert.equal(notifier.generation(uri), 3);
  });

  test('a removal goes out for a file it never announced, and again after a scan replaced the client store', () => {
    const sent: FindingsChangedParams[] = [];
    const notifier = new FindingsNotifier((p) => sent.push(p));
    const uri = 'file:///r/.github/workflows/scanned-only.yml';
    notifier.notify(uri, undefined);
    assert.deepEqual(
      sent.map((p) => [p.uri, p.generation, p.removed]),
      [[uri, 1, true]],
      'the client may hold the file from a workspace scan',
    );
    notifier.notify(uri, undefined);
    assert.equal(sent.length, 1, 'a second removal in a row says nothing new');
    notifier.scanAnswered([uri]);
    assert.deepEqual(notifier.heldFiles(), [uri]);
    notifier.notify(uri, undefined);
    assert.deepEqual(notifier.heldFiles(), []);
    assert.deepEqual(
      sent.map((p) => p.generation),
      [1, 2],
      'after a scan the file may be back in the client',
    );
  });
});

describe('workspace scan', () => {
  test('merges the scan of the disk with open documents, stamping generations from when the scan started', async () => {
    const root = tempTree({
      '.github/workflows/ci.yml': WORKFLOW,
      '.github/workflows/open.yml': 'on: push\njobs: {}\n',
      'node_modules/x/action.yml': 'runs:\n  using: node20\n  main: x.js\n',
    });
    const notifier = new FindingsNotifier(() => {});
    const ciUri = pathToUri(join(root, '.github/workflows/ci.yml'));
    notifier.notify(ciUri, { uri: ciUri, generation: 0, findings: [], problems: 0 });
    notifier.notify(ciUri, undefined); // generation 2
    const openPath = join(root, '.github/workflows/open.yml');
    const openText = WORKFLOW.replace('head_ref', 'event.issue.title');
    const analysis = analyzeText({ relPath: '.github/workflows/open.yml', text: openText, config: DEFAULT_CONFIG });
    const latest: Snapshot = {
      version: 4,
      text: openText,
      lines: new LineIndex(openText),
      analysis,
      editor: () => Promise.resolve({ lenses: [] }),
    };
    const progress: number[] = [];
    const running = startWorkspaceScan(
      {
        notifier,
        openDocuments: () => [{ uri: pathToUri(openPath), version: 5, latest }],
      },
      { roots: [{ root, config: DEFAULT_CONFIG }], exclude: [], skip: [openPath] },
      (done) => progress.push(done),
    );
    const result = await running.promise;
    const byName = new Map(result.files.map((f) => [f.uri.split('/').pop(), f]));
    assert.deepEqual([...byName.keys()].sort(), ['ci.yml', 'open.yml'], 'node_modules is skipped');
    assert.equal(byName.get('ci.yml')!.generation, 2);
    assert.ok(byName.get('ci.yml')!.findings.some((f) => f.ruleId === 'template-injection'));
    const open = byName.get('open.yml')!;
    assert.ok(
      open.findings.some((f) => f.ruleId === 'template-injection' && f.message.includes('github.event.issue.title')),
      'the open document counts with its editor text, not the disk',
    );
    assert.equal(result.scanned, 3, 'two files walked, one open document');
    assert.equal(progress.at(-1), 1);
  });
});

// Issue 17: the checklist's totals match the CLI's, which reports a parse problem as a high `parse-error` finding.
test('a YAML error is summarized as a high parse-error finding at its position, as the CLI counts it', () => {
  const text = 'on: push\njobs:\n  a: [unclosed\n';
  const summary = summarize(
    'file:///w/.github/workflows/broken.yml',
    text,
    analyzeText({ relPath: '.github/workflows/broken.yml', text, config: DEFAULT_CONFIG }),
    0,
  );
  assert.equal(summary.problems, 1);
  assert.deepEqual(
    summary.findings.map((f) => [f.ruleId, f.severity, f.category]),
    [['parse-error', 'high', 'audit']],
  );
  assert.ok(summary.findings[0].range.start.line >= 2, JSON.stringify(summary.findings[0].range));
});
