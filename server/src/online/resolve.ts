// Resolves what analyzed files reference into FactRecords for the core (AnalyzeInput.facts). Bounded concurrency;
// a failed answer is simply absent, so the rules fall back to their offline behavior.
import type { FactRecords, RemoteReferences } from '../analysis/supply-chain/facts';
import { bundledAdvisoriesFor } from '../knowledge/supply-chain';
import type { GitHubClient } from './github';
import type { RegistryClient } from './oci';

const CONCURRENCY = 8;

async function inParallel<T>(
  items: readonly T[],
  work: (item: T) => Promise<void>,
  isCancelled: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !isCancelled()) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

export interface ResolveOptions {
  github: GitHubClient;
  registry?: RegistryClient;
  /** Also ask which commits are reachable (impostor-commit): two or more requests per SHA pin. */
  impostors?: boolean;
  /** Checked before each reference: a cancelled resolution stops asking (what is known so far is kept). */
  isCancelled?: () => boolean;
}

export async function resolveReferences(all: RemoteReferences[], options: ResolveOptions): Promise<FactRecords> {
  const { github, registry } = options;
  const records: Required<FactRecords> = { commits: {}, tags: {}, advisories: {}, reachable: {}, images: {} };
  const key = (repo: string, ref: string) => `${repo.toLowerCase()}@${ref}`;
  const commit = async (repo: string, ref: string) => {
    const sha = await github.commitOf(repo, ref);
    if (sha !== undefined) records.commits[key(repo, ref)] = sha;
    return sha;
  };
  const tagsAt = async (repo: string, sha: string) => {
    const tags = await github.tagsAt(repo, sha);
    if (tags) records.tags[key(repo, sha)] = tags;
  };
  const actions = uniqueBy(
    all.flatMap((r) => r.actions),
    (a) => `${a.repo}@${a.ref}#${a.comment ?? ''}`,
  );
  await inParallel(
    actions,
    async (a) => {
      if (a.pinned) {
        await tagsAt(a.repo, a.ref.toLowerCase());
        if (a.comment) await commit(a.repo, a.comment);
        if (options.impostors) {
          const reachable = await github.reachable(a.repo, a.ref.toLowerCase());
          if (reachable !== undefined) records.reachable[key(a.repo, a.ref.toLowerCase())] = reachable;
        }
      } else {
        const sha = await commit(a.repo, a.ref);
        if (sha) await tagsAt(a.repo, sha);
      }
    },
    options.isCancelled,
  );
  const repos = [...new Set(actions.map((a) => a.repo.toLowerCase()))];
  await inParallel(
    repos,
    async (repo) => {
      const advisories = await github.advisories(repo);
      if (advisories) records.advisories[repo] = advisories;
      // The first patched release's commit, so an upgrade can be pinned.
      for (const a of advisories ?? bundledAdvisoriesFor(repo))
        for (const v of a.vulnerabilities)
          if (v.package.toLowerCase() === repo && v.firstPatchedVersion) {
            const bare = v.firstPatchedVersion.replace(/^v/i, '');
            if ((await commit(repo, `v${bare}`)) === null) await commit(repo, bare);
          }
    },
    options.isCancelled,
  );
  if (registry)
    await inParallel(
      [...new Set(all.flatMap((r) => r.images))],
      async (image) => {
        const digest = await registry.digest(image);
        if (digest !== undefined) records.images[image] = digest;
      },
      options.isCancelled,
    );
  return records;
}

function uniqueBy<T>(items: T[], keyOf: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const i of items) if (!seen.has(keyOf(i))) seen.set(keyOf(i), i);
  return [...seen.values()];
}
