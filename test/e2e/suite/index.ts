// Extension-host suite: runs inside a real VS Code (code-server here, desktop VS Code via @vscode/test-electron where
// it can be downloaded) against the workspace from test/e2e/workspace.mjs, through the public `vscode` API only.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SUPPRESS_KIND } from '../../../server/src/protocol';
import { A, E } from '../../online/fixtures';

interface RenderedItem {
  depth: number;
  label: string;
  description?: string;
  contextValue?: string;
}

interface UiState {
  tree: RenderedItem[];
  statusBar: string;
  statusBarTooltip: string;
  lastScan?: { files: number; scanned: number; durationMs: number; elapsedMs: number };
  files: string[];
  review?: {
    findings: unknown[];
    files: Array<{
      label: string;
      facts?: { triggers: Array<{ event: string }>; permissions: Array<{ granted: string }> };
    }>;
  };
  reviewHtml?: string;
}

const log = (message: string) => console.log(`[flowguard-e2e] ${message}`);

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'a workspace folder is open');
  return f.uri;
}

function workflow(name: string): vscode.Uri {
  return vscode.Uri.joinPath(folder(), '.github', 'workflows', name);
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

function flowguardDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'flowguard');
}

async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Unsafe fixes carry needsConfirmation: VS Code holds them in its refactor preview, unticked. Checks that the edit waits
 * there, then ticks the change and presses Apply as a user would.
 */
async function applyInPreview<T>(pending: Thenable<T>): Promise<T> {
  let settled = false;
  const result = Promise.resolve(pending).finally(() => (settled = true));
  // Generous: only catches an edit that was applied without the preview.
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(settled, false, 'the unsafe fix waits in the refactor preview');
  await confirmPreview();
  await until('the previewed edit to apply', () => settled);
  return result;
}

async function confirmPreview(): Promise<void> {
  await vscode.commands.executeCommand('refactorPreview.focus');
  await vscode.commands.executeCommand('list.focusFirst');
  await vscode.commands.executeCommand('refactorPreview.toggleCheckedState');
  await vscode.commands.executeCommand('refactorPreview.apply');
}

interface SecretOutcome {
  id: number;
  kind: 'stored' | 'skipped' | 'failed' | 'unchanged';
  name: string;
  where?: string;
  reason?: string;
  command?: string;
  undone?: boolean;
}

const secretOutcomes = async () =>
  (await vscode.commands.executeCommand<SecretOutcome[]>('flowguard.internal.secretOutcomes')) ?? [];

const uiState = () => vscode.commands.executeCommand<UiState>('flowguard.internal.uiState');

async function openAndWaitForCodes(uri: vscode.Uri, codes: string[]): Promise<vscode.Diagnostic[]> {
  await vscode.window.showTextDocument(uri);
  return until(`diagnostics ${codes.join(', ')} on ${uri.path}`, () => {
    const ds = flowguardDiagnostics(uri);
    return codes.every((c) => ds.some((d) => codeOf(d) === c)) && ds;
  });
}

const tests: Array<[string, () => Promise<void>]> = [];
const test = (name: string, fn: () => Promise<void>) => tests.push([name, fn]);

test('the extension activates and the workspace scan fills the checklist', async () => {
  const extension = vscode.extensions.all.find((e) => e.packageJSON?.name === 'flowguard');
  assert.ok(extension, 'Flowguard is installed');
  await extension.activate();
  const state = await until('the first workspace scan', async () => {
    const s = await uiState();
    return s.lastScan && s.files.length >= 3 && s;
  });
  log(`first scan: ${JSON.stringify(state.lastScan)}`);
  const categories = state.tree.filter((i) => i.depth === 0);
  assert.deepEqual(
    categories.map((c) => c.label),
    [
      'Least privilege',
      'Secrets',
      'Untrusted input',
      'Pinned, trusted integrations',
      'Encryption in transit',
      'Timeouts and concurrency',
      'Human approval',
      'Audit trail',
      'Change control',
    ],
  );
  assert.match(categories[0].description ?? '', /^fail · .*high/);
  assert.ok(!state.files.some((f) => f.includes('/vendored/')), 'files.exclude is honored');
});

