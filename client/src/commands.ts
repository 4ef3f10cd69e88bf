// The "Flowguard" palette commands and the checklist's item actions. Edits go through the server's own code
// actions (the same fixes as the lightbulb), so there is one implementation of every fix.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { suppressionComment } from '../../server/src/protocol';
import {
  FIX_ALL_KIND,
  type NarrowPermissionsArgs,
  type RuleInfo,
  type SuppressFindingArgs,
  PARSE_ERROR_CODE,
} from '../../server/src/protocol';
import { findingRange, type ChecklistElement, type ChecklistProvider } from './checklistView';
import type { CodeAction } from 'vscode-languageclient/node';
import {
  actionData,
  applyCodeAction,
  applyServerFixAll,
  applyServerSuppression,
  diagnosticCode,
  serverCodeActions,
  flowguardDiagnostics,
  preferred,
  quickFixesFor,
  waitForDiagnostics,
} from './codeActions';
import type { FindingsStore } from './findingsStore';
import { type ReviewPanel, ruleDocsHtml } from './reviewPanel';
import { askSuppressionReason } from './suppressReason';
import { configFromSchema, SECURE_CI_WORKFLOW } from './templates';

type FindingElement = Extract<ChecklistElement, { type: 'finding' }>;

function asSuppressArgs(arg: unknown): SuppressFindingArgs | undefined {
  const a = arg as Partial<SuppressFindingArgs> | undefined;
  return typeof a?.uri === 'string' && typeof a.ruleId === 'string' && a.range ? (a as SuppressFindingArgs) : undefined;
}

function asFinding(element: unknown): FindingElement | undefined {
  const e = element as ChecklistElement | undefined;
  return e?.type === 'finding' ? e : undefined;
}

/** Where a code action's edit of `uri` starts (plain changes or annotated document changes). */
function firstEditStart(action: CodeAction, uri: string): vscode.Position | undefined {
  const same = (u: string) => vscode.Uri.parse(u).toString() === uri;
  const edits = [
    ...Object.entries(action.edit?.changes ?? {}).flatMap(([u, es]) => (same(u) ? es : [])),
    ...(action.edit?.documentChanges ?? []).flatMap((c) =>
      'textDocument' in c && same(c.textDocument.uri) ? c.edits : [],
    ),
  ];
  const first = edits.sort((a, b) => a.range.start.line - b.range.start.line)[0];
  return first && new vscode.Position(first.range.start.line, first.range.start.character);
}

/** The document's next diagnostics update (or the current ones after `ms`). */
function nextDiagnostics(uri: vscode.Uri, ms = 3000): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      listener.dispose();
      resolve(flowguardDiagnostics(uri));
    };
    const timer = setTimeout(done, ms);
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) done();
    });
  });
}

async function fileExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

function firstFolder(): vscode.WorkspaceFolder | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
}

export class FlowguardCommands implements vscode.Disposable {
  private docsPanel?: vscode.WebviewPanel;

  constructor(
    private readonly client: LanguageClient,
    private readonly store: FindingsStore,
    private readonly checklist: ChecklistProvider,
    readonly review: ReviewPanel,
    private readonly log: (message: string) => void,
  ) {}

  async revealFinding(element: unknown): Promise<void> {
    const finding = asFinding(element);
    if (!finding) return;
    const range = findingRange(finding.finding);
    await vscode.window.showTextDocument(vscode.Uri.parse(finding.finding.uri), {
      selection: range,
      preserveFocus: false,
    });
  }

