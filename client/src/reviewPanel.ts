// "Flowguard: Run Security Review": a webview with the checklist and its evidence, findings by severity and the
// per-workflow facts the server computes (flowguard/review). Exports Markdown and SARIF.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { REVIEW_METHOD, type ReviewParams, type ReviewResult, type RuleInfo } from '../../server/src/protocol';
import { buildChecklist } from './checklistModel';
import type { FindingsStore } from './findingsStore';
import { escapeHtml, renderReviewHtml, renderReviewMarkdown, type ReviewDocument } from './reviewReport';

export function nonce(): string {
  return randomBytes(16)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '');
}

export type ExportFormat = 'markdown' | 'sarif';

export class ReviewPanel implements vscode.Disposable {
  static readonly viewType = 'flowguard.review';
  private panel?: vscode.WebviewPanel;
  private document?: ReviewDocument;
  private scopeUris: string[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly client: LanguageClient,
    private readonly store: FindingsStore,
    private readonly showRuleDocs: (ruleId: string) => Promise<void>,
  ) {}

  /** The review last rendered (for export and for the extension-host tests). */
  current(): ReviewDocument | undefined {
    return this.document;
  }

  html(): string | undefined {
    return this.panel?.webview.html;
  }

  /** Reviews the whole workspace, or only `onlyUri` (the active file). */
  async show(onlyUri?: string): Promise<ReviewDocument> {
    if (this.store.fileCount() === 0 && !this.store.lastScan) await this.store.scan();
    const uris = onlyUri ? [onlyUri] : this.store.fileUris();
    this.scopeUris = uris;
    const notes: string[] = [];
    let facts: ReviewResult = { files: uris.map((uri) => ({ uri })) };
    try {
      facts = await this.client.sendRequest<ReviewResult>(REVIEW_METHOD, { uris } satisfies ReviewParams);
    } catch (error) {
      notes.push(`Per-workflow facts are unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (facts.files.some((f) => f.facts?.kind === 'workflow' && !f.facts.jobPermissions)) {
      notes.push(
        'For some workflows only the granted permissions are shown: the permissions their jobs need could not be worked out.',
      );
    }
    const findings = this.store.findings(onlyUri);
    const rules = this.store.ruleSummaries();
    this.document = {
      title: 'Flowguard security review',
      scope: onlyUri
        ? `File ${vscode.workspace.asRelativePath(vscode.Uri.parse(onlyUri))}`
        : `Workspace ${vscode.workspace.name ?? ''}`.trim(),
      generatedAt: new Date().toISOString(),
      checklist: buildChecklist(rules, findings, onlyUri),
      findings,
      rules,
      files: facts.files.map((f) => ({
        uri: f.uri,
        label: vscode.workspace.asRelativePath(vscode.Uri.parse(f.uri)),
        facts: f.facts,
      })),
      notes,
    };
    this.render();
    return this.document;
  }

  private render(): void {
    if (!this.document) return;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        ReviewPanel.viewType,
        'Flowguard Security Review',
        vscode.ViewColumn.Active,
        {
          enableScripts: true,
          localResourceRoots: [],
        },
      );
      this.panel.onDidDispose(() => (this.panel = undefined), undefined, this.disposables);
      this.panel.webview.onDidReceiveMessage(
        (message) =>
          this.onMessage(message).catch(
            (err: unknown) =>
              void vscode.window.showErrorMessage(`Flowguard: ${err instanceof Error ? err.message : String(err)}`),
          ),
        undefined,
        this.disposables,
      );
    }
    this.panel.webview.html = renderReviewHtml(this.document, nonce(), this.panel.webview.cspSource);
    this.panel.reveal();
  }

  private async onMessage(message: {
    type?: string;
    uri?: string;
    line?: number;
    character?: number;
    ruleId?: string;
    format?: string;
  }): Promise<void> {
    if (message.type === 'open' && typeof message.uri === 'string') {
      const position = new vscode.Position(Number(message.line) || 0, Number(message.character) || 0);
      await vscode.window.showTextDocument(vscode.Uri.parse(message.uri), {
        selection: new vscode.Range(position, position),
        viewColumn: vscode.ViewColumn.One,
      });
    } else if (message.type === 'ruleDocs' && typeof message.ruleId === 'string') {
      await this.showRuleDocs(message.ruleId);
    } else if (message.type === 'export' && (message.format === 'markdown' || message.format === 'sarif')) {
      await this.export(message.format);
    }
  }

  /** Writes the review as Markdown or SARIF to `target` (asks where when not given). Returns the file written. */
  async export(format: ExportFormat, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const doc = this.document ?? (await this.show());
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const destination =
      target ??
      (await vscode.window.showSaveDialog({
        defaultUri: folder
          ? vscode.Uri.joinPath(folder, format === 'sarif' ? 'flowguard-review.sarif' : 'flowguard-review.md')
          : undefined,
        filters: format === 'sarif' ? { SARIF: ['sarif', 'json'] } : { Markdown: ['md'] },
      }));
    if (!destination) return undefined;
    let content: string;
    if (format === 'markdown') content = renderReviewMarkdown(doc);
    else {
      const srcRoot = folder ? folder.toString().replace(/\/?$/, '/') : undefined;
      const result = await this.client.sendRequest<ReviewResult>(REVIEW_METHOD, {
        uris: this.scopeUris,
        sarif: true,
        srcRoot,
      } satisfies ReviewParams);
      content = result.sarif ?? '';
    }
    await vscode.workspace.fs.writeFile(destination, new TextEncoder().encode(content));
    void vscode.window
      .showInformationMessage(`Flowguard: review exported to ${vscode.workspace.asRelativePath(destination)}`, 'Open')
      .then(async (choice) => {
        if (choice === 'Open') await vscode.window.showTextDocument(destination);
      });
    return destination;
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** A rule's documentation in a webview: risk, remediation, examples, references. */
export function ruleDocsHtml(rule: RuleInfo, nonceValue: string, cspSource: string): string {
  const csp = `default-src 'none'; img-src ${cspSource} data:; style-src 'nonce-${nonceValue}';`;
  const example = (title: string, text?: string) =>
    text ? `<h2>${title}</h2><pre><code>${escapeHtml(text)}</code></pre>` : '';
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<style nonce="${nonceValue}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 1.5em 2em; line-height: 1.5; }
pre { background: var(--vscode-textCodeBlock-background); padding: .6em; overflow-x: auto; }
code { font-family: var(--vscode-editor-font-family); }
.muted { color: var(--vscode-descriptionForeground); }
a { color: var(--vscode-textLink-foreground); }
</style><title>${escapeHtml(rule.title)}</title></head><body>
<h1 id="rule-title">${escapeHtml(rule.title)}</h1>
<p class="muted"><code>${escapeHtml(rule.id)}</code> · ${escapeHtml(rule.category)} · severity ${escapeHtml(rule.effectiveSeverity)} · confidence ${escapeHtml(rule.confidence)}${rule.fixable ? ' · quick-fix available' : ''}${
    rule.aliases.length ? ` · also known as ${rule.aliases.map(escapeHtml).join(', ')}` : ''
  }</p>
<p>${escapeHtml(rule.description)}</p>
<h2>Risk</h2><p>${escapeHtml(rule.docs.risk)}</p>
<h2>Remediation</h2><p>${escapeHtml(rule.docs.remediation)}</p>
${example('Vulnerable', rule.docs.vulnerableExample)}${example('Safe', rule.docs.safeExample)}
${rule.docs.references?.length ? `<h2>References</h2><ul>${rule.docs.references.map((r) => `<li><a href="${escapeHtml(r)}">${escapeHtml(r)}</a></li>`).join('')}</ul>` : ''}
</body></html>`;
}
