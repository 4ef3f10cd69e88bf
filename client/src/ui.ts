// Everything the user sees beyond diagnostics: the Security Checklist views, the palette commands, the review,
// the status bar. extension.ts calls registerFlowguardUi once the language client exists.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import {
  CONFIG_GLOB,
  NARROW_PERMISSIONS_COMMAND,
  SUPPRESS_FINDING_COMMAND,
  type NarrowPermissionsArgs,
} from '../../server/src/protocol';
import { CHECKLIST_EXPLORER_VIEW_ID, CHECKLIST_VIEW_ID, ChecklistProvider, renderTree } from './checklistView';
import { FlowguardCommands } from './commands';
import { FindingsStore } from './findingsStore';
import { ReviewPanel, type ExportFormat } from './reviewPanel';
import { FindingsStatusBar } from './statusBar';

export interface FlowguardUi {
  store: FindingsStore;
  checklist: ChecklistProvider;
  commands: FlowguardCommands;
  statusBar: FindingsStatusBar;
}

/** Re-runs `fn` at most once per `ms` after the last call. */
function debounce(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

export function registerFlowguardUi(
  context: vscode.ExtensionContext,
  client: LanguageClient,
  output: vscode.LogOutputChannel,
): FlowguardUi {
  const log = (message: string) => output.info(message);
  const store = new FindingsStore(client);
  const checklist = new ChecklistProvider(store);
  let commands: FlowguardCommands;
  const review = new ReviewPanel(client, store, async (ruleId) => void (await commands.showRuleDocs(ruleId)));
  commands = new FlowguardCommands(client, store, checklist, review, log);
  const statusBar = new FindingsStatusBar(store);
  const treeViews = [CHECKLIST_VIEW_ID, CHECKLIST_EXPLORER_VIEW_ID].map((id) =>
    vscode.window.createTreeView(id, { treeDataProvider: checklist, showCollapseAll: true }),
  );

  const updateViewMessages = () => {
    void vscode.commands.executeCommand('setContext', 'flowguard.scanned', store.lastScan !== undefined);
    void vscode.commands.executeCommand('setContext', 'flowguard.hasFiles', store.fileCount() > 0);
    const message =
      store.scanning && store.fileCount() === 0
        ? 'Scanning workflows and pipelines…'
        : checklist.isActiveFileOnly()
          ? 'Showing the active file only.'
          : undefined;
    for (const view of treeViews) {
      view.message = message;
      // The header says what the counts cover (Problems covers open files, the status bar the active file).
      view.description = checklist.isActiveFileOnly() ? 'active file' : 'workspace';
    }
  };
  const rescanSoon = debounce(() => void store.scan(vscode.ProgressLocation.Window).catch(() => undefined), 500);
  const configWatcher = vscode.workspace.createFileSystemWatcher(CONFIG_GLOB);

  const register = (id: string, fn: (...args: never[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  register('flowguard.runSecurityReview', (uri?: vscode.Uri) =>
    review.show(uri instanceof vscode.Uri ? uri.toString() : undefined),
  );
  register('flowguard.runSecurityReviewForFile', () =>
    review.show(vscode.window.activeTextEditor?.document.uri.toString()),
  );
  register('flowguard.exportReview', (format: ExportFormat = 'markdown', target?: vscode.Uri) =>
    review.export(format, target),
  );
  register('flowguard.fixAllSafe', (uri?: vscode.Uri) =>
    commands.fixAllSafe(uri instanceof vscode.Uri ? uri : undefined),
  );
  register(NARROW_PERMISSIONS_COMMAND, (arg?: vscode.Uri | NarrowPermissionsArgs) =>
    commands.narrowPermissions(arg instanceof vscode.Uri || typeof arg?.uri === 'string' ? arg : undefined),
  );
  register('flowguard.narrowPermissionsInWorkspace', () => commands.narrowPermissionsInWorkspace());
  register('flowguard.moveSecretToStore', (uri?: vscode.Uri) =>
    commands.moveSecretToStore(uri instanceof vscode.Uri ? uri : undefined),
  );
  register('flowguard.showRuleDocs', (arg?: unknown) => commands.showRuleDocs(arg));
  register('flowguard.openConfiguration', () => commands.openConfiguration());
  register('flowguard.rescanWorkspace', () => commands.rescan());
  register('flowguard.createSecureWorkflow', () => commands.createSecureWorkflow());
  register('flowguard.openChecklist', () => vscode.commands.executeCommand(`${CHECKLIST_VIEW_ID}.focus`));
  register('flowguard.checklist.showActiveFileOnly', () => commands.toggleActiveFileOnly(true));
  register('flowguard.checklist.showWorkspace', () => commands.toggleActiveFileOnly(false));
  register('flowguard.revealFinding', (element: unknown) => commands.revealFinding(element));
  register('flowguard.applyFix', (element: unknown) => commands.applyFix(element));
  register(SUPPRESS_FINDING_COMMAND, (element: unknown, reason?: string) => commands.suppress(element, reason));
  // Not in the palette: what the views show, for the extension-host tests and bug reports.
  register('flowguard.internal.checklistDescription', () => treeViews[0].description);
  register('flowguard.internal.uiState', async () => ({
    tree: await renderTree(checklist),
    statusBar: statusBar.text(),
    statusBarTooltip: statusBar.tooltip(),
    lastScan: store.lastScan,
    files: store.fileUris(),
    review: review.current(),
    reviewHtml: review.html(),
  }));

  context.subscriptions.push(
    store,
    checklist,
    commands,
    review,
    statusBar,
    configWatcher,
    ...treeViews,
    store.onDidChange(updateViewMessages),
    checklist.onDidChangeTreeData(updateViewMessages),
    configWatcher.onDidChange(rescanSoon),
    configWatcher.onDidCreate(rescanSoon),
    configWatcher.onDidDelete(rescanSoon),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('files.exclude') || e.affectsConfiguration('flowguard')) rescanSoon();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(rescanSoon),
  );

  const start = async () => {
    try {
      await store.loadRules();
      await store.scan(vscode.ProgressLocation.Window);
    } catch (error) {
      output.error(
        `the workspace scan failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      void vscode.window.showWarningMessage(
        `Flowguard: the workspace scan failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  if (client.state === State.Running) void start();
  // Also after every restart (granting workspace trust restarts the server): the status item and the checklist fill
  // again at once, not when the editor next changes.
  context.subscriptions.push(
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) void start();
    }),
  );
  return { store, checklist, commands, statusBar };
}
