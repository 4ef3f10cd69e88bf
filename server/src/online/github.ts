// The GitHub REST client behind online checks. Only these endpoints, against a configurable base URL (GitHub,
// GitHub Enterprise Server, a proxy or a test server):
//   GET /repos/{owner}/{repo}/commits/{ref}                        a tag, branch or short SHA -> commit SHA
//   GET /repos/{owner}/{repo}/tags?per_page=100&page=N             tags with the commit each names
//   GET /advisories?ecosystem=actions&affects={owner}/{repo}&per_page=100
//   GET /repos/{owner}/{repo}                                      the default branch (for impostor checks)
//   GET /repos/{owner}/{repo}/compare/{base}...{sha}               whether a branch or tag contains a commit
// Answers are cached on disk (refs 1 h; tags, advisories and comparisons 1 day; ETags revalidate stale entries).
// Rate limits are honored (a short wait, else a clear stop); every failure degrades to "not known", never a guess.
import type { Advisory, AdvisorySeverity } from '../knowledge/supply-chain';
import type { DiskCache } from './cache';
import { httpRequest, type HttpResponse } from './http';

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

export interface GitHubClientOptions {
  baseUrl: string;
  token?: string;
  cache?: DiskCache;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Longest wait for a rate limit to reset before giving up (default 60 s). */
  maxRateLimitWaitMs?: number;
  /** Most tag pages read per repository (100 tags each; default 10). */
  maxTagPages?: number;
  userAgent?: string;
  now?: () => number;
}

/** Why online answers are missing: shown once to the user; the scan goes on with offline findings. */
export class OnlineProblems {
  readonly messages: string[] = [];
  add(message: string): void {
    if (!this.messages.includes(message)) this.messages.push(message);
  }
}

export class GitHubClient {
  readonly problems = new OnlineProblems();
  /** Requests sent (not served from the cache), for the summary and for tests. */
  requests = 0;
  private stopped?: string;
  private readonly memo = new Map<string, Promise<{ status: number; body: unknown } | undefined>>();
  private readonly base: string;

  constructor(private readonly options: GitHubClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  /** GET a path, through the memo and the disk cache; undefined when it could not be answered. */
  private get(path: string, ttl: number): Promise<{ status: number; body: unknown } | undefined> {
    let p = this.memo.get(path);
    if (!p) {
      p = this.fetchCached(path, ttl).catch((err: unknown) => {
        this.problems.add(`GitHub API request failed (${describe(err)}); online checks are incomplete.`);
        return undefined;
      });
      this.memo.set(path, p);
    }
    return p;
  }

  private async fetchCached(path: string, ttl: number): Promise<{ status: number; body: unknown } | undefined> {
    const key = `${this.base}${path}`;
    const now = this.options.now ?? Date.now;
    const cached = this.options.cache?.get(key);
    if (cached && now() - cached.storedAt < ttl) return cached;
    if (this.stopped) return undefined;
    const headers: Record<string, string> = {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': this.options.userAgent ?? 'flowguard',
    };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (cached?.etag) headers['if-none-match'] = cached.etag;
    const res = await this.send(key, headers);
    if (!res) return cached;
    if (res.status === 304 && cached) {
      this.options.cache?.set(key, { ...cached, storedAt: now() });
      return cached;
    }
    if (res.status === 404 || res.status === 422) {
      const entry = { status: 404, body: null, storedAt: now() };
      this.options.cache?.set(key, entry);
      return entry;
    }
    if (res.status !== 200) {
      this.problems.add(`GitHub API answered ${res.status} for ${path.split('?')[0]}; online checks are incomplete.`);
      return undefined;
    }
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      this.problems.add(`GitHub API sent a response that is not JSON for ${path.split('?')[0]}.`);
      return undefined;
    }
    const entry = { status: 200, body, etag: res.headers.etag, storedAt: now() };
    this.options.cache?.set(key, entry);
    return entry;
  }

