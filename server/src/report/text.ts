// Human-readable report: `path:line:col  severity  rule-id`, the message, a code frame with a caret underline (secret
// values masked), the fix on offer, then a summary. Colors only when the caller says the terminal supports them.
import { ruleDocsUrl } from '../engine/docs';
import type { Severity } from '../analysis/levels';
import {
  digestOf,
  renderToString,
  summarizeDigests,
  viewOf,
  type FileDigest,
  type FileView,
  type ReportEntry,
  type ReportSink,
  type ReportWriter,
  type ScanReport,
} from './model';

export interface TextOptions {
  color?: boolean;
}

/** Frames longer than this are cut around the finding, so a minified one-line file stays readable. */
const MAX_FRAME_WIDTH = 160;
const MAX_SPAN_LINES = 3;
const LIST_CLEAN_FILES_UP_TO = 10;

type Style = (s: string) => string;
interface Palette {
  severity: Record<Severity, Style>;
  dim: Style;
  bold: Style;
  green: Style;
}

const ansi =
  (code: string): Style =>
  (s) =>
    `\u001b[${code}m${s}\u001b[0m`;
const plain: Style = (s) => s;
const COLORS: Palette = {
  severity: { high: ansi('31;1'), medium: ansi('33'), low: ansi('36'), info: ansi('2') },
  dim: ansi('2'),
  bold: ansi('1'),
  green: ansi('32'),
};
const NO_COLORS: Palette = {
  severity: { high: plain, medium: plain, low: plain, info: plain },
  dim: plain,
  bold: plain,
  green: plain,
};

/** The text report written file by file: findings as they come, the summary at the end. */
export function textWriter(sink: ReportSink, options: TextOptions = {}): ReportWriter {
  const p = options.color ? COLORS : NO_COLORS;
  const digests: FileDigest[] = [];
  return {
    digests,
    file(file) {
      const view = viewOf(file);
      const digest = digestOf(view);
      digests.push(digest);
      const out: string[] = [];
      for (const entry of view.entries) out.push(renderEntry(entry, view, p), '');
      for (const err of digest.ruleErrors) {
        out.push(
          `${printableLine(view.file.path)}: ${p.severity.high('internal error')} in rule ${err.ruleId}: ${printableLine(err.message)}`,
          '',
        );
      }
      if (out.length) sink(out.join('\n') + '\n');
    },
    end() {
      sink(renderSummary(digests, p).join('\n') + '\n');
    },
  };
}

export function renderText(report: ScanReport, options: TextOptions = {}): string {
  return renderToString((sink) => textWriter(sink, options), report);
}

function renderEntry(entry: ReportEntry, view: FileView, p: Palette): string {
  const f = entry.finding;
  const scrub = (s: string) => printableLine(view.redactor.scrub(s));
  const flags = [`confidence ${f.confidence}`, entry.category, ...(f.fixes.length ? ['fixable'] : [])].join(', ');
  const lines = [
    `${p.bold(`${printableLine(view.file.path)}:${entry.start.line}:${entry.start.column}`)}  ${p.severity[f.severity](f.severity)}  ${f.ruleId}  ${p.dim(`(${flags})`)}`,
    `  ${scrub(f.message)}`,
    ...codeFrame(view, f.span.start, f.span.end, p),
  ];
  for (const r of f.related ?? []) {
    const pos = view.lines.positionAt(r.span.start);
    lines.push(`  ${p.dim(`related ${pos.line + 1}:${pos.character + 1}:`)} ${scrub(r.message)}`);
  }
  const preferred = f.fixes.find((x) => x.isPreferred) ?? f.fixes[0];
  if (preferred)
    lines.push(`  ${p.green('fix')}${preferred.safety === 'unsafe' ? ' (review)' : ''}: ${scrub(preferred.title)}`);
  lines.push(`  ${p.dim(`docs: ${ruleDocsUrl(f.ruleId)}`)}`);
  return lines.join('\n');
}

