// Flowguard's custom LSP messages, shared by the VS Code client and the language server.
// Types and method names only: no runtime dependency on either side's LSP library, so the core stays importable anywhere.
import type { Category, Confidence, RuleDocs, Severity } from './engine/types';

/** LSP position: 0-based line, character in UTF-16 code units. */
export interface LspPosition {
  line: number;
  character: number;
}

export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

// ---------------------------------------------------------------------------------------------------------------
// flowguard/rules (request, client -> server): every rule the server knows, for views and docs commands, with its
// effective state under the settings and the .flowguard.yml of `uri`'s root (default: the first workspace folder).
// ---------------------------------------------------------------------------------------------------------------
export const RULES_METHOD = 'flowguard/rules';

export interface RulesParams {
  uri?: string;
}

export interface RuleInfo {
  id: string;
  title: string;
  description: string;
  /** Default severity; `effectiveSeverity` is what the current settings make of it. */
  severity: Severity;
  confidence: Confidence;
  category: Category;
  aliases: string[];
  appliesTo: Array<'workflow' | 'action'>;
  fixable: boolean;
  docs: RuleDocs;
  docsUrl: string;
  /** False when the settings or .flowguard.yml turn the rule off. */
  enabled: boolean;
  effectiveSeverity: Severity;
}

export interface RulesResult {
  rules: RuleInfo[];
  /** The fixed checklist, in display order, with titles. */
  categories: Array<{ id: Category; title: string }>;
}

// ---------------------------------------------------------------------------------------------------------------
// flowguard/workspaceFindings (request, client -> server): scans every workspace folder in the server process
// (in a worker thread, so the server keeps answering), honouring .flowguard.yml `ignore`/`include` and `exclude`.
// Progress: pass a `workDoneToken` to receive window/workDoneProgress reports (else the server creates its own
// progress). Cancellable with $/cancelRequest: the scan stops and the request fails with RequestCancelled.
// Open documents are reported with their unsaved editor text.
// ---------------------------------------------------------------------------------------------------------------
export const WORKSPACE_FINDINGS_METHOD = 'flowguard/workspaceFindings';

export interface WorkspaceFindingsParams {
  /** Glob patterns (picomatch, relative to the workspace folder) to skip, e.g. from VS Code's `files.exclude`. */
  exclude?: string[];
  /** Limit the scan to these folder URIs (default: every workspace folder). */
  folders?: string[];
  workDoneToken?: string | number;
}

/** One finding as the tree view needs it. */
export interface FindingSummary {
  ruleId: string;
  category: Category;
  severity: Severity;
  confidence: Confidence;
  message: string;
  range: LspRange;
  /** How many quick-fixes the finding offers (apply them via textDocument/codeAction on `range`). */
  fixes: number;
}

export interface FileFindings {
  /** file: URI encoded like VS Code's Uri.toString(); compare via Uri.parse(uri).toString() to be safe. */
  uri: string;
  /** workflow or action; undefined for a file with YAML errors too broken to classify. */
  kind?: 'workflow' | 'action';
  /** Monotonic per-URI counter: a listener ignores a notification older than what it already holds. */
  generation: number;
  findings: FindingSummary[];
  /** YAML syntax / limit problems, counted (they appear as `yaml-syntax` diagnostics on open files). */
  problems: number;
}

export interface WorkspaceFindingsResult {
  files: FileFindings[];
  /** Files looked at (analysed or skipped by ignore/exclude). */
  scanned: number;
  durationMs: number;
}

// ---------------------------------------------------------------------------------------------------------------
// flowguard/findingsChanged (notification, server -> client): a file's findings changed, after a document
// open/change/close or a watched-file event (create/change/delete). `findings` is the full new list for that file,
// empty when the file was deleted or is no longer analysed (`removed: true`).
// ---------------------------------------------------------------------------------------------------------------
export const FINDINGS_CHANGED_METHOD = 'flowguard/findingsChanged';

export interface FindingsChangedParams extends FileFindings {
  removed?: boolean;
}

/** The code action kind of "fix all Flowguard issues in this file" (editor.codeActionsOnSave can name it). */
export const FIX_ALL_KIND = 'source.fixAll.flowguard';

/** Diagnostic `code` used for YAML syntax / size problems. */
export const YAML_SYNTAX_CODE = 'yaml-syntax';
/** Diagnostic `code` used for problems in .flowguard.yml. */
export const CONFIG_CODE = 'flowguard-config';

/** `Diagnostic.data` of a Flowguard finding: what code actions need to find the finding again. */
export interface FindingDiagnosticData {
  ruleId: string;
  /** Document version the finding was computed for. */
  version: number;
  /** Index of the finding in the server's result for that version. */
  index: number;
}

// ---------------------------------------------------------------------------------------------------------------
// flowguard/review (request, client -> server): the facts the Security Review shows per workflow or action
// (triggers and who can fire them, permissions granted, secrets referenced, actions and pin status, environments,
// timeouts, concurrency), and on request a SARIF 2.1.0 log of the same files for export.
// ---------------------------------------------------------------------------------------------------------------
export const REVIEW_METHOD = 'flowguard/review';

export interface ReviewParams {
  uris: string[];
  /** Also return a SARIF log of these files. */
  sarif?: boolean;
  /** file: URI ending in '/': SARIF artifact URIs are made relative to it. */
  srcRoot?: string;
}

export interface ReviewFileFacts {
  uri: string;
  /** Undefined when the file could not be read or is neither a workflow nor an action. */
  facts?: import('./analysis/review').ReviewFacts;
}

export interface ReviewResult {
  files: ReviewFileFacts[];
  sarif?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// flowguard/pinWorkspace (request, client -> server; trusted workspaces with flowguard.online): resolves every action
// and image reference of the workspace's workflows and actions through the GitHub API and registries and returns the
// edits pinning them (the client applies them), with what could not be resolved. Progress through `workDoneToken`;
// cancellable with $/cancelRequest (answers so far are kept, nothing is pinned).
// ---------------------------------------------------------------------------------------------------------------
export const PIN_WORKSPACE_METHOD = 'flowguard/pinWorkspace';

export interface PinWorkspaceParams {
  workDoneToken?: string | number;
  /** Globs relative to each workspace folder to skip (VS Code's files.exclude). */
  exclude?: string[];
}

export interface PinWorkspaceResult {
  /** uri -> LSP text edits. */
  changes: Record<string, Array<{ range: LspRange; newText: string }>>;
  pinned: number;
  files: number;
  /** `path: owner/repo@ref` (or image) left unpinned. */
  unresolved: string[];
  /** Why answers are missing (rate limit, network), one line each. */
  problems: string[];
  /** Set when online checks are off (untrusted workspace or flowguard.online false). */
  disabled?: string;
}

// flowguard/githubToken (notification, client -> server): a GitHub token from the editor's sign-in (VS Code's GitHub
// or GitHub Enterprise authentication provider) for online checks; absent token: back to GH_TOKEN/GITHUB_TOKEN.
export const GITHUB_TOKEN_METHOD = 'flowguard/githubToken';

export interface GitHubTokenParams {
  token?: string;
}
