// `npm run update-advisories`: refreshes the bundled supply-chain knowledge from the GitHub API (online; uses
// GH_TOKEN/GITHUB_TOKEN or `gh auth token`, GITHUB_API_URL for GitHub Enterprise Server):
// - advisories.json: every reviewed advisory of the actions ecosystem (GET /advisories?ecosystem=actions, paginated),
//   keeping the compromised commits recorded by hand (the API has no field for them);
// - pins.json: each pinned action's ref resolved to its commit, with its most specific version tag.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitHubClient } from '../server/src/online/github';
import { githubApiUrl, githubToken } from '../server/src/online/token';
import { mostSpecificTag, parseVersion } from '../server/src/analysis/supply-chain/versions';
import type { Advisory, AdvisorySeverity } from '../server/src/knowledge/supply-chain';
import { httpRequest } from '../server/src/online/http';

const dir = join(import.meta.dirname, '..', 'server', 'src', 'knowledge', 'supply-chain');
const apiUrl = githubApiUrl(undefined, process.env);
const token = await githubToken(process.env, apiUrl);
const client = new GitHubClient({ baseUrl: apiUrl, token });

async function allAdvisories(): Promise<Advisory[]> {
  const out: Advisory[] = [];
  let url: string | undefined = `${apiUrl}/advisories?ecosystem=actions&type=reviewed&per_page=100`;
  for (let page = 0; url && page < 50; page++) {
    const res = await httpRequest(url, {
      timeoutMs: 20_000,
      headers: {
        accept: 'application/vnd.github+json',
        'user-agent': 'flowguard-update-advisories',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${res.text.slice(0, 200)}`);
    for (const raw of JSON.parse(res.text) as RawAdvisory[]) {
      const vulnerabilities = (raw.vulnerabilities ?? [])
        .filter((v) => v.package?.ecosystem === 'actions' && v.package?.name && v.vulnerable_version_range)
        .map((v) => ({
          package: v.package!.name!,
          vulnerableVersionRange: v.vulnerable_version_range!,
          ...(v.first_patched_version ? { firstPatchedVersion: String(v.first_patched_version) } : {}),
        }));
      out.push({
        ghsaId: raw.ghsa_id,
        ...(raw.cve_id ? { cveId: raw.cve_id } : {}),
        summary: raw.summary,
        severity: raw.severity,
        url: raw.html_url,
        vulnerabilities,
      });
    }
    // Link: <…cursor…>; rel="next"
    url = /<([^>]+)>;\s*rel="next"/.exec(res.headers.link ?? '')?.[1];
  }
  return out;
}

/** The fields of GitHub's global advisories API this script reads. */
interface RawAdvisory {
  ghsa_id: string;
  cve_id?: string | null;
  summary: string;
  severity: AdvisorySeverity;
  html_url: string;
  vulnerabilities?: Array<{
    package?: { ecosystem?: string; name?: string };
    vulnerable_version_range?: string;
    first_patched_version?: string | null;
  }>;
}

const advisoriesFile = join(dir, 'advisories.json');
const current = JSON.parse(readFileSync(advisoriesFile, 'utf8'));
const fresh = await allAdvisories();
const compromised = new Map<string, Advisory['compromisedCommits']>(
  (current.advisories as Advisory[]).filter((a) => a.compromisedCommits).map((a) => [a.ghsaId, a.compromisedCommits]),
);
for (const a of fresh) if (compromised.has(a.ghsaId)) a.compromisedCommits = compromised.get(a.ghsaId);
current.advisories = fresh;
current.updated = new Date().toISOString().slice(0, 10);
writeFileSync(advisoriesFile, JSON.stringify(current, null, 2) + '\n');
console.log(`advisories.json: ${fresh.length} advisories`);

const pinsFile = join(dir, 'pins.json');
const pins = JSON.parse(readFileSync(pinsFile, 'utf8'));
for (const [action, pin] of Object.entries(pins.pins as Record<string, { ref: string; sha?: string }>)) {
  const major = pin.ref.match(/^v?\d+/)?.[0] ?? pin.ref;
  const sha = await client.commitOf(action, major);
  if (!sha) {
    console.warn(`${action}@${major}: not resolved (${client.problems.messages.at(-1) ?? 'unknown ref'}); kept`);
    continue;
  }
  const tags = ((await client.tagsAt(action, sha)) ?? []).filter((t) => parseVersion(t));
  pins.pins[action] = { ref: mostSpecificTag(tags) ?? major, sha };
  console.log(`${action}: ${pins.pins[action].ref} ${sha}`);
}
writeFileSync(pinsFile, JSON.stringify(pins, null, 2) + '\n');