  /** Applies the preferred quick-fix of a finding from the checklist. Returns whether one was applied. */
  async applyFix(element: unknown): Promise<boolean> {
    const finding = asFinding(element);
    if (!finding) return false;
    const uri = vscode.Uri.parse(finding.finding.uri);
    const range = findingRange(finding.finding);
    await waitForDiagnostics(uri, (ds) =>
      ds.some((d) => diagnosticCode(d) === finding.finding.ruleId && d.range.intersection(range)),
    );
    const action = preferred(await quickFixesFor(this.client, uri, range, finding.finding.ruleId));
    if (!action) {
      void vscode.window.showInformationMessage(`Flowguard: no quick-fix for this ${finding.finding.ruleId} finding.`);
      return false;
    }
    // An unsafe fix carries needsConfirmation: VS Code shows the refactor preview and applies only on Apply.
    if (!(await applyCodeAction(this.client, action))) {
      // An action without an edit (a secret move) applies it in its command, which says itself what happened.
      if (action.edit) void vscode.window.showInformationMessage(`Flowguard: "${action.title}" was not applied.`);
      return false;
    }
    // The file may not be open: show the change where it happened.
    const editor = await vscode.window.showTextDocument(uri, { preview: false });
    const at = firstEditStart(action, uri.toString()) ?? range.start;
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.log(`applied "${action.title}" in ${vscode.workspace.asRelativePath(uri)}`);
    void vscode.window.showInformationMessage(
      `Flowguard: applied "${action.title}" in ${vscode.workspace.asRelativePath(uri)}.`,
    );
    return true;
  }

  /**
   * Inserts `# flowguard: ignore[rule] reason` for a finding (a checklist item, or the lightbulb's SuppressFindingArgs);
   * asks for the reason unless given. Every path ends with something the user sees.
   */
  async suppress(target: unknown, givenReason?: string): Promise<boolean> {
    const finding = asFinding(target)?.finding ?? asSuppressArgs(target);
    if (!finding) return false;
    const uri = vscode.Uri.parse(finding.uri);
    const range = findingRange(finding);
    if (this.store.rules().length === 0) await this.store.loadRules().catch(() => undefined);
    const reason =
      givenReason ?? (await askSuppressionReason(finding.ruleId, this.store.rule(finding.ruleId)?.category));
    if (!reason?.trim()) {
      void vscode.window.showInformationMessage(`Flowguard: ${finding.ruleId} not suppressed (no reason given).`);
      return false;
    }
    await waitForDiagnostics(
      uri,
      (ds) => ds.some((d) => diagnosticCode(d) === finding.ruleId && d.range.intersection(range)),
      3000,
    );
    // The server knows where a comment may go (never inside a run: script line) and writes it with the reason.
    if (await applyServerSuppression(this.client, uri, finding.ruleId, range, reason)) {
      this.log(`suppressed ${finding.ruleId} in ${vscode.workspace.asRelativePath(uri)}: ${reason}`);
      return true;
    }
    // No server answer (the document changed or the server is busy): no guess that could land inside a script.
    void vscode.window.showWarningMessage(
      `Flowguard: could not place the suppression; add "${suppressionComment(finding.ruleId, reason)}" above the line or script yourself.`,
    );
    return false;
  }

