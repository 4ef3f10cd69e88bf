// Every credential-looking value in a file's text, found independently of which rules are enabled, suppressed or
// filtered, and of whether the file parses: reports mask these wherever the text is shown (code frames, snippets,
// messages, review facts). Over-masking costs readability only; under-masking leaks a secret.
import { maskSecret } from '../mask';
import type { Span } from '../../text/span';
import type { CollectedSecrets } from './collect';
import { judgeNamedValue, scanDocumentCredentials, scanDocumentProviders, scanScript, type SecretHit } from './scan';

export interface SecretSighting {
  span: Span;
  /** The value as it may be shown. */
  mask: string;
}

/** `key: value` or `key=value` on a line (a YAML mapping entry, a list item, an assignment), value taken whole. */
const KEYED_LINE = /^[\t ]*(?:-[\t ]+)?["']?([A-Za-z_][\w.-]{0,200})["']?[\t ]*[:=][\t ]*(.*)$/;

/**
 * Key-name detection line by line, without the YAML tree: in a file that does not parse, `AWS_SECRET_ACCESS_KEY: ...`
 * and `password: ...` are still recognized by their key.
 */
function keyedValues(text: string): SecretHit[] {
  const out: SecretHit[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl === -1 ? text.length : nl;
    const line = text.slice(lineStart, lineEnd);
    const m = KEYED_LINE.exec(line);
    if (m && m[2]) {
      // A comment starts at whitespace + '#' (indexOf-style search: linear even on long runs of spaces).
      const comment = m[2].search(/\s#/);
      let value = (comment === -1 ? m[2] : m[2].slice(0, comment)).trim();
      let offset = lineStart + line.length - m[2].length + m[2].indexOf(value);
      if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) {
        value = value.slice(1, -1);
        offset++;
      }
      const judged = value ? judgeNamedValue(m[1], value) : undefined;
      if (judged) out.push({ ...judged, value, span: { start: offset, end: offset + value.length } });
    }
    if (nl === -1) break;
    lineStart = nl + 1;
  }
  return out;
}

export function secretSightings(text: string, collected?: CollectedSecrets): SecretSighting[] {
  const hits: SecretHit[] = [
    ...(collected?.candidates.map((c) => c.hit) ?? []),
    ...(collected?.elsewhere ?? []),
    ...scanDocumentProviders(text),
    ...scanDocumentCredentials(text),
    ...scanScript(text, 0, text.length),
    ...keyedValues(text),
  ];
  const seen = new Set<string>();
  const out: SecretSighting[] = [];
  for (const h of hits) {
    const key = `${h.span.start}:${h.span.end}`;
    if (h.span.end <= h.span.start || seen.has(key)) continue;
    seen.add(key);
    out.push({ span: h.span, mask: maskSecret(h.value) });
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}
