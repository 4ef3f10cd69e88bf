// Pinning commands: "Pin All Actions in Workspace" (cancellable progress, then a summary of what changed and what
// could not be resolved). Per-`uses:` pinning is the server's "Pin to commit SHA" quick-fix, resolved when picked.
// The server gets the editor's GitHub session token (if the user is already signed in; never a sign-in prompt here).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  GITHUB_TOKEN_METHOD,
  PIN_WORKSPACE_METHOD,
  type PinWorkspaceParams,
  type PinWorkspaceResult,
} from '../../../server/src/protocol';

export function registerPinningCommands(context: vscode.ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('flowguard.pinAllActions', () => pinAll(client)),
    vscode.authentication.onDidChangeSessions(() => void sendToken(client)),
  );
  client.onDidChangeState(() => void sendToken(client));
  void sendToken(client);
}

/** Passes the existing GitHub (or GitHub Enterprise) session to the server silently; none: the server asks anonymously. */
async function sendToken(client: LanguageClient): Promise<void> {
  if (!vscode.workspace.isTrusted || !client.isRunning()) return;
  const apiUrl = vscode.workspace.getConfiguration('flowguard').get<string>('githubApiUrl') || 'https://api.github.com';
  const provider = /^https:\/\/api\.github\.com\/?$/.test(apiUrl) ? 'github' : 'github-enterprise';
  try {
    const session = await vscode.authentication.getSession(provider, [], { silent: true });
    await client.sendNotification(GITHUB_TOKEN_METHOD, { token: session?.accessToken });
  } catch {
    // No provider (e.g. code-server without GitHub sign-in): anonymous requests.
  }
}

async function pinAll(client: LanguageClient): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      'Flowguard pins actions only in a trusted workspace (it asks the GitHub API).',
    );
    return;
  }
  const exclude = Object.entries(
    vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude') ?? {},
  )
    .filter(([, on]) => on)
    .map(([glob]) => glob);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Flowguard: pinning actions', cancellable: true },
    async (progress, token) => {
      const params: PinWorkspaceParams = { exclude };
      try {
        return await client.sendRequest<PinWorkspaceResult>(PIN_WORKSPACE_METHOD, params, token);
      } catch (err) {
        if (token.isCancellationRequested) return undefined;
        throw err;
      } finally {
        progress.report({ increment: 100 });
      }
    },
  );
  if (!result) return void vscode.window.showInformationMessage('Flowguard: pinning cancelled; nothing changed.');
  if (result.disabled) return void vscode.window.showWarningMessage(`Flowguard: pinning is off (${result.disabled}).`);
  const edit = new vscode.WorkspaceEdit();
  for (const [uri, edits] of Object.entries(result.changes))
    edit.set(
      vscode.Uri.parse(uri),
      edits.map(
        (e) =>
          new vscode.TextEdit(
            new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character),
            e.newText,
          ),
      ),
    );
  if (result.files > 0) await vscode.workspace.applyEdit(edit);
  const parts = [
    `pinned ${result.pinned} reference${result.pinned === 1 ? '' : 's'} in ${result.files} file${result.files === 1 ? '' : 's'}`,
  ];
  if (result.unresolved.length) parts.push(`${result.unresolved.length} could not be resolved`);
  const message = `Flowguard: ${parts.join('; ')}.${result.problems.length ? ` ${result.problems[0]}` : ''}`;
  const choice = await vscode.window.showInformationMessage(
    message,
    ...(result.unresolved.length ? ['Show Unresolved'] : []),
  );
  if (choice === 'Show Unresolved') {
    const doc = await vscode.workspace.openTextDocument({
      content: `Not pinned (the GitHub API or the registry could not resolve them):\n\n${result.unresolved.join('\n')}\n`,
    });
    await vscode.window.showTextDocument(doc);
  }
}
