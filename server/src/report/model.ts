// What every report format is built from: the analyzed files, their findings, and the parse problems turned into
// findings-like entries (rule id `yaml-syntax`) so that a file Flowguard could not read is never silently "clean".
// Pure code: the CLI reads files and passes their text in.
import type { AnalysisResult } from '../engine/analyze';
import type { AppliedFix } from '../fixes/apply';
import { CATEGORIES, type Category, type Finding, type RuleMeta } from '../engine/types';
import { type Severity } from '../analysis/levels';
import { ALL_RULES } from '../rules/index';
import { LineIndex } from '../text/lines';
import { SecretRedactor } from './redact';

export const TOOL_NAME = 'flowguard';

export interface FileReport {
  /** As shown to the user: relative to the working directory, forward slashes. */
  path: string;
  /** SARIF artifact URI: a relative reference (resolved against the source root) or an absolute file: URI. */
  uri: string;
  text: string;
  result: AnalysisResult;
  /** Why the file was not analyzed (e.g. neither a workflow nor an action). */
  skipped?: string;
  /** Fixes written to the file by `--fix`. */
  applied?: AppliedFix[];
}

export interface ScanReport {
  toolVersion: string;
  files: FileReport[];
  /** file: URI (ending in '/') that relative artifact URIs resolve against. */
  srcRoot?: string;
  /** Files that could not be read or fixed: the scan is incomplete, and machine-readable reports must say so. */
  errors?: string[];
}

/** The pseudo-rule under which YAML parse problems and analysis limits are reported. */
export const YAML_SYNTAX_META: RuleMeta = {
  id: 'yaml-syntax',
  title: 'File could not be analyzed',
  description: 'The file is not valid YAML, or is beyond what Flowguard analyzes (size, nesting depth).',
  // A security gate must not pass a file it could not read, so this is never filtered out by --min-severity.
  severity: 'high',
  confidence: 'high',
  category: 'audit',
  aliases: [],
  appliesTo: ['workflow', 'action'],
  fixable: false,
  docs: {
    risk: 'GitHub rejects a workflow that is not valid YAML, and Flowguard cannot check a file it cannot parse: any problem in it stays hidden.',
    remediation: 'Fix the YAML error at the reported position (or split an oversized file), then scan again.',
  },
};

/** Every rule a report may mention, registry order, with the pseudo-rule last. */
export const REPORT_RULES: readonly RuleMeta[] = [...ALL_RULES.map((r) => r.meta), YAML_SYNTAX_META];
const META_BY_ID = new Map(REPORT_RULES.map((m) => [m.id, m]));

export function ruleMeta(id: string): RuleMeta | undefined {
  return META_BY_ID.get(id);
}

/** A finding or a parse problem, with everything a report needs to print it. */
export interface ReportEntry {
  file: FileReport;
  finding: Finding;
  category: Category;
  title: string;
  /** 1-based, columns in UTF-16 code units. */
  start: { line: number; column: number };
  end: { line: number; column: number };
}

export interface FileView {
  file: FileReport;
  lines: LineIndex;
  entries: ReportEntry[];
  redactor: SecretRedactor;
}

/** A file's parse problems as `yaml-syntax` findings: counted like any high finding (the CLI and the checklist). */
export function problemFindings(result: AnalysisResult): Finding[] {
  return result.problems.map((p) => ({
    ruleId: YAML_SYNTAX_META.id,
    message: p.kind === 'yaml' ? `Invalid YAML: ${p.message}` : p.message,
    severity: YAML_SYNTAX_META.severity,
    confidence: YAML_SYNTAX_META.confidence,
    span: p.span,
    fixes: [],
  }));
}

/** Entries of one file, in source order, with a redactor that knows the file's secret values. */
export function viewOf(file: FileReport): FileView {
  const lines = new LineIndex(file.text);
  const findings = [...problemFindings(file.result), ...file.result.findings].sort(
    (a, b) => a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId),
  );
  const redactor = new SecretRedactor(
    file.text,
    findings.filter((f) => isSecretFinding(f)),
    file.result.secrets,
  );
  const entries = findings.map((finding) => {
    const meta = ruleMeta(finding.ruleId);
    const s = lines.positionAt(finding.span.start);
    const e = lines.positionAt(finding.span.end);
    return {
      file,
      finding,
      category: meta?.category ?? CATEGORIES[0],
      title: meta?.title ?? finding.ruleId,
      start: { line: s.line + 1, column: s.character + 1 },
      end: { line: e.line + 1, column: e.character + 1 },
    };
  });
  return { file, lines, entries, redactor };
}

/**
 * A finding whose span is a secret value (rules say so by giving its masked form in `properties.masked`): that span
 * is never shown in clear. Other secrets-category findings point at names or references, which are fine to show.
 */
export function isSecretFinding(f: Finding): boolean {
  return typeof f.properties?.masked === 'string';
}

export interface Summary {
  files: number;
  /** The JSON report's v1 field name, kept as published (renaming it would break consumers of version 1). */
  analysed: number;
  filesWithFindings: number;
  findings: number;
  bySeverity: Record<Severity, number>;
  fixable: number;
  suppressed: number;
  fixesApplied: number;
}

export function summarize(views: readonly FileView[]): Summary {
  const bySeverity: Record<Severity, number> = { high: 0, medium: 0, low: 0, info: 0 };
  let findings = 0;
  let fixable = 0;
  for (const v of views) {
    for (const e of v.entries) {
      findings++;
      bySeverity[e.finding.severity]++;
      if (e.finding.fixes.length > 0) fixable++;
    }
  }
  return {
    files: views.length,
    analysed: views.filter((v) => v.file.result.kind && !v.file.skipped).length,
    filesWithFindings: views.filter((v) => v.entries.length > 0).length,
    findings,
    bySeverity,
    fixable,
    suppressed: views.reduce((n, v) => n + v.file.result.suppressed, 0),
    fixesApplied: views.reduce((n, v) => n + (v.file.applied?.length ?? 0), 0),
  };
}

/** First line of a rule error: reports never carry stack traces. */
export function firstLine(message: string): string {
  return message.split('\n')[0];
}
