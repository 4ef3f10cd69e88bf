// Every VS Code DOM selector the UI test relies on, in one place. They are workbench internals: valid for the pinned
// code-server version (test/e2e/setup.mjs); re-check them when that version changes.
export const SELECTORS = {
  workbench: '.monaco-workbench',
  editor: '.editor-instance .monaco-editor',
  editorLines: '.editor-instance .monaco-editor .view-lines',
  squiggle: '.squiggly-error, .squiggly-warning',
  squiggleError: '.squiggly-error',
  problemsPanel: '.markers-panel',
  problemsRow: '.markers-panel .monaco-list-row',
  statusBarProblems: '#status\\.problems',
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget input',
  quickInputRow: '.quick-input-widget .monaco-list-row',
  actionWidget: '.action-widget',
  actionWidgetItem: '.action-widget .monaco-list-row.action',
  paneHeader: '.pane-header',
  treeRow: '.monaco-list-row[role="treeitem"]',
  /** The Flowguard view body: its header's aria-label names the view. */
  checklistPane: '.pane:has(.pane-header[aria-label^="Security Checklist"])',
  webviewFrame: 'iframe.webview',
  /** Buttons rendered from viewsWelcome `[label](command:...)` lines. */
  welcomeButton: '.welcome-view-content .monaco-button',
  notification: '.notifications-toasts .notification-toast',
  flowguardStatus: '[id="flowguard.flowguard.flowguard.status"], #flowguard\\.status',
};
