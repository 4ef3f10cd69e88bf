// YAML-aware line helpers built on the plain line index.
import type { LineIndex } from '../text/lines';

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
