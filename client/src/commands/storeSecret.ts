// Flowguard: Store Secret (flowguard.storeSecret), run right after "Move to secret store": creates the GitHub
// repository, environment or organisation secret the fix now references, through the REST API with the VS Code
// GitHub session or with `gh secret set`. The value is the one the fix just removed, offered from memory (secretFlow.ts):
// the user confirms the name, the scope and the store, and every path ends with a visible outcome.
import { originRemoteUrl } from './originRemote';
import * as vscode from 'vscode';
import {
  maskSecret,
  MOVE_SECRET_COMMAND,
  STORE_SECRET_COMMAND,
  type LspCommand,
  type MoveSecretArgs,
} from '../../../server/src/protocol';
import {
  GitHubSecretsClient,
  isOrganisationTarget,
  type SecretTarget,
} from '../../../server/src/secretstore/github-api';
import { ghAvailable, ghSecretSet, ghSecretSetArgs } from '../../../server/src/secretstore/gh-cli';
import {
  STORE_GITLAB_VARIABLE_COMMAND,
  storeGitlabVariable,
  type StoreGitlabVariableArgs,
} from './storeGitlabVariable';
import { moveSecret } from './moveSecret';
import {
  renameReference,
  SecretOutcomes,
  type RecordedOutcome,
  type RemovedValue,
  type ValueLocation,
} from './secretFlow';

/** The follow-up arguments a "Move to secret store" fix carries (never the value). */
export interface StoreSecretArgs extends ValueLocation {
  name: string;
  store?: string;
  scope?: 'repository' | 'environment' | 'organisation';
  environment?: string;
}

type Scope = NonNullable<StoreSecretArgs['scope']>;

const TITLE = 'Flowguard: Store Secret';
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The move (MOVE_SECRET_COMMAND) and the store steps. A store step gets the removed value as its second argument from
 * the move or from fix-all (read from the document before their edit); from the palette it asks for the value.
 */
export function registerStoreSecretCommand(context: vscode.ExtensionContext, log: (message: string) => void): void {
  const outcomes = new SecretOutcomes(log);
  const storeStep = (step: LspCommand, removed: RemovedValue) =>
    step.command === STORE_GITLAB_VARIABLE_COMMAND
      ? storeGitlabVariable(context, step.arguments?.[0] as StoreGitlabVariableArgs | undefined, removed, outcomes)
      : storeSecret(step.arguments?.[0] as StoreSecretArgs | undefined, removed, outcomes);
  context.subscriptions.push(
    outcomes,
    vscode.commands.registerCommand(MOVE_SECRET_COMMAND, (args?: MoveSecretArgs) =>
      moveSecret(args, outcomes, storeStep),
    ),
    vscode.commands.registerCommand(STORE_SECRET_COMMAND, (args?: StoreSecretArgs, removed?: RemovedValue) =>
      storeSecret(args, removed, outcomes),
    ),
    vscode.commands.registerCommand(
      STORE_GITLAB_VARIABLE_COMMAND,
      (args?: StoreGitlabVariableArgs, removed?: RemovedValue) => storeGitlabVariable(context, args, removed, outcomes),
    ),
  );
}

/** `gh secret set NAME --repo …` without the value: gh reads it from stdin. */
export function ghCommandLine(target: SecretTarget | undefined, name: string): string {
  try {
    return ['gh', ...ghSecretSetArgs(target ?? { repo: 'OWNER/REPO' }, name)].join(' ');
  } catch {
    return `gh secret set ${name} --repo OWNER/REPO`;
  }
}

function describe(target: SecretTarget): string {
  if (isOrganisationTarget(target)) return `organisation ${target.org} (private repositories)`;
  return target.environment ? `${target.repo}, environment ${target.environment}` : `${target.repo} (repository)`;
}

async function storeSecret(
  args: StoreSecretArgs | undefined,
  removed: RemovedValue | undefined,
  outcomes: SecretOutcomes,
): Promise<RecordedOutcome | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Flowguard: storing secrets is disabled until you trust this workspace.');
    return undefined;
  }
  const replacement = removed?.replacement;
  let name = args?.name ?? '';
  // Where the copyable command points when the user stopped before choosing: the origin repository, if known.
  const repoFromGit = await originRepo();
  const skipped = (reason: string) =>
    outcomes.report(
      {
        kind: 'skipped',
        name: name || 'the secret',
        reason,
        command: name ? ghCommandLine(repoFromGit ? { repo: repoFromGit } : undefined, name) : undefined,
      },
      replacement,
    );

  if (args?.store && args.store !== 'github')
    return skipped(`create ${name} in your ${args.store} secret store yourself, then rotate the old value`);

  const value =
    removed?.value ||
    (await vscode.window.showInputBox({
      title: `${TITLE}: value of ${name || 'the secret'}`,
      prompt: args?.masked ? `The value removed from the workflow (${args.masked})` : 'Secret value',
      password: true,
      ignoreFocusOut: true,
    }));
  if (!value) return skipped('no value given');

  // From here the value lives only in this closure (and in Retry's, while its notification is shown).
  const chosen = await vscode.window.showInputBox({
    title: `${TITLE}: ${maskSecret(value)}`,
    prompt: 'Secret name (the workflow reads secrets.NAME)',
    value: name,
    ignoreFocusOut: true,
    validateInput: (v) =>
      SECRET_NAME.test(v) && !/^GITHUB_/i.test(v)
        ? undefined
        : 'Letters, digits and _; not starting with a digit or GITHUB_',
  });
  if (!chosen) return skipped('no name given');
  if (name && chosen !== name && replacement) await renameReference(replacement, name, chosen);
  name = chosen;

  const target = await pickTarget(args, repoFromGit);
  if (!target) return skipped('no scope or place chosen');
  return store(name, value, target, replacement, outcomes);
}

