// The contract between Flowguard's clients and its language server: custom LSP messages, code-action kinds and their
// `data` payloads, command ids and file globs. Clients recognize what the server sends by these, never by display text.
// Types and constants only: no runtime dependency on either side's LSP library, so the core stays importable anywhere.
import type { Category, RuleMeta } from './engine/types';
import type { Confidence, Severity } from './analysis/levels';
import type { ReviewFacts } from './analysis/review-facts';

// The client reaches the server's code only through this file (and secretstore/, which it runs with the user's
// GitHub session): the vocabulary it renders with is exported here.
export { CATEGORIES, CATEGORY_TITLES, type Category } from './engine/types';
export { SEVERITIES, type Confidence, type Severity } from './analysis/levels';
export type { ReviewFacts } from './analysis/review-facts';
export { maskSecret } from './analysis/mask';
export { escapeMarkdown } from './text/markdown';
export { suppressionComment } from './engine/suppressions';

/** LSP position: 0-based line, character in UTF-16 code units. */
export interface LspPosition {
  line: number;
  character: number;
}

export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

export interface LspTextEdit {
  range: LspRange;
  newText: string;
}

/** LSP Command: what a client runs (a code action's or a code lens' follow-up). */
export interface LspCommand {
  title: string;
  command: string;
  arguments?: unknown[];
}

// ---------------------------------------------------------------------------------------------------------------
// Files. The globs the client selects and watches, and the server registers file watchers for when the client does not.
// ---------------------------------------------------------------------------------------------------------------
/** Workflows and action metadata (other YAML is analyzed only when .flowguard.yml `include`s it). */
export const WORKFLOW_GLOBS = [
  '**/.github/workflows/*.{yml,yaml}',
  '**/action.{yml,yaml}',
  // GitLab CI: the pipeline, `*.gitlab-ci.yml`, and YAML under `.gitlab/` or `.gitlab-ci/` (told apart by content).
  '**/{.gitlab-ci,*.gitlab-ci}.{yml,yaml}',
  '**/.gitlab/**/*.{yml,yaml}',
  '**/.gitlab-ci/**/*.{yml,yaml}',
] as const;
export const CONFIG_GLOB = '**/.flowguard.{yml,yaml}';

// ---------------------------------------------------------------------------------------------------------------
// Commands the client implements; the server names them in code actions, code lenses and fix follow-ups.
// ---------------------------------------------------------------------------------------------------------------
/** Stores a secret value a "Move to secret store" fix removed. Arguments: one StoreSecretArgs-like object. */
export { STORE_SECRET_COMMAND } from './fixes/secret-store';
/**
 * "Move to secret store" for a client that applies it itself (initializationOptions `movesSecrets`): the code action
 * carries this command and no edit. The client reads the value from the document, applies `edits` (previewed when
 * `needsConfirmation`), and runs the store step only once the edit is in the document; every other path (preview
 * cancelled, document changed since) ends with a visible "nothing changed". Arguments: `[MoveSecretArgs]`.
 */
export const MOVE_SECRET_COMMAND = 'flowguard.moveSecret';

export interface MoveSecretArgs {
  uri: string;
  /** The document version the edits were computed for: the client refuses them on any other. */
  version: number;
  /** The fix's title (shown in the preview and the outcome). */
  title: string;
  edits: LspTextEdit[];
  /** The fix is unsafe: the client shows the change for review before applying it. */
  needsConfirmation: boolean;
  /**
   * The store step (STORE_SECRET_COMMAND or the GitLab variable command) with its arguments: the secret name and the
   * removed value's location in the document before the edit (path, valueSpan, masked); never the value.
   */
  store: LspCommand;
}

/** Applies the least-privilege fixes to a file. Arguments: `[NarrowPermissionsArgs]` (or none: the active file). */
export const NARROW_PERMISSIONS_COMMAND = 'flowguard.narrowPermissions';
/** Asks for a reason and inserts a suppression comment. Arguments: `[SuppressFindingArgs]`. */
export const SUPPRESS_FINDING_COMMAND = 'flowguard.suppressFinding';

/** The finding a suppression is for: the client asks for a reason, then calls flowguard/suppress. */
export interface SuppressFindingArgs {
  uri: string;
  ruleId: string;
  range: LspRange;
}

