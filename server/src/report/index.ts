// One entry point for the three report formats: a writer that streams file by file, or a whole report as a string.
import { jsonWriter, renderJson } from './json';
import type { ReportHeader, ReportSink, ReportWriter, ScanReport } from './model';
import { renderSarif, sarifWriter } from './sarif';
import { renderText, textWriter, type TextOptions } from './text';

export type ReportFormat = 'text' | 'json' | 'sarif';

export function reportWriter(
  format: ReportFormat,
  sink: ReportSink,
  header: ReportHeader,
  options: TextOptions = {},
): ReportWriter {
  if (format === 'json') return jsonWriter(sink, header);
  if (format === 'sarif') return sarifWriter(sink, header);
  return textWriter(sink, options);
}

export function renderReport(format: ReportFormat, report: ScanReport, options: TextOptions = {}): string {
  if (format === 'json') return renderJson(report);
  if (format === 'sarif') return renderSarif(report);
  return renderText(report, options);
}

export { renderFixLog } from './text';
export type { FileDigest, FileReport, ReportWriter, ScanReport } from './model';
