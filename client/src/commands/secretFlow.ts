// What "Move to secret store" shares between its GitHub and GitLab store steps: the value the fix removed, kept in
// memory only (never on disk, never logged), and the outcome every path ends with, shown to the user: stored (where),
// skipped (Undo puts the text back; a copyable CLI command reads the value from stdin), or failed (the reason, Retry).
import * as vscode from 'vscode';
import { maskSecret } from '../../../server/src/protocol';

/** What an edit did to a workflow: the text it removed and the text it put in its place. */
interface Replacement {
  uri: string;
  /** Offset of the change in the document before the edit. */
  offset: number;
  removed: string;
  inserted: string;
  at: number;
}

/** The value a fix removed, with the edit that removed it (for Undo and for renaming the reference). */
export interface RemovedValue {
  value: string;
  replacement?: Replacement;
}

/** The follow-up arguments of a "Move to secret store" fix that locate the removed value (never the value itself). */
export interface ValueLocation {
  path?: string;
  valueSpan?: { start: number; end: number };
  masked?: string;
}

export type SecretOutcome =
  | { kind: 'stored'; name: string; where: string }
  | { kind: 'skipped'; name: string; reason: string; command?: string }
  | { kind: 'failed'; name: string; reason: string; command?: string };

/** What tests and bug reports may see of an outcome: never the value. */
export type RecordedOutcome = SecretOutcome & { id: number; undone?: boolean };

const KEEP_REMOVED_MS = 5 * 60_000;
const UNDO_SECRET_MOVE_COMMAND = 'flowguard.undoSecretMove';
const COPY_STORE_COMMAND = 'flowguard.copySecretStoreCommand';

/** Remembers what edits remove from workflow files for a few minutes, in memory, so the store step can offer it. */
export class RemovedTextTracker implements vscode.Disposable {
  private readonly snapshots = new Map<string, string>();
  private replacements: Replacement[] = [];
  private readonly recorded = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[];

  constructor() {
    // Real documents only: the refactor preview's copies (vscode-bulkeditpreview-editor:) must not be undone into.
    const isYaml = (doc: vscode.TextDocument) =>
      ['file', 'vscode-remote', 'untitled'].includes(doc.uri.scheme) && /\.ya?ml$/i.test(doc.uri.path);
    const remember = (doc: vscode.TextDocument) => {
      if (isYaml(doc)) this.snapshots.set(doc.uri.toString(), doc.getText());
    };
    vscode.workspace.textDocuments.forEach(remember);
    this.disposables = [
      vscode.workspace.onDidOpenTextDocument(remember),
      vscode.workspace.onDidCloseTextDocument((doc) => this.snapshots.delete(doc.uri.toString())),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const key = e.document.uri.toString();
        const before = this.snapshots.get(key);
        if (before !== undefined && e.contentChanges.some((c) => c.rangeLength > 0)) {
          const now = Date.now();
          this.replacements = this.replacements.filter((r) => now - r.at < KEEP_REMOVED_MS);
          // VS Code splits an edit into minimal changes (a replaced value arrives as several small ones): one event is
          // kept as one replacement, from its first to its last change, so the removed value is found whole.
          const after = e.document.getText();
          const start = Math.min(...e.contentChanges.map((c) => c.rangeOffset));
          const end = Math.max(...e.contentChanges.map((c) => c.rangeOffset + c.rangeLength));
          this.replacements.push({
            uri: key,
            offset: start,
            removed: before.slice(start, end),
            inserted: after.slice(start, end + after.length - before.length),
            at: now,
          });
        }
        remember(e.document);
        this.recorded.fire();
      }),
      this.recorded,
    ];
  }

  /**
   * recall(), waiting up to `ms` for the edit's change event: it can reach the extension host after the applyEdit that
   * caused it has resolved, and the store step runs right after.
   */
  async recallSoon(location: ValueLocation, ms = 2000): Promise<RemovedValue | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.recall(location);
      const left = deadline - Date.now();
      if (found || left <= 0) return found;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        const listener = this.recorded.event(done);
        function done() {
          clearTimeout(timer);
          listener.dispose();
          resolve();
        }
      });
    }
  }

  /** The value an edit just removed at the finding's span, recognized by its mask. */
  recall(location: ValueLocation): RemovedValue | undefined {
    if (!location.valueSpan || !location.masked) return undefined;
    const { start, end } = location.valueSpan;
    const suffix = location.path?.replace(/\\/g, '/').replace(/^\.?\//, '');
    for (const r of [...this.replacements].reverse()) {
      if (suffix && !decodeURIComponent(r.uri).endsWith(suffix)) continue;
      if (r.offset > start || r.offset + r.removed.length < end) continue;
      const value = r.removed.slice(start - r.offset, end - r.offset).trim();
      if (maskSecret(value) === location.masked) return { value, replacement: r };
    }
    return undefined;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.replacements = [];
  }
}

/** Where the replacement's inserted text is now: the occurrence nearest its original offset. */
async function locate(replacement: Replacement): Promise<{ document: vscode.TextDocument; range: vscode.Range }> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(replacement.uri));
  const text = document.getText();
  // A pure deletion (GitLab's variable line) left nothing to look for: it is where it was.
  let best = replacement.inserted ? -1 : Math.min(replacement.offset, text.length);
  for (
    let i = text.indexOf(replacement.inserted);
    replacement.inserted && i >= 0;
    i = text.indexOf(replacement.inserted, i + 1)
  )
    if (best < 0 || Math.abs(i - replacement.offset) < Math.abs(best - replacement.offset)) best = i;
  if (best < 0) throw new Error('the reference the fix wrote was edited since');
  return {
    document,
    range: new vscode.Range(document.positionAt(best), document.positionAt(best + replacement.inserted.length)),
  };
}

