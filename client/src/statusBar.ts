// Status bar: the active file's Flowguard findings by severity; clicking opens the Security Checklist.
import * as vscode from 'vscode';
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

  private update(): void {
    const editor = vscode.window.activeTextEditor;
    const uri = editor?.document.uri.toString();
    const analyzed = uri !== undefined && this.store.fileUris().includes(uri);
    if (!analyzed) {
      this.item.hide();
      return;
    }
    const counts = countBySeverity(this.store.findings(uri));
    const total = counts.high + counts.medium + counts.low + counts.info;
    this.item.text =
      total === 0
        ? '$(shield) Flowguard: no findings'
        : `$(shield) ${counts.high} high ${counts.medium} medium ${counts.low + counts.info} low`;
    this.item.tooltip = `Flowguard findings in this file: ${counts.high} high, ${counts.medium} medium, ${counts.low} low, ${counts.info} info. Click to open the Security Checklist.`;
    this.item.backgroundColor =
      counts.high > 0
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