  /** One request, waiting out a short rate limit once. */
  private async send(url: string, headers: Record<string, string>): Promise<HttpResponse | undefined> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    for (let attempt = 0; attempt < 2; attempt++) {
      this.requests++;
      const res = await httpRequest(url, { headers, timeoutMs });
      const wait = rateLimitWait(res, this.options.now?.() ?? Date.now());
      if (wait === undefined) return res;
      const max = this.options.maxRateLimitWaitMs ?? 60_000;
      if (attempt === 0 && wait <= max) {
        await new Promise((r) => setTimeout(r, wait));
        continue;
      }
      this.stopped = `GitHub API rate limit reached (resets in ${Math.ceil(wait / 1000)} s)${
        this.options.token ? '' : '; set GH_TOKEN or GITHUB_TOKEN for a higher limit'
      }. Online checks stopped; findings below are offline ones where the API was not reached.`;
      this.problems.add(this.stopped);
      return undefined;
    }
    return undefined;
  }

  /** The commit a ref names; null when the repository has no such ref. */
  async commitOf(repo: string, ref: string): Promise<string | null | undefined> {
    const res = await this.get(
      `/repos/${repo}/commits/${encodeURIComponent(ref)}`,
      /^[0-9a-f]{40}$/i.test(ref) ? DAY : HOUR,
    );
    if (!res) return undefined;
    if (res.status === 404) return null;
    const sha = (res.body as { sha?: unknown })?.sha;
    return typeof sha === 'string' && /^[0-9a-f]{40}$/i.test(sha) ? sha.toLowerCase() : undefined;
  }

  /** Every tag of a repository with its (peeled) commit, newest first as GitHub lists them; bounded. */
  async tags(repo: string): Promise<Array<{ name: string; sha: string }> | undefined> {
    const out: Array<{ name: string; sha: string }> = [];
    for (let page = 1; page <= (this.options.maxTagPages ?? 10); page++) {
      const res = await this.get(`/repos/${repo}/tags?per_page=100&page=${page}`, DAY);
      if (!res) return page === 1 ? undefined : out;
      if (res.status === 404 || !Array.isArray(res.body)) return page === 1 ? undefined : out;
      for (const t of res.body as Array<{ name?: unknown; commit?: { sha?: unknown } }>)
        if (typeof t?.name === 'string' && typeof t.commit?.sha === 'string')
          out.push({ name: t.name, sha: t.commit.sha.toLowerCase() });
      if (res.body.length < 100) break;
    }
    return out;
  }

  async tagsAt(repo: string, sha: string): Promise<string[] | undefined> {
    const tags = await this.tags(repo);
    return tags?.filter((t) => t.sha === sha.toLowerCase()).map((t) => t.name);
  }

  async advisories(repo: string): Promise<Advisory[] | undefined> {
    const res = await this.get(`/advisories?ecosystem=actions&affects=${encodeURIComponent(repo)}&per_page=100`, DAY);
    if (!res || res.status !== 200 || !Array.isArray(res.body)) return undefined;
    return (res.body as unknown[]).map(toAdvisory).filter((a): a is Advisory => !!a);
  }

  /** Whether the default branch or a tag contains `sha`; false only when every comparison says it does not. */
  async reachable(repo: string, sha: string): Promise<boolean | undefined> {
    const info = await this.get(`/repos/${repo}`, DAY);
    const branch = (info?.body as { default_branch?: unknown } | undefined)?.default_branch;
    if (typeof branch !== 'string') return undefined;
    const bases = [branch, ...((await this.tags(repo)) ?? []).slice(0, 10).map((t) => t.name)];
    for (const base of bases) {
      const res = await this.get(`/repos/${repo}/compare/${encodeURIComponent(base)}...${sha}`, DAY);
      if (!res) return undefined;
      const status = (res.body as { status?: unknown } | null)?.status;
      if (status === 'identical' || status === 'behind') return true;
      if (res.status === 404 && base === branch) return undefined; // the commit does not exist at all
    }
    return false;
  }
}

function toAdvisory(raw: unknown): Advisory | undefined {
  const a = raw as {
    ghsa_id?: string;
    cve_id?: string | null;
    summary?: string;
    severity?: string;
    html_url?: string;
    vulnerabilities?: Array<{
      package?: { ecosystem?: string; name?: string };
      vulnerable_version_range?: string | null;
      first_patched_version?: string | { identifier?: string } | null;
    }>;
  };
  if (!a?.ghsa_id || !Array.isArray(a.vulnerabilities)) return undefined;
  const severity = (['critical', 'high', 'medium', 'low'] as const).find((s) => s === a.severity) ?? 'medium';
  return {
    ghsaId: a.ghsa_id,
    cveId: a.cve_id ?? undefined,
    summary: a.summary ?? a.ghsa_id,
    severity: severity as AdvisorySeverity,
    url: a.html_url ?? `https://github.com/advisories/${a.ghsa_id}`,
    vulnerabilities: a.vulnerabilities
      .filter(
        (v) =>
          v.package?.name && v.vulnerable_version_range && (!v.package.ecosystem || v.package.ecosystem === 'actions'),
      )
      .map((v) => ({
        package: v.package!.name!,
        vulnerableVersionRange: v.vulnerable_version_range!,
        firstPatchedVersion:
          typeof v.first_patched_version === 'string'
            ? v.first_patched_version
            : (v.first_patched_version?.identifier ?? undefined),
      })),
  };
}

/** How long a rate-limited response asks to wait (ms), or undefined when it is not rate limited. */
function rateLimitWait(res: HttpResponse, now: number): number | undefined {
  if (res.status !== 403 && res.status !== 429) return undefined;
  const retryAfter = Number(res.headers['retry-after']);
  if (Number.isFinite(retryAfter) && res.headers['retry-after']) return Math.max(0, retryAfter * 1000);
  if (res.headers['x-ratelimit-remaining'] === '0') {
    const reset = Number(res.headers['x-ratelimit-reset']) * 1000;
    return Number.isFinite(reset) ? Math.max(0, reset - now) : 60_000;
  }
  return res.status === 429 ? 60_000 : undefined;
}

function describe(err: unknown): string {
  const e = err as { code?: string; name?: string; message?: string };
  if (e?.name === 'TimeoutError' || e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT')
    return 'timed out';
  return e?.code ?? e?.message?.split('\n')[0] ?? String(err);
}
