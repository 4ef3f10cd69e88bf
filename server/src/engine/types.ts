// Contracts shared by every layer above parsing: rules produce Findings, adapters (CLI, LSP) render them.
// Nothing here may import LSP or VS Code types; positions are UTF-16 offsets into the document text.
import type { AnalysisContext } from './context';
import type { Workflow, Job, Step } from '../model/workflow';
import type { ActionMetadata } from '../model/action';
import type { ScalarValue } from '../model/common';

export type Severity = 'high' | 'medium' | 'low' | 'info';
export type Confidence = 'high' | 'medium' | 'low';

export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low', 'info'];
export const CONFIDENCES: readonly Confidence[] = ['high', 'medium', 'low'];

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

/** Half-open [start, end) range of UTF-16 offsets in the document text. */
export interface Span {
  start: number;
  end: number;
}

export interface TextEdit {
  span: Span;
  newText: string;
}

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
  /** Names peers use for the same check (zizmor audit names, etc.); honoured in ignore comments. */
  aliases: string[];
  /** Which kinds of file it applies to. */
  appliesTo: Array<'workflow' | 'action'>;
  fixable: boolean;
  docs: RuleDocs;
}

/**
 * A rule: metadata plus hooks. The engine walks the model once and calls each hook where it applies;
 * a rule never walks the tree itself.
 */
export interface Rule {
  meta: RuleMeta;
  workflow?(wf: Workflow, ctx: AnalysisContext): void;
  job?(job: Job, wf: Workflow, ctx: AnalysisContext): void;
  step?(step: Step, job: Job, wf: Workflow, ctx: AnalysisContext): void;
  action?(action: ActionMetadata, ctx: AnalysisContext): void;
  /** Called with each composite action step. */
  actionStep?(step: Step, action: ActionMetadata, ctx: AnalysisContext): void;
  /** Called once per file after the model hooks (text-level checks, suppressions). */
  document?(ctx: AnalysisContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** Hooks calling `check` on every `if:` condition: of jobs and steps in workflows, of composite action steps. */
export function everyCondition(
  check: (condition: ScalarValue, wf: Workflow | undefined, ctx: AnalysisContext) => void,
): Pick<Rule, 'job' | 'step' | 'actionStep'> {
  return {
    job(job, wf, ctx) {
      if (job.if) check(job.if, wf, ctx);
    },
    step(step, _job, wf, ctx) {
      if (step.if) check(step.if, wf, ctx);
    },
    actionStep(step, _action, ctx) {
      if (step.if) check(step.if, undefined, ctx);
    },
  };
}
