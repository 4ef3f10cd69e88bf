// Status bar: the active file's Flowguard findings by severity and its YAML errors; clicking opens the Security Checklist.
import * as vscode from 'vscode';
import { PARSE_ERROR_CODE } from '../../server/src/protocol';
import { countBySeverity } from './checklistModel';
import type { FindingsStore } from './findingsStore';

export class FindingsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('flowguard.status', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly store: FindingsStore) {
    this.item.name = 'Flowguard findings';
    this.item.command = 'flowguard.openChecklist';
    this.disposables.push(
      store.onDidChange(() => this.update()),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
    );
    this.update();
  }

  /** The text shown, for the tests. */
  text(): string {
    return this.item.text;
  }

  /** The tooltip shown, for the tests. */
  tooltip(): string {
    return typeof this.item.tooltip === 'string' ? this.item.tooltip : (this.item.tooltip?.value ?? '');
  }

  private update(): void {
    const editor = vscode.window.activeTextEditor;
    const uri = editor?.document.uri.toString();
    const analyzed = uri !== undefined && this.store.fileUris().includes(uri);
    // Palette commands follow the file, not its language mode (Plain Text keeps them).
    void vscode.commands.executeCommand('setContext', 'flowguard.activeWorkflow', analyzed);
    if (!analyzed) {
      this.item.hide();
      return;
    }
    // YAML errors are listed on their own, not among the high findings the checklist counts them with.
    const counts = countBySeverity(this.store.findings(uri).filter((f) => f.ruleId !== PARSE_ERROR_CODE));
    const syntax = this.store.problems(uri);
    const total = counts.high + counts.medium + counts.low + counts.info;
    // The text and the tooltip say the same numbers, syntax errors included.
    const summary =
      total + syntax === 0
        ? 'no findings'
        : [
            `${counts.high} high`,
            `${counts.medium} medium`,
            `${counts.low} low`,
            `${counts.info} info`,
            ...(syntax ? [`${syntax} YAML error${syntax === 1 ? '' : 's'}`] : []),
          ].join(' ');
    this.item.text = `$(shield) ${total + syntax === 0 ? 'Flowguard: no findings' : summary}`;
    this.item.tooltip = `Flowguard, this file: ${summary}. In Problems: high = error, medium = warning, low = information, info = hint. Click to open the Security Checklist.`;
    this.item.backgroundColor =
      counts.high > 0 || syntax > 0
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : counts.medium > 0
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
