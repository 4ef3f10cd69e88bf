// `flowguard scan --online`: resolve what the scanned files reference (GitHub API, image registries) before the scan,
// so the rules see facts instead of guesses. Never invoked without --online: an offline scan sends no request.
import { readFileSync } from 'node:fs';
import { analyze } from '../engine/analyze';
import type { FlowguardConfig } from '../engine/config';
import {
  factsFromRecords,
  type FactRecords,
  type RemoteReferences,
  type SupplyChainFacts,
} from '../analysis/supply-chain/facts';
import { remoteReferences } from '../analysis/supply-chain/references';
import { splitBom } from '../io/repo-files';
import { DiskCache, defaultCacheDir } from '../online/cache';
import { GitHubClient } from '../online/github';
import { checkApiUrl } from '../online/http';
import { RegistryClient } from '../online/oci';
import { resolveReferences } from '../online/resolve';
import { githubApiUrl, githubToken } from '../online/token';
import { MAX_ANALYZED_BYTES } from '../yaml/parse';
import { CliError } from './args';
import type { Target } from './files';

export interface OnlineResult {
  facts: SupplyChainFacts;
  /** The same answers as plain data (what worker threads are sent). */
  records: FactRecords;
  /** Why some answers are missing (rate limit, timeouts...), for standard error. */
  problems: string[];
  requests: number;
}

export async function resolveOnline(
  targets: Target[],
  config: FlowguardConfig,
  env: Record<string, string | undefined>,
  explicitApiUrl: string | undefined,
): Promise<OnlineResult> {
  const apiUrl = githubApiUrl(explicitApiUrl, env);
  try {
    checkApiUrl(apiUrl, '--github-api-url');
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const cache = new DiskCache(defaultCacheDir(env));
  const github = new GitHubClient({
    baseUrl: apiUrl,
    token: await githubToken(env, apiUrl),
    cache,
    timeoutMs: Number(env.FLOWGUARD_HTTP_TIMEOUT_MS) || undefined,
    maxRateLimitWaitMs: env.FLOWGUARD_RATE_LIMIT_WAIT_MS ? Number(env.FLOWGUARD_RATE_LIMIT_WAIT_MS) : undefined,
  });
  const registry = new RegistryClient({ cache, problems: github.problems });
  const refs: RemoteReferences[] = [];
  for (const t of targets) {
    let text: string;
    try {
      if (readFileSync(t.file).length > MAX_ANALYZED_BYTES) continue;
      text = splitBom(readFileSync(t.file, 'utf8')).text;
    } catch {
      continue; // reported by the scan itself
    }
    refs.push(remoteReferences(analyze({ path: t.file, text, config, rules: [] }).model, text));
  }
  const records = await resolveReferences(refs, { github, registry, impostors: true });
  return {
    facts: factsFromRecords(records),
    records,
    problems: github.problems.messages,
    requests: github.requests + registry.requests,
  };
}
