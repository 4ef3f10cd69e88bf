// Analysis results -> LSP diagnostics.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { ConfigProblem } from '../engine/config';
import { ruleDocsUrl } from '../engine/docs';
import type { Finding } from '../engine/types';
import type { Severity } from '../analysis/levels';
import { CONFIG_CODE, RULE_ERROR_CODE, PARSE_ERROR_CODE, type FindingDiagnosticData } from '../protocol';
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
  result.findings.forEach((f, i) => out.push(findingDiagnostic(uri, lines, f, version, i)));
  // Fail closed: a rule that threw is shown, so a file cannot look clean because a check did not run.
  for (const e of result.ruleErrors)
    out.push({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Error,
      code: RULE_ERROR_CODE,
      source: SOURCE,
      message: `Flowguard rule ${e.ruleId} failed on this file, so its checks did not run: ${e.message.split('\n')[0]}`,
    });
  return out;
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