/** Points the reference the fix wrote at another secret name (the user renamed it in the store step). */
export async function renameReference(replacement: Replacement, from: string, to: string): Promise<boolean> {
  const { document, range } = await locate(replacement);
  // Names are letters, digits and underscores: no escaping needed.
  const renamed = document.getText(range).replace(new RegExp(`\\b${from}\\b`, 'g'), to);
  if (renamed === replacement.inserted) return false;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, range, renamed);
  if (!(await vscode.workspace.applyEdit(edit))) return false;
  replacement.inserted = renamed;
  return true;
}

/** Shows outcomes and keeps the means to act on them (Undo, copy the CLI command, Retry) while they are on screen. */
export class SecretOutcomes implements vscode.Disposable {
  private readonly recorded: RecordedOutcome[] = [];
  private readonly undo = new Map<number, Replacement>();
  /** One edit can remove two values (fix-all): once its text is back, the other outcome's Undo has nothing left to do. */
  private readonly restored = new WeakSet<Replacement>();
  private nextId = 1;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly log: (message: string) => void) {
    this.disposables = [
      vscode.commands.registerCommand(UNDO_SECRET_MOVE_COMMAND, (id: number) => this.undoMove(id)),
      vscode.commands.registerCommand(COPY_STORE_COMMAND, (id: number) => this.copyCommand(id)),
      // Not in the palette: the outcomes so far (names, places, reasons; never a value), for tests and bug reports.
      vscode.commands.registerCommand('flowguard.internal.secretOutcomes', () => this.recorded.map((o) => ({ ...o }))),
    ];
  }

  /**
   * Records and shows an outcome. Does not wait for the user's answer to the notification: `retry` (holding the value in
   * its closure, nowhere else) runs if they press Retry or Store…
   */
  report(
    outcome: SecretOutcome,
    replacement: Replacement | undefined,
    retry?: () => Promise<unknown>,
  ): RecordedOutcome {
    const recorded: RecordedOutcome = { ...outcome, id: this.nextId++ };
    this.recorded.push(recorded);
    if (replacement) this.undo.set(recorded.id, replacement);
    this.log(
      outcome.kind === 'stored'
        ? `secret ${outcome.name}: stored in ${outcome.where}`
        : `secret ${outcome.name}: ${outcome.kind} (${outcome.reason})`,
    );
    void this.show(recorded, replacement !== undefined, retry);
    return recorded;
  }

  private async show(outcome: RecordedOutcome, canUndo: boolean, retry?: () => Promise<unknown>): Promise<void> {
    const undo = canUndo ? ['Undo'] : [];
    const copy = outcome.kind !== 'stored' && outcome.command ? ['Copy CLI Command'] : [];
    let choice: string | undefined;
    if (outcome.kind === 'stored') {
      choice = await vscode.window.showInformationMessage(
        `Flowguard: secret ${outcome.name} stored in ${outcome.where}. Rotate the old credential: it was in the file.`,
      );
    } else if (outcome.kind === 'skipped') {
      choice = await vscode.window.showWarningMessage(
        `Flowguard: secret ${outcome.name} was not stored (${outcome.reason}). The workflow now reads it from the store: create it there, or undo the move.`,
        ...undo,
        ...copy,
        ...(retry ? ['Store…'] : []),
      );
    } else {
      choice = await vscode.window.showErrorMessage(
        `Flowguard: could not store secret ${outcome.name}: ${outcome.reason}`,
        ...(retry ? ['Retry'] : []),
        ...undo,
        ...copy,
      );
    }
    if (choice === 'Undo') await this.undoMove(outcome.id);
    else if (choice === 'Copy CLI Command') await this.copyCommand(outcome.id);
    else if ((choice === 'Retry' || choice === 'Store…') && retry) await retry();
  }

  /** Puts back the text the move removed (the value included) where the fix wrote its reference. */
  async undoMove(id: number): Promise<boolean> {
    const replacement = this.undo.get(id);
    const outcome = this.recorded.find((o) => o.id === id);
    if (!replacement || !outcome) return false;
    if (this.restored.has(replacement)) {
      outcome.undone = true;
      void vscode.window.showInformationMessage(`Flowguard: the inline value of ${outcome.name} is already back.`);
      return true;
    }
    try {
      const { document, range } = await locate(replacement);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, range, replacement.removed);
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error('the editor refused the edit');
      this.undo.delete(id);
      this.restored.add(replacement);
      outcome.undone = true;
      await vscode.window.showTextDocument(document, { selection: new vscode.Range(range.start, range.start) });
      void vscode.window.showInformationMessage(`Flowguard: the inline value of ${outcome.name} is back in the file.`);
      return true;
    } catch (error) {
      void vscode.window.showErrorMessage(
        `Flowguard: could not undo the move of ${outcome.name}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return false;
    }
  }

  private async copyCommand(id: number): Promise<void> {
    const outcome = this.recorded.find((o) => o.id === id);
    if (!outcome || outcome.kind === 'stored' || !outcome.command) return;
    await vscode.env.clipboard.writeText(outcome.command);
    void vscode.window.showInformationMessage(
      `Flowguard: copied "${outcome.command}". Run it in a terminal and paste the value when asked: it is read from stdin, so it stays out of the command line and the shell history.`,
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.undo.clear();
  }
}
