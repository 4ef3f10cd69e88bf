// One analysis of one document text, in a form that can cross a worker_threads boundary (no YAML nodes).
import { analyze, type AnalysisResult } from '../engine/analyze';
import type { FlowguardConfig } from '../engine/config';
import { codeLenses, type Lens } from '../engine/lenses';
import type { FileKind } from '../model/detect';
import { repoFileReader, type RepoFileReader } from '../io/repo-files';
import { repositoryAt } from '../io/repository';

export interface AnalyseRequest {
  /** Path relative to the root (forward slashes): what kind detection and config globs see. */
  relPath: string;
  text: string;
  config: FlowguardConfig;
  kind?: FileKind;
  /** Repository root for reading local reusable workflows and actions; absent for unsaved buffers. */
  repoRoot?: string;
}

/** An analysis result; `model` is present only when the analysis ran on the server's main thread. */
export interface DocumentAnalysis {
  result: AnalysisResult;
  lenses: Lens[];
}

/** `readFile` defaults to the disk under `req.repoRoot` (the worker thread has no view of unsaved editor text). */
export function analyseText(req: AnalyseRequest, readFile?: RepoFileReader): DocumentAnalysis {
  const reader = readFile ?? (req.repoRoot ? repoFileReader(req.repoRoot) : undefined);
  const repository = req.repoRoot ? repositoryAt(req.repoRoot) : undefined;
  const result = analyze({
    path: req.relPath,
    text: req.text,
    config: req.config,
    kind: req.kind,
    readFile: reader,
    repository,
  });
  return { result, lenses: codeLenses(result) };
}

/** Drops the YAML model (not structured-cloneable); everything editors need stays. */
export function withoutModel(a: DocumentAnalysis): DocumentAnalysis {
  const { model: _model, ...rest } = a.result;
  return { result: rest, lenses: a.lenses };
}
