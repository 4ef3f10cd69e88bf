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
  notificationButton: '.monaco-button',
  /** Hovers (status bar tooltips among them). */
  hover: '.workbench-hover, .monaco-hover',
  sideBar: '.part.sidebar',
  collapseAll: '.action-label[aria-label^="Collapse All"]',
  tab: '.tabs-container .tab',
  activeTab: '.tabs-container .tab.active',
  /** A tree row's inline action button, by its title. */
  inlineAction: (title) => `.actions .action-label[aria-label^="${title}"]`,
  /** VS Code's refactor preview (unsafe fixes carry needsConfirmation). */
  refactorPreview: '.bulk-edit-panel[data-state="data"]',
  refactorPreviewCheckbox: '.monaco-tl-contents .edit-checkbox',
  refactorPreviewApply: '.content .buttons .monaco-button',
  flowguardStatus: '[id="flowguard.flowguard.flowguard.status"], #flowguard\\.status',
};
