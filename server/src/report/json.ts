// Machine-readable report, written file by file (see ReportWriter). `version` changes only when a field changes meaning or disappears; fields may be added.
// Positions are given both as 1-based line/column (UTF-16 code units) and as 0-based offsets.
import { ruleDocsUrl } from '../engine/docs';
import type { Span } from '../text/span';
import type { LineIndex } from '../text/lines';
import {
  digestOf,
  nestedJson,
  renderToString,
  summarizeDigests,
  TOOL_NAME,
  viewOf,
  type FileDigest,
  type FileView,
  type ReportEntry,
  type ReportHeader,
  type ReportSink,
  type ReportWriter,
  type ScanReport,
} from './model';

export const JSON_REPORT_VERSION = 1;

interface JsonRange {
  start: { line: number; column: number; offset: number };
  end: { line: number; column: number; offset: number };
}

function range(lines: LineIndex, span: Span): JsonRange {
  const s = lines.positionAt(span.start);
  const e = lines.positionAt(span.end);
  return {
    start: { line: s.line + 1, column: s.character + 1, offset: span.start },
    end: { line: e.line + 1, column: e.character + 1, offset: span.end },
  };
}

/** The JSON report written file by file: the findings stream out, then the file list, the summary and the errors. */
export function jsonWriter(sink: ReportSink, header: ReportHeader): ReportWriter {
  const digests: FileDigest[] = [];
  let written = 0;
  sink(
    `{\n  "version": ${JSON_REPORT_VERSION},\n  "tool": ${nestedJson({ name: TOOL_NAME, version: header.toolVersion }, 1)},\n  "findings": [`,
  );
  return {
    digests,
    file(file) {
      const view = viewOf(file);
      digests.push(digestOf(view));
      let chunk = '';
      for (const entry of view.entries)
        chunk += `${written++ ? ',' : ''}\n    ${nestedJson(findingJson(view, entry), 2)}`;
      if (chunk) sink(chunk);
    },
    end(errors) {
      const files = digests.map((d) => ({
        path: d.path,
        kind: d.kind,
        findings: d.findings,
        suppressed: d.suppressed,
        ...(d.skipped ? { skipped: d.skipped } : {}),
        ...(d.applied ? { fixesApplied: d.applied } : {}),
        ...(d.ruleErrors.length ? { ruleErrors: d.ruleErrors } : {}),
      }));
      sink(
        `${written ? '\n  ' : ''}],\n  "files": ${nestedJson(files, 1)},\n  "summary": ${nestedJson(summarizeDigests(digests), 1)},\n  "errors": ${nestedJson(errors, 1)}\n}\n`,
      );
    },
  };
}

function findingJson(view: FileView, entry: ReportEntry) {
  const f = entry.finding;
  const scrub = (text: string) => view.redactor.scrub(text);
  return {
    path: view.file.path,
    ruleId: f.ruleId,
    title: entry.title,
    category: entry.category,
    severity: f.severity,
    confidence: f.confidence,
    message: scrub(f.message),
    range: range(view.lines, f.span),
    snippet: view.redactor.masked(f.span.start, f.span.end).text,
    related: (f.related ?? []).map((r) => ({ message: scrub(r.message), range: range(view.lines, r.span) })),
    fixes: f.fixes.map((fix) => ({
      title: scrub(fix.title),
      safety: fix.safety,
      preferred: fix.isPreferred === true,
      edits: fix.edits.map((e) => ({ range: range(view.lines, e.span), newText: scrub(e.newText) })),
      ...(fix.secretsToCreate?.length ? { secretsToCreate: fix.secretsToCreate } : {}),
    })),
    docsUrl: ruleDocsUrl(f.ruleId),
    properties: view.redactor.scrubValue(f.properties ?? {}),
  };
}

export function renderJson(report: ScanReport): string {
  return renderToString(jsonWriter, report);
}
