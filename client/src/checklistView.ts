// The Security Checklist tree: category -> check (rule) -> finding, for the whole workspace or the active file.
// Shown in Flowguard's own activity-bar container and in the Explorer (one provider, two views).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PARSE_ERROR_CODE } from '../../server/src/protocol';
import {
  buildChecklist,
  describeCounts,
  type CategoryNode,
  type ChecklistFinding,
  type CheckState,
  type RuleNode,
  shortSummary,
} from './checklistModel';
import type { FindingsStore } from './findingsStore';

export { CHECKLIST_EXPLORER_VIEW_ID, CHECKLIST_VIEW_ID } from './checklistModel';
const ACTIVE_FILE_ONLY_KEY = 'flowguard.checklist.activeFileOnly';

export type ChecklistElement =
  | { type: 'category'; node: CategoryNode }
  | { type: 'rule'; node: RuleNode }
  | { type: 'finding'; finding: ChecklistFinding; fixes: number };

const STATE_ICON: Record<CheckState, vscode.ThemeIcon> = {
  pass: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  warn: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  fail: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')),
  unchecked: new vscode.ThemeIcon('circle-outline'),
};

const STATE_TEXT: Record<CheckState, string> = { pass: 'pass', warn: 'warn', fail: 'fail', unchecked: 'no checks yet' };

function severityIcon(severity: ChecklistFinding['severity']): vscode.ThemeIcon {
  if (severity === 'high') return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  if (severity === 'medium') return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  return new vscode.ThemeIcon('info');
}

export function findingRange(finding: Pick<ChecklistFinding, 'range'>): vscode.Range {
  return new vscode.Range(
    finding.range.start.line,
    finding.range.start.character,
    finding.range.end.line,
    finding.range.end.character,
  );
}

export class ChecklistProvider implements vscode.TreeDataProvider<ChecklistElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ChecklistElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private activeFileOnly = false;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly store: FindingsStore) {
    this.disposables.push(
      store.onDidChange(() => this.changed.fire(undefined)),
      vscode.window.onDidChangeActiveTextEditor(() => {
        if (this.activeFileOnly) this.changed.fire(undefined);
      }),
    );
    void vscode.commands.executeCommand('setContext', ACTIVE_FILE_ONLY_KEY, false);
  }

  setActiveFileOnly(value: boolean): void {
    this.activeFileOnly = value;
    void vscode.commands.executeCommand('setContext', ACTIVE_FILE_ONLY_KEY, value);
    this.changed.fire(undefined);
  }

  isActiveFileOnly(): boolean {
    return this.activeFileOnly;
  }

  /** The checklist as currently shown (whole workspace, or the active file when toggled). */
  checklist(): CategoryNode[] {
    const onlyUri = this.activeFileOnly ? (vscode.window.activeTextEditor?.document.uri.toString() ?? '') : undefined;
    return buildChecklist(this.store.ruleSummaries(), this.store.findings(onlyUri), onlyUri);
  }

  getChildren(element?: ChecklistElement): ChecklistElement[] {
    // Nothing analyzed yet (scan running, or no workflow at all): an empty tree lets the welcome content show.
    if (!element)
      return this.store.rules().length === 0 || this.store.fileCount() === 0
        ? []
        : this.checklist().map((node) => ({ type: 'category', node }));
    if (element.type === 'category') return element.node.rules.map((node) => ({ type: 'rule', node }));
    if (element.type === 'rule') {
      return element.node.findings.map((finding) => ({
        type: 'finding',
        finding,
        fixes: this.store.fixCount(
          finding.uri,
          finding.ruleId,
          finding.range.start.line,
          finding.range.start.character,
        ),
      }));
    }
    return [];
  }

  getTreeItem(element: ChecklistElement): vscode.TreeItem {
    const scope = this.activeFileOnly ? 'file' : 'workspace';
    if (element.type === 'category') {
      const { node } = element;
      const item = new vscode.TreeItem(
        node.title,
        node.total > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = `${scope}:category:${node.category}`;
      item.description = `${STATE_TEXT[node.state]} · ${node.total > 0 ? describeCounts(node.counts) : `${node.rules.length} check(s)`}`;
      item.iconPath = STATE_ICON[node.state];
      item.contextValue = 'flowguard.category';
      item.tooltip = `${node.title}: ${STATE_TEXT[node.state]} (${describeCounts(node.counts)})`;
      return item;
    }
    if (element.type === 'rule') {
      const { node } = element;
      const state: CheckState =
        node.findings.length === 0
          ? 'pass'
          : node.findings.some((f) => f.severity === 'high' || f.severity === 'medium')
            ? 'fail'
            : 'warn';
      const item = new vscode.TreeItem(
        node.rule.title,
        node.findings.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
      );
      item.id = `${scope}:rule:${node.rule.id}`;
      item.description = node.findings.length > 0 ? `${node.findings.length} finding(s)` : 'pass';
      item.iconPath = STATE_ICON[state];
      item.contextValue = 'flowguard.rule';
      item.tooltip = new vscode.MarkdownString().appendText(`${node.rule.id}: ${node.rule.description}`);
      return item;
    }
    const { finding, fixes } = element;
    const uri = vscode.Uri.parse(finding.uri);
    const item = new vscode.TreeItem(
      `${path.posix.basename(uri.path)}:${finding.range.start.line + 1}`,
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = `${scope}:finding:${finding.ruleId}:${finding.uri}:${finding.range.start.line}:${finding.range.start.character}`;
    item.description = shortSummary(finding.message);
    item.tooltip = new vscode.MarkdownString().appendText(
      `${vscode.workspace.asRelativePath(uri)}:${finding.range.start.line + 1} (${finding.severity})\n\n${finding.message}`,
    );
    item.iconPath = severityIcon(finding.severity);
    // A YAML error is fixed in the file, not suppressed: no finding actions on its row.
    item.contextValue =
      finding.ruleId === PARSE_ERROR_CODE
        ? 'flowguard.problem'
        : fixes > 0
          ? 'flowguard.finding.fixable'
          : 'flowguard.finding';
    item.command = { command: 'flowguard.revealFinding', title: 'Reveal', arguments: [element] };
    return item;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** A flat snapshot of the tree as rendered, for the extension-host tests and diagnostics. */
export interface RenderedItem {
  depth: number;
  label: string;
  description?: string;
  contextValue?: string;
}

export async function renderTree(provider: ChecklistProvider): Promise<RenderedItem[]> {
  const out: RenderedItem[] = [];
  const walk = async (element: ChecklistElement | undefined, depth: number) => {
    for (const child of await provider.getChildren(element)) {
      const item = provider.getTreeItem(child);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      out.push({
        depth,
        label,
        description: typeof item.description === 'string' ? item.description : undefined,
        contextValue: item.contextValue,
      });
      await walk(child, depth + 1);
    }
  };
  await walk(undefined, 0);
  return out;
}