/** The line before the finding and the finding's lines (at most MAX_SPAN_LINES), with carets under the span. */
function codeFrame(view: FileView, start: number, end: number, p: Palette): string[] {
  const { lines, redactor } = view;
  const first = lines.positionAt(start).line;
  const last = Math.min(lines.positionAt(Math.max(start, end - 1)).line, first + MAX_SPAN_LINES - 1);
  const from = Math.max(0, first - 1);
  const width = String(last + 1).length;
  const out: string[] = [];
  for (let line = from; line <= last; line++) {
    const lineStart = lines.lineStart(line);
    const lineEnd = lines.lineEnd(line);
    const masked = redactor.masked(lineStart, lineEnd);
    const inSpan = line >= first;
    let caretFrom = inSpan ? masked.indexOf(Math.max(start, lineStart)) : 0;
    let caretTo = inSpan ? masked.indexOf(Math.min(end, lineEnd)) : 0;
    let display = masked.text;
    // Long lines are cut to a window around the finding.
    if (display.length > MAX_FRAME_WIDTH) {
      const cut = Math.max(0, Math.min(caretFrom - 20, display.length - MAX_FRAME_WIDTH));
      display =
        (cut > 0 ? '…' : '') +
        display.slice(cut, cut + MAX_FRAME_WIDTH) +
        (cut + MAX_FRAME_WIDTH < display.length ? '…' : '');
      const shift = cut > 0 ? 1 - cut : 0;
      caretFrom = Math.max(0, caretFrom + shift);
      caretTo = Math.min(display.length, caretTo + shift);
    }
    display = printable(display);
    const gutter = `${inSpan ? '>' : ' '} ${String(line + 1).padStart(width)} | `;
    out.push(`  ${p.dim(gutter)}${display}`);
    if (inSpan) {
      const pad = display.slice(0, caretFrom).replace(/[^\t]/g, ' ');
      const carets = '^'.repeat(Math.max(1, caretTo - caretFrom));
      out.push(`  ${p.dim(`  ${' '.repeat(width)} | `)}${pad}${p.severity.high(carets)}`);
    }
  }
  if (lines.positionAt(Math.max(start, end - 1)).line > last) out.push(`  ${p.dim(`  ${' '.repeat(width)} | …`)}`);
  return out;
}

/**
 * Control characters would drive the terminal (clear screen, cursor moves, OSC 8 links, bidi reordering); each
 * becomes one visible character, keeping columns.
 */
function printable(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
}

/** Repository text on one report line: no control characters, and no line breaks that could fake further lines. */
export function printableLine(s: string): string {
  return printable(s.replace(/\r\n|[\n\r\u2028\u2029]/g, ' '));
}

/** What `--fix` changed and which secrets the user must now create (names only). */
export function renderFixLog(digests: readonly FileDigest[], options: TextOptions = {}): string[] {
  return fixLog(digests, options.color ? COLORS : NO_COLORS);
}

function fixLog(digests: readonly FileDigest[], p: Palette): string[] {
  const out: string[] = [];
  for (const d of digests) {
    for (const a of d.applied ?? [])
      out.push(`${printableLine(d.path)}: ${p.green('fixed')} ${a.ruleId}: ${printableLine(a.title)}`);
  }
  const secrets = [...new Set(digests.flatMap((d) => (d.applied ?? []).flatMap((a) => a.secretsToCreate)))];
  if (secrets.length) {
    out.push(
      `Create ${secrets.length === 1 ? 'this secret' : 'these secrets'} in your secret store: ${secrets.join(', ')}. The values were removed from the files; rotate them if they were ever committed.`,
    );
  }
  return out;
}

function renderSummary(digests: readonly FileDigest[], p: Palette): string[] {
  const s = summarizeDigests(digests);
  const out: string[] = digests
    .filter((d) => d.skipped)
    .map((d) => p.dim(`${printableLine(d.path)}: skipped (${d.skipped})`));
  out.push(...fixLog(digests, p));
  if (out.length) out.push('');
  const severities = (Object.keys(s.bySeverity) as Severity[])
    .filter((k) => s.bySeverity[k] > 0)
    .map((k) => p.severity[k](`${s.bySeverity[k]} ${k}`));
  if (s.findings > 0) {
    out.push(
      `${p.bold(`${s.findings} finding${s.findings === 1 ? '' : 's'}`)} (${severities.join(', ')}) in ${s.filesWithFindings} of ${s.files} file${s.files === 1 ? '' : 's'}` +
        `; ${s.fixable} fixable with --fix; ${s.suppressed} suppressed.`,
    );
  } else {
    out.push(`${p.green(`No findings`)} in ${s.files} file${s.files === 1 ? '' : 's'}; ${s.suppressed} suppressed.`);
  }
  const failed = digests.reduce((n, d) => n + d.ruleErrors.length, 0);
  if (failed > 0)
    out.push(
      p.severity.high(
        `${failed} rule failure${failed === 1 ? '' : 's'}: the analysis is incomplete; do not treat this as a pass.`,
      ),
    );
  const clean = digests.filter((d) => d.findings === 0 && !d.skipped);
  if (clean.length > 0 && clean.length <= LIST_CLEAN_FILES_UP_TO && s.findings > 0) {
    for (const d of clean) out.push(`${p.green('✓')} ${d.path}: no findings`);
  }
  return out;
}
