// What "Move to secret store" shares between its GitHub and GitLab store steps: the value the fix removed, read from the
// document before the edit and kept in memory only (never on disk, never logged), and the outcome every path ends
// with, shown to the user: stored (where), skipped (Undo puts the text back; a copyable CLI command reads the value
// from stdin), failed (the reason, Retry), or unchanged (the move was not applied: nothing changed, nothing stored).
import * as vscode from 'vscode';
import { maskSecret, type LspRange, type LspTextEdit } from '../../../server/src/protocol';

/** What an edit did to a workflow: the text it removed and the text it put in its place. */
export interface Replacement {
  uri: string;
  /** Offset of the change in the document before the edit. */
  offset: number;
  removed: string;
  inserted: string;
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
  | { kind: 'failed'; name: string; reason: string; command?: string }
  /** The move did not happen (preview cancelled, file changed since): the file is as it was, nothing was stored. */
  | { kind: 'unchanged'; name: string; reason: string; command?: undefined };

/** What tests and bug reports may see of an outcome: never the value. */
export type RecordedOutcome = SecretOutcome & { id: number; undone?: boolean };

const UNDO_SECRET_MOVE_COMMAND = 'flowguard.undoSecretMove';
const COPY_STORE_COMMAND = 'flowguard.copySecretStoreCommand';

/** A text edit as offsets into the document before it. */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

export function lspRange(range: LspRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

export function offsetEdits(document: vscode.TextDocument, edits: readonly LspTextEdit[]): OffsetEdit[] {
  return edits.map((e) => {
    const range = lspRange(e.range);
    return { start: document.offsetAt(range.start), end: document.offsetAt(range.end), newText: e.newText };
  });
}

/**
 * What applying `edits` to `text` gives, and the same change as one replacement from the first edit's start to the
 * last one's end (Undo puts `removed` back where `inserted` is; one object however many values the edits remove).
 */
export function replacementOf(
  uri: string,
  text: string,
  edits: readonly OffsetEdit[],
): { replacement: Replacement; after: string } {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let after = '';
  let at = 0;
  for (const e of sorted) {
    after += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  after += text.slice(at);
  const start = sorted[0]?.start ?? 0;
  const end = Math.max(start, ...sorted.map((e) => e.end));
  const inserted = after.slice(start, end + after.length - text.length);
  return { replacement: { uri, offset: start, removed: text.slice(start, end), inserted }, after };
}

/**
 * The value at the fix's location in `text` (the document before the edit), recognized by its mask and inside what
 * the replacement removes. Read before the edit is applied: from then on it lives in memory only.
 */
export function removedValue(
  text: string,
  location: ValueLocation | undefined,
  replacement: Replacement,
): RemovedValue | undefined {
  if (!location?.valueSpan || !location.masked) return undefined;
  const { start, end } = location.valueSpan;
  if (start < replacement.offset || end > replacement.offset + replacement.removed.length) return undefined;
  const value = text.slice(start, end).trim();
  return value && maskSecret(value) === location.masked ? { value, replacement } : undefined;
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
    } else if (outcome.kind === 'unchanged') {
      await vscode.window.showInformationMessage(
        `Flowguard: ${outcome.name} was not moved (${outcome.reason}). Nothing was changed and nothing was stored.`,
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