test('diagnostics appear with rule codes on a vulnerable workflow', async () => {
  const ds = await openAndWaitForCodes(workflow('vulnerable.yml'), ['excessive-permissions', 'insecure-transport']);
  const permissions = ds.find((d) => codeOf(d) === 'excessive-permissions')!;
  assert.equal(permissions.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(permissions.range.start.line, 2);
});

test('the tree shows exactly the findings of each file, under their rules', async () => {
  const uri = workflow('vulnerable.yml');
  await openAndWaitForCodes(uri, ['excessive-permissions', 'insecure-transport']);
  const state = await uiState();
  const findingRows = state.tree.filter((i) => i.depth === 2 && i.label.startsWith('vulnerable.yml:'));
  // Short descriptions (the start of the message), the full message in the tooltip.
  const expected = flowguardDiagnostics(uri)
    .map((d) => `vulnerable.yml:${d.range.start.line + 1} ${d.message.split('\n')[0]}`)
    .sort();
  const shown = findingRows.map((r) => `${r.label} ${r.description}`).sort();
  assert.equal(shown.length, expected.length, shown.join(' | '));
  shown.forEach((row, i) => {
    assert.ok(expected[i].startsWith(row.replace(/…$/, '')), `${row} starts ${expected[i]}`);
    assert.ok(row.length <= 'vulnerable.yml:12 '.length + 61, row);
  });
  // Each finding row sits under the row of its rule.
  const ruleRow = state.tree.findIndex((i) => i.depth === 1 && i.label === 'Excessive GITHUB_TOKEN permissions');
  assert.ok(ruleRow >= 0, 'the rule row exists');
  const nextRule = state.tree.findIndex((i, index) => index > ruleRow && i.depth <= 1);
  const underRule = state.tree.slice(ruleRow + 1, nextRule === -1 ? undefined : nextRule).map((i) => i.label);
  assert.ok(underRule.includes('vulnerable.yml:3'), underRule.join(', '));
  // vulnerable.yml: write-all (high) and a plain-http download kept as data (low: nothing executes it).
  assert.match(state.statusBar, /1 high 0 medium 1 low 0 info$/);
  assert.ok(
    state.statusBarTooltip.includes(state.statusBar.replace('$(shield) ', '')),
    `the tooltip says what the text says: ${state.statusBar} / ${state.statusBarTooltip}`,
  );
});

test('the checklist header says what it covers: the workspace or the active file', async () => {
  const description = () => vscode.commands.executeCommand<string>('flowguard.internal.checklistDescription');
  assert.equal(await description(), 'workspace');
  await vscode.window.showTextDocument(workflow('release.yml'));
  await vscode.commands.executeCommand('flowguard.checklist.showActiveFileOnly');
  try {
    assert.equal(await description(), 'active file');
  } finally {
    await vscode.commands.executeCommand('flowguard.checklist.showWorkspace');
  }
});

test('active-file-only shows only the active file', async () => {
  await vscode.window.showTextDocument(workflow('release.yml'));
  await vscode.commands.executeCommand('flowguard.checklist.showActiveFileOnly');
  try {
    const state = await uiState();
    const files = new Set(state.tree.filter((i) => i.depth === 2).map((i) => i.label.split(':')[0]));
    assert.deepEqual([...files], ['release.yml']);
  } finally {
    await vscode.commands.executeCommand('flowguard.checklist.showWorkspace');
  }
});

test('Run Security Review shows the checklist, findings and per-workflow facts, escaped', async () => {
  const review = await vscode.commands.executeCommand<UiState['review']>('flowguard.runSecurityReview');
  assert.ok(review);
  const state = await uiState();
  const html = state.reviewHtml ?? '';
  assert.match(html, /Content-Security-Policy" content="default-src 'none';/);
  assert.ok(!html.includes('<img src=x'), 'workflow values are escaped');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  const escaping = review.files.find((f) => f.label.endsWith('escaping.yml'));
  assert.deepEqual(
    escaping?.facts?.triggers.map((t) => t.event),
    ['pull_request'],
  );
  assert.ok(review.files.some((f) => f.label.endsWith('vulnerable.yml')));
});

test('the review exports Markdown and SARIF', async () => {
  const md = vscode.Uri.joinPath(folder(), 'review.md');
  const sarif = vscode.Uri.joinPath(folder(), 'review.sarif');
  await vscode.commands.executeCommand('flowguard.exportReview', 'markdown', md);
  await vscode.commands.executeCommand('flowguard.exportReview', 'sarif', sarif);
  const markdown = new TextDecoder().decode(await vscode.workspace.fs.readFile(md));
  assert.match(markdown, /^# Flowguard security review/);
  assert.match(markdown, /\| (Pass|Warn|Fail) \| Least privilege \|/);
  const log = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(sarif)));
  assert.equal(log.version, '2.1.0');
  const review = (await uiState()).review!;
  assert.ok(review.findings.length >= 3, 'the review covers the workspace findings');
  assert.equal(log.runs[0].results.length, review.findings.length, 'SARIF has one result per finding in the review');
  assert.ok(log.runs[0].tool.driver.rules.some((r: { id: string }) => r.id === 'excessive-permissions'));
});

