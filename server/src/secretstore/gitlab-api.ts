// Creating or updating a GitLab CI/CD variable through the REST API (`POST /projects/:id/variables`, `PUT` when it
// exists), masked and protected. The value exists only in memory and in the request body; errors never include it.
import { SecretStoreError } from './github-api';

export interface GitlabVariableOptions {
  /** GitLab base URL: https://gitlab.com or a self-managed instance. https only, except loopback (tests). */
  baseUrl?: string;
  token: string;
  fetch?: typeof fetch;
}

const KEY = /^[A-Za-z0-9_]{1,255}$/;

export function gitlabApiBase(baseUrl = 'https://gitlab.com'): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new SecretStoreError(`invalid GitLab URL '${baseUrl}'`);
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw new SecretStoreError('the GitLab URL must be https: a token and a secret would otherwise travel in clear');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/api/v4`;
}

/**
 * Stores `value` as a masked, protected CI/CD variable of `project` (numeric id or `group/project`). Returns whether
 * it was created or updated. GitLab refuses to mask values shorter than 8 characters or with unsupported characters:
 * that is reported as an error, and nothing is stored unmasked.
 */
export async function setGitlabVariable(
  project: string,
  key: string,
  value: string,
  opts: GitlabVariableOptions,
): Promise<'created' | 'updated'> {
  if (!KEY.test(key)) throw new SecretStoreError(`invalid variable name '${key}': use letters, digits and underscores`);
  if (!project) throw new SecretStoreError('a GitLab project (id or group/project) is required');
  const base = `${gitlabApiBase(opts.baseUrl)}/projects/${encodeURIComponent(project)}/variables`;
  const doFetch = opts.fetch ?? fetch;
  const body = JSON.stringify({ key, value, masked: true, protected: true, raw: true, variable_type: 'env_var' });
  const headers = { 'PRIVATE-TOKEN': opts.token, 'Content-Type': 'application/json' };
  const describe = async (res: Response) => {
    // GitLab's error bodies name fields, never echo the value; still, keep only the message text.
    const text = await res.text().catch(() => '');
    const message = text.includes(value) ? '' : text.slice(0, 300);
    return `GitLab API ${res.status}${message ? `: ${message}` : ''}`;
  };
  const created = await doFetch(base, { method: 'POST', headers, body });
  if (created.ok) return 'created';
  const reason = await describe(created);
  // An existing key answers 400 "has already been taken": update it in place.
  if (created.status === 400 && /already been taken/.test(reason)) {
    const updated = await doFetch(`${base}/${encodeURIComponent(key)}`, { method: 'PUT', headers, body });
    if (updated.ok) return 'updated';
    throw new SecretStoreError(await describe(updated), updated.status);
  }
  throw new SecretStoreError(reason, created.status);
}
