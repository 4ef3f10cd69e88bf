// Keeps secret values out of every report: the spans of secret-value findings are replaced by their masked form in
// code frames and snippets, and the free text a report prints (messages, fix texts, properties) is scrubbed of them.
import { maskSecret } from '../analysis/mask';
import type { AnalysisResult } from '../engine/analyze';
import type { Finding } from '../engine/types';
import type { Span } from '../text/span';

interface SecretSpan {
  span: Span;
  mask: string;
}

/** Text of a range with secrets masked, and where each source offset of the range lands in it. */
export interface MaskedText {
  text: string;
  indexOf(offset: number): number;
}

/** Shorter strings would be scrubbed out of ordinary words; rules already mask them in their own messages. */
const MIN_SCRUBBED_LENGTH = 6;

export class SecretRedactor {
  private readonly spans: SecretSpan[];
  /** Raw values (as written and unquoted), longest first so a value is never half-replaced by a shorter one. */
  private readonly values: Array<{ raw: string; mask: string }>;

  /** `sightings`: every secret the analysis saw (`AnalysisResult.secrets`), reported or not. */
  constructor(
    private readonly text: string,
    secretFindings: readonly Finding[],
    sightings: readonly SecretSpan[] = [],
  ) {
    const fromFindings = secretFindings
      .filter((f) => f.span.end > f.span.start)
      .map((f) => {
        const raw = text.slice(f.span.start, f.span.end);
        const masked = f.properties?.masked;
        return { span: f.span, mask: typeof masked === 'string' ? masked : maskSecret(unquote(raw)) };
      });
    // Overlapping sightings (a value and the larger hit containing it): the outermost is kept.
    this.spans = [];
    for (const s of [...fromFindings, ...sightings]
      .filter((s) => s.span.end > s.span.start && s.span.end <= text.length)
      .sort((a, b) => a.span.start - b.span.start || b.span.end - a.span.end)) {
      const last = this.spans[this.spans.length - 1];
      if (last && s.span.start < last.span.end) continue;
      this.spans.push(s);
    }
    const values = new Map<string, string>();
    for (const s of this.spans) {
      const raw = text.slice(s.span.start, s.span.end);
      for (const v of [raw, raw.trim(), unquote(raw)]) if (v.length >= MIN_SCRUBBED_LENGTH) values.set(v, s.mask);
    }
    this.values = [...values].map(([raw, mask]) => ({ raw, mask })).sort((a, b) => b.raw.length - a.raw.length);
    // A rule reports a value once, but the file may repeat it (a token in a URL and again in an echo): every copy is
    // masked in code frames and snippets too.
    for (const v of this.values) {
      for (let at = text.indexOf(v.raw); at !== -1; at = text.indexOf(v.raw, at + v.raw.length)) {
        const span = { start: at, end: at + v.raw.length };
        if (!this.spans.some((s) => s.span.start < span.end && span.start < s.span.end))
          this.spans.push({ span, mask: v.mask });
      }
    }
    this.spans.sort((a, b) => a.span.start - b.span.start);
  }

  get hasSecrets(): boolean {
    return this.spans.length > 0;
  }

  /** Replaces every secret value occurring in `s` by its mask. */
  scrub(s: string): string {
    let out = s;
    for (const v of this.values) if (out.includes(v.raw)) out = out.split(v.raw).join(v.mask);
    return out;
  }

  /** Deep-scrubs the strings of a JSON-like value. */
  scrubValue<T>(value: T): T {
    if (typeof value === 'string') return this.scrub(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.scrubValue(v)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.scrubValue(v)])) as T;
    }
    return value;
  }

  /** The source text of [start, end) with every intersecting secret replaced by its mask. */
  masked(start: number, end: number): MaskedText {
    const cuts: Array<{ from: number; to: number; at: number; mask: string }> = [];
    let out = '';
    let pos = start;
    for (const s of this.spans) {
      const from = Math.max(s.span.start, start);
      const to = Math.min(s.span.end, end);
      if (from >= to || from < pos) continue;
      out += this.text.slice(pos, from);
      cuts.push({ from, to, at: out.length, mask: s.mask });
      out += s.mask;
      pos = to;
    }
    out += this.text.slice(pos, end);
    return {
      text: out,
      indexOf(offset: number): number {
        let shift = 0;
        for (const c of cuts) {
          if (offset <= c.from) break;
          if (offset < c.to) return c.at + Math.min(offset - c.from, c.mask.length);
          shift += c.mask.length - (c.to - c.from);
        }
        return Math.max(0, Math.min(offset, end) - start) + shift;
      },
    };
  }
}

function unquote(raw: string): string {
  const t = raw.trim();
  if (t.length >= 2 && (t[0] === '"' || t[0] === "'") && t[t.length - 1] === t[0]) return t.slice(1, -1);
  return t;
}

/** The redactor for an analysed text: every secret the analysis saw, reported or not. */
export function redactorFor(text: string, result: AnalysisResult): SecretRedactor {
  return new SecretRedactor(
    text,
    result.findings.filter((f) => typeof f.properties?.masked === 'string'),
    result.secrets,
  );
}
