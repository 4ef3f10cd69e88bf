// Contracts shared by every layer above the analyses: rules produce Findings, adapters (CLI, LSP) render them.
// The rule interface with its hooks is in ./rule.ts.
// Nothing here may import LSP or VS Code types; positions are UTF-16 offsets into the document text.
import type { Span, TextEdit } from '../text/span';
import type { Confidence, Severity } from '../analysis/levels';

/** The fixed checklist every rule belongs to; the client's tree view and the review are built on it. */
export const CATEGORIES = [
  'least-privilege',
  'secrets',
  'untrusted-input',
  'supply-chain',
  'transport',
  'runtime-safety',
  'approval',
  'audit',
  'change-control',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_TITLES: Record<Category, string> = {
  'least-privilege': 'Least privilege',
  secrets: 'Secrets',
  'untrusted-input': 'Untrusted input',
  'supply-chain': 'Pinned, trusted integrations',
  transport: 'Encryption in transit',
  'runtime-safety': 'Timeouts and concurrency',
  approval: 'Human approval',
  audit: 'Audit trail',
  'change-control': 'Change control',
};

export interface Fix {
  title: string;
  /** safe: applying it cannot change what the workflow does beyond removing the risk; unsafe: review needed. */
  safety: 'safe' | 'unsafe';
  edits: TextEdit[];
  /** The one fix an editor should offer first. */
  isPreferred?: boolean;
  /** Secret names the user must create after applying (never the values). */
  secretsToCreate?: string[];
  /** A follow-up the client may run after applying, e.g. storing the removed secret value. */
  followUp?: { command: string; args: unknown[] };
}

export interface RelatedLocation {
  span: Span;
  message: string;
}

export interface Finding {
  ruleId: string;
  message: string;
  severity: Severity;
  confidence: Confidence;
  span: Span;
  related?: RelatedLocation[];
  fixes: Fix[];
  /** Structured facts for reports (never a secret value in clear). */
  properties?: Record<string, unknown>;
}

/** What a rule reports; the engine fills in rule id and defaults. */
export interface FindingInput {
  message: string;
  span: Span;
  severity?: Severity;
  confidence?: Confidence;
  related?: RelatedLocation[];
  fixes?: Fix[];
  properties?: Record<string, unknown>;
}

export interface RuleDocs {
  /** Why this is a risk, in a paragraph. */
  risk: string;
  /** How to fix it by hand (and what the quick-fix does). */
  remediation: string;
  /** When a finding is reported below the rule's default severity (or the default was lowered), and why. */
  severity?: string;
  /** A short vulnerable example (YAML). */
  vulnerableExample?: string;
  /** The same example made safe. */
  safeExample?: string;
  references?: string[];
}

export interface RuleMeta {
  /** kebab-case, names the risk; also the file name. */
  id: string;
  title: string;
  /** One sentence: what the rule finds. */
  description: string;
  severity: Severity;
  confidence: Confidence;
  category: Category;
  /** Names peers use for the same check (zizmor audit names, etc.); honored in ignore comments. */
  aliases: string[];
  /** Which kinds of file (dialects) it applies to: GitHub workflows and actions, GitLab CI configurations. */
  appliesTo: Array<'workflow' | 'action' | 'gitlab'>;
  fixable: boolean;
  /**
   * For fixable rules: when a quick-fix is marked safe (it provably keeps what the workflow does), and why the
   * others are unsafe. Rendered into the rule's docs.
   */
  fixSafety?: string;
  docs: RuleDocs;
}
