// Flowguard: Store Secret (flowguard.storeSecret), run right after "Move to secret store": creates the GitHub
// repository or environment secret the fix now references, through the REST API with the VS Code GitHub session
// (or `gh secret set` when no session is available). The removed value is taken from memory: this module keeps the
// text that edits removed from workflow files for a short while, so the value never has to be typed again, shown,
// logged or written anywhere.
import { originRemoteUrl } from './originRemote';
import * as vscode from 'vscode';
import { maskSecret } from '../../../server/src/protocol';
import { GitHubSecretsClient } from '../../../server/src/secretstore/github-api';
import { ghAvailable, ghSecretSet } from '../../../server/src/secretstore/gh-cli';
import {
  STORE_GITLAB_VARIABLE_COMMAND,
  storeGitlabVariable,
  type StoreGitlabVariableArgs,
} from './storeGitlabVariable';

import { STORE_SECRET_COMMAND } from '../../../server/src/protocol';

/** The follow-up arguments a "Move to secret store" fix carries (never the value). */
export interface StoreSecretArgs {
  name: string;
  store?: string;
  path?: string;
  valueSpan?: { start: number; end: number };
  masked?: string;
  scope?: 'repository' | 'environment';
  environment?: string;
}

/** Text removed from a document by an edit, with its offset in the document before the edit. */
interface Removed {
  uri: string;
  offset: number;
  text: string;
  at: number;
}

const KEEP_REMOVED_MS = 5 * 60_000;

export function registerStoreSecretCommand(context: vscode.ExtensionContext): void {
  const snapshots = new Map<string, string>();
  let removed: Removed[] = [];
  const isWorkflow = (doc: vscode.TextDocument) => /\.ya?ml$/i.test(doc.uri.path);
  const remember = (doc: vscode.TextDocument) => {
    if (isWorkflow(doc)) snapshots.set(doc.uri.toString(), doc.getText());
  };
  vscode.workspace.textDocuments.forEach(remember);
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(remember),
    vscode.workspace.onDidCloseTextDocument((doc) => snapshots.delete(doc.uri.toString())),
    vscode.workspace.onDidChangeTextDocument((e) => {
      const key = e.document.uri.toString();
      const before = snapshots.get(key);
      if (before !== undefined) {
        const now = Date.now();
        removed = removed.filter((r) => now - r.at < KEEP_REMOVED_MS);
        // Changes of one event are expressed against the text before the event.
        for (const change of e.contentChanges) {
          if (change.rangeLength > 0)
            removed.push({
              uri: key,
              offset: change.rangeOffset,
              text: before.slice(change.rangeOffset, change.rangeOffset + change.rangeLength),
              at: now,
            });
        }
      }
      remember(e.document);
    }),
    vscode.commands.registerCommand(STORE_SECRET_COMMAND, (args?: StoreSecretArgs) =>
      storeSecret(args, (a) => recall(removed, a)),
    ),
    vscode.commands.registerCommand(STORE_GITLAB_VARIABLE_COMMAND, (args?: StoreGitlabVariableArgs) =>
      storeGitlabVariable(context, args, (a) => recall(removed, a)),
    ),
  );
}

/** The value an edit just removed at the finding's span, recognized by its mask. */
function recall(removed: Removed[], args: StoreSecretArgs): string | undefined {
  if (!args.valueSpan || !args.masked) return undefined;
  const { start, end } = args.valueSpan;
  for (const r of [...removed].reverse()) {
    if (args.path && !decodeURIComponent(r.uri).endsWith(args.path.replace(/\\/g, '/').replace(/^\.?\//, ''))) continue;
    if (r.offset > start || r.offset + r.text.length < end) continue;
    const value = r.text.slice(start - r.offset, end - r.offset).trim();
    if (maskSecret(value) === args.masked) return value;
  }
  return undefined;
}

async function storeSecret(
  args: StoreSecretArgs | undefined,
  recallValue: (a: StoreSecretArgs) => string | undefined,
): Promise<boolean> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Flowguard: storing secrets is disabled until you trust this workspace.');
    return false;
  }
  const name =
    args?.name ??
    (await vscode.window.showInputBox({
      title: 'Flowguard: Store Secret',
      prompt: 'Secret name',
      validateInput: (v) =>
        /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) && !/^GITHUB_/i.test(v)
          ? undefined
          : 'Letters, digits and _; not starting with a digit or GITHUB_',
    }));
  if (!name) return false;
  if (args?.store && args.store !== 'github') {
    void vscode.window.showInformationMessage(
      `Flowguard: create ${name} in your ${args.store} secret store (the workflow now reads it from there), then rotate the old value.`,
    );
    return false;
  }
  const value =
    (args && recallValue(args)) ??
    (await vscode.window.showInputBox({
      title: `Flowguard: value of secret ${name}`,
      prompt: args?.masked ? `The value removed from the workflow (${args.masked})` : 'Secret value',
      password: true,
      ignoreFocusOut: true,
    }));
  if (!value) return false;

  const settings = vscode.workspace.getConfiguration('flowguard');
  const apiUrl = settings.get<string>('githubApiUrl') || 'https://api.github.com';
  const repo = await vscode.window.showInputBox({
    title: 'Flowguard: Store Secret',
    prompt: 'Repository (owner/repo)',
    value: (await originRepo()) ?? '',
    validateInput: (v) => (/^[\w.-]+\/[\w.-]+$/.test(v) ? undefined : 'owner/repo'),
  });
  if (!repo) return false;
  let environment = args?.environment;
  if (args?.scope === 'environment' && !environment)
    environment = await vscode.window.showInputBox({ title: 'Flowguard: Store Secret', prompt: 'Environment name' });
  const where = `${repo}${environment ? ` (environment ${environment})` : ''}`;
  const ok = await vscode.window.showWarningMessage(
    `Store ${maskSecret(value)} as secret ${name} in ${where}?`,
    { modal: true },
    'Store',
  );
  if (ok !== 'Store') return false;

  try {
    const session = await githubSession(apiUrl);
    if (session) {
      const outcome = await new GitHubSecretsClient({ apiUrl, token: session.accessToken }).setSecret(
        { repo, environment },
        name,
        value,
      );
      void vscode.window.showInformationMessage(
        `Flowguard: secret ${name} ${outcome} in ${where}. Rotate the old credential: it was in the file.`,
      );
      return true;
    }
    if (await ghAvailable()) {
      await ghSecretSet({ repo, environment }, name, value);
      void vscode.window.showInformationMessage(
        `Flowguard: secret ${name} stored in ${where} with gh. Rotate the old credential: it was in the file.`,
      );
      return true;
    }
    void vscode.window.showErrorMessage('Flowguard: sign in to GitHub (or install the GitHub CLI) to store secrets.');
  } catch (err) {
    void vscode.window.showErrorMessage(`Flowguard: could not store ${name}: ${(err as Error).message}`);
  }
  return false;
}

async function githubSession(apiUrl: string): Promise<vscode.AuthenticationSession | undefined> {
  const provider = /^https:\/\/api\.github\.com\/?$/.test(apiUrl) ? 'github' : 'github-enterprise';
  try {
    return await vscode.authentication.getSession(provider, ['repo'], { createIfNone: true });
  } catch {
    return undefined;
  }
}

/** owner/repo of the first workspace folder's `origin` remote. */
async function originRepo(): Promise<string | undefined> {
  const url = await originRemoteUrl();
  return url ? /[:/]([\w.-]+\/[\w.-]+?)(?:\.git)?$/.exec(url)?.[1] : undefined;
}
