// Minimal text edits on YAML source. Fixes are data (title + edits); these helpers compute the edits so that
// comments, quoting, ordering and indentation outside the edited range stay byte-for-byte.
import type { Span, TextEdit } from '../text/span';
import { isMap, isScalar, isSeq, spanOf, type Node, type Pair } from '../yaml/parse';

export class OverlappingEditsError extends Error {}

/** Applies non-overlapping edits (any order). Throws OverlappingEditsError when two edits overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (
      cur.span.start < prev.span.end ||
      (cur.span.start === prev.span.start && prev.span.start !== prev.span.end && cur.span.start !== cur.span.end)
    ) {
      throw new OverlappingEditsError(`edits overlap at offset ${cur.span.start}`);
    }
  }
  let out = '';
  let last = 0;
  for (const e of sorted) {
    out += text.slice(last, e.span.start) + e.newText;
    last = e.span.end;
  }
  return out + text.slice(last);
}

export function editsOverlap(a: readonly TextEdit[], b: readonly TextEdit[]): boolean {
  for (const x of a) for (const y of b) if (spansOverlap(x.span, y.span)) return true;
  return false;
}

function spansOverlap(a: Span, b: Span): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return (
    (a.start < b.end && b.start < a.end) ||
    (a.start === a.end && a.start > b.start && a.start < b.end) ||
    (b.start === b.end && b.start > a.start && b.start < a.end)
  );
}

export function newlineOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Column of `offset` on its line. */
export function columnOf(text: string, offset: number): number {
  return offset - lineStartOf(text, offset);
}

/** The offset just after the line that contains `offset - 1` ends (i.e. where a new line may be inserted after a value ending at `offset`). */
export function afterLineOf(text: string, end: number): { at: number; needsNewline: boolean } {
  if (end > 0 && text[end - 1] === '\n') return { at: end, needsNewline: false };
  const nl = text.indexOf('\n', end);
  if (nl === -1) return { at: text.length, needsNewline: true };
  return { at: nl + 1, needsNewline: false };
}

/** The indentation unit the file uses (2 unless the file shows otherwise). */
export function indentUnit(text: string): number {
  const m = /\n( +)\S/.exec(text);
  return m ? Math.min(m[1].length, 8) || 2 : 2;
}

/** Column at which the keys of a block mapping start. */
export function mappingKeyColumn(text: string, map: Node): number | undefined {
  if (!isMap(map) || map.items.length === 0) return undefined;
  const first = spanOf(map.items[0].key as Node);
  return first ? columnOf(text, first.start) : undefined;
}

/** A flow collection (`{ a: 1 }`, `[a]`): block lines cannot go inside it. */
export function isFlow(node: Node): boolean {
  return (node as { flow?: boolean }).flow === true;
}

/**
 * Adds `key: value` lines at the end of a block mapping (after its last entry, keeping that entry's trailing comment),
 * or rewrites an empty flow mapping `{}`. `valueLines` are lines relative to the entry's indentation:
 * ['NAME: value'] or ['permissions:', '  contents: read'].
 */
export function appendToMapping(text: string, map: Node, entryLines: string[]): TextEdit | undefined {
  if (!isMap(map)) return undefined;
  const nl = newlineOf(text);
  if (isFlow(map)) {
    const span = spanOf(map);
    if (!span || map.items.length > 0) return undefined;
    // `{}` becomes a block mapping on the following lines.
    const col =
      columnOf(
        text,
        lineStartOf(text, span.start) === span.start ? span.start : firstNonSpace(text, lineStartOf(text, span.start)),
      ) + indentUnit(text);
    return { span, newText: nl + entryLines.map((l) => ' '.repeat(col) + l).join(nl) };
  }
  const col = mappingKeyColumn(text, map);
  const lastPair = map.items[map.items.length - 1] as Pair<Node, Node | null>;
  const end = lastEnd(lastPair);
  if (col === undefined || end === undefined) return undefined;
  const { at, needsNewline } = afterLineOf(text, end);
  return {
    span: { start: at, end: at },
    newText: (needsNewline ? nl : '') + entryLines.map((l) => ' '.repeat(col) + l + nl).join(''),
  };
}

/** Inserts entry lines into a mapping just before the given pair (same indentation). */
export function insertBeforePair(
  text: string,
  pair: Pair<Node, Node | null>,
  entryLines: string[],
): TextEdit | undefined {
  const keySpan = spanOf(pair.key as Node);
  if (!keySpan) return undefined;
  const nl = newlineOf(text);
  const pad = ' '.repeat(columnOf(text, keySpan.start));
  return {
    span: { start: keySpan.start, end: keySpan.start },
    newText: entryLines.map((l, i) => (i === 0 ? '' : pad) + l + nl).join('') + pad,
  };
}

/** Where a pair's text ends (its value, or its key when the value is empty). */
export function lastEnd(pair: Pair<Node, Node | null>): number | undefined {
  const v = pair.value ? spanOf(pair.value) : undefined;
  const k = spanOf(pair.key as Node);
  return v?.end ?? k?.end;
}

/** Span covering whole lines of a pair (from its line start to after its last line), for deletion. */
export function pairLinesSpan(text: string, pair: Pair<Node, Node | null>): Span | undefined {
  const k = spanOf(pair.key as Node);
  const end = lastEnd(pair);
  if (!k || end === undefined) return undefined;
  const start = lineStartOf(text, k.start);
  // Only delete from the line start when the key starts the line (not `- key:`).
  if (text.slice(start, k.start).trim() !== '') return undefined;
  return { start, end: afterLineOf(text, end).at };
}

function firstNonSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && text[i] === ' ') i++;
  return i;
}

/** Quotes a string as a YAML double-quoted scalar when needed. */
export function yamlScalar(value: string): string {
  if (
    /^[A-Za-z0-9_./@${} -]*$/.test(value) &&
    !/^[\s-]|\s$|: |^$/.test(value) &&
    !/^(true|false|null|yes|no|on|off|~|\d+(\.\d+)?)$/i.test(value)
  )
    return value;
  return JSON.stringify(value);
}

export { isMap, isScalar, isSeq };
