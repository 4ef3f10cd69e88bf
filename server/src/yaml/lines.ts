// Offset <-> line/column conversion. Lines and columns are 0-based, columns count UTF-16 code units (as LSP does).
export interface Position {
  line: number;
  character: number;
}

export class LineIndex {
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  offsetAt(pos: Position): number {
    if (pos.line >= this.starts.length) return this.text.length;
    if (pos.line < 0) return 0;
    const start = this.starts[pos.line];
    const end = this.lineEnd(pos.line);
    return Math.min(start + Math.max(0, pos.character), end);
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** Offset of the end of the line's content (before its line break). */
  lineEnd(line: number): number {
    const next = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    let end = next;
    if (end > this.starts[line] && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > this.starts[line] && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
}

/** `key: |`, `- run: >-`, `script: |2  # comment`: a line whose value is a block scalar starting below it. */
const BLOCK_SCALAR_HEADER = /^\s*(?:-\s+)*[^#\s][^#]*?:\s+[|>][-+0-9]*\s*(?:#.*)?$/;
/** Lines looked at above a script line before giving up (a script longer than this is not followed to its key). */
const MAX_BLOCK_LINES = 5000;

/**
 * The line of the key whose block scalar (`run: |`) contains `line`, or undefined when `line` is not inside one.
 * Found from indentation alone, so it costs nothing on large files: a content line is more indented than its key.
 */
export function blockScalarKeyLine(lines: LineIndex, line: number): number | undefined {
  const text = lines.lineText(line);
  if (text.trim() === '') return undefined;
  const indent = text.length - text.trimStart().length;
  for (let l = line - 1; l >= 0 && line - l <= MAX_BLOCK_LINES; l--) {
    const above = lines.lineText(l);
    if (above.trim() === '') continue;
    const aboveIndent = above.length - above.trimStart().length;
    if (aboveIndent >= indent) continue;
    return BLOCK_SCALAR_HEADER.test(above) ? l : undefined;
  }
  return undefined;
}
