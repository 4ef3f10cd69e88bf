// Running the server's quick-fixes from views and commands: the same code actions the lightbulb offers,
// fetched through VS Code (so the LSP middleware and diagnostics data are exactly as in the editor).
import * as vscode from 'vscode';
import { CodeActionRequest, type CodeActionParams, type LanguageClient } from 'vscode-languageclient/node';

export const DIAGNOSTIC_SOURCE = 'flowguard';

export function diagnosticCode(d: vscode.Diagnostic): string | undefined {
  if (d.code === undefined) return undefined;
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

export function flowguardDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source?.toLowerCase() === DIAGNOSTIC_SOURCE);
}

/** Opens the document (so the server analyzes it) and waits until `accept` holds for its Flowguard diagnostics. */
export async function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  timeoutMs = 10_000,
): Promise<vscode.Diagnostic[]> {
  await vscode.workspace.openTextDocument(uri);
  const current = flowguardDiagnostics(uri);
  if (accept(current)) return current;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      listener.dispose();
      resolve(flowguardDiagnostics(uri));
    }, timeoutMs);
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const diagnostics = flowguardDiagnostics(uri);
      if (!accept(diagnostics)) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(diagnostics);
    });
  });
}

/** The server's "Suppress <rule> on this line / in this script" action (comment placement that keeps run: scripts intact). */
export function isSuppressAction(action: vscode.CodeAction, ruleId: string): boolean {
  return action.title === `Suppress ${ruleId} on this line` || action.title === `Suppress ${ruleId} in this script`;
}

/**
 * Flowguard's own code actions for `range`, asked from the server directly: VS Code's aggregated provider result
 * drops the actions' diagnostics (needed to tell which finding a fix belongs to) and mixes in other extensions' actions.
 */
export async function serverCodeActions(
  client: LanguageClient,
  uri: vscode.Uri,
  range: vscode.Range,
  only: string[] = [vscode.CodeActionKind.QuickFix.value],
): Promise<vscode.CodeAction[]> {
  const document = await vscode.workspace.openTextDocument(uri);
  const params: CodeActionParams = {
    textDocument: client.code2ProtocolConverter.asTextDocumentIdentifier(document),
    range: client.code2ProtocolConverter.asRange(range),
    context: {
      diagnostics: await client.code2ProtocolConverter.asDiagnostics(
        flowguardDiagnostics(uri).filter((d) => d.range.intersection(range)),
      ),
      only,
    },
  };
  const result = await client.sendRequest(CodeActionRequest.type, params);
  const converted = await client.protocol2CodeConverter.asCodeActionResult(result ?? []);
  return converted.filter((a): a is vscode.CodeAction => a instanceof vscode.CodeAction);
}

/** Code actions the server offers for the finding of `ruleId` overlapping `range` (fixes and the suppression). */
export async function codeActionsFor(
  client: LanguageClient,
  uri: vscode.Uri,
  range: vscode.Range,
  ruleId: string,
): Promise<vscode.CodeAction[]> {
  return (await serverCodeActions(client, uri, range)).filter(
    (a) =>
      a.diagnostics?.some((d) => diagnosticCode(d) === ruleId && d.range.intersection(range)) && (a.edit || a.command),
  );
}

/** Quick-fixes only (not the suppression). */
export async function quickFixesFor(
  client: LanguageClient,
  uri: vscode.Uri,
  range: vscode.Range,
  ruleId: string,
): Promise<vscode.CodeAction[]> {
  return (await codeActionsFor(client, uri, range, ruleId)).filter((a) => !isSuppressAction(a, ruleId));
}

export function preferred(actions: vscode.CodeAction[]): vscode.CodeAction | undefined {
  return actions.find((a) => a.isPreferred) ?? actions[0];
}

/** Applies a code action's edit, then runs its command (e.g. the follow-up that stores a removed secret). */
export async function applyCodeAction(action: vscode.CodeAction): Promise<boolean> {
  if (action.edit && !(await vscode.workspace.applyEdit(action.edit))) return false;
  if (action.command) {
    try {
      await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    } catch (error) {
      // The edit is in place; say plainly that its follow-up (e.g. storing the secret) did not happen.
      void vscode.window.showWarningMessage(
        `Flowguard: "${action.title}" was applied, but its follow-up failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return true;
}

/** Waits until the diagnostics of `uri` change (after an edit), or the timeout. */
export function nextDiagnosticsChange(uri: vscode.Uri, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      listener.dispose();
      resolve();
    }, timeoutMs);
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      clearTimeout(timer);
      listener.dispose();
      resolve();
    });
  });
}
