// One analysis of one document version: the findings, and separately what only lenses and hovers need — the token
// permissions (with the same repository reader as the rules, so lens, hover, rule and fix agree) and the lenses —
// computed after the diagnostics are out, once per version (see Snapshot.editor in scheduler.ts). In a form that can
// cross a worker_threads boundary once withoutModel() dropped the YAML nodes.
import { computeWorkflowPermissions, type WorkflowPermissions } from '../analysis/permissions/index';
import { analyze, type AnalysisResult } from '../engine/analyze';
import { factsFromRecords, type FactRecords } from '../analysis/supply-chain/facts';
import type { FlowguardConfig } from '../engine/config';
import { codeLenses, type Lens } from '../editor/lenses';
import type { FileKind } from '../model/detect';
import { repoFileReader, type RepoFileReader } from '../io/repo-files';
import { repositoryAt } from '../io/repository';

export interface AnalyzeRequest {
  /** Path relative to the root (forward slashes): what kind detection and config globs see. */
  relPath: string;
  text: string;
  config: FlowguardConfig;
  kind?: FileKind;
  /** Repository root for reading local reusable workflows and actions; absent for unsaved buffers. */
  repoRoot?: string;
  /** What the online resolver knows so far (trusted workspaces with `flowguard.online`); plain data for the worker. */
  facts?: FactRecords;
}

/** An analysis result; `result.model` is present only when it ran on the server's main thread. */
export interface DocumentAnalysis {
  result: AnalysisResult;
  /** Wall time of the analysis (ms). */
  durationMs: number;
  /**
   * CPU time of the analysis (ms): what it costs whatever the machine's load. The scheduler analyses cheap documents
   * at once on every edit and debounces costly ones.
   */
  cpuMs: number;
}

/** `readFile` defaults to the disk under `req.repoRoot` (the worker thread has no view of unsaved editor text). */
export function analyzeText(req: AnalyzeRequest, readFile?: RepoFileReader): DocumentAnalysis {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const reader = readFile ?? diskReader(req);
  const repository = req.repoRoot ? repositoryAt(req.repoRoot) : undefined;
  const result = analyze({
    path: req.relPath,
    text: req.text,
    config: req.config,
    kind: req.kind,
    readFile: reader,
    repository,
    facts: req.facts && factsFromRecords(req.facts),
  });
  const used = process.cpuUsage(cpu);
  return { result, durationMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

/** What lenses and hovers need beyond the findings; `permissions` only while the YAML model is at hand. */
export interface EditorData {
  lenses: Lens[];
  permissions?: WorkflowPermissions;
}

/** `readFile`: the reader the analysis used, so the permissions follow the same local callees as the rules did. */
export function editorData(result: AnalysisResult, readFile?: RepoFileReader): EditorData {
  const permissions =
    result.model?.kind === 'workflow' ? computeWorkflowPermissions(result.model, { resolve: readFile }) : undefined;
  return { lenses: codeLenses(result, permissions), permissions };
}

/** The reader analyzeText() uses by default: the disk under the repository root. */
export function diskReader(req: AnalyzeRequest): RepoFileReader | undefined {
  return req.repoRoot ? repoFileReader(req.repoRoot) : undefined;
}

/** Drops the YAML model and what points into it (not structured-cloneable); everything editors need stays. */
export function withoutModel(a: DocumentAnalysis): DocumentAnalysis {
  const { model: _model, ...rest } = a.result;
  return { result: rest, durationMs: a.durationMs, cpuMs: a.cpuMs };
}
