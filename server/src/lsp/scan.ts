// Workspace scan: walks roots for workflow/action files (and config-included YAML) and analyses each.
// Runs inside the analysis worker, so the language server keeps answering while it works.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { globMatcher } from '../engine/glob';
import { isIgnored, isIncluded, type FlowguardConfig } from '../engine/config';
import { kindFromPath } from '../model/detect';
import type { FileFindings } from '../protocol';
import { readDocument, repoFileReader, repoRootOf, type RepoFileReader } from '../io/repo-files';
import { analyseText } from './analysis';
import { pathToUri } from './paths';
import { summarise } from './summaries';

export interface ScanRoot {
  root: string;
  config: FlowguardConfig;
}

export interface ScanRequest {
  roots: ScanRoot[];
  /** Globs relative to each root (e.g. VS Code's files.exclude). */
  exclude: string[];
  /** Paths the caller analyses itself (open documents with unsaved text). */
  skip: string[];
}

/** Directories no workflow lives in and that can be huge. */
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

interface Candidate {
  path: string;
  root: string;
  relPath: string;
  config: FlowguardConfig;
}

export function findCandidates(req: ScanRequest): { candidates: Candidate[]; looked: number } {
  const excluded = req.exclude.length ? globMatcher(req.exclude) : () => false;
  const skip = new Set(req.skip);
  const candidates: Candidate[] = [];
  let looked = 0;
  for (const { root, config } of req.roots) {
    const walk = (dir: string, relDir: string) => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return; // unreadable directory: nothing to report there
      }
      for (const e of entries) {
        const rel = relDir ? `${relDir}/${e.name}` : e.name;
        if (excluded(rel) || isIgnored(config, rel)) continue;
        // Dirent types do not follow symlinks, so a link loop cannot trap the walk.
        if (e.isDirectory()) {
          if (!SKIPPED_DIRS.has(e.name)) walk(join(dir, e.name), rel);
        } else if (e.isFile() && /\.ya?ml$/i.test(e.name)) {
          looked++;
          const path = join(dir, e.name);
          if (skip.has(path)) continue;
          if (kindFromPath(rel) || isIncluded(config, rel)) candidates.push({ path, root, relPath: rel, config });
        }
      }
    };
    walk(root, '');
  }
  return { candidates, looked };
}

export function scan(
  req: ScanRequest,
  onProgress: (done: number, total: number) => void,
): { files: FileFindings[]; scanned: number } {
  const { candidates, looked } = findCandidates(req);
  const files: FileFindings[] = [];
  const readers = new Map<string, RepoFileReader>();
  candidates.forEach((c, i) => {
    onProgress(i, candidates.length);
    const text = readDocument(c.path);
    if (text === undefined) return; // deleted, unreadable or too large since the walk
    const repoRoot = repoRootOf(c.path, c.root);
    if (!readers.has(repoRoot)) readers.set(repoRoot, repoFileReader(repoRoot));
    const analysis = analyseText({ relPath: c.relPath, text, config: c.config, repoRoot }, readers.get(repoRoot));
    if (!analysis.result.kind) return;
    files.push(summarise(pathToUri(c.path), text, analysis, 0));
  });
  onProgress(candidates.length, candidates.length);
  return { files, scanned: looked };
}
