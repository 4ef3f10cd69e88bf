// `# flowguard: ignore[rule-id, other] reason` comments (and peers' `# zizmor: ignore[...]`).
// A suppression covers findings that start on its own line, or, when the comment stands alone, on the first line after
// it and the comment lines directly below it. Its reason follows on the same line or in those comment lines.
import type { Span } from '../text/span';
import type { LineIndex } from '../text/lines';

export interface Suppression {
  tool: string;
  ids: string[];
  reason: string;
  span: Span;
  line: number;
  /** The comment is alone on its line, so it covers the next line too. */
  standalone: boolean;
  /** The line a standalone comment covers: the first after it and the comment lines directly below it. */
  nextLine: number;
  used: boolean;
}

const PATTERN = /#\s*(flowguard|zizmor)\s*:\s*ignore\[([^\]]*)\]([^\n\r]*)/g;

export function findSuppressions(text: string, lines: LineIndex): Suppression[] {
  if (!text.includes('ignore[')) return [];
  const out: Suppression[] = [];
  for (const m of text.matchAll(PATTERN)) {
    const start = m.index!;
    const pos = lines.positionAt(start);
    const before = lines.lineText(pos.line).slice(0, pos.character);
    // A `#` inside a quoted string is not a comment; a plain scalar comment needs whitespace before `#`.
    if (before.length > 0 && !/\s$/.test(before)) continue;
    if ((before.match(/"/g)?.length ?? 0) % 2 === 1 || (before.match(/'/g)?.length ?? 0) % 2 === 1) continue;
    const below = commentLinesBelow(lines, pos.line);
    out.push({
      tool: m[1].toLowerCase(),
      ids: m[2]
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
      reason: cleanReason(m[3]) || below.explanation,
      span: { start, end: start + m[0].length },
      line: pos.line,
      standalone: before.trim() === '',
      nextLine: below.nextLine,
      used: false,
    });
  }
  return out;
}

const cleanReason = (text: string) => text.replace(/^[\s:—–-]+/, '').trim();

/**
 * The comment-only lines directly below `line`: their text up to the next suppression comment is an explanation
 * (`# zizmor: ignore[x]` followed by `# because ...`), and the first line after all of them is the one covered.
 */
function commentLinesBelow(lines: LineIndex, line: number): { explanation: string; nextLine: number } {
  const explanation: string[] = [];
  let explaining = true;
  let next = line + 1;
  for (; next < lines.lineCount; next++) {
    const comment = /^\s*#(.*)$/.exec(lines.lineText(next));
    if (!comment) break;
    if (/^\s*(flowguard|zizmor)\s*:\s*ignore\[/.test(comment[1])) explaining = false;
    else if (explaining && comment[1].trim()) explanation.push(cleanReason(comment[1]));
  }
  return { explanation: explanation.join(' '), nextLine: next };
}

/** The suppression that covers a finding of `ruleNames` (id and aliases) starting on `line`, if any. */
export function suppressionFor(
  suppressions: Suppression[],
  line: number,
  ruleNames: string[],
): Suppression | undefined {
  for (const s of suppressions) {
    const covers = s.line === line || (s.standalone && s.nextLine === line);
    if (covers && s.ids.some((id) => ruleNames.includes(id))) return s;
  }
  return undefined;
}

/** The text of a suppression comment; a reason is flattened to one line so it cannot break the YAML. */
export function suppressionComment(ruleId: string, reason = ''): string {
  const oneLine = reason.replace(/[\r\n]+/g, ' ').trim();
  return `# flowguard: ignore[${ruleId}]${oneLine ? ` ${oneLine}` : ''}`;
}