test('a quick-fix code action applies and its finding goes, in the editor and in the tree', async () => {
  const uri = workflow('vulnerable.yml');
  const ds = await openAndWaitForCodes(uri, ['insecure-transport']);
  const transport = ds.find((d) => codeOf(d) === 'insecure-transport')!;
  const actions =
    (await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      transport.range,
      vscode.CodeActionKind.QuickFix.value,
    )) ?? [];
  // What the lightbulb lists, told apart by kind: the rule's fix is a plain quickfix, the suppression has its own kind.
  const fix = actions.find((a) => a.kind?.value === vscode.CodeActionKind.QuickFix.value && a.edit);
  assert.ok(
    actions.some((a) => a.kind?.value === SUPPRESS_KIND),
    'the suppression is offered too',
  );
  assert.ok(fix?.edit, `a fix is offered (got ${actions.map((a) => `${a.kind?.value}: ${a.title}`).join(' | ')})`);
  // The https fix is unsafe: the lightbulb previews it (the UI test checks that); the edit this API hands back no
  // longer carries its change annotation, so it applies at once.
  assert.ok(await vscode.workspace.applyEdit(fix.edit));
  const document = await vscode.workspace.openTextDocument(uri);
  assert.match(document.getText(), /curl https:\/\/example\.com/);
  await until(
    'insecure-transport to go',
    () => !flowguardDiagnostics(uri).some((d) => codeOf(d) === 'insecure-transport'),
  );
  await until(
    'the tree to drop the finding',
    async () => !(await uiState()).tree.some((i) => i.depth === 2 && i.label === 'vulnerable.yml:12'),
  );
  await until('the Encryption in transit category to pass', async () =>
    (await uiState()).tree.find((i) => i.label === 'Encryption in transit')?.description?.startsWith('pass'),
  );
  await document.save();
});

test('Apply Fix from a tree item runs the preferred fix', async () => {
  const uri = workflow('vulnerable.yml');
  await openAndWaitForCodes(uri, ['excessive-permissions']);
  const finding = {
    type: 'finding',
    fixes: 1,
    finding: {
      uri: uri.toString(),
      ruleId: 'excessive-permissions',
      message: '',
      severity: 'high',
      range: { start: { line: 2, character: 13 }, end: { line: 2, character: 22 } },
    },
  };
  assert.equal(await applyInPreview(vscode.commands.executeCommand('flowguard.applyFix', finding)), true);
  const document = await vscode.workspace.openTextDocument(uri);
  assert.doesNotMatch(document.getText(), /write-all/);
  await until(
    'no write-all finding',
    () => !flowguardDiagnostics(uri).some((d) => codeOf(d) === 'excessive-permissions' && /write-all/.test(d.message)),
  );
  await document.save();
});

test('Apply Fix on a workflow that is not open opens it at the change, after the preview', async () => {
  const uri = workflow('closed.yml');
  const text =
    'on: push\npermissions: write-all\njobs:\n  build:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: echo hi\n';
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await until('the closed workflow in the checklist', async () => (await uiState()).files.includes(uri.toString()));
  const finding = {
    type: 'finding',
    fixes: 1,
    finding: {
      uri: uri.toString(),
      ruleId: 'excessive-permissions',
      message: '',
      severity: 'high',
      range: { start: { line: 1, character: 13 }, end: { line: 1, character: 22 } },
    },
  };
  assert.equal(await applyInPreview(vscode.commands.executeCommand('flowguard.applyFix', finding)), true);
  const editor = vscode.window.activeTextEditor;
  assert.equal(editor?.document.uri.toString(), uri.toString(), 'the fixed file is shown');
  assert.doesNotMatch(editor.document.getText(), /write-all/);
  assert.equal(editor.selection.active.line, 1, 'at the change');
  await editor.document.save();
});

test('the lightbulb suppression asks for a reason and writes it: no unjustified-suppression finding', async () => {
  const uri = workflow('lightbulb-suppress.yml');
  const text =
    'on: push\npermissions:\n  contents: read\njobs:\n  fetch:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - uses: actions/checkout@v4\n';
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const ds = await openAndWaitForCodes(uri, ['unpinned-uses']);
  const target = ds.find((d) => codeOf(d) === 'unpinned-uses')!;
  const actions =
    (await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      target.range,
      vscode.CodeActionKind.QuickFix.value,
    )) ?? [];
  const suppress = actions.find((a) => a.kind?.value === SUPPRESS_KIND && a.title.includes('unpinned-uses'));
  assert.ok(suppress?.command, actions.map((a) => a.title).join(' | '));
  assert.equal(suppress.edit, undefined, 'no comment without a reason');
  // What the lightbulb does on selection: run the command, which asks for the reason (a QuickPick).
  const done = vscode.commands.executeCommand<boolean>(suppress.command.command, ...(suppress.command.arguments ?? []));
  // The first offered reason is selected; accepting takes it.
  await until('the reason to be accepted', async () => {
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const line = (await vscode.workspace.openTextDocument(uri)).getText().split('\n')[8];
    return /# flowguard: ignore\[unpinned-uses\] \S/.test(line);
  });
  assert.equal(await done, true);
  await until(
    'the finding to go, and no unjustified-suppression',
    () =>
      !flowguardDiagnostics(uri).some((d) => ['unpinned-uses', 'unjustified-suppression'].includes(codeOf(d))) && true,
  );
  await (await vscode.workspace.openTextDocument(uri)).save();
});

