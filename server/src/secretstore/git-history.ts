// "Already leaked": a credential found in a file that git has committed is exposed in history, whatever the fix does
// to the working copy. Called by the CLI and the language server after analysis (async I/O, outside the core).
// The value is searched in memory: it never appears on a git command line.
import { spawn } from 'node:child_process';
import { isAbsolute, relative } from 'node:path';
import type { AnalysisResult } from '../engine/analyze';
import type { Finding } from '../engine/types';

/** Commits of the file's history examined at most (newest first). */
const MAX_COMMITS = 200;

/**
 * A repository's own .git/config can name programs git runs (gpg.program for log.showSignature, fsmonitor hooks):
 * those settings are overridden, since the repository may be a stranger's. Callers also skip history in untrusted
 * workspaces.
 */
const SAFE_CONFIG = [
  '-c',
  'log.showSignature=false',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'gpg.program=false',
  '-c',
  'core.pager=cat',
];

function run(cwd: string, args: string[], input?: string): Promise<{ code: number; stdout: Buffer }> {
  return new Promise((resolve) => {
    const child = spawn('git', [...SAFE_CONFIG, ...args], {
      cwd,
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', () => resolve({ code: -1, stdout: Buffer.alloc(0) }));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(chunks) }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** The committed versions of a file (newest first), read through one `git cat-file --batch`. */
export async function committedVersions(
  repoRoot: string,
  relPath: string,
): Promise<Array<{ commit: string; text: string }>> {
  const log = await run(repoRoot, [
    'log',
    '--no-show-signature',
    '--all',
    `-n${MAX_COMMITS}`,
    '--format=%H',
    '--',
    relPath,
  ]);
  if (log.code !== 0) return [];
  const commits = log.stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => /^[0-9a-f]{40}$/.test(l));
  if (commits.length === 0) return [];
  const batch = await run(repoRoot, ['cat-file', '--batch'], commits.map((c) => `${c}:${relPath}\n`).join(''));
  const out: Array<{ commit: string; text: string }> = [];
  const buf = batch.stdout;
  let pos = 0;
  for (const commit of commits) {
    const nl = buf.indexOf(10, pos);
    if (nl === -1) break;
    const header = buf.subarray(pos, nl).toString('utf8');
    pos = nl + 1;
    const m = /^[0-9a-f]+ blob (\d+)$/.exec(header);
    if (!m) continue; // "<object> missing": the file did not exist in that commit
    const size = Number(m[1]);
    out.push({ commit, text: buf.subarray(pos, pos + size).toString('utf8') });
    pos += size + 1;
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
