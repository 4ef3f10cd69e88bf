// Image digests through the OCI distribution API: HEAD /v2/<name>/manifests/<tag>, with the registry's anonymous
// bearer-token flow (Docker Hub, GHCR and most registries answer 401 with a WWW-Authenticate challenge).
import type { DiskCache } from './cache';
import { HOUR } from './github';
import { httpRequest } from './http';
import type { OnlineProblems } from './github';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface RegistryOptions {
  cache?: DiskCache;
  timeoutMs?: number;
  problems: OnlineProblems;
  now?: () => number;
}

/** `node` -> Docker Hub `library/node`; `ghcr.io/o/app` -> host ghcr.io, repository o/app. */
export function registryOf(name: string): { host: string; repository: string } {
  const first = name.split('/')[0];
  if (name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost'))
    return { host: first === 'docker.io' ? 'registry-1.docker.io' : first, repository: name.slice(first.length + 1) };
  return { host: 'registry-1.docker.io', repository: name.includes('/') ? name : `library/${name}` };
}

export class RegistryClient {
  requests = 0;
  private readonly memo = new Map<string, Promise<string | null | undefined>>();
  constructor(private readonly options: RegistryOptions) {}

  /** The digest `name:tag` names today; null for an unknown tag; undefined when the registry could not tell. */
  digest(image: string): Promise<string | null | undefined> {
    let p = this.memo.get(image);
    if (!p) {
      p = this.lookup(image).catch((err: unknown) => {
        this.options.problems.add(`Registry request for ${image} failed (${(err as Error)?.message ?? err}).`);
        return undefined;
      });
      this.memo.set(image, p);
    }
    return p;
  }

  private async lookup(image: string): Promise<string | null | undefined> {
    const colon = image.lastIndexOf(':');
    const name = image.slice(0, colon);
    const tag = image.slice(colon + 1);
    const { host, repository } = registryOf(name);
    const loopback = /^(127\.\d+\.\d+\.\d+|localhost)(:\d+)?$/.test(host);
    const url = `${loopback ? 'http' : 'https'}://${host}/v2/${repository}/manifests/${encodeURIComponent(tag)}`;
    const now = this.options.now ?? Date.now;
    const cached = this.options.cache?.get(`oci:${url}`);
    if (cached && now() - cached.storedAt < HOUR) return cached.body as string | null;
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const headers: Record<string, string> = { accept: MANIFEST_TYPES, 'user-agent': 'flowguard' };
    this.requests++;
    let res = await httpRequest(url, { method: 'HEAD', headers, timeoutMs });
    if (res.status === 401) {
      const token = await this.anonymousToken(res.headers['www-authenticate'], repository, timeoutMs);
      if (!token) return undefined;
      this.requests++;
      res = await httpRequest(url, {
        method: 'HEAD',
        headers: { ...headers, authorization: `Bearer ${token}` },
        timeoutMs,
      });
    }
    let digest: string | null | undefined;
    if (res.status === 404) digest = null;
    else if (res.status === 200 && /^sha256:[0-9a-f]{64}$/.test(res.headers['docker-content-digest'] ?? ''))
      digest = res.headers['docker-content-digest']!;
    else {
      this.options.problems.add(`Registry ${host} answered ${res.status} for ${name}:${tag}; the image is not pinned.`);
      return undefined;
    }
    this.options.cache?.set(`oci:${url}`, { status: res.status, body: digest, storedAt: now() });
    return digest;
  }

  /** `Bearer realm="…",service="…",scope="…"` -> GET realm?service&scope -> token (anonymous pull). */
  private async anonymousToken(
    challenge: string | undefined,
    repository: string,
    timeoutMs: number,
  ): Promise<string | undefined> {
    if (!challenge || !/^Bearer\s/i.test(challenge)) return undefined;
    const params = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1].toLowerCase(), m[2]]),
    );
    if (!params.realm) return undefined;
    const realm = new URL(params.realm);
    const loopback = /^(127\.\d+\.\d+\.\d+|localhost)$/.test(realm.hostname);
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && loopback)) return undefined;
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', params.scope ?? `repository:${repository}:pull`);
    this.requests++;
    const res = await httpRequest(realm.href, { headers: { 'user-agent': 'flowguard' }, timeoutMs });
    if (res.status !== 200) return undefined;
    try {
      const body = JSON.parse(res.text) as { token?: string; access_token?: string };
      return body.token ?? body.access_token;
    } catch {
      return undefined;
    }
  }
}
