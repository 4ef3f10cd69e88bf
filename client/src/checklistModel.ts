// The Security Checklist as data: nine categories, their checks (rules) and findings, with a pass/warn/fail state.
// Pure (no vscode import) so the tree view, the status bar and the review share it and it can be unit-tested.
import { CATEGORIES, CATEGORY_TITLES, type Category, type Severity } from '../../server/src/protocol';

/** The Security Checklist's views: in Flowguard's activity-bar container and in the Explorer. */
export const CHECKLIST_VIEW_ID = 'flowguard.checklist';
export const CHECKLIST_EXPLORER_VIEW_ID = 'flowguard.checklistExplorer';

export interface RuleSummary {
  id: string;
  title: string;
  description: string;
  category: Category;
  severity: Severity;
  fixable: boolean;
}

export interface LinePosition {
  line: number;
  character: number;
}

/** One finding as the client sees it: where (uri + line/column range) and what. */
export interface ChecklistFinding {
  uri: string;
  ruleId: string;
  message: string;
  severity: Severity;
  range: { start: LinePosition; end: LinePosition };
}

export type CheckState = 'pass' | 'warn' | 'fail' | 'unchecked';

export type SeverityCounts = Record<Severity, number>;

export interface RuleNode {
  rule: RuleSummary;
  findings: ChecklistFinding[];
}

export interface CategoryNode {
  category: Category;
  title: string;
  state: CheckState;
  counts: SeverityCounts;
  total: number;
  rules: RuleNode[];
}

export function emptyCounts(): SeverityCounts {
  return { high: 0, medium: 0, low: 0, info: 0 };
}

export function countBySeverity(findings: readonly ChecklistFinding[]): SeverityCounts {
  const counts = emptyCounts();
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** fail: a high or medium finding; warn: only low/info findings; pass: none; unchecked: no rule covers it yet. */
export function stateOf(counts: SeverityCounts, ruleCount: number): CheckState {
  if (counts.high + counts.medium > 0) return 'fail';
  if (counts.low + counts.info > 0) return 'warn';
  return ruleCount === 0 ? 'unchecked' : 'pass';
}

function compareFindings(a: ChecklistFinding, b: ChecklistFinding): number {
  return (
    a.uri.localeCompare(b.uri) ||
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character
  );
}

/**
 * Groups findings under their rule and category. Findings of rules the client does not know (a newer server)
 * are kept under an "other" rule of their own so nothing disappears.
 */
export function buildChecklist(
  rules: readonly RuleSummary[],
  findings: readonly ChecklistFinding[],
  onlyUri?: string,
): CategoryNode[] {
  const byRule = new Map<string, ChecklistFinding[]>();
  for (const f of findings) {
    if (onlyUri !== undefined && f.uri !== onlyUri) continue;
    const list = byRule.get(f.ruleId) ?? [];
    list.push(f);
    byRule.set(f.ruleId, list);
  }
  const known = new Map(rules.map((r) => [r.id, r]));
  const unknownIds = [...byRule.keys()].filter((id) => !known.has(id));
  const allRules: RuleSummary[] = [
    ...rules,
    ...unknownIds.map((id) => ({
      id,
      title: id,
      description: '',
      category: 'audit' as Category,
      severity: 'info' as Severity,
      fixable: false,
    })),
  ];
  return CATEGORIES.map((category) => {
    const ruleNodes = allRules
      .filter((r) => r.category === category)
      .map((rule) => ({ rule, findings: (byRule.get(rule.id) ?? []).slice().sort(compareFindings) }))
      .sort((a, b) => b.findings.length - a.findings.length || a.rule.title.localeCompare(b.rule.title));
    const categoryFindings = ruleNodes.flatMap((r) => r.findings);
    const counts = countBySeverity(categoryFindings);
    return {
      category,
      title: CATEGORY_TITLES[category],
      state: stateOf(counts, ruleNodes.length),
      counts,
      total: categoryFindings.length,
      rules: ruleNodes,
    };
  });
}

/** "2 high, 1 low" (non-zero severities only), or "no findings". */
export function describeCounts(counts: SeverityCounts): string {
  const parts = (Object.keys(counts) as Severity[]).filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length ? parts.join(', ') : 'no findings';
}

const SHORT_SUMMARY = 60;

/** A finding's first sentence, cut at a word so the default sidebar width shows it; the tooltip has it all. */
export function shortSummary(message: string): string {
  const sentence = message.split('\n')[0].split(/(?<=\.)\s/)[0];
  if (sentence.length <= SHORT_SUMMARY) return sentence;
  const cut = sentence.slice(0, SHORT_SUMMARY);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 20 ? cut.lastIndexOf(' ') : SHORT_SUMMARY).replace(/[\s,;:]+$/, '')}…`;
}
