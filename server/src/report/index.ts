// One entry point for the three report formats.
import { renderJson } from './json';
import type { ScanReport } from './model';
import { renderSarif } from './sarif';
import { renderText, type TextOptions } from './text';

export type ReportFormat = 'text' | 'json' | 'sarif';

export function renderReport(format: ReportFormat, report: ScanReport, options: TextOptions = {}): string {
  if (format === 'json') return renderJson(report);
  if (format === 'sarif') return renderSarif(report);
  return renderText(report, options);
}

export { renderFixLog } from './text';
export type { FileReport, ScanReport } from './model';
