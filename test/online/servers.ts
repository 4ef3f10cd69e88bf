// Loopback stand-ins for the GitHub REST API and an OCI registry: real HTTP servers on 127.0.0.1, serving only the
// endpoints Flowguard uses, from an in-memory model of repositories. They count requests so tests can assert that
// nothing was asked (offline) or that the cache answered.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  defaultBranch: string;
  branches: Record<string, string>;
  /** Newest first, as GitHub lists them; `tagObject` marks an annotated tag (its own object SHA differs). */
  tags: Array<{ name: string; sha: string; tagObject?: string }>;
  /** Commits on a branch or tag. */
  commits: string[];
  /** Commits served under this name but only present in a fork. */
  forkCommits?: string[];
  advisories?: unknown[];
}

export interface Override {
  status: number;
  headers?: Record<string, string>;
  /** Delay before answering (ms): longer than the client's timeout simulates a hung server. */
  delayMs?: number;
  /** Answer like this only this many times, then normally. */
  times?: number;
}

export interface FakeGitHub {
  url: string;
  repos: Record<string, FakeRepo>;
  /** Every request path (with query), in order. */
  requests: string[];
  /** Paths answered 304 Not Modified. */
  notModified: string[];
  /** Overrides by path prefix. */
  overrides: Map<string, Override>;
  /** Every answer waits this long (ms): answers that arrive while the user types. */
  delay: { ms: number };
  /** The most advisories one page of GET /advisories holds, whatever per_page asks (pagination in tests). */
  advisoryPageSize: { max: number };
  close(): Promise<void>;
}

function send(res: ServerResponse, req: IncomingMessage, status: number, body: unknown, notModified: string[]): void {
  const text = JSON.stringify(body);
  const etag = `"${createHash('sha1').update(text).digest('hex')}"`;
  if (status === 200 && req.headers['if-none-match'] === etag) {
    notModified.push(req.url ?? '');
    res.writeHead(304, { etag }).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', etag }).end(text);
}

export async function startFakeGitHub(repos: Record<string, FakeRepo>): Promise<FakeGitHub> {
  const requests: string[] = [];
  const notModified: string[] = [];
  const overrides = new Map<string, Override>();
  const delay = { ms: 0 };
  const advisoryPageSize = { max: 100 };
  const server: Server = createServer((req, res) => void setTimeout(() => handle(req, res), delay.ms));
  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(req.url ?? '');
    const override = [...overrides.entries()].find(([prefix]) => (req.url ?? '').startsWith(prefix));
    if (override && (override[1].times === undefined || override[1].times > 0)) {
      const o = override[1];
      if (o.times !== undefined) o.times--;
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(o.status, { 'content-type': 'application/json', ...o.headers }).end('{}');
      }, o.delayMs ?? 0);
      return;
    }
    const answer = (status: number, body: unknown) => send(res, req, status, body, notModified);
    const notFound = () => answer(404, { message: 'Not Found' });
    if (url.pathname === '/advisories') {
      if (url.searchParams.get('ecosystem') !== 'actions') return answer(200, []);
      const affects = url.searchParams.get('affects');
      if (affects) return answer(200, repos[affects]?.advisories ?? []);
      // Every advisory (npm run update-advisories), in pages linked by a `Link: <…>; rel="next"` header.
      const all = [...new Set(Object.values(repos).flatMap((r) => r.advisories ?? []))];
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), advisoryPageSize.max);
      const page = Number(url.searchParams.get('page') ?? 1);
      if (page * perPage < all.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        res.setHeader('link', `<http://${req.headers.host}${next.pathname}${next.search}>; rel="next"`);
      }
      return answer(200, all.slice((page - 1) * perPage, page * perPage));
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)(?:\/(commits|tags|compare)(?:\/(.+))?)?$/.exec(url.pathname);
    const repo = m && repos[`${m[1]}/${m[2]}`];
    if (!m || !repo) return notFound();
    const all = [...repo.commits, ...(repo.forkCommits ?? [])];
    if (!m[3]) return answer(200, { full_name: `${m[1]}/${m[2]}`, default_branch: repo.defaultBranch });
    if (m[3] === 'commits') {
      const ref = decodeURIComponent(m[4] ?? '');
      const sha =
        repo.tags.find((t) => t.name === ref)?.sha ??
        repo.branches[ref] ??
        (/^[0-9a-f]{7,40}$/.test(ref) ? all.filter((c) => c.startsWith(ref)) : []).find(
          (_, __, arr) => arr.length === 1,
        );
      return sha
        ? answer(200, { sha, commit: { message: 'x' } })
        : answer(422, { message: `No commit found for SHA: ${ref}` });
    }
    if (m[3] === 'tags') {
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = repo.tags.slice((page - 1) * perPage, page * perPage);
      // GitHub's tag list names the commit an annotated tag points at, not the tag object.
      return answer(
        200,
        slice.map((t) => ({ name: t.name, commit: { sha: t.sha, url: '' }, node_id: t.tagObject ?? t.sha })),
      );
    }
    const [base, head] = decodeURIComponent(m[4] ?? '').split('...');
    const baseSha = repo.branches[base] ?? repo.tags.find((t) => t.name === base)?.sha;
    if (!baseSha || !all.includes(head)) return notFound();
    const status = head === baseSha ? 'identical' : repo.commits.includes(head) ? 'behind' : 'diverged';
    return answer(200, { status, ahead_by: status === 'diverged' ? 1 : 0 });
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    repos,
    requests,
    notModified,
    overrides,
    delay,
    advisoryPageSize,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export interface FakeRegistry {
  host: string;
  requests: string[];
  close(): Promise<void>;
}

/** An OCI registry that, like Docker Hub and GHCR, wants an anonymous bearer token from its realm for every pull. */
export async function startFakeRegistry(images: Record<string, string>): Promise<FakeRegistry> {
  const requests: string[] = [];
  let host = '';
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/token') {
      const scope = url.searchParams.get('scope') ?? '';
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `anon:${scope}` }));
      return;
    }
    const m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (!m) return void res.writeHead(404).end();
    if (req.headers.authorization !== `Bearer anon:repository:${m[1]}:pull`) {
      res
        .writeHead(401, {
          'www-authenticate': `Bearer realm="http://${host}/token",service="fake-registry",scope="repository:${m[1]}:pull"`,
        })
        .end();
      return;
    }
    const digest = images[`${m[1]}:${decodeURIComponent(m[2])}`];
    if (!digest) return void res.writeHead(404).end();
    res
      .writeHead(200, { 'docker-content-digest': digest, 'content-type': 'application/vnd.oci.image.index.v1+json' })
      .end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { host, requests, close: () => new Promise((r) => server.close(() => r())) };
}
