// Core UTF-16 offsets <-> LSP line/character ranges.
import type { Span } from '../text/span';
import type { LspRange } from '../protocol';
import type { LineIndex } from '../text/lines';

export function spanToRange(lines: LineIndex, span: Span): LspRange {
  return { start: lines.positionAt(span.start), end: lines.positionAt(span.end) };
}

export function rangeToSpan(lines: LineIndex, range: LspRange): Span {
  return { start: lines.offsetAt(range.start), end: lines.offsetAt(range.end) };
}
