// What an analysis needs of the file it looks at. The engine's AnalysisContext provides it; analyses never import
// the engine, so they can be run and tested on their own.
export interface AnalyzedFile {
  /** Repository-relative path of the file. */
  readonly path: string;
  readonly text: string;
  /** Reads another file of the repository (local reusable workflows and actions), when the adapter allows it. */
  readonly readFile?: RepoReader;
  /** Computes once per file. */
  cached<T>(key: string, compute: () => T): T;
}

/**
 * Reads a repository file by repository-relative path; `list` (optional) names the files of a folder, `actionFiles`
 * (optional) the repository-relative paths of its action metadata files.
 */
export type RepoReader = ((repoRelativePath: string) => string | undefined) & {
  list?: (repoRelativeDir: string) => string[];
  actionFiles?: () => string[];
};
