// Reading and rewriting a `uses:` value in the source: the ref, and the `# v1.2.3` comment that names a SHA pin's tag.
import type { TextEdit } from '../../text/span';
import type { UsesRef } from '../../model/uses';

const SHA = /^[0-9a-f]{40}$/i;

export function isFullSha(ref: string | undefined): boolean {
  return !!ref && SHA.test(ref);
}

/** The comment on the `uses:` line after its value, e.g. `v4.2.2` from `...@<sha> # v4.2.2`, with its span. */
export function trailingComment(
  text: string,
  uses: UsesRef,
): { text: string; span: { start: number; end: number } } | undefined {
  const lineEnd = text.indexOf('\n', uses.span.end);
  const rest = text.slice(uses.span.end, lineEnd === -1 ? text.length : lineEnd).replace(/\r$/, '');
  const m = /^(\s+)#\s*(.*?)\s*$/.exec(rest);
  if (!m) return undefined;
  const start = uses.span.end + m[1].length;
  return { text: m[2], span: { start, end: uses.span.end + rest.trimEnd().length } };
}

/** The version a comment names: `v4.2.2` in `# v4.2.2`, `# tag=v4.2.2`, `# pin @v4.2.2`. */
export function commentVersion(comment: string | undefined): string | undefined {
  if (!comment) return undefined;
  const m = /(?:^|[\s=@])(v?\d+(?:\.\d+){0,2})(?=$|[\s,;)])/.exec(comment);
  return m?.[1];
}

/**
 * Replaces the ref of a `uses:` value (quotes kept) and writes `# comment` after it, replacing an existing comment.
 * Returns the edits; nothing outside the value and its comment changes.
 */
export function rewriteRef(text: string, uses: UsesRef, newRef: string, comment: string | undefined): TextEdit[] {
  const source = text.slice(uses.span.start, uses.span.end);
  const at = source.lastIndexOf('@');
  if (at === -1 || !uses.ref) return [];
  const refStart = uses.span.start + at + 1;
  const refEnd = refStart + uses.ref.length;
  if (text.slice(refStart, refEnd) !== uses.ref) return [];
  const edits: TextEdit[] = [{ span: { start: refStart, end: refEnd }, newText: newRef }];
  if (comment === undefined) return edits;
  const existing = trailingComment(text, uses);
  if (existing) edits.push({ span: existing.span, newText: `# ${comment}` });
  // A comment only fits at the end of the line (not inside a flow mapping such as `{ uses: x@v1, with: ... }`).
  else if (/^[ \t]*\r?$/.test(restOfLine(text, uses.span.end)))
    edits.push({ span: { start: uses.span.end, end: uses.span.end }, newText: ` # ${comment}` });
  return edits;
}

function restOfLine(text: string, from: number): string {
  const end = text.indexOf('\n', from);
  return text.slice(from, end === -1 ? text.length : end);
}