  private async pickRule(): Promise<RuleInfo | undefined> {
    if (this.store.rules().length === 0) await this.store.loadRules();
    const picked = await vscode.window.showQuickPick(
      this.store.rules().map((rule) => ({ label: rule.title, description: rule.id, detail: rule.description, rule })),
      { title: 'Flowguard rule documentation', matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.rule;
  }

  /** Shows a rule's documentation; the rule comes from a tree item, a rule id, the diagnostic at the cursor, or a pick. */
  async showRuleDocs(arg?: unknown): Promise<string | undefined> {
    let ruleId: string | undefined;
    const element = arg as ChecklistElement | undefined;
    if (typeof arg === 'string') ruleId = arg;
    else if (element?.type === 'rule') ruleId = element.node.rule.id;
    else if (element?.type === 'finding') ruleId = element.finding.ruleId;
    else {
      const editor = vscode.window.activeTextEditor;
      const atCursor =
        editor && flowguardDiagnostics(editor.document.uri).find((d) => d.range.contains(editor.selection.active));
      ruleId = atCursor ? diagnosticCode(atCursor) : undefined;
    }
    if (this.store.rules().length === 0) await this.store.loadRules();
    const rule = (ruleId && this.store.rule(ruleId)) || (ruleId ? undefined : await this.pickRule());
    if (!rule) {
      if (ruleId) void vscode.window.showWarningMessage(`Flowguard: unknown rule ${ruleId}.`);
      return undefined;
    }
    if (!this.docsPanel) {
      this.docsPanel = vscode.window.createWebviewPanel(
        'flowguard.ruleDocs',
        'Flowguard rule',
        vscode.ViewColumn.Beside,
        { enableScripts: false, localResourceRoots: [] },
      );
      this.docsPanel.onDidDispose(() => (this.docsPanel = undefined));
    }
    this.docsPanel.title = `Flowguard: ${rule.title}`;
    this.docsPanel.webview.html = ruleDocsHtml(rule, randomBytes(16).toString('hex'), this.docsPanel.webview.cspSource);
    this.docsPanel.reveal(undefined, true);
    return rule.id;
  }

  /** Applies the server's "fix all safe issues" source action to a file; says (and returns) what was fixed and what remains. */
  async fixAllSafe(
    uri = vscode.window.activeTextEditor?.document.uri,
  ): Promise<{ fixed: number; needReview: number } | undefined> {
    if (!uri) {
      void vscode.window.showInformationMessage('Flowguard: open a workflow to fix.');
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    await waitForDiagnostics(uri, (ds) => ds.length > 0, 3000);
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    const fixAll = (await serverCodeActions(this.client, uri, whole, [FIX_ALL_KIND])).find(
      (a) => a.kind === FIX_ALL_KIND && a.edit,
    );
    const data = fixAll && actionData(fixAll);
    const fixed = data?.type === 'fixAll' ? data.applied : 0;
    const changed = fixAll
      ? (await Promise.all([nextDiagnostics(uri), applyCodeAction(this.client, fixAll)]))[1]
      : false;
    const remaining = flowguardDiagnostics(uri).filter((d) => diagnosticCode(d) !== PARSE_ERROR_CODE).length;
    const message = `Flowguard: ${changed ? fixed : 0} fixed, ${remaining} need review in ${vscode.workspace.asRelativePath(uri)}.`;
    this.log(message);
    void vscode.window.showInformationMessage(message, ...(remaining ? ['Show Remaining'] : [])).then((choice) => {
      if (choice !== 'Show Remaining') return;
      this.checklist.setActiveFileOnly(true);
      void vscode.commands.executeCommand('flowguard.openChecklist');
    });
    return { fixed: changed ? fixed : 0, needReview: remaining };
  }

  /** Applies the least-privilege fixes to a file (from the palette, the lens' typed arguments or a URI). */
  async narrowPermissions(
    target: vscode.Uri | NarrowPermissionsArgs | undefined = vscode.window.activeTextEditor?.document.uri,
  ): Promise<number> {
    const uri = target instanceof vscode.Uri ? target : target ? vscode.Uri.parse(target.uri) : undefined;
    if (!uri) return 0;
    const applied = await applyServerFixAll(this.client, uri, { category: 'least-privilege' });
    void vscode.window.showInformationMessage(
      applied
        ? `Flowguard: narrowed permissions (${applied} fix(es) applied).`
        : 'Flowguard: no permission to narrow in this file.',
    );
    return applied;
  }

  /**
   * Narrows permissions in every workflow of the workspace that has a least-privilege fix. Files that had no unsaved
   * changes are saved, so the result is one reviewable change in source control.
   */
  async narrowPermissionsInWorkspace(): Promise<{ files: number; fixes: number }> {
    if (this.store.fileCount() === 0) await this.store.scan();
    if (this.store.rules().length === 0) await this.store.loadRules();
    const fixable = this.store
      .findings()
      .filter(
        (f) =>
          this.store.rule(f.ruleId)?.category === 'least-privilege' &&
          this.store.fixCount(f.uri, f.ruleId, f.range.start.line, f.range.start.character) > 0,
      );
    const uris = [...new Set(fixable.map((f) => f.uri))];
    const done = { files: 0, fixes: 0 };
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Flowguard: narrowing permissions', cancellable: true },
      async (progress, token) => {
        for (const [i, u] of uris.entries()) {
          if (token.isCancellationRequested) break;
          const uri = vscode.Uri.parse(u);
          progress.report({
            message: `${i + 1}/${uris.length} ${vscode.workspace.asRelativePath(uri)}`,
            increment: 100 / uris.length,
          });
          const document = await vscode.workspace.openTextDocument(uri);
          const hadUnsavedChanges = document.isDirty;
          const applied = await applyServerFixAll(this.client, uri, { category: 'least-privilege' });
          if (!applied) continue;
          done.files++;
          done.fixes += applied;
          if (!hadUnsavedChanges) await document.save();
        }
      },
    );
    void vscode.window.showInformationMessage(
      done.files
        ? `Flowguard: narrowed permissions in ${done.files} workflow(s) (${done.fixes} fix(es)).`
        : 'Flowguard: no permission to narrow in this workspace.',
    );
    return done;
  }

  /** Runs the secrets quick-fix for the secret at the cursor (or every one in the file); it stores the value via flowguard.storeSecret. */
  async moveSecretToStore(uri = vscode.window.activeTextEditor?.document.uri): Promise<number> {
    if (!uri) return 0;
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'Flowguard: moving a secret to a secret store is disabled until you trust this workspace.',
      );
      return 0;
    }
    const editor = vscode.window.activeTextEditor;
    const cursor = editor?.document.uri.toString() === uri.toString() ? editor.selection.active : undefined;
    // Only inline credentials: the other secrets rules' fixes (explicit secrets: lists, env scoping) move no value.
    const credential = 'hardcoded-credential';
    const atCursor = flowguardDiagnostics(uri).find(
      (d) => diagnosticCode(d) === credential && !!cursor && d.range.contains(cursor),
    );
    const fix = atCursor && preferred(await quickFixesFor(this.client, uri, atCursor.range, credential));
    // The move at the cursor reports its own outcome, applied or not.
    if (fix) return Number(await applyCodeAction(this.client, fix));
    const applied = await applyServerFixAll(this.client, uri, { ruleIds: [credential] });
    if (!applied) void vscode.window.showInformationMessage('Flowguard: no inline secret to move in this file.');
    return applied;
  }

