// Analysis results -> LSP diagnostics.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { AnalysisResult } from '../engine/analyze';
import type { ConfigProblem } from '../engine/config';
import { ruleDocsUrl } from '../engine/docs';
import type { Finding } from '../engine/types';
import type { Severity } from '../analysis/levels';
import {
  CONFIG_CODE,
  RULE_ERROR_CODE,
  PARSE_ERROR_CODE,
  TRUNCATED_CODE,
  type FindingDiagnosticData,
} from '../protocol';
import { redactorFor } from '../report/redact';
import type { LineIndex } from '../text/lines';
import type { DocumentAnalysis } from './analysis';
import { spanToRange } from './convert';

export const SOURCE = 'flowguard';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  high: DiagnosticSeverity.Error,
  medium: DiagnosticSeverity.Warning,
  low: DiagnosticSeverity.Information,
  info: DiagnosticSeverity.Hint,
};

export function findingDiagnostic(
  uri: string,
  lines: LineIndex,
  f: Finding,
  version: number,
  index: number,
): Diagnostic {
  const data: FindingDiagnosticData = { ruleId: f.ruleId, version, index };
  return {
    range: spanToRange(lines, f.span),
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    codeDescription: { href: ruleDocsUrl(f.ruleId) },
    source: SOURCE,
    message: f.message,
    relatedInformation: f.related?.map((r) => ({
      location: { uri, range: spanToRange(lines, r.span) },
      message: r.message,
    })),
    data,
  };
}

/**
 * Diagnostics one document publishes at most: editors slow down on thousands, and nobody reads past a few hundred.
 * Beyond it the most severe are kept, and one more diagnostic says how many were left out.
 */
export const MAX_DIAGNOSTICS = 500;

const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2, info: 3 };

export function analysisDiagnostics(
  uri: string,
  lines: LineIndex,
  analysis: DocumentAnalysis,
  version: number,
): Diagnostic[] {
  const { result } = analysis;
  const out: Diagnostic[] = result.problems.map((p) => ({
    range: spanToRange(lines, p.span),
    severity: p.kind === 'yaml' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: PARSE_ERROR_CODE,
    source: SOURCE,
    message: p.message,
  }));
  // Fail closed: a rule that threw is shown, so a file cannot look clean because a check did not run.
  for (const e of maskedRuleErrors(lines.text, result))
    out.push({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Error,
      code: RULE_ERROR_CODE,
      source: SOURCE,
      message: `Flowguard rule ${e.ruleId} failed on this file, so its checks did not run: ${e.message.split('\n')[0]}`,
    });
  const room = Math.max(0, MAX_DIAGNOSTICS - out.length);
  // `index` stays the finding's index in the analysis, which code actions look it up by.
  let shown = result.findings.map((f, index) => ({ f, index }));
  if (shown.length > room)
    shown = shown
      .sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.index - b.index)
      .slice(0, room)
      .sort((a, b) => a.index - b.index);
  for (const { f, index } of shown) out.push(findingDiagnostic(uri, lines, f, version, index));
  const hidden = result.findings.length - shown.length;
  if (hidden > 0)
    out.push({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Warning,
      code: TRUNCATED_CODE,
      source: SOURCE,
      message: `Flowguard shows ${shown.length} of ${result.findings.length} findings in this file (the most severe); ${hidden} more are not shown. Run \`flowguard scan\` on it for the full report.`,
    });
  return out;
}

/** The rule errors of an analysis, every secret it saw masked: an error's text and stack can quote the file. */
export function maskedRuleErrors(text: string, result: AnalysisResult): AnalysisResult['ruleErrors'] {
  if (result.ruleErrors.length === 0) return [];
  const redactor = redactorFor(text, result);
  return result.ruleErrors.map((e) => ({ ruleId: e.ruleId, message: redactor.scrub(e.message) }));
}

export function configDiagnostics(lines: LineIndex, problems: ConfigProblem[]): Diagnostic[] {
  return problems.map((p) => ({
    range: spanToRange(lines, p.span),
    severity: DiagnosticSeverity.Error,
    code: CONFIG_CODE,
    source: SOURCE,
    message: `Invalid Flowguard configuration: ${p.message}. Flowguard uses its defaults until this is fixed.`,
  }));
}

/** A message for a document whose analysis was stopped (too slow) so the user knows why nothing is reported. */
export function stoppedDiagnostic(reason: string): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Warning,
    code: PARSE_ERROR_CODE,
    source: SOURCE,
    message: `Flowguard did not finish analyzing this file (${reason}); it is too large or complex.`,
  };
}