test('Suppress with a reason inserts the comment (outside the script text) and the finding goes', async () => {
  const uri = vscode.Uri.joinPath(folder(), '.github', 'workflows', 'suppress.yml');
  const text =
    'on: push\npermissions:\n  contents: read\njobs:\n  fetch:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: |\n          curl http://example.com/data.json -o data.json\n';
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const [target] = (await openAndWaitForCodes(uri, ['insecure-transport'])).filter(
    (d) => codeOf(d) === 'insecure-transport',
  );
  const finding = {
    type: 'finding',
    fixes: 1,
    finding: {
      uri: uri.toString(),
      ruleId: 'insecure-transport',
      message: target.message,
      severity: 'medium',
      range: { start: target.range.start, end: target.range.end },
    },
  };
  assert.equal(
    await vscode.commands.executeCommand('flowguard.suppressFinding', finding, 'internal mirror without TLS'),
    true,
  );
  const document = await vscode.workspace.openTextDocument(uri);
  const lines = document.getText().split('\n');
  // Inside a run: script any comment line would be script text; the comment goes above the run: key.
  assert.equal(
    lines[8],
    '      # flowguard: ignore[insecure-transport] internal mirror without TLS',
    document.getText(),
  );
  assert.equal(lines[9], '      - run: |');
  assert.equal(lines[10].trim(), 'curl http://example.com/data.json -o data.json');
  await until(
    'the suppressed finding to go',
    () => !flowguardDiagnostics(uri).some((d) => codeOf(d) === 'insecure-transport'),
  );
  assert.ok(
    !flowguardDiagnostics(uri).some((d) => codeOf(d) === 'unjustified-suppression'),
    'a suppression with a reason is justified',
  );
  await document.save();
});

test('Fix All Safe Issues in File applies the safe fix only', async () => {
  const uri = workflow('release.yml');
  await openAndWaitForCodes(uri, ['cache-poisoning']);
  const result = await vscode.commands.executeCommand<{ fixed: number; needReview: number }>(
    'flowguard.fixAllSafe',
    uri,
  );
  // "1 fixed, N need review": the contents: write finding (its narrowing is unsafe) remains, with a way to it.
  assert.equal(result.fixed, 1, JSON.stringify(result));
  assert.ok(result.needReview >= 1, JSON.stringify(result));
  const document = await vscode.workspace.openTextDocument(uri);
  assert.doesNotMatch(document.getText(), /cache: npm/);
  assert.match(document.getText(), /contents: write/, 'unsafe fixes are left alone');
  await until('cache-poisoning to go', () => !flowguardDiagnostics(uri).some((d) => codeOf(d) === 'cache-poisoning'));
  await document.save();
});

test('Narrow Permissions applies the least-privilege fixes', async () => {
  const uri = workflow('release.yml');
  await openAndWaitForCodes(uri, ['excessive-permissions']);
  const applied = await vscode.commands.executeCommand<number>('flowguard.narrowPermissions', uri);
  assert.ok(applied >= 1, `applied ${applied}`);
  const document = await vscode.workspace.openTextDocument(uri);
  assert.doesNotMatch(document.getText(), /contents: write/);
  await document.save();
});

test('Show Rule Documentation opens the rule', async () => {
  assert.equal(
    await vscode.commands.executeCommand('flowguard.showRuleDocs', 'insecure-transport'),
    'insecure-transport',
  );
});

test('Open Configuration creates .flowguard.yml from the schema defaults', async () => {
  const uri = await vscode.commands.executeCommand<vscode.Uri>('flowguard.openConfiguration');
  assert.ok(uri?.path.endsWith('/.flowguard.yml'));
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  assert.match(text, /^secretStore:\n  provider: github/m);
  await until('no config problem', () => vscode.languages.getDiagnostics(uri).length === 0 && true, 3000);
});

test('files created, renamed and deleted keep the checklist current', async () => {
  const created = await vscode.commands.executeCommand<vscode.Uri>('flowguard.createSecureWorkflow');
  assert.ok(created);
  await until('the new workflow in the checklist', async () => (await uiState()).files.includes(created.toString()));
  assert.deepEqual(flowguardDiagnostics(created), [], 'the secure template has no finding');
  const copy = vscode.Uri.joinPath(folder(), '.github', 'workflows', 'copy.yml');
  await vscode.workspace.fs.copy(workflow('escaping.yml'), copy);
  await until('a copied workflow to be scanned', async () => (await uiState()).files.includes(copy.toString()));
  const renamed = vscode.Uri.joinPath(folder(), '.github', 'workflows', 'renamed.yml');
  const edit = new vscode.WorkspaceEdit();
  edit.renameFile(copy, renamed);
  assert.ok(await vscode.workspace.applyEdit(edit));
  await until('the rename to show', async () => {
    const files = (await uiState()).files;
    return !files.includes(copy.toString()) && files.includes(renamed.toString());
  });
  await vscode.workspace.fs.delete(renamed);
  await until('the deleted workflow to go', async () => !(await uiState()).files.includes(renamed.toString()));
});

