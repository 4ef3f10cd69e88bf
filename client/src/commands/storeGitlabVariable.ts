// Flowguard: Store GitLab CI/CD Variable (flowguard.storeGitlabVariable), run after "Move to secret store" on a
// .gitlab-ci.yml: creates the masked, protected CI/CD variable the fix now relies on, through GitLab's variables API,
// with the value the fix removed (from memory) and a visible outcome (secretFlow.ts).
// Trusted workspaces only. The token comes from VS Code's secret storage, per GitLab host (asked for once), or from
// GITLAB_TOKEN for the host of the user's own `flowguard.gitlabUrl` setting; a workspace's .flowguard.yml may name
// another host, which is shown before anything is sent and never receives a token stored for a different host.
import { originRemoteUrl } from './originRemote';
import * as vscode from 'vscode';
import { maskSecret } from '../../../server/src/protocol';
import { gitlabApiBase, setGitlabVariable } from '../../../server/src/secretstore/gitlab-api';
import {
  renameReference,
  type RecordedOutcome,
  type RemovedValue,
  type SecretOutcomes,
  type ValueLocation,
} from './secretFlow';

export const STORE_GITLAB_VARIABLE_COMMAND = 'flowguard.storeGitlabVariable';

const TITLE = 'Flowguard: Store GitLab CI/CD Variable';

export interface StoreGitlabVariableArgs extends ValueLocation {
  name: string;
  /** From .flowguard.yml `secretStore.gitlab`. */
  project?: string;
  gitlabUrl?: string;
}

/** `glab variable set NAME …` without the value: glab reads it from stdin. */
function glabCommandLine(name: string, project: string | undefined, origin: string | undefined): string {
  const host = origin && origin !== 'https://gitlab.com' ? ` --hostname ${new URL(origin).host}` : '';
  return `glab variable set ${name} --masked --protected --repo ${project || 'GROUP/PROJECT'}${host}`;
}

export async function storeGitlabVariable(
  context: vscode.ExtensionContext,
  args: StoreGitlabVariableArgs | undefined,
  removed: RemovedValue | undefined,
  outcomes: SecretOutcomes,
): Promise<RecordedOutcome | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Flowguard: storing secrets is disabled until you trust this workspace.');
    return undefined;
  }
  const replacement = removed?.replacement;
  let name = args?.name ?? '';
  // Where the copyable command points when the user stopped before choosing: the configured or origin project.
  let project = args?.project ?? (await originProject());
  let origin: string | undefined;
  const skipped = (reason: string) =>
    outcomes.report(
      {
        kind: 'skipped',
        name: name || 'the variable',
        reason,
        command: name ? glabCommandLine(name, project, origin) : undefined,
      },
      replacement,
    );
  const value =
    removed?.value ||
    (await vscode.window.showInputBox({
      title: `${TITLE}: value of ${name || 'the variable'}`,
      prompt: args?.masked ? `The value removed from the file (${args.masked})` : 'Value',
      password: true,
      ignoreFocusOut: true,
    }));
  if (!value) return skipped('no value given');
  const userUrl = vscode.workspace.getConfiguration('flowguard').get<string>('gitlabUrl') || 'https://gitlab.com';
  const baseUrl = args?.gitlabUrl || userUrl;
  try {
    origin = new URL(gitlabApiBase(baseUrl)).origin;
  } catch (err) {
    return outcomes.report(
      { kind: 'failed', name: name || 'the variable', reason: (err as Error).message },
      replacement,
    );
  }
  const chosen = await vscode.window.showInputBox({
    title: `${TITLE}: ${maskSecret(value)}`,
    prompt: 'Variable name (the pipeline reads $NAME)',
    value: name,
    ignoreFocusOut: true,
    validateInput: (v) => (/^[A-Za-z0-9_]{1,255}$/.test(v) ? undefined : 'Letters, digits and _'),
  });
  if (!chosen) return skipped('no name given');
  // The fix removed the variable from the file: the pipeline's own $NAME references stay as they are.
  if (name && chosen !== name && !(replacement && (await renameReference(replacement, name, chosen))))
    void vscode.window.showWarningMessage(
      `Flowguard: the pipeline still reads $${name}: rename its uses to $${chosen}.`,
    );
  name = chosen;
  project = await vscode.window.showInputBox({
    title: TITLE,
    prompt: `Project on ${origin} (numeric ID or group/project); the variable is masked and protected`,
    value: project ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'group/project or a project ID'),
  });
  if (!project) return skipped('no project given');
  return store(context, { name, value, project, origin, baseUrl, userUrl }, replacement, outcomes);
}

interface GitlabTarget {
  name: string;
  value: string;
  project: string;
  origin: string;
  baseUrl: string;
  userUrl: string;
}

/** Stores with the token for the host, and reports. Retry (on failure) comes back here with the same value. */
async function store(
  context: vscode.ExtensionContext,
  target: GitlabTarget,
  replacement: RemovedValue['replacement'],
  outcomes: SecretOutcomes,
): Promise<RecordedOutcome> {
  const { name, value, project, origin, baseUrl, userUrl } = target;
  const command = glabCommandLine(name, project, origin);
  const retry = () => store(context, target, replacement, outcomes);
  const key = `flowguard.gitlabToken:${origin}`;
  const envToken = origin === new URL(gitlabApiBase(userUrl)).origin ? process.env.GITLAB_TOKEN : undefined;
  let token = envToken || (await context.secrets.get(key));
  if (!token) {
    token = await vscode.window.showInputBox({
      title: `${TITLE}: GitLab token for ${origin}`,
      prompt: `A personal or project access token with the api scope (kept in VS Code secret storage); it stores ${maskSecret(value)} as ${name} in ${project}`,
      password: true,
      ignoreFocusOut: true,
    });
    if (!token)
      return outcomes.report({ kind: 'skipped', name, reason: 'no GitLab token given', command }, replacement, retry);
    await context.secrets.store(key, token);
  }
  try {
    const how = await setGitlabVariable(project, name, value, { baseUrl, token });
    return outcomes.report(
      { kind: 'stored', name, where: `${project} on ${origin} (${how}, masked, protected)` },
      replacement,
    );
  } catch (err) {
    const reason = (err as Error).message.split(value).join(maskSecret(value));
    return outcomes.report({ kind: 'failed', name, reason, command }, replacement, retry);
  }
}

/** group/project of the first workspace folder's `origin` remote. */
async function originProject(): Promise<string | undefined> {
  const url = await originRemoteUrl();
  if (!url) return undefined;
  // https://host/group/sub/project.git, ssh://git@host:22/group/project, git@host:group/project.git
  const trimmed = url.replace(/\/+$/, '').replace(/\.git$/, '');
  const path = (/^[\w+.-]+:\/\/[^/]+\/(.+)$/.exec(trimmed) ?? /^[^/:]+:(?!\/\/)(.+)$/.exec(trimmed))?.[1];
  return path && /^[\w.-]+(?:\/[\w.-]+)+$/.test(path) ? path : undefined;
}