export interface NarrowPermissionsArgs {
  uri: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Code actions. Every Flowguard code action has one of these kinds and a `data` payload saying what it is.
// ---------------------------------------------------------------------------------------------------------------
/** A rule's quick-fix (plain `quickfix`, so editors list it with other fixes). */
export const QUICK_FIX_KIND = 'quickfix';
/**
 * `# flowguard: ignore[rule]` for one finding. Clients that pass `suppressWithReason` in initializationOptions get a
 * SUPPRESS_FINDING_COMMAND (which asks for the reason); others an edit without a reason (the audit rule then asks).
 */
export const SUPPRESS_KIND = 'quickfix.flowguard.suppress';
/**
 * Every safe fix in the file (editor.codeActionsOnSave can name it). Sub-kinds, one per checklist category
 * (`source.fixAll.flowguard.leastPrivilege`, `source.fixAll.flowguard.secrets`, ...), apply the preferred fix of every
 * finding of that category, safe or not, and are offered only when asked for by their exact kind.
 */
export const FIX_ALL_KIND = 'source.fixAll.flowguard';

/** `least-privilege` -> `source.fixAll.flowguard.leastPrivilege`. */
export function fixAllKind(category?: Category): string {
  return category
    ? `${FIX_ALL_KIND}.${category.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}`
    : FIX_ALL_KIND;
}

export type CodeActionData =
  | { type: 'fix'; ruleId: string; version: number; findingIndex: number; fixIndex: number; safety: 'safe' | 'unsafe' }
  | { type: 'suppress'; ruleId: string; version: number; findingIndex: number }
  | { type: 'fixAll'; version: number; category?: Category; applied: number };

// ---------------------------------------------------------------------------------------------------------------
// flowguard/suppress (request, client -> server): the edit that suppresses the finding of `ruleId` at `range` with a
// reason, `# flowguard: ignore[rule] reason`, placed where a comment cannot change the workflow (never inside a run:
// script line). Null when the document is not open, the finding is gone, or no comment can go there.
// ---------------------------------------------------------------------------------------------------------------
export const SUPPRESS_METHOD = 'flowguard/suppress';

export interface SuppressParams {
  uri: string;
  ruleId: string;
  range: LspRange;
  /** Flattened to one line by the server. */
  reason: string;
}

export interface SuppressResult {
  /** The document version the edits apply to. */
  version: number;
  edits: LspTextEdit[];
}

// ---------------------------------------------------------------------------------------------------------------
// flowguard/fixAll (request, client -> server): applies the preferred fix of every selected finding, re-analyzing
// between passes, like `flowguard scan --fix`. Passes are applied in order (each against the text the previous one
// left), so a follow-up's offsets match the text its pass removed; then the follow-ups run. Null when the document is
// not open or not analyzed.
// ---------------------------------------------------------------------------------------------------------------
export const FIX_ALL_METHOD = 'flowguard/fixAll';

export type FixSelection = { ruleIds: string[] } | { category: Category } | { all: true };

export interface FixAllParams {
  uri: string;
  selection: FixSelection;
  /** Only fixes marked safe. */
  safeOnly?: boolean;
}

export interface FixAllPass {
  edits: LspTextEdit[];
  /** Rule id and title of each fix this pass applies. */
  fixes: Array<{ ruleId: string; title: string }>;
  /** Commands to run once every pass is applied (e.g. storing a removed secret). */
  followUps: LspCommand[];
}

export interface FixAllResult {
  /** The document version the first pass applies to. */
  version: number;
  passes: FixAllPass[];
  /** False when fixes were still on offer after the last pass. */
  converged: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// flowguard/rules (request, client -> server): every rule the server knows, for views and docs commands, with its
// effective state under the settings and the .flowguard.yml of `uri`'s root (default: the first workspace folder).
// ---------------------------------------------------------------------------------------------------------------
export const RULES_METHOD = 'flowguard/rules';

export interface RulesParams {
  uri?: string;
}

/** A rule's metadata as the client sees it: its `meta`, plus its docs page and its state under the current settings. */
export interface RuleInfo extends RuleMeta {
  docsUrl: string;
  /** False when the settings or .flowguard.yml turn the rule off. */
  enabled: boolean;
  /** What the current settings make of the default `severity`. */
  effectiveSeverity: Severity;
}

export interface RulesResult {
  rules: RuleInfo[];
  /** The fixed checklist, in display order, with titles. */
  categories: Array<{ id: Category; title: string }>;
}

// ---------------------------------------------------------------------------------------------------------------
// flowguard/workspaceFindings (request, client -> server): scans every workspace folder in the server process
// (in a worker thread, so the server keeps answering), honoring .flowguard.yml `ignore`/`include` and `exclude`.
// Progress: pass a `workDoneToken` to receive window/workDoneProgress reports (else the server creates its own
// progress). Cancellable with $/cancelRequest: the scan stops and the request fails with RequestCancelled.
// Open documents are reported with their unsaved editor text.
// ---------------------------------------------------------------------------------------------------------------
export const WORKSPACE_FINDINGS_METHOD = 'flowguard/workspaceFindings';

export interface WorkspaceFindingsParams {
  /** Glob patterns (engine/glob.ts, relative to the workspace folder) to skip, e.g. from VS Code's `files.exclude`. */
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
  kind?: 'workflow' | 'action' | 'gitlab';
  /** Monotonic per-URI counter: a listener ignores a notification older than what it already holds. */
  generation: number;
  findings: FindingSummary[];
  /** YAML syntax / limit problems, counted; also in `findings` as `parse-error` entries (diagnostics on open files). */
  problems: number;
}

export interface WorkspaceFindingsResult {
  files: FileFindings[];
  /** Files looked at (analyzed or skipped by ignore/exclude). */
  scanned: number;
  durationMs: number;
}

// ---------------------------------------------------------------------------------------------------------------
// flowguard/findingsChanged (notification, server -> client): a file's findings changed, after a document
// open/change/close or a watched-file event (create/change/delete). `findings` is the full new list for that file,
// empty when the file was deleted or is no longer analyzed (`removed: true`).
// ---------------------------------------------------------------------------------------------------------------
export const FINDINGS_CHANGED_METHOD = 'flowguard/findingsChanged';

export interface FindingsChangedParams extends FileFindings {
  removed?: boolean;
}

/** Diagnostic `code` of a file that could not be analyzed: invalid YAML, too large, too deep, stopped (was `yaml-syntax`). */
export const PARSE_ERROR_CODE = 'parse-error';
/** Diagnostic `code` used for problems in .flowguard.yml. */
export const CONFIG_CODE = 'flowguard-config';
/** Diagnostic `code` of the summary shown when a document has more findings than the server publishes. */
export const TRUNCATED_CODE = 'flowguard-truncated';
/** Diagnostic `code` of a rule that failed on the file (its checks did not run). */
export const RULE_ERROR_CODE = 'flowguard-rule-error';

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
  facts?: ReviewFacts;
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