test('Rescan Workspace answers with the scan summary', async () => {
  const summary = await vscode.commands.executeCommand<{ files: number; durationMs: number }>(
    'flowguard.rescanWorkspace',
  );
  assert.ok(summary && summary.files >= 4, JSON.stringify(summary));
});

test('Narrow Permissions in All Workflows narrows closed workflows and saves them, comments kept', async () => {
  const names = ['wide-a.yml', 'wide-b.yml'];
  const text =
    'on: push\npermissions: write-all\njobs:\n  build:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: echo hi   # keep this comment\n';
  for (const name of names) await vscode.workspace.fs.writeFile(workflow(name), new TextEncoder().encode(text));
  await until('both workflows in the checklist', async () => {
    const files = (await uiState()).files;
    return names.every((name) => files.includes(workflow(name).toString()));
  });
  const result = await vscode.commands.executeCommand<{ files: number; fixes: number }>(
    'flowguard.narrowPermissionsInWorkspace',
  );
  assert.ok(result.files >= 2, JSON.stringify(result));
  for (const name of names) {
    const saved = new TextDecoder().decode(await vscode.workspace.fs.readFile(workflow(name)));
    assert.doesNotMatch(saved, /write-all/, saved);
    assert.ok(saved.includes('      - run: echo hi   # keep this comment\n'), saved);
  }
});

test('the status bar counts YAML syntax errors, in its text and its tooltip alike', async () => {
  const uri = workflow('broken.yml');
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('on: push\njobs:\n  a: [unclosed\n'));
  await vscode.window.showTextDocument(uri);
  const state = await until('the status bar to count the syntax error', async () => {
    const s = await uiState();
    return /YAML error/.test(s.statusBar) && s;
  });
  assert.match(state.statusBar, /\d+ YAML errors?$/);
  assert.ok(state.statusBarTooltip.includes(state.statusBar.replace('$(shield) ', '')), state.statusBarTooltip);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  await vscode.workspace.fs.delete(uri);
  await until('the deleted broken workflow to leave the checklist', async () => {
    const s = await uiState();
    return !s.files.includes(uri.toString()) && !s.tree.some((item) => item.label.includes('broken.yml'));
  });
});

const SECRET_TEXT =
  'on: push\npermissions: {}\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    container:\n      image: registry.example.com/app:1\n      credentials:\n        username: deployer\n        password: "s3cr3t-Pa55word!"\n    steps:\n      - run: ./deploy.sh\n';

/** A fresh workflow with SECRET_TEXT, open, with the cursor on its credential: Move Secret runs its quick-fix. */
async function secretAtCursor(name: string): Promise<vscode.Uri> {
  const uri = workflow(name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(SECRET_TEXT));
  const diagnostics = await openAndWaitForCodes(uri, ['hardcoded-credential']);
  const at = diagnostics.find((d) => codeOf(d) === 'hardcoded-credential')!.range.start;
  const editor = await vscode.window.showTextDocument(uri);
  editor.selection = new vscode.Selection(at, at);
  return uri;
}

/** Runs Move Secret to Store at the credential, applied in the refactor preview; the store step then asks. */
async function moveSecret(name: string): Promise<{ uri: vscode.Uri; document: vscode.TextDocument }> {
  const uri = await secretAtCursor(name);
  const before = (await secretOutcomes()).length;
  void vscode.commands.executeCommand('flowguard.moveSecretToStore', uri);
  const document = await vscode.workspace.openTextDocument(uri);
  // Ticked and applied once the preview shows it (until then the preview commands have nothing to act on).
  await until('the refactor preview to apply', async () => {
    await confirmPreview().then(undefined, () => undefined);
    return !document.getText().includes('s3cr3t-Pa55word!');
  });
  assert.match(document.getText(), /\$\{\{ secrets\.[A-Z_]+ \}\}/);
  assert.equal((await secretOutcomes()).length, before, 'the store step is waiting for the user');
  return { uri, document };
}

