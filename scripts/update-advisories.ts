// `npm run update-advisories`: refreshes the bundled supply-chain knowledge from the GitHub API (online; uses
// GH_TOKEN/GITHUB_TOKEN or `gh auth token`, GITHUB_API_URL for GitHub Enterprise Server):
// - advisories.json: every reviewed advisory of the actions ecosystem (GET /advisories?ecosystem=actions, paginated),
//   keeping the compromised commits recorded by hand (the API has no field for them);
// - pins.json: each pinned action's ref resolved to its commit, with its most specific version tag.
// Reads the bundled files and writes the refreshed ones to `--out DIR` (or FLOWGUARD_KNOWLEDGE_OUT), by default back
// into server/src/knowledge/supply-chain/. Both are checked against their schemas before anything is written.
// Usage: npm run update-advisories [-- --out DIR]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import { GitHubClient } from '../server/src/online/github';
import { githubApiUrl, githubToken } from '../server/src/online/token';
import { mostSpecificTag, parseVersion } from '../server/src/analysis/supply-chain/versions';
import type { Advisory, AdvisorySeverity } from '../server/src/knowledge/supply-chain';
import { httpRequest } from '../server/src/online/http';

const root = join(import.meta.dirname, '..');
const dir = join(root, 'server', 'src', 'knowledge', 'supply-chain');
const outFlag = process.argv.indexOf('--out');
const outDir = resolve(
  (outFlag === -1 ? undefined : process.argv[outFlag + 1]) ?? process.env.FLOWGUARD_KNOWLEDGE_OUT ?? dir,
);
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
      const advisory = fromApi(raw);
      if (advisory) out.push(advisory);
    }
    // Link: <…cursor…>; rel="next"
    url = /<([^>]+)>;\s*rel="next"/.exec(res.headers.link ?? '')?.[1];
  }
  return out;
}

const SEVERITIES: readonly string[] = ['critical', 'high', 'medium', 'low'];
const RANGE = /^\s*(<=|>=|<|>|=)?\s*v?\d+(\.\d+){0,2}(\s*,\s*(<=|>=|<|>|=)?\s*v?\d+(\.\d+){0,2})*\s*$/;
const VERSION = /^v?\d+(\.\d+){0,2}$/;

/**
 * An API advisory in the snapshot's shape, or undefined when nothing in it can be used: only actions packages with a
 * version range the rules can read, and a severity they know (`unknown` is left out, said on stderr).
 */
function fromApi(raw: RawAdvisory): Advisory | undefined {
  if (!SEVERITIES.includes(raw.severity)) {
    console.warn(`${raw.ghsa_id}: severity ${raw.severity}; left out`);
    return undefined;
  }
  const vulnerabilities = (raw.vulnerabilities ?? []).flatMap((v) => {
    const name = v.package?.name;
    const range = v.vulnerable_version_range;
    if (v.package?.ecosystem !== 'actions' || !name || !/^[\w.-]+\/[\w.-]+$/.test(name) || !range) return [];
    if (!RANGE.test(range)) {
      console.warn(`${raw.ghsa_id}: ${name} range ${JSON.stringify(range)} is not one the rules read; left out`);
      return [];
    }
    const patched = v.first_patched_version ? String(v.first_patched_version) : undefined;
    return [
      {
        package: name,
        vulnerableVersionRange: range,
        ...(patched && VERSION.test(patched) ? { firstPatchedVersion: patched } : {}),
      },
    ];
  });
  if (vulnerabilities.length === 0) return undefined;
  return {
    ghsaId: raw.ghsa_id,
    ...(raw.cve_id ? { cveId: raw.cve_id } : {}),
    summary: raw.summary,
    severity: raw.severity as AdvisorySeverity,
    url: raw.html_url,
    vulnerabilities,
  };
}

/** The fields of GitHub's global advisories API this script reads. */
interface RawAdvisory {
  ghsa_id: string;
  cve_id?: string | null;
  summary: string;
  severity: string;
  html_url: string;
  vulnerabilities?: Array<{
    package?: { ecosystem?: string; name?: string };
    vulnerable_version_range?: string;
    first_patched_version?: string | null;
  }>;
}

const ajv = new Ajv({ allErrors: true, strict: false });
/** Writes a knowledge file to the output folder, refusing one its schema rejects. */
function writeChecked(name: string, schema: string, data: unknown): void {
  const validate = ajv.compile(JSON.parse(readFileSync(join(root, 'schemas', schema), 'utf8')));
  if (!validate(data)) throw new Error(`${name} would not match ${schema}: ${ajv.errorsText(validate.errors)}`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, name), JSON.stringify(data, null, 2) + '\n');
}

const current = JSON.parse(readFileSync(join(dir, 'advisories.json'), 'utf8'));
const fresh = await allAdvisories();
// Compromised commits are recorded by hand (the API has no field for them): kept on the refreshed advisory, and an
// advisory recorded only for them stays even when the API does not list it.
const byHand = (current.advisories as Advisory[]).filter((a) => a.compromisedCommits);
for (const a of fresh) a.compromisedCommits = byHand.find((h) => h.ghsaId === a.ghsaId)?.compromisedCommits;
for (const h of byHand) if (!fresh.some((a) => a.ghsaId === h.ghsaId)) fresh.push(h);
for (const a of fresh) if (!a.compromisedCommits) delete a.compromisedCommits;
current.advisories = fresh;
current.updated = new Date().toISOString().slice(0, 10);
writeChecked('advisories.json', 'advisories.schema.json', current);
console.log(`advisories.json: ${fresh.length} advisories`);

const pins = JSON.parse(readFileSync(join(dir, 'pins.json'), 'utf8'));
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
writeChecked('pins.json', 'action-pins.schema.json', pins);
