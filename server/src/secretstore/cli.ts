// `flowguard secret set NAME --repo owner/repo [--env ENVIRONMENT] [--api-url URL] [--gh]`: stores the value read
// from stdin as a GitHub Actions secret. Token: GITHUB_TOKEN (or GH_TOKEN); without one, or with --gh, `gh secret set`.
import { GitHubSecretsClient, SecretStoreError } from './github-api';
import { ghAvailable, ghSecretSet } from './gh-cli';
import { setGitlabVariable } from './gitlab-api';

export interface SecretCliIO {
  env: Record<string, string | undefined>;
  stdout(s: string): void;
  stderr(s: string): void;
  /** The whole of stdin; defaults to the process's. */
  readStdin?: () => Promise<string>;
  fetch?: typeof fetch;
  gh?: string;
}

export const SECRET_HELP = `Usage: flowguard secret set NAME --repo OWNER/REPO [--env ENVIRONMENT] [--api-url URL] [--gh]
       flowguard secret set NAME --gitlab-project ID|GROUP/PROJECT [--gitlab-url URL]

Reads the secret value from stdin and stores it as a GitHub Actions secret (repository, or environment with --env),
encrypted with the repository's public key. Uses GITHUB_TOKEN (or GH_TOKEN); without a token, or with --gh, runs
\`gh secret set\` with the value on its stdin. --api-url (or GITHUB_API_URL) points at GitHub Enterprise Server;
it must be https. The value is never written to disk or passed on a command line.
With --gitlab-project, stores a masked, protected GitLab CI/CD variable instead (GITLAB_TOKEN; --gitlab-url or
GITLAB_URL for self-managed GitLab, https only).
`;

export async function runSecretCommand(argv: readonly string[], io: SecretCliIO): Promise<number> {
  const [sub, name, ...rest] = argv;
  if (sub !== 'set' || !name || name.startsWith('-')) {
    io.stderr(SECRET_HELP);
    return 2;
  }
  let repo: string | undefined;
  let environment: string | undefined;
  let apiUrl = io.env.GITHUB_API_URL;
  let useGh = false;
  let gitlabProject: string | undefined;
  let gitlabUrl = io.env.GITLAB_URL;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const takesValue = ['--repo', '-R', '--env', '-e', '--api-url', '--gitlab-project', '--gitlab-url'].includes(a);
    const v = takesValue ? rest[++i] : undefined;
    if (takesValue && (v === undefined || v.startsWith('-'))) {
      io.stderr(`flowguard: ${a} needs a value\n`);
      return 2;
    }
    if (a === '--repo' || a === '-R') repo = v;
    else if (a === '--env' || a === '-e') environment = v;
    else if (a === '--api-url') apiUrl = v;
    else if (a === '--gh') useGh = true;
    else if (a === '--gitlab-project') gitlabProject = v;
    else if (a === '--gitlab-url') gitlabUrl = v;
    else {
      io.stderr(`flowguard: unknown option '${a}'\n${SECRET_HELP}`);
      return 2;
    }
  }
  if (gitlabProject !== undefined) {
    try {
      const token = io.env.GITLAB_TOKEN;
      if (!token) throw new SecretStoreError('GITLAB_TOKEN is required (a token with the api scope)');
      const value = (await (io.readStdin ?? readProcessStdin)()).replace(/\r?\n$/, '');
      if (!value) throw new SecretStoreError('no value on stdin');
      const how = await setGitlabVariable(gitlabProject, name, value, { baseUrl: gitlabUrl, token, fetch: io.fetch });
      io.stdout(
        `${how === 'created' ? 'Created' : 'Updated'} masked, protected CI/CD variable ${name} in ${gitlabProject}\n`,
      );
      return 0;
    } catch (err) {
      io.stderr(`flowguard: ${(err as Error).message}\n`);
      return 1;
    }
  }
  try {
    if (!repo) throw new SecretStoreError('--repo OWNER/REPO is required');
    const raw = await (io.readStdin ?? readProcessStdin)();
    // `echo value | flowguard secret set` adds one newline that is not part of the value.
    const value = raw.replace(/\r?\n$/, '');
    const target = { repo, environment };
    const token = io.env.GITHUB_TOKEN || io.env.GH_TOKEN;
    const where = `${repo}${environment ? ` (environment ${environment})` : ''}`;
    if (useGh || !token) {
      if (!(await ghAvailable(io.gh)))
        throw new SecretStoreError('no GITHUB_TOKEN set and the GitHub CLI (gh) is not installed');
      await ghSecretSet(target, name, value, io.gh);
      io.stdout(`Secret ${name} stored in ${where} with gh.\n`);
      return 0;
    }
    const outcome = await new GitHubSecretsClient({ apiUrl, token, fetch: io.fetch }).setSecret(target, name, value);
    io.stdout(`Secret ${name} ${outcome} in ${where}.\n`);
    return 0;
  } catch (err) {
    io.stderr(`flowguard: ${(err as Error).message}\n`);
    return 2;
  }
}

async function readProcessStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new SecretStoreError(
      'pipe the secret value on stdin (e.g. flowguard secret set NAME --repo o/r < value.txt)',
    );
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
