// Flowguard: Store GitLab CI/CD Variable (flowguard.storeGitlabVariable), run after "Move to secret store" on a
// .gitlab-ci.yml: creates the masked, protected CI/CD variable the fix now relies on, through GitLab's variables API.
// Trusted workspaces only. The token comes from VS Code's secret storage, per GitLab host (asked for once), or from
// GITLAB_TOKEN for the host of the user's own `flowguard.gitlabUrl` setting; a workspace's .flowguard.yml may name
// another host, which is shown before anything is sent and never receives a token stored for a different host.
import { originRemoteUrl } from './originRemote';
import * as vscode from 'vscode';
import { maskSecret } from '../../../server/src/protocol';
import { gitlabApiBase, setGitlabVariable } from '../../../server/src/secretstore/gitlab-api';

export const STORE_GITLAB_VARIABLE_COMMAND = 'flowguard.storeGitlabVariable';

export interface StoreGitlabVariableArgs {
  name: string;
  path?: string;
  valueSpan?: { start: number; end: number };
  masked?: string;
  /** From .flowguard.yml `secretStore.gitlab`. */
  project?: string;
  gitlabUrl?: string;
}

export async function storeGitlabVariable(
  context: vscode.ExtensionContext,
  args: StoreGitlabVariableArgs | undefined,
  recallValue: (a: StoreGitlabVariableArgs) => string | undefined,
): Promise<boolean> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Flowguard: storing secrets is disabled until you trust this workspace.');
    return false;
  }
  const name =
    args?.name ??
    (await vscode.window.showInputBox({
      title: 'Flowguard: Store GitLab CI/CD Variable',
      prompt: 'Variable name',
      validateInput: (v) => (/^[A-Za-z0-9_]{1,255}$/.test(v) ? undefined : 'Letters, digits and _'),
    }));
  if (!name) return false;
  const value =
    (args && recallValue(args)) ??
    (await vscode.window.showInputBox({
      title: `Flowguard: value of CI/CD variable ${name}`,
      prompt: args?.masked ? `The value removed from the file (${args.masked})` : 'Value',
      password: true,
      ignoreFocusOut: true,
    }));
  if (!value) return false;
  const userUrl = vscode.workspace.getConfiguration('flowguard').get<string>('gitlabUrl') || 'https://gitlab.com';
  const baseUrl = args?.gitlabUrl || userUrl;
  let origin: string;
  try {
    origin = new URL(gitlabApiBase(baseUrl)).origin;
  } catch (err) {
    void vscode.window.showErrorMessage(`Flowguard: ${(err as Error).message}`);
    return false;
  }
  const project = await vscode.window.showInputBox({
    title: 'Flowguard: Store GitLab CI/CD Variable',
    prompt: `Project on ${origin} (numeric ID or group/project)`,
    value: args?.project ?? (await originProject()) ?? '',
    validateInput: (v) => (v.trim() ? undefined : 'group/project or a project ID'),
  });
  if (!project) return false;
  const ok = await vscode.window.showWarningMessage(
    `Store ${maskSecret(value)} as masked, protected CI/CD variable ${name} in ${project} on ${origin}?`,
    { modal: true },
    'Store',
  );
  if (ok !== 'Store') return false;
  const key = `flowguard.gitlabToken:${origin}`;
  const envToken = origin === new URL(gitlabApiBase(userUrl)).origin ? process.env.GITLAB_TOKEN : undefined;
  let token = envToken || (await context.secrets.get(key));
  if (!token) {
    token = await vscode.window.showInputBox({
      title: `Flowguard: GitLab token for ${origin}`,
      prompt: 'A personal or project access token with the api scope (kept in VS Code secret storage)',
      password: true,
      ignoreFocusOut: true,
    });
    if (!token) return false;
    await context.secrets.store(key, token);
  }
  try {
    const how = await setGitlabVariable(project, name, value, { baseUrl, token });
    void vscode.window.showInformationMessage(
      `Flowguard: CI/CD variable ${name} ${how} in ${project} (masked, protected). Rotate the old credential: it was in the file.`,
    );
    return true;
  } catch (err) {
    void vscode.window.showErrorMessage(`Flowguard: could not store ${name}: ${(err as Error).message}`);
    return false;
  }
}

/** group/project of the first workspace folder's `origin` remote. */
async function originProject(): Promise<string | undefined> {
  const url = await originRemoteUrl();
  return url ? /(?:[:/]\/?[^/:]+[:/])([\w.-]+(?:\/[\w.-]+)+?)(?:\.git)?$/.exec(url)?.[1] : undefined;
}
