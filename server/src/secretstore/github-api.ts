// Creating or updating GitHub Actions secrets through the REST API: fetch the public key, seal the value, PUT it.
// The value only ever exists in memory and, sealed, in the request body. Errors never include it.
import { sealSecret } from './sealed-box';

/** A repository (or one of its environments), or an organisation (its secret is visible to its private repositories). */
export type SecretTarget = RepositoryTarget | OrganisationTarget;

export interface RepositoryTarget {
  /** owner/repo */
  repo: string;
  /** Environment secrets when set; repository secrets otherwise. */
  environment?: string;
}

export interface OrganisationTarget {
  org: string;
}

export function isOrganisationTarget(target: SecretTarget): target is OrganisationTarget {
  return 'org' in target;
}

export interface GitHubSecretsOptions {
  /** REST API base URL: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  apiUrl?: string;
  token: string;
  /** For tests and proxies; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export class SecretStoreError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** GitHub's rules for secret names: letters, digits, underscores; no leading digit; no GITHUB_ prefix. */
export function checkSecretName(name: string): void {
  if (!NAME.test(name))
    throw new SecretStoreError(
      `invalid secret name '${name}': use letters, digits and underscores, not starting with a digit`,
    );
  if (/^GITHUB_/i.test(name))
    throw new SecretStoreError(`invalid secret name '${name}': names starting with GITHUB_ are reserved`);
}

/** `.` and `..` survive encodeURIComponent and would move the request to another API path. */
const DOT_SEGMENT = /^\.{1,2}$/;

export function checkRepo(repo: string): void {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo) || repo.split('/').some((s) => DOT_SEGMENT.test(s)))
    throw new SecretStoreError(`invalid repository '${repo}': expected owner/repo`);
}

export function checkOrganisation(org: string): void {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(org))
    throw new SecretStoreError(`invalid organisation '${org}': letters, digits and inner hyphens`);
}

export function checkEnvironment(environment: string): void {
  if (!environment.trim() || DOT_SEGMENT.test(environment) || /[/\\]/.test(environment))
    throw new SecretStoreError(`invalid environment name '${environment}'`);
}

export class GitHubSecretsClient {
  private readonly apiUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: GitHubSecretsOptions) {
    this.apiUrl = (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
    // The token goes to this host and it supplies the key the value is sealed with: never over plain HTTP, except to
    // this machine (a local proxy, the tests).
    let url: URL;
    try {
      url = new URL(this.apiUrl);
    } catch {
      throw new SecretStoreError(`the GitHub API URL ${JSON.stringify(this.apiUrl)} is not a URL`);
    }
    if (
      url.protocol !== 'https:' &&
      !(url.protocol === 'http:' && /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(url.hostname))
    ) {
      throw new SecretStoreError(`the GitHub API URL must use https: ${this.apiUrl}`);
    }
    this.fetchImpl = options.fetch ?? fetch;
  }

  private base(target: SecretTarget): string {
    if (isOrganisationTarget(target)) {
      checkOrganisation(target.org);
      return `${this.apiUrl}/orgs/${encodeURIComponent(target.org)}/actions/secrets`;
    }
    checkRepo(target.repo);
    if (target.environment !== undefined) checkEnvironment(target.environment);
    const repo = target.repo.split('/').map(encodeURIComponent).join('/');
    return target.environment
      ? `${this.apiUrl}/repos/${repo}/environments/${encodeURIComponent(target.environment)}/secrets`
      : `${this.apiUrl}/repos/${repo}/actions/secrets`;
  }

  private async request(method: string, url: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers: {
          Accept: 'application/vnd.github+json',
          Authorization: `Bearer ${this.options.token}`,
          'X-GitHub-Api-Version': '2022-11-28',
          'User-Agent': 'flowguard',
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      throw new SecretStoreError(`cannot reach ${this.apiUrl}: ${(err as Error).message}`);
    }
    if (!res.ok)
      throw new SecretStoreError(
        `${method} ${new URL(url).pathname} failed: ${res.status} ${explain(res.status)}`,
        res.status,
      );
    return res;
  }

  async publicKey(target: SecretTarget): Promise<{ keyId: string; key: string }> {
    const res = await this.request('GET', `${this.base(target)}/public-key`);
    const data = (await res.json()) as { key_id?: unknown; key?: unknown };
    if (typeof data.key_id !== 'string' || typeof data.key !== 'string')
      throw new SecretStoreError('unexpected public-key response from GitHub');
    return { keyId: data.key_id, key: data.key };
  }

  /** Creates or updates the secret. Returns 'created' or 'updated'. */
  async setSecret(target: SecretTarget, name: string, value: string): Promise<'created' | 'updated'> {
    checkSecretName(name);
    if (value.length === 0) throw new SecretStoreError('the secret value is empty');
    if (value.length > 48 * 1024)
      throw new SecretStoreError('the secret value is larger than the 48 KB GitHub accepts');
    const { keyId, key } = await this.publicKey(target);
    const encrypted = await sealSecret(value, key);
    const res = await this.request('PUT', `${this.base(target)}/${encodeURIComponent(name)}`, {
      encrypted_value: encrypted,
      key_id: keyId,
      // Like `gh secret set --org`: private repositories of the organisation, never public ones by default.
      ...(isOrganisationTarget(target) ? { visibility: 'private' } : {}),
    });
    return res.status === 201 ? 'created' : 'updated';
  }
}

function explain(status: number): string {
  switch (status) {
    case 401:
      return '(the token is missing, expired or revoked)';
    case 403:
      return '(the token may not manage secrets of this repository: it needs admin rights or the "secrets" write permission)';
    case 404:
      return '(no such repository or environment, or the token cannot see it)';
    case 422:
      return '(GitHub rejected the request: check the name and the environment)';
    default:
      return '';
  }
}