test('Move Secret: the removed value is offered, the prefilled answers accepted, and gh stores it from stdin', async () => {
  // A stand-in gh on PATH (the extension host is this process): records its arguments and its stdin.
  const { mkdtempSync, writeFileSync, readFileSync, chmodSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const bin = mkdtempSync(join(tmpdir(), 'fake-gh-'));
  writeFileSync(
    join(bin, 'gh'),
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "gh version 2.0.0"; exit 0; fi\necho "$@" > "${bin}/args"\ncat > "${bin}/stdin"\n`,
  );
  chmodSync(join(bin, 'gh'), 0o755);
  process.env.PATH = `${bin}:${process.env.PATH}`;
  // The repository prompt is prefilled from the origin remote.
  await vscode.workspace.fs.writeFile(
    vscode.Uri.joinPath(folder(), '.git', 'config'),
    new TextEncoder().encode('[remote "origin"]\n\turl = https://github.com/octo/app.git\n'),
  );
  const before = (await secretOutcomes()).length;
  const { document } = await moveSecret('secret-stored.yml');
  const name = /secrets\.([A-Z_]+)/.exec(document.getText())![1];
  // Name, scope (repository first), repository (octo/app), store (gh first): each accepted as offered.
  const outcome = await until('the stored outcome', async () => {
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const all = await secretOutcomes();
    return all.length > before && all[all.length - 1];
  });
  assert.equal(outcome.kind, 'stored', JSON.stringify(outcome));
  assert.equal(outcome.name, name);
  assert.match(outcome.where ?? '', /octo\/app \(repository\) with gh/);
  assert.equal(readFileSync(join(bin, 'stdin'), 'utf8'), 's3cr3t-Pa55word!', 'the value went to stdin');
  assert.equal(readFileSync(join(bin, 'args'), 'utf8').trim(), `secret set ${name} --repo octo/app`);
  assert.ok(!JSON.stringify(outcome).includes('s3cr3t'), 'no value in the outcome');
});

test('Move Secret: an empty answer is "skipped" with a stdin gh command, and Undo puts the value back', async () => {
  const before = (await secretOutcomes()).length;
  const { document } = await moveSecret('secret-skipped.yml');
  const outcome = await until('the skipped outcome', async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const all = await secretOutcomes();
    return all.length > before && all[all.length - 1];
  });
  assert.equal(outcome.kind, 'skipped', JSON.stringify(outcome));
  assert.match(outcome.command ?? '', /^gh secret set [A-Z_]+ --repo octo\/app$/);
  assert.ok(!JSON.stringify(outcome).includes('s3cr3t'), 'no value in the outcome');
  assert.equal(await vscode.commands.executeCommand('flowguard.undoSecretMove', outcome.id), true);
  assert.equal(document.getText(), SECRET_TEXT, 'Undo restores the text the fix replaced');
  await until('hardcoded-credential to be back', () =>
    flowguardDiagnostics(document.uri).some((d) => codeOf(d) === 'hardcoded-credential'),
  );
});

test('Move Secret: cancelling the preview changes nothing, stores nothing, and says so', async () => {
  const uri = await secretAtCursor('secret-cancelled.yml');
  const before = (await secretOutcomes()).length;
  const moving = vscode.commands.executeCommand<number>('flowguard.moveSecretToStore', uri);
  // Discard the refactor preview once it is there: the move then ends with a visible "nothing was changed".
  const outcome = await until('the unchanged outcome', async () => {
    await vscode.commands.executeCommand('refactorPreview.discard').then(undefined, () => undefined);
    const all = await secretOutcomes();
    return all.length > before && all[all.length - 1];
  });
  assert.equal(outcome.kind, 'unchanged', JSON.stringify(outcome));
  assert.match(outcome.reason ?? '', /not applied/);
  assert.equal(await moving, 0, 'the command reports nothing moved');
  assert.equal((await vscode.workspace.openTextDocument(uri)).getText(), SECRET_TEXT, 'the file is as it was');
  assert.equal((await secretOutcomes()).length, before + 1, 'no store step ran');
});

test('Move Secret refuses an edit computed for an older version of the file, visibly', async () => {
  const uri = workflow('secret-stale.yml');
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(SECRET_TEXT));
  const [diagnostic] = (await openAndWaitForCodes(uri, ['hardcoded-credential'])).filter(
    (d) => codeOf(d) === 'hardcoded-credential',
  );
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    uri,
    diagnostic.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  const move = actions.find((a) => a.command?.command === 'flowguard.moveSecret');
  assert.ok(move?.command, `a move command: ${actions.map((a) => a.title).join(' | ')}`);
  assert.equal(move.edit, undefined, 'the action carries no edit: the command applies it');
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, new vscode.Position(0, 0), '# edited\n');
  assert.ok(await vscode.workspace.applyEdit(edit));
  const before = (await secretOutcomes()).length;
  const moved = await vscode.commands.executeCommand<boolean>(move.command.command, ...(move.command.arguments ?? []));
  assert.equal(moved, false);
  const outcome = (await secretOutcomes()).slice(before);
  assert.equal(outcome.length, 1);
  assert.equal(outcome[0].kind, 'unchanged');
  assert.match(outcome[0].reason ?? '', /changed since/);
  assert.equal((await vscode.workspace.openTextDocument(uri)).getText(), `# edited\n${SECRET_TEXT}`);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
});

test('Move Secret on GitLab CI: an empty answer is "skipped" with a stdin glab command, and Undo restores the variable', async () => {
  const uri = vscode.Uri.joinPath(folder(), '.gitlab-ci.yml');
  const text =
    'stages: [deploy]\n\ndeploy:\n  stage: deploy\n  environment: production\n  variables:\n    DEPLOY_API_KEY: "Hk3pQ8vZr2Lm9Tx4Wn7Ys1Bc6Df0Gj5K"\n    TARGET: prod\n  script:\n    - ./deploy.sh "$TARGET"\n';
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  await openAndWaitForCodes(uri, ['hardcoded-credential']);
  const before = (await secretOutcomes()).length;
  void vscode.commands.executeCommand('flowguard.moveSecretToStore', uri);
  const document = await vscode.workspace.openTextDocument(uri);
  await until('the variable to leave the file', () => !document.getText().includes('Hk3pQ8vZr2Lm9Tx4Wn7Ys1Bc6Df0Gj5K'));
  const outcome = await until('the skipped outcome', async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const all = await secretOutcomes();
    return all.length > before && all[all.length - 1];
  });
  assert.equal(outcome.kind, 'skipped', JSON.stringify(outcome));
  assert.equal(outcome.name, 'DEPLOY_API_KEY');
  assert.equal(outcome.command, 'glab variable set DEPLOY_API_KEY --masked --protected --repo octo/app');
  assert.ok(!JSON.stringify(outcome).includes('Hk3pQ8'), 'no value in the outcome');
  assert.equal(await vscode.commands.executeCommand('flowguard.undoSecretMove', outcome.id), true);
  assert.equal(document.getText(), text, 'Undo restores the removed variable');
});

interface CliReport {
  summary: { bySeverity: Record<string, number> };
  files: Array<{ path: string }>;
  findings: Array<{ path: string; severity: string }>;
}

/** The workspace checklist's totals per severity, read from its category rows ("fail · 2 high, 1 low"). */
function checklistTotals(tree: RenderedItem[]): Record<string, number> {
  const totals: Record<string, number> = { high: 0, medium: 0, low: 0, info: 0 };
  for (const row of tree.filter((i) => i.depth === 0))
    for (const [, n, severity] of (row.description ?? '').matchAll(/(\d+) (high|medium|low|info)\b/g))
      totals[severity] += Number(n);
  return totals;
}

// Offline (before the pinning test turns online checks on): the CLI never asks the network.
// Shapes where the two could part: a YAML error (the CLI counts it as a high parse-error finding), GitLab CI YAML
// under .gitlab/, a composite action outside .github/, a suppressed finding, a .yaml extension.
const CLI_PARITY_FILES: Record<string, string> = {
  '.github/workflows/unparsable.yml': 'on: push\njobs:\n  a: [unclosed\n',
  '.gitlab/ci/deploy.yml':
    'deploy:\n  script:\n    - curl http://example.com/x | sh\n    - docker login -u u -p $PASS\n',
  'actions/build/action.yml':
    'name: b\ndescription: d\nruns:\n  using: composite\n  steps:\n    - run: echo ${{ github.event.issue.title }}\n      shell: bash\n',
  '.github/workflows/suppressed.yaml':
    'on: push\npermissions: write-all # flowguard: ignore[excessive-permissions] reviewed by the security team\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl http://example.com/x -o x\n',
};

test('the checklist totals match the CLI for the same files', async () => {
  const added = Object.entries(CLI_PARITY_FILES).map(([relPath, text]) => {
    const uri = vscode.Uri.joinPath(folder(), relPath);
    return { uri, write: vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text)) };
  });
  await Promise.all(added.map((a) => a.write));
  await vscode.commands.executeCommand('workbench.action.files.saveAll');
  await vscode.commands.executeCommand('flowguard.checklist.showWorkspace');
  // A rescan, not the file watcher, brings the new files in: files written into folders created the same moment can
  // reach the watcher late under code-server (seen once in five runs), and the watcher is not what this test compares.
  await vscode.commands.executeCommand('flowguard.rescanWorkspace');
  await until('the added files in the checklist', async () => {
    const files = (await uiState()).files;
    return added.every((a) => files.includes(a.uri.toString()));
  });
  const extension = vscode.extensions.all.find((e) => e.packageJSON?.name === 'flowguard');
  assert.ok(extension);
  // The CLI as a user runs it in the repository (so it reads the same .flowguard.yml); the extension host may be
  // Electron, which runs as plain Node with ELECTRON_RUN_AS_NODE.
  const cli = spawnSync(
    process.execPath,
    [path.join(extension.extensionPath, 'bin', 'flowguard.js'), 'scan', '.', '--format', 'json', '--no-fail'],
    { cwd: folder().fsPath, encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 60_000 },
  );
  assert.equal(cli.status, 0, cli.stderr);
  const report = JSON.parse(cli.stdout) as CliReport;
  // files.exclude hides vendored/ from the editor; the CLI knows no editor setting, so those files are set aside.
  const excluded = (p: string) => p.startsWith('vendored/');
  assert.ok(
    report.files.some((f) => excluded(f.path)),
    'the CLI scanned the excluded folder too',
  );
  const uriOf = (p: string) => vscode.Uri.joinPath(folder(), p).toString();
  const state = await uiState();
  assert.deepEqual(
    state.files.slice().sort(),
    report.files
      .filter((f) => !excluded(f.path))
      .map((f) => uriOf(f.path))
      .sort(),
    'the checklist covers the files the CLI scans',
  );
  const cliTotals: Record<string, number> = { high: 0, medium: 0, low: 0, info: 0 };
  for (const f of report.findings) if (!excluded(f.path)) cliTotals[f.severity]++;
  assert.ok(
    Object.values(cliTotals).some((n) => n > 0),
    JSON.stringify(report.summary),
  );
  assert.ok(report.findings.some((f) => f.severity === 'high' && f.path.endsWith('unparsable.yml')));
  assert.deepEqual(checklistTotals(state.tree), cliTotals, JSON.stringify(state.tree.filter((i) => i.depth === 0)));
  for (const { uri } of added) await vscode.workspace.fs.delete(uri);
  await until('the added files to leave the checklist', async () => {
    const files = (await uiState()).files;
    return added.every((a) => !files.includes(a.uri.toString()));
  });
});

