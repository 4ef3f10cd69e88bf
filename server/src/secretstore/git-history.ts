// "Already leaked": a credential found in a file that git has committed is exposed in history, whatever the fix does
// to the working copy. Called by the CLI and the language server after analysis (async I/O, outside the core).
// History is read in-process with isomorphic-git, which parses objects and refs itself: no `git` process runs, so
// nothing the repository's own config names (hooks, fsmonitor, gpg.program, a promisor remote's uploadpack, lazy
// fetches of a partial clone) can execute. Objects that are not on disk are skipped, never fetched.
import * as fs from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { AnalysisResult } from '../engine/analyze';
import type { Finding } from '../engine/types';

/** Distinct committed versions of the file kept at most (newest first). */
const MAX_VERSIONS = 200;
/** Commits read at most per file: bounds the walk of a long history. */
const MAX_COMMITS = 5000;
/** Versions larger than this are not searched (workflows are a few KB). */
const MAX_VERSION_BYTES = 1024 * 1024;

/**
 * The folder holding the repository's objects and refs: `.git`, or for worktrees and submodules (a `.git` file with
 * `gitdir: ...`) the folder it names, or that folder's `commondir` (a linked worktree shares the main repository's).
 */
export function gitDirOf(repoRoot: string): string | undefined {
  const dotGit = join(repoRoot, '.git');
  try {
    const st = fs.statSync(dotGit);
    if (st.isDirectory()) return dotGit;
    if (!st.isFile()) return undefined;
    const named = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFileSync(dotGit, 'utf8'))?.[1];
    if (!named) return undefined;
    const gitdir = resolve(repoRoot, named);
    const common = join(gitdir, 'commondir');
    return fs.existsSync(common) ? resolve(gitdir, fs.readFileSync(common, 'utf8').trim()) : gitdir;
  } catch {
    return undefined;
  }
}

/** The committed versions of a file (newest first, one per distinct content) reachable from HEAD and every ref. */
export async function committedVersions(
  repoRoot: string,
  relPath: string,
): Promise<Array<{ commit: string; text: string }>> {
  const gitdir = gitDirOf(repoRoot);
  if (!gitdir) return [];
  // Loaded on first use: few scans find a credential in a checkout, and every other start paid for its set-up.
  const { default: git } = await import('isomorphic-git');
  const cache = {};
  const refs = ['HEAD'];
  try {
    refs.push(...(await git.listRefs({ fs, gitdir, filepath: 'refs' })).map((r) => `refs/${r}`));
  } catch {
    // No refs folder: HEAD alone.
  }
  const frontier: Array<{ oid: string; time: number }> = [];
  const seen = new Set<string>();
  const enqueue = async (oid: string) => {
    if (seen.has(oid)) return;
    seen.add(oid);
    try {
      const { oid: commitOid, commit } = await git.readCommit({ fs, gitdir, oid, cache });
      frontier.push({ oid: commitOid, time: commit.committer.timestamp });
      seen.add(commitOid);
      parents.set(commitOid, commit.parent);
    } catch {
      // A missing object (shallow or partial clone) or not a commit: that line of history ends here.
    }
  };
  const parents = new Map<string, string[]>();
  for (const ref of refs) {
    try {
      await enqueue(await git.resolveRef({ fs, gitdir, ref }));
    } catch {
      // An unborn HEAD or a broken ref.
    }
  }
  const out: Array<{ commit: string; text: string }> = [];
  const blobs = new Set<string>();
  for (let walked = 0; frontier.length && walked < MAX_COMMITS && out.length < MAX_VERSIONS; walked++) {
    frontier.sort((a, b) => b.time - a.time);
    const { oid } = frontier.shift()!;
    try {
      const { oid: blobOid, blob } = await git.readBlob({ fs, gitdir, oid, filepath: relPath, cache });
      if (!blobs.has(blobOid) && blob.length <= MAX_VERSION_BYTES) {
        blobs.add(blobOid);
        out.push({ commit: oid, text: Buffer.from(blob).toString('utf8') });
      }
    } catch {
      // The file is not in that commit, or its content is not on disk.
    }
    for (const parent of parents.get(oid) ?? []) await enqueue(parent);
  }
  return out;
}

/** History changes rarely while a file is edited: the language server re-checks at most every CACHE_MS per file. */
const CACHE_MS = 30_000;
const cache = new Map<string, { at: number; versions: Promise<Array<{ commit: string; text: string }>> }>();

function cachedVersions(repoRoot: string, relPath: string): Promise<Array<{ commit: string; text: string }>> {
  const key = `${repoRoot}\0${relPath}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.versions;
  if (cache.size > 500) cache.clear();
  const versions = committedVersions(repoRoot, relPath);
  cache.set(key, { at: Date.now(), versions });
  return versions;
}

/** The part of a finding's text to look for in history (a private key's longest line; else the value itself). */
function needle(text: string, f: Finding): string | undefined {
  const raw = text.slice(f.span.start, f.span.end);
  const value = raw.includes('\n')
    ? raw
        .split('\n')
        .map((l) => l.trim())
        .sort((a, b) => b.length - a.length)[0]
    : raw.trim();
  return value && value.length >= 8 ? value : undefined;
}

/** Findings whose span is a secret value (the ones history is searched for). */
export function secretValueFindings(result: AnalysisResult): Finding[] {
  return result.findings.filter((f) => typeof f.properties?.masked === 'string');
}

/**
 * Marks each hardcoded credential that a committed version of the file already contains:
 * `properties.leakedInHistory = true` and a message saying it must be rotated. Never throws; no git, no marks.
 * `text` is the analyzed text (needed when the result traveled without its model, e.g. from a worker thread);
 * `file` is the file's absolute or repository-relative path when `result.path` is relative to another folder.
 */
export async function markLeakedSecrets(
  result: AnalysisResult,
  repoRoot: string,
  text = result.model?.text,
  file = result.path,
): Promise<number> {
  const secrets = secretValueFindings(result);
  if (!text || secrets.length === 0) return 0;
  const relPath = (isAbsolute(file) ? relative(repoRoot, file) : file).split('\\').join('/');
  if (relPath.startsWith('..')) return 0;
  let versions: Array<{ commit: string; text: string }>;
  try {
    versions = await cachedVersions(repoRoot, relPath);
  } catch {
    return 0;
  }
  let marked = 0;
  for (const f of secrets) {
    const value = needle(text, f);
    const hit = value ? versions.find((v) => v.text.includes(value)) : undefined;
    if (!hit || f.properties?.leakedInHistory) continue;
    f.properties = { ...f.properties, leakedInHistory: true, leakedInCommit: hit.commit.slice(0, 12) };
    f.message += ` It is already in the git history (commit ${hit.commit.slice(0, 12)}): it is exposed and must be rotated, not only moved.`;
    marked++;
  }
  return marked;
}
