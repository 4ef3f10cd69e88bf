// Quoted YAML scalars seen as the program that reads them: a fix inside `run: "..."` must decide its shell quoting on
// the decoded script (what the shell runs), not on the YAML source, and write its text back in the scalar's quoting.
import { isScalar, parseDocument } from 'yaml';

export type QuoteStyle = 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';

export function quoteStyleOf(node: unknown): QuoteStyle | undefined {
  const type = (node as { type?: string } | null)?.type;
  return type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE' ? type : undefined;
}

/**
 * The decoded value of a quoted scalar's source from its opening quote up to a cut (between two characters of the
 * value, never inside an escape); undefined when that source does not decode.
 */
export function decodedPrefix(source: string, style: QuoteStyle): string | undefined {
  const doc = parseDocument(source + (style === 'QUOTE_DOUBLE' ? '"' : "'"));
  if (doc.errors.length) return undefined;
  return isScalar(doc.contents) && typeof doc.contents.value === 'string' ? doc.contents.value : undefined;
}

/** What to write inside a scalar of this style so that it decodes to `value` (one line, no control characters). */
export function encodeForQuoted(value: string, style: QuoteStyle): string {
  return style === 'QUOTE_DOUBLE' ? value.replace(/[\\"]/g, '\\$&') : value.replace(/'/g, "''");
}
