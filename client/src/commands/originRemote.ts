// The first workspace folder's `origin` remote URL, read from .git/config as text: no git process runs (a repository's
// config must never start one), and the store commands only use it to prefill their repository or project prompt.
import * as vscode from 'vscode';

export async function originRemoteUrl(): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  try {
    const config = new TextDecoder().decode(
      await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, '.git', 'config')),
    );
    return /\[remote "origin"\][^[]*?url\s*=\s*(\S+)/.exec(config)?.[1];
  } catch {
    return undefined;
  }
}
