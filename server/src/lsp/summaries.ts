// Findings summarized for the client's views (flowguard/workspaceFindings, flowguard/findingsChanged).
import { problemFindings, PARSE_ERROR_META } from '../report/model';
import { ALL_RULES } from '../rules/index';
import type { Category } from '../engine/types';
import type { FileFindings } from '../protocol';
import { LineIndex } from '../text/lines';
import type { DocumentAnalysis } from './analysis';
import { spanToRange } from './convert';

const CATEGORY_OF = new Map<string, Category>(
  [...ALL_RULES.map((r) => r.meta), PARSE_ERROR_META].map((m) => [m.id, m.category]),
);

export function summarize(
  uri: string,
  text: string,
  analysis: DocumentAnalysis,
  generation: number,
  lines = new LineIndex(text),
): FileFindings {
  const { result } = analysis;
  return {
    uri,
    kind: result.kind,
    generation,
    problems: result.problems.length,
    // Parse problems count as the CLI counts them (high `parse-error` entries), so the checklist's totals match its.
    findings: [...problemFindings(result), ...result.findings].map((f) => ({
      ruleId: f.ruleId,
      category: CATEGORY_OF.get(f.ruleId) ?? 'audit',
      severity: f.severity,
      confidence: f.confidence,
      message: f.message,
      range: spanToRange(lines, f.span),
      fixes: f.fixes.length,
    })),
  };
}