// The runner starts a loopback GitHub API (test/online/servers.ts) and names it here; the extension reaches it
// through the flowguard.githubApiUrl user setting, as a GitHub Enterprise Server user would configure it.
test('Pin to commit SHA (resolved when picked) and Pin All Actions in Workspace pin to the loopback API', async () => {
  const api = process.env.FLOWGUARD_E2E_GITHUB_API_URL;
  assert.ok(api, 'the runner started the loopback GitHub API');
  const settings = vscode.workspace.getConfiguration('flowguard');
  // A user setting only (a workspace cannot redirect the user's token).
  await settings.update('githubApiUrl', api, vscode.ConfigurationTarget.Global);
  await settings.update('online', true, vscode.ConfigurationTarget.Workspace);
  const uri = workflow('pinning.yml');
  const text =
    'on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n' +
    '      - uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n' +
    '      - uses: tj-actions/changed-files@v46\n';
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  await openAndWaitForCodes(uri, ['unpinned-uses']);
  const document = await vscode.workspace.openTextDocument(uri);

  // The quick-fix comes without an edit; asking VS Code to resolve it makes the server ask the API.
  const range = new vscode.Range(7, 14, 7, 14);
  let seen: string[] = [];
  const pin = await until('the resolved Pin to commit SHA action', async () => {
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      range,
      vscode.CodeActionKind.QuickFix.value,
      50,
    );
    seen = actions.map(
      (a) => `${a.title}${a.edit ? ' (edit)' : ''}${a.disabled ? ` (disabled: ${a.disabled.reason})` : ''}`,
    );
    // VS Code takes the edit from codeAction/resolve and keeps the title it listed.
    return actions.find((a) => a.title === 'Pin to commit SHA' && a.edit);
  }).catch((error: Error) => {
    throw new Error(`${error.message}; offered: ${seen.join(' | ')}`);
  });
  assert.ok(await vscode.workspace.applyEdit(pin.edit!));
  assert.equal(document.lineAt(7).text, `      - uses: actions/checkout@${A} # v4.2.2`);

  // The command shows a summary it waits on: not awaited here, the file is watched instead.
  void vscode.commands.executeCommand('flowguard.pinAllActions');
  await until(
    'Pin All Actions to pin tj-actions/changed-files',
    () => document.lineAt(10).text === `      - uses: tj-actions/changed-files@${E} # v46.0.1`,
    30_000,
  );
  assert.equal(document.lineAt(7).text, `      - uses: actions/checkout@${A} # v4.2.2`, 'the first pin is kept');
  await until('unpinned-uses to go', () => !flowguardDiagnostics(uri).some((d) => codeOf(d) === 'unpinned-uses'));
  await document.save();
});

export async function run(): Promise<void> {
  const failures: string[] = [];
  const started = Date.now();
  for (const [name, fn] of tests) {
    const t0 = Date.now();
    try {
      await fn();
      log(`ok ${name} (${Date.now() - t0} ms)`);
    } catch (error) {
      failures.push(name);
      log(`FAIL ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  log(`${tests.length - failures.length}/${tests.length} passed in ${Date.now() - started} ms`);
  if (failures.length) throw new Error(`${failures.length} extension-host test(s) failed: ${failures.join('; ')}`);
}
