// The server's code actions and fix requests, for views and commands: the same fixes the lightbulb offers. Actions are
// recognized by their kind and `data` payload (server/src/protocol.ts), never by their titles.
import * as vscode from 'vscode';
import {
  CodeActionRequest,
  type CodeAction,
  type CodeActionParams,
  type LanguageClient,
  type TextEdit,
} from 'vscode-languageclient/node';
import {
  FIX_ALL_METHOD,
  SUPPRESS_METHOD,
  type CodeActionData,
  type FixAllParams,
  type FixAllResult,
  type FixSelection,
  type LspCommand,
  type SuppressParams,
  type SuppressResult,
} from '../../server/src/protocol';
import { offsetEdits, removedValue, replacementOf, type RemovedValue, type ValueLocation } from './commands/secretFlow';

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

export function actionData(action: CodeAction): CodeActionData | undefined {
  return action.data as CodeActionData | undefined;
}

/**
 * Flowguard's own code actions for `range`, asked from the server directly (VS Code's aggregated provider result
 * mixes in other extensions' actions), as the protocol sends them: with their kind and data.
 */
export async function serverCodeActions(
  client: LanguageClient,
  uri: vscode.Uri,
  range: vscode.Range,
  only: string[] = [vscode.CodeActionKind.QuickFix.value],
): Promise<CodeAction[]> {
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
  const result = (await client.sendRequest(CodeActionRequest.type, params)) ?? [];
  return result.filter((a): a is CodeAction => typeof a.command !== 'string');
}

/** The quick-fixes (not the suppression) the server offers for the findings of `ruleId` overlapping `range`. */
export async function quickFixesFor(
  client: LanguageClient,
  uri: vscode.Uri,
  range: vscode.Range,
  ruleId: string,
): Promise<CodeAction[]> {
  return (await serverCodeActions(client, uri, range)).filter((a) => {
    const data = actionData(a);
    return data?.type === 'fix' && data.ruleId === ruleId;
  });
}

export function preferred(actions: CodeAction[]): CodeAction | undefined {
  return actions.find((a) => a.isPreferred) ?? actions[0];
}

/** A command that follows an edit, with the secret value the edit removed when it is a store step. */
interface FollowUp {
  command: LspCommand;
  removed?: RemovedValue;
}

/**
 * Runs the commands that follow an edit (e.g. storing a removed secret: the value goes in as the last argument); the
 * edit stays whatever they do. Returns false when a command answered false (a secret move that was not applied).
 */
async function runFollowUps(title: string, followUps: readonly FollowUp[]): Promise<boolean> {
  let ok = true;
  for (const { command, removed } of followUps) {
    try {
      const args = [...(command.arguments ?? []), ...(removed ? [removed] : [])];
      if ((await vscode.commands.executeCommand<unknown>(command.command, ...args)) === false) ok = false;
    } catch (error) {
      // The edit is in place; say plainly that its follow-up (e.g. storing the secret) did not happen.
      void vscode.window.showWarningMessage(
        `Flowguard: "${title}" was applied, but its follow-up failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return ok;
}

/**
 * Applies a code action's edit, then runs its command. A secret move has only a command, which applies the edit
 * itself and reports its own outcome: false when it was not applied.
 */
export async function applyCodeAction(client: LanguageClient, action: CodeAction): Promise<boolean> {
  if (
    action.edit &&
    !(await vscode.workspace.applyEdit(await client.protocol2CodeConverter.asWorkspaceEdit(action.edit)))
  )
    return false;
  return action.command ? runFollowUps(action.title, [{ command: action.command }]) : true;
}

/** Applies `edits` to the document if it is still at `version`. */
async function applyAt(client: LanguageClient, uri: vscode.Uri, version: number, edits: TextEdit[]): Promise<boolean> {
  const document = await vscode.workspace.openTextDocument(uri);
  if (document.version !== version) return false;
  const edit = new vscode.WorkspaceEdit();
  edit.set(uri, await client.protocol2CodeConverter.asTextEdits(edits));
  return vscode.workspace.applyEdit(edit);
}

/** The pass' follow-ups, each store step with the value the pass' edits remove, read from the text before them. */
function withRemovedValues(document: vscode.TextDocument, pass: FixAllResult['passes'][number]): FollowUp[] {
  const before = document.getText();
  const { replacement } = replacementOf(document.uri.toString(), before, offsetEdits(document, pass.edits));
  return pass.followUps.map((command) => ({
    command,
    removed: removedValue(before, command.arguments?.[0] as ValueLocation | undefined, replacement),
  }));
}

/**
 * The server's fix-all for the selection, applied pass by pass, then its follow-ups. Returns how many fixes were
 * applied (0 when there was nothing to fix or the document changed meanwhile).
 */
export async function applyServerFixAll(
  client: LanguageClient,
  uri: vscode.Uri,
  selection: FixSelection,
  safeOnly = false,
): Promise<number> {
  const document = await vscode.workspace.openTextDocument(uri);
  const params: FixAllParams = { uri: client.code2ProtocolConverter.asUri(document.uri), selection, safeOnly };
  const result = await client.sendRequest<FixAllResult | null>(FIX_ALL_METHOD, params);
  if (!result) return 0;
  let version = result.version;
  let applied = 0;
  const followUps: FollowUp[] = [];
  for (const pass of result.passes) {
    const pending = withRemovedValues(document, pass);
    if (!(await applyAt(client, uri, version, pass.edits))) break;
    version = document.version;
    applied += pass.fixes.length;
    followUps.push(...pending);
  }
  await runFollowUps('Fix all', followUps);
  return applied;
}

/** Inserts the server's `# flowguard: ignore[rule] reason` for the finding at `range`. False when it cannot. */
export async function applyServerSuppression(
  client: LanguageClient,
  uri: vscode.Uri,
  ruleId: string,
  range: vscode.Range,
  reason: string,
): Promise<boolean> {
  const params: SuppressParams = {
    uri: client.code2ProtocolConverter.asUri(uri),
    ruleId,
    range: client.code2ProtocolConverter.asRange(range),
    reason,
  };
  const result = await client.sendRequest<SuppressResult | null>(SUPPRESS_METHOD, params);
  return !!result && (await applyAt(client, uri, result.version, result.edits));
}
