// The client's picture of the workspace: every file's findings (from the server's background scan and its
// flowguard/findingsChanged notifications) and the rules. Views and the status bar listen to `onDidChange`.
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import {
  FINDINGS_CHANGED_METHOD,
  RULES_METHOD,
  WORKSPACE_FINDINGS_METHOD,
  type FileFindings,
  type FindingsChangedParams,
  type RuleInfo,
  type RulesResult,
  type WorkspaceFindingsParams,
  type WorkspaceFindingsResult,
} from '../../server/src/protocol';
import type { ChecklistFinding, RuleSummary } from './checklistModel';
import { mergeScanAnswer } from './scanMerge';

export interface ScanSummary {
  files: number;
  scanned: number;
  durationMs: number;
  /** Wall time seen by the client, request to answer. */
  elapsedMs: number;
}

/** `files.exclude` entries set to true, as globs relative to the folder (the server matches them with engine/glob.ts). */
export function excludeGlobs(): string[] {
  const setting =
    vscode.workspace.getConfiguration('files').get<Record<string, boolean | { when: string }>>('exclude') ?? {};
  return Object.entries(setting)
    .filter(([, value]) => value === true)
    .map(([glob]) => glob);
}

export class FindingsStore implements vscode.Disposable {
  private readonly files = new Map<string, FileFindings>();
  /** Files announced since the running scan was asked for, with the announcement's generation (see mergeScanAnswer). */
  private readonly announcedDuringScan = new Map<string, number>();
  private rulesById = new Map<string, RuleInfo>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private runningScan?: vscode.CancellationTokenSource;
  /** Set once the first workspace scan has answered. */
  lastScan?: ScanSummary;
  scanning = false;
  private scanCount = 0;

  constructor(private readonly client: LanguageClient) {
    this.disposables.push(
      client.onNotification(FINDINGS_CHANGED_METHOD, (params: FindingsChangedParams) => this.accept(params)),
      // The server tells us about watched-file changes; renames and deletes are applied at once so the view never
      // shows a file that no longer exists, even before the server's notification arrives.
      vscode.workspace.onDidDeleteFiles((e) => this.forget(e.files)),
      vscode.workspace.onDidRenameFiles((e) => this.forget(e.files.map((f) => f.oldUri))),
    );
  }

  private forget(uris: readonly vscode.Uri[]): void {
    let removed = false;
    for (const uri of uris) {
      const prefix = uri.toString();
      for (const key of [...this.files.keys()]) {
        if (key === prefix || key.startsWith(prefix.endsWith('/') ? prefix : prefix + '/'))
          removed = this.files.delete(key) || removed;
      }
    }
    if (removed) this.changed.fire();
  }

  private accept(params: FindingsChangedParams): void {
    const current = this.files.get(params.uri);
    if (current && current.generation > params.generation) return;
    this.announcedDuringScan.set(params.uri, params.generation);
    if (params.removed) this.files.delete(params.uri);
    else
      this.files.set(params.uri, {
        uri: params.uri,
        kind: params.kind,
        generation: params.generation,
        findings: params.findings,
        problems: params.problems,
      });
    this.changed.fire();
  }

  async loadRules(): Promise<void> {
    const result = await this.client.sendRequest<RulesResult>(RULES_METHOD);
    this.rulesById = new Map(result.rules.map((r) => [r.id, r]));
    this.changed.fire();
  }

  rules(): RuleInfo[] {
    return [...this.rulesById.values()];
  }

  rule(id: string): RuleInfo | undefined {
    return this.rulesById.get(id);
  }

  /** Enabled rules, as the checklist shows them. */
  ruleSummaries(): RuleSummary[] {
    return this.rules()
      .filter((r) => r.enabled)
      .map((r) => ({
        id: r.id,
        title: r.title,
        description: r.description,
        category: r.category,
        severity: r.effectiveSeverity,
        fixable: r.fixable,
      }));
  }

  fileUris(): string[] {
    return [...this.files.keys()].sort();
  }

  /** YAML syntax / limit problems of a file (shown as parse-error diagnostics when it is open). */
  problems(uri: string): number {
    return this.files.get(uri)?.problems ?? 0;
  }

  fileCount(): number {
    return this.files.size;
  }

  findings(onlyUri?: string): ChecklistFinding[] {
    const out: ChecklistFinding[] = [];
    for (const file of this.files.values()) {
      if (onlyUri !== undefined && file.uri !== onlyUri) continue;
      for (const f of file.findings)
        out.push({ uri: file.uri, ruleId: f.ruleId, message: f.message, severity: f.severity, range: f.range });
    }
    return out;
  }

  fixCount(uri: string, ruleId: string, line: number, character: number): number {
    return (
      this.files
        .get(uri)
        ?.findings.find(
          (f) => f.ruleId === ruleId && f.range.start.line === line && f.range.start.character === character,
        )?.fixes ?? 0
    );
  }

  /**
   * Scans the workspace in the server (a worker thread there), with cancellable progress. A new scan cancels the
   * one still running. Resolves with undefined when cancelled.
   */
  async scan(
    location: vscode.ProgressLocation | { viewId: string } = vscode.ProgressLocation.Notification,
  ): Promise<ScanSummary | undefined> {
    this.runningScan?.cancel();
    const source = new vscode.CancellationTokenSource();
    this.runningScan = source;
    this.announcedDuringScan.clear();
    this.scanning = true;
    this.changed.fire();
    const started = Date.now();
    try {
      return await vscode.window.withProgress(
        { location, title: 'Flowguard: scanning workflows and pipelines', cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => source.cancel());
          // Our own progress token: the server reports into this notification instead of opening a second one.
          const workDoneToken = `flowguard-scan-${++this.scanCount}`;
          let reported = 0;
          const progressListener = this.client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
            if (value.kind !== 'report') return;
            const percentage = value.percentage ?? reported;
            progress.report({ message: value.message, increment: Math.max(0, percentage - reported) });
            reported = Math.max(reported, percentage);
          });
          const params: WorkspaceFindingsParams = { exclude: excludeGlobs(), workDoneToken };
          let result: WorkspaceFindingsResult;
          try {
            result = await this.client.sendRequest<WorkspaceFindingsResult>(
              WORKSPACE_FINDINGS_METHOD,
              params,
              source.token,
            );
          } catch (error) {
            if (source.token.isCancellationRequested) return undefined;
            throw error;
          } finally {
            progressListener.dispose();
          }
          if (source.token.isCancellationRequested) return undefined;
          // A notification that arrived during the scan may be newer than the scan's view of that file.
          const merged = mergeScanAnswer(result.files, this.files, this.announcedDuringScan);
          this.files.clear();
          for (const [uri, file] of merged) this.files.set(uri, file);
          this.lastScan = {
            files: result.files.length,
            scanned: result.scanned,
            durationMs: result.durationMs,
            elapsedMs: Date.now() - started,
          };
          return this.lastScan;
        },
      );
    } finally {
      if (this.runningScan === source) {
        this.runningScan = undefined;
        this.scanning = false;
      }
      source.dispose();
      this.changed.fire();
    }
  }

  dispose(): void {
    this.runningScan?.cancel();
    for (const d of this.disposables) d.dispose();
  }
}
