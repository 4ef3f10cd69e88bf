// Facts about remote repositories and registries that only the network can tell (what a tag points at, which tags
// name a commit, advisories, whether a commit belongs to the repository, an image's digest). The core never fetches:
// adapters resolve what a file references (server/src/online/) and pass the answers in `AnalyzeInput.facts`.
// Every answer is three-valued: a value, `null` (asked, and it does not exist), or `undefined` (not known: offline,
// not asked, or the request failed), so rules only act on facts and stay quiet otherwise.
import type { Advisory } from '../../knowledge/supply-chain';

export interface SupplyChainFacts {
  /** The commit a tag, branch or short SHA of owner/repo names. */
  commitOf(repo: string, ref: string): string | null | undefined;
  /** Tags of owner/repo that point at `sha` (annotated tags peeled). */
  tagsAt(repo: string, sha: string): string[] | undefined;
  /** GitHub's reviewed advisories for owner/repo. */
  advisories(repo: string): Advisory[] | undefined;
  /** Whether a branch or tag of owner/repo contains `sha` (false: an impostor commit served from a fork). */
  reachable(repo: string, sha: string): boolean | undefined;
  /** The manifest digest (`sha256:…`) an image reference `name:tag` names in its registry. */
  imageDigest(image: string): string | null | undefined;
}

/** What the adapters must resolve for one file: filled by `remoteReferences`. */
export interface RemoteReferences {
  /** owner/repo@ref for actions and reusable workflows not pinned to a SHA (and SHA pins, for tags and impostors). */
  actions: Array<{ repo: string; ref: string; pinned: boolean; comment?: string }>;
  /** Container image references with a tag and no digest. */
  images: string[];
}

/** Resolved facts as plain data (JSON-serialisable): what the online adapter collects, and what test fixtures hold. */
export interface FactRecords {
  /** `owner/repo@ref` -> commit SHA, or null for a ref that does not exist. */
  commits?: Record<string, string | null>;
  /** `owner/repo@sha` -> the tags pointing at that commit. */
  tags?: Record<string, string[]>;
  /** owner/repo -> GitHub's reviewed advisories. */
  advisories?: Record<string, Advisory[]>;
  /** `owner/repo@sha` -> whether a branch or tag contains it. */
  reachable?: Record<string, boolean>;
  /** `name:tag` -> manifest digest, or null for an unknown tag. */
  images?: Record<string, string | null>;
}

const key = (repo: string, ref: string) => `${repo.toLowerCase()}@${ref}`;
const own = <T>(r: Record<string, T> | undefined, k: string): T | undefined =>
  r && Object.prototype.hasOwnProperty.call(r, k) ? r[k] : undefined;

export function factsFromRecords(records: FactRecords): SupplyChainFacts {
  return {
    commitOf: (repo, ref) => own(records.commits, key(repo, ref)),
    tagsAt: (repo, sha) => own(records.tags, key(repo, sha.toLowerCase())),
    advisories: (repo) => own(records.advisories, repo.toLowerCase()),
    reachable: (repo, sha) => own(records.reachable, key(repo, sha.toLowerCase())),
    imageDigest: (image) => own(records.images, image),
  };
}
