// What every report format is built from: the analyzed files, their findings, and the parse problems turned into
// findings-like entries (rule id `parse-error`) so that a file Flowguard could not read is never silently "clean".
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
  /** SARIF `runAutomationDetails.id` (one per shard). */
  automationId?: string;
  /** Files that could not be read or fixed: the scan is incomplete, and machine-readable reports must say so. */
  errors?: string[];
}

/**
 * The pseudo-rule under which parse problems and analysis limits are reported: invalid YAML, a file too large or too
 * deeply nested to parse, an analysis stopped by its time budget. `yaml-syntax` was its name before 0.2.
 */
export const PARSE_ERROR_META: RuleMeta = {
  id: 'parse-error',
  title: 'File could not be analyzed',
  description:
    'The file is not valid YAML, or is beyond what Flowguard analyzes (size, nesting depth, time), so its checks did not all run.',
  // A security gate must not pass a file it could not read, so this is never filtered out by --min-severity.
  severity: 'high',
  confidence: 'high',
  category: 'audit',
  aliases: ['yaml-syntax'],
  appliesTo: ['workflow', 'action', 'gitlab'],
  fixable: false,
  docs: {
    risk: 'GitHub rejects a workflow that is not valid YAML, and Flowguard cannot check a file it cannot parse: any problem in it stays hidden.',
    remediation: 'Fix the YAML error at the reported position (or split an oversized file), then scan again.',
  },
};

/** Every rule a report may mention, registry order, with the pseudo-rule last. */
export const REPORT_RULES: readonly RuleMeta[] = [...ALL_RULES.map((r) => r.meta), PARSE_ERROR_META];
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

/** A file's parse problems as `parse-error` findings: counted like any high finding (the CLI and the checklist). */
export function problemFindings(result: AnalysisResult): Finding[] {
  return result.problems.map((p) => ({
    ruleId: PARSE_ERROR_META.id,
    message: p.kind === 'yaml' ? `Invalid YAML: ${p.message}` : p.message,
    severity: PARSE_ERROR_META.severity,
    confidence: PARSE_ERROR_META.confidence,
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

/** What a report keeps of a file once its findings are written: counts and names, never the text. */
export interface FileDigest {
  path: string;
  kind: AnalysisResult['kind'] | null;
  findings: number;
  bySeverity: Record<Severity, number>;
  fixable: number;
  suppressed: number;
  skipped?: string;
  /** Fixes `--fix` wrote, titles scrubbed of secret values. */
  applied?: AppliedFix[];
  ruleErrors: Array<{ ruleId: string; message: string }>;
}

export function digestOf(view: FileView): FileDigest {
  const bySeverity: Record<Severity, number> = { high: 0, medium: 0, low: 0, info: 0 };
  let fixable = 0;
  for (const e of view.entries) {
    bySeverity[e.finding.severity]++;
    if (e.finding.fixes.length > 0) fixable++;
  }
  const { file, redactor } = view;
  return {
    path: file.path,
    kind: file.result.kind ?? null,
    findings: view.entries.length,
    bySeverity,
    fixable,
    suppressed: file.result.suppressed,
    ...(file.skipped ? { skipped: file.skipped } : {}),
    ...(file.applied ? { applied: file.applied.map((a) => ({ ...a, title: redactor.scrub(a.title) })) } : {}),
    ruleErrors: file.result.ruleErrors.map((e) => ({
      ruleId: e.ruleId,
      message: redactor.scrub(firstLine(e.message)),
    })),
  };
}

export function summarize(views: readonly FileView[]): Summary {
  return summarizeDigests(views.map(digestOf));
}

export function summarizeDigests(digests: readonly FileDigest[]): Summary {
  const bySeverity: Record<Severity, number> = { high: 0, medium: 0, low: 0, info: 0 };
  for (const d of digests) for (const s of Object.keys(bySeverity) as Severity[]) bySeverity[s] += d.bySeverity[s];
  return {
    files: digests.length,
    analysed: digests.filter((d) => d.kind && !d.skipped).length,
    filesWithFindings: digests.filter((d) => d.findings > 0).length,
    findings: digests.reduce((n, d) => n + d.findings, 0),
    bySeverity,
    fixable: digests.reduce((n, d) => n + d.fixable, 0),
    suppressed: digests.reduce((n, d) => n + d.suppressed, 0),
    fixesApplied: digests.reduce((n, d) => n + (d.applied?.length ?? 0), 0),
  };
}

/**
 * A report written file by file to a sink (a stream, a file descriptor, an array): memory holds one file's findings
 * at a time, never the whole report as one string.
 */
export interface ReportWriter {
  /** Writes one file's findings; files come in report order. */
  file(file: FileReport): void;
  /** Writes what needs every file (file list, summary, scan errors) and closes the document. */
  end(errors: readonly string[]): void;
  /** One digest per file written so far. */
  readonly digests: readonly FileDigest[];
}

export type ReportSink = (chunk: string) => void;

/** What a streamed report needs besides the files. */
export interface ReportHeader {
  toolVersion: string;
  /** file: URI (ending in '/') that relative artifact URIs resolve against. */
  srcRoot?: string;
  /** SARIF `runAutomationDetails.id` (e.g. one per shard, so code scanning keeps each shard's alerts apart). */
  automationId?: string;
}

/** `JSON.stringify(value, null, 2)` as it reads nested `depth` levels deep in a pretty-printed document. */
export function nestedJson(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, '\n' + '  '.repeat(depth));
}

/** First line of a rule error: reports never carry stack traces. */
export function firstLine(message: string): string {
  return message.split('\n')[0];
}

/** A whole report as one string, for small reports (tests, the editor's review export). */
export function renderToString(
  writer: (sink: ReportSink, header: ReportHeader) => ReportWriter,
  report: ScanReport,
): string {
  const chunks: string[] = [];
  const w = writer((c) => chunks.push(c), report);
  for (const file of report.files) w.file(file);
  w.end(report.errors ?? []);
  return chunks.join('');
}
