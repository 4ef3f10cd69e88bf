// "Move to secret store" in VS Code (MOVE_SECRET_COMMAND: the code action carries this command and no edit). The
// command reads the value from the document, applies the server's edit itself (through the refactor preview when the
// fix is unsafe) and decides what follows from the document, not from the editor running a code action's command
// after its edit: the edit is in → the store step; the file as it was → a visible "nothing was changed".
import * as vscode from 'vscode';
import type { LspCommand, MoveSecretArgs } from '../../../server/src/protocol';
import {
  lspRange,
  offsetEdits,
  removedValue,
  replacementOf,
  type RemovedValue,
  type SecretOutcomes,
  type ValueLocation,
} from './secretFlow';

/** How long an applied edit may take to reach this extension host's copy of the document (a hang guard). */
const EDIT_ARRIVAL_MS = 5000;

/** Runs the store step named by the fix with the value it removed. */
export type StoreStep = (step: LspCommand, removed: RemovedValue) => Promise<unknown>;

/** Returns whether the move was applied (the store step then ran, whatever its outcome). */
export async function moveSecret(
  args: MoveSecretArgs | undefined,
  outcomes: SecretOutcomes,
  storeStep: StoreStep,
): Promise<boolean> {
  if (!args) return false;
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Flowguard: moving secrets is disabled until you trust this workspace.');
    return false;
  }
  const location = args.store.arguments?.[0] as (ValueLocation & { name?: string }) | undefined;
  const unchanged = (reason: string) => {
    outcomes.report({ kind: 'unchanged', name: location?.name ?? 'the secret', reason }, undefined);
    return false;
  };
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri));
  if (document.version !== args.version) return unchanged('the file changed since the fix was computed: run it again');
  const before = document.getText();
  const { replacement, after } = replacementOf(document.uri.toString(), before, offsetEdits(document, args.edits));
  // Read before the edit removes it: from here on the value lives in memory only.
  const removed = removedValue(before, location, replacement);
  if (!removed) return unchanged('the value is not where the fix expected it: run it again');

  const edit = new vscode.WorkspaceEdit();
  const review: vscode.WorkspaceEditEntryMetadata | undefined = args.needsConfirmation
    ? {
        needsConfirmation: true,
        label: args.title,
        description: 'may change what the workflow does: review before applying',
      }
    : undefined;
  for (const e of args.edits) edit.replace(document.uri, lspRange(e.range), e.newText, review);
  const applied = await vscode.workspace.applyEdit(edit, { isRefactoring: true });
  // The document says what happened, whatever the editor reported.
  const now = applied ? await textOnceItIs(document, after) : document.getText();
  if (now === after) {
    await storeStep(args.store, removed);
    return true;
  }
  if (now === before) return unchanged(applied ? 'the editor applied nothing' : 'the change was not applied');
  // Partly applied (the preview lets the user untick changes) or edited meanwhile: no Undo can be offered.
  if (!now.includes(removed.value)) {
    await storeStep(args.store, { value: removed.value });
    return true;
  }
  return unchanged('the change was applied only in part and the value is still in the file');
}

/** The document's text once it is `expected`, or after EDIT_ARRIVAL_MS whatever it is. */
async function textOnceItIs(document: vscode.TextDocument, expected: string): Promise<string> {
  if (document.getText() === expected) return expected;
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      listener.dispose();
      resolve(document.getText());
    };
    const timer = setTimeout(done, EDIT_ARRIVAL_MS);
    const listener = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === document.uri.toString() && document.getText() === expected) done();
    });
  });
}