/** Asks for the scope (repository / environment / organisation) and the place, prefilled from the fix and git. */
async function pickTarget(
  args: StoreSecretArgs | undefined,
  repoFromGit: string | undefined,
): Promise<SecretTarget | undefined> {
  const scopes: Array<vscode.QuickPickItem & { scope: Scope }> = [
    { scope: 'repository', label: 'Repository secret', detail: 'Every workflow of the repository can read it.' },
    { scope: 'environment', label: 'Environment secret', detail: 'Only jobs that name the environment can read it.' },
    {
      scope: 'organisation',
      label: 'Organisation secret',
      detail: "The organisation's private repositories can read it.",
    },
  ];
  const preferred = args?.scope ?? 'repository';
  scopes.sort((a, b) => Number(b.scope === preferred) - Number(a.scope === preferred));
  const scope = (await vscode.window.showQuickPick(scopes, { title: `${TITLE}: scope`, ignoreFocusOut: true }))?.scope;
  if (!scope) return undefined;
  if (scope === 'organisation') {
    const org = await vscode.window.showInputBox({
      title: `${TITLE}: organisation`,
      value: repoFromGit?.split('/')[0] ?? '',
      ignoreFocusOut: true,
      validateInput: (v) => (/^[A-Za-z0-9-]+$/.test(v) ? undefined : 'An organisation login'),
    });
    return org ? { org } : undefined;
  }
  const repo = await vscode.window.showInputBox({
    title: `${TITLE}: repository`,
    prompt: 'owner/repo',
    value: repoFromGit ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (/^[\w.-]+\/[\w.-]+$/.test(v) ? undefined : 'owner/repo'),
  });
  if (!repo) return undefined;
  if (scope === 'repository') return { repo };
  const environment = await vscode.window.showInputBox({
    title: `${TITLE}: environment of ${repo}`,
    value: args?.environment ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() && !/[/\\]/.test(v) ? undefined : 'An environment name'),
  });
  return environment ? { repo, environment } : undefined;
}

/** Asks which store to use, stores, and reports. Retry (on failure) comes back here with the same value. */
async function store(
  name: string,
  value: string,
  target: SecretTarget,
  replacement: RemovedValue['replacement'],
  outcomes: SecretOutcomes,
): Promise<RecordedOutcome> {
  const where = describe(target);
  const command = ghCommandLine(target, name);
  const retry = () => store(name, value, target, replacement, outcomes);
  const settings = vscode.workspace.getConfiguration('flowguard');
  const apiUrl = settings.get<string>('githubApiUrl') || 'https://api.github.com';
  const stores: Array<vscode.QuickPickItem & { via: 'api' | 'gh' }> = [
    { via: 'api', label: 'GitHub, signed in to VS Code', detail: `Through the REST API at ${apiUrl}` },
  ];
  const gh = settings.get<string>('githubCliPath') || 'gh';
  if (await ghAvailable(gh))
    stores.unshift({
      via: 'gh',
      label: 'GitHub CLI (gh secret set)',
      detail: 'With your gh login; the value goes to its stdin',
    });
  const via = (
    await vscode.window.showQuickPick(stores, {
      title: `${TITLE}: store ${maskSecret(value)} as ${name} in ${where} with`,
      ignoreFocusOut: true,
    })
  )?.via;
  if (!via) return outcomes.report({ kind: 'skipped', name, reason: 'no store chosen', command }, replacement, retry);
  try {
    if (via === 'gh') {
      await ghSecretSet(target, name, value, gh);
      return outcomes.report({ kind: 'stored', name, where: `${where} with gh` }, replacement);
    }
    const session = await githubSession(apiUrl);
    if (!session) throw new Error('no GitHub sign-in (sign in to GitHub in VS Code, or use the GitHub CLI)');
    const how = await new GitHubSecretsClient({ apiUrl, token: session.accessToken }).setSecret(target, name, value);
    return outcomes.report({ kind: 'stored', name, where: `${where} (${how})` }, replacement);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split(value).join(maskSecret(value));
    return outcomes.report({ kind: 'failed', name, reason, command }, replacement, retry);
  }
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
