// Supply-chain knowledge bundled with Flowguard: reviewed advisories for actions, archived action repositories,
// popular actions (typosquatting targets) and the pinned versions of the actions Flowguard's own fixes insert.
// Data lives in ./supply-chain/*.json (schemas in schemas/); `npm run update-advisories` refreshes it when online.
import advisoriesData from './supply-chain/advisories.json';
import archivedData from './supply-chain/archived.json';
import popularData from './supply-chain/popular.json';
import pinsData from './supply-chain/pins.json';

export type AdvisorySeverity = 'critical' | 'high' | 'medium' | 'low';

export interface AdvisoryVulnerability {
  /** owner/repo, as GitHub names the package. */
  package: string;
  /** GitHub's syntax: comma-separated constraints such as `>= 4.0.0, < 4.1.3`. */
  vulnerableVersionRange: string;
  firstPatchedVersion?: string;
}

export interface Advisory {
  ghsaId: string;
  cveId?: string;
  summary: string;
  severity: AdvisorySeverity;
  url: string;
  vulnerabilities: AdvisoryVulnerability[];
  /** Commits known to be malicious (a moved tag's target), matched on SHA pins whatever the version. */
  compromisedCommits?: Array<{ package: string; sha: string }>;
}

export const BUNDLED_ADVISORIES: readonly Advisory[] = advisoriesData.advisories as Advisory[];
export const ADVISORIES_UPDATED: string = advisoriesData.updated;

/** The bundled advisories that name `repo` (owner/repo, any case). */
export function bundledAdvisoriesFor(repo: string): Advisory[] {
  const key = repo.toLowerCase();
  return BUNDLED_ADVISORIES.filter(
    (a) =>
      a.vulnerabilities.some((v) => v.package.toLowerCase() === key) ||
      (a.compromisedCommits ?? []).some((c) => c.package.toLowerCase() === key),
  );
}

const ARCHIVED: Record<string, { replacement?: string }> = archivedData.archived;

/** The archived entry for owner/repo (lower-cased key), with a maintained replacement where one is known. */
export function archivedAction(repo: string): { replacement?: string } | undefined {
  return Object.prototype.hasOwnProperty.call(ARCHIVED, repo.toLowerCase()) ? ARCHIVED[repo.toLowerCase()] : undefined;
}

export const POPULAR_ACTIONS: readonly string[] = popularData.popular;

const PINS: Record<string, { ref: string; sha?: string }> = pinsData.pins;
const TAG_ONLY: Record<string, string> = pinsData.tagOnly;

/** Why owner/repo must be referenced by a version tag (a commit pin breaks it), or undefined. */
export function tagOnlyReason(repo: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(TAG_ONLY, repo.toLowerCase()) ? TAG_ONLY[repo.toLowerCase()] : undefined;
}

/**
 * The `uses:` value (and trailing comment) for an action Flowguard inserts: `owner/repo@<sha> # v1.2.3` when the
 * bundled table has a verified commit, else `owner/repo@<ref>`.
 */
export function pinnedUses(action: string): string {
  const pin = PINS[action];
  if (!pin) throw new Error(`no pin recorded for ${action}`);
  return pin.sha ? `${action}@${pin.sha} # ${pin.ref}` : `${action}@${pin.ref}`;
}
