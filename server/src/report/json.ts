// Machine-readable report. `version` changes only when a field changes meaning or disappears; fields may be added.
// Positions are given both as 1-based line/column (UTF-16 code units) and as 0-based offsets.
import { ruleDocsUrl } from '../engine/docs';
import type { Span } from '../text/span';
import type { LineIndex } from '../text/lines';
import { firstLine, summarize, TOOL_NAME, viewOf, type ScanReport } from './model';

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

export function renderJson(report: ScanReport): string {
  const views = report.files.map(viewOf);
  const findings = views.flatMap((view) =>
    view.entries.map((entry) => {
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
    }),
  );
  const files = views.map((view) => ({
    path: view.file.path,
    kind: view.file.result.kind ?? null,
    findings: view.entries.length,
    suppressed: view.file.result.suppressed,
    ...(view.file.skipped ? { skipped: view.file.skipped } : {}),
    ...(view.file.applied
      ? { fixesApplied: view.file.applied.map((a) => ({ ...a, title: view.redactor.scrub(a.title) })) }
      : {}),
    ...(view.file.result.ruleErrors.length
      ? {
          ruleErrors: view.file.result.ruleErrors.map((e) => ({
            ruleId: e.ruleId,
            message: view.redactor.scrub(firstLine(e.message)),
          })),
        }
      : {}),
  }));
  const doc = {
    version: JSON_REPORT_VERSION,
    tool: { name: TOOL_NAME, version: report.toolVersion },
    summary: summarize(views),
    files,
    findings,
    errors: report.errors ?? [],
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
