// Workspace scan: walks roots for workflow/action files (and config-included YAML) and analyzes each.
// Runs inside the analysis worker, so the language server keeps answering while it works.
import { relative, sep } from 'node:path';
import { globMatcher } from '../engine/glob';
import { isIgnored, isIncluded, type FlowguardConfig } from '../engine/config';
import { kindFromPath, maybeGitlabPath } from '../model/detect';
import type { FileFindings } from '../protocol';
import { readDocument, repoFileReader, repoRootOf, type RepoFileReader } from '../io/repo-files';
import { walkYamlFiles } from '../io/walk';
import { analyzeText } from './analysis';
import { pathToUri } from './paths';
import { summarize } from './summaries';

export interface ScanRoot {
  root: string;
  config: FlowguardConfig;
}

export interface ScanRequest {
  roots: ScanRoot[];
  /** Globs relative to each root (e.g. VS Code's files.exclude). */
  exclude: string[];
  /** Paths the caller analyzes itself (open documents with unsaved text). */
  skip: string[];
}

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
    const relOf = (path: string) => relative(root, path).split(sep).join('/');
    const files = walkYamlFiles(root, {
      skip: (path) => {
        const rel = relOf(path);
        return excluded(rel) || isIgnored(config, rel);
      },
    });
    for (const path of files) {
      looked++;
      if (skip.has(path)) continue;
      const rel = relOf(path);
      if (kindFromPath(rel) || maybeGitlabPath(rel) || isIncluded(config, rel))
        candidates.push({ path, root, relPath: rel, config });
    }
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
    if (!readers.has(repoRoot)) readers.set(repoRoot, repoFileReader(repoRoot, undefined, { cacheFolderPaths: true }));
    const analysis = analyzeText({ relPath: c.relPath, text, config: c.config, repoRoot }, readers.get(repoRoot));
    if (!analysis.result.kind) return;
    files.push(summarize(pathToUri(c.path), text, analysis, 0));
  });
  onProgress(candidates.length, candidates.length);
  return { files, scanned: looked };
}
