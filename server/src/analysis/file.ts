// What an analysis needs of the file it looks at. The engine's AnalysisContext provides it; analyses never import
// the engine, so they can be run and tested on their own.
export interface AnalyzedFile {
  readonly text: string;
  /** Reads another file of the repository (local reusable workflows and actions), when the adapter allows it. */
  readonly readFile?: (repoRelativePath: string) => string | undefined;
  /** Computes once per file. */
  cached<T>(key: string, compute: () => T): T;
}