  /** Opens the workspace's .flowguard.yml, creating it from the schema's defaults when there is none. */
  async openConfiguration(): Promise<vscode.Uri | undefined> {
    const folder = firstFolder();
    if (!folder) {
      void vscode.window.showInformationMessage('Flowguard: open a folder first.');
      return undefined;
    }
    for (const name of ['.flowguard.yml', '.flowguard.yaml']) {
      const uri = vscode.Uri.joinPath(folder.uri, name);
      if (await fileExists(uri)) {
        await vscode.window.showTextDocument(uri);
        return uri;
      }
    }
    const uri = vscode.Uri.joinPath(folder.uri, '.flowguard.yml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(configFromSchema()));
    await vscode.window.showTextDocument(uri);
    return uri;
  }

  /** Writes the secure starter workflow to .github/workflows/ (never over an existing file) and opens it. */
  async createSecureWorkflow(): Promise<vscode.Uri | undefined> {
    const folder = firstFolder();
    if (!folder) {
      void vscode.window.showInformationMessage('Flowguard: open a folder first.');
      return undefined;
    }
    const dir = vscode.Uri.joinPath(folder.uri, '.github', 'workflows');
    await vscode.workspace.fs.createDirectory(dir);
    let uri = vscode.Uri.joinPath(dir, 'ci.yml');
    for (let n = 2; await fileExists(uri); n++) uri = vscode.Uri.joinPath(dir, `ci-${n}.yml`);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(SECURE_CI_WORKFLOW));
    await vscode.window.showTextDocument(uri);
    return uri;
  }

  async rescan(): Promise<unknown> {
    return this.store.scan();
  }

  toggleActiveFileOnly(value: boolean): void {
    this.checklist.setActiveFileOnly(value);
  }

  dispose(): void {
    this.docsPanel?.dispose();
  }
}
