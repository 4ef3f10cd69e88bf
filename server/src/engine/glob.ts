// Glob matching for patterns the repository supplies (.flowguard.yml include/ignore/trustedActions, files.exclude).
// Regex-based matchers (picomatch) backtrack exponentially on patterns like `*/*a*a*a*a*a*a*a*b`; this one never
// builds a regular expression: each path segment is matched by the two-pointer wildcard algorithm (O(name x segment
// pattern)) and `**` by a table over segments, so a match costs at most O(path length x pattern length).
// Supported: `*`, `?`, `**` (any number of segments), `[abc]`, `[a-z]`, `[!a]`/`[^a]`, `{a,b}`, `\` escapes, and a
// leading `!` (negation). Dots are matched like any character (picomatch's `dot: true`).

/** Brace expansion may not multiply a pattern beyond this; longer patterns are refused. */
const MAX_ALTERNATIVES = 64;
const MAX_PATTERN_LENGTH = 1024;

type Token =
  { kind: 'char'; c: string } | { kind: 'any' } | { kind: 'star' } | { kind: 'class'; test: (c: string) => boolean };
type Segment = { kind: 'globstar' } | { kind: 'tokens'; tokens: Token[] };

export class GlobError extends Error {}

/** `{a,b}c` -> [`ac`, `bc`]; nested braces expand too. A brace without a comma is literal. */
function expandBraces(pattern: string, budget: { left: number }): string[] {
  let depth = 0;
  let open = -1;
  const commas: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') {
      if (depth++ === 0) open = i;
    } else if (c === '}' && depth > 0) {
      if (--depth === 0) {
        if (commas.length === 0) {
          // Not a brace list: keep `{...}` literally and expand what follows.
          return expandBraces(pattern.slice(i + 1), budget).map((rest) => pattern.slice(0, i + 1) + rest);
        }
        const head = pattern.slice(0, open);
        const parts: string[] = [];
        let from = open + 1;
        for (const at of [...commas, i]) {
          parts.push(pattern.slice(from, at));
          from = at + 1;
        }
        const tails = expandBraces(pattern.slice(i + 1), budget);
        const out: string[] = [];
        for (const part of parts)
          for (const inner of expandBraces(part, budget))
            for (const tail of tails) {
              if (--budget.left < 0) throw new GlobError('too many {} alternatives');
              out.push(head + inner + tail);
            }
        return out;
      }
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  return [pattern];
}

function parseClass(pattern: string, at: number): { test: (c: string) => boolean; end: number } | undefined {
  let i = at + 1;
  const negate = pattern[i] === '!' || pattern[i] === '^';
  if (negate) i++;
  const ranges: Array<[string, string]> = [];
  let first = true;
  for (; i < pattern.length && (pattern[i] !== ']' || first); i++, first = false) {
    let c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) c = pattern[++i];
    if (pattern[i + 1] === '-' && pattern[i + 2] !== undefined && pattern[i + 2] !== ']') {
      ranges.push([c, pattern[i + 2]]);
      i += 2;
    } else ranges.push([c, c]);
  }
  if (i >= pattern.length) return undefined; // no closing bracket: `[` is literal
  const test = (c: string) => ranges.some(([lo, hi]) => lo <= c && c <= hi) !== negate && c !== '/';
  return { test, end: i };
}

function parseSegment(text: string): Segment {
  if (text === '**') return { kind: 'globstar' };
  const tokens: Token[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) tokens.push({ kind: 'char', c: text[++i] });
    else if (c === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') tokens.push({ kind: 'any' });
    else if (c === '[') {
      const cls = parseClass(text, i);
      if (cls) {
        tokens.push({ kind: 'class', test: cls.test });
        i = cls.end;
      } else tokens.push({ kind: 'char', c });
    } else tokens.push({ kind: 'char', c });
  }
  return { kind: 'tokens', tokens };
}

function tokenMatches(t: Token, c: string): boolean {
  return t.kind === 'any' || (t.kind === 'char' && t.c === c) || (t.kind === 'class' && t.test(c));
}

/** Two-pointer wildcard match: on a mismatch only the last `*` is retried, so no exponential backtracking. */
function matchSegment(tokens: Token[], name: string): boolean {
  let t = 0;
  let n = 0;
  let starT = -1;
  let starN = 0;
  while (n < name.length) {
    if (t < tokens.length && tokens[t].kind === 'star') {
      starT = t++;
      starN = n;
    } else if (t < tokens.length && tokenMatches(tokens[t], name[n])) {
      t++;
      n++;
    } else if (starT >= 0) {
      t = starT + 1;
      n = ++starN;
    } else return false;
  }
  while (t < tokens.length && tokens[t].kind === 'star') t++;
  return t === tokens.length;
}

function isDotSegment(name: string): boolean {
  return name === '.' || name === '..';
}

function matchSegments(pattern: Segment[], path: string[]): boolean {
  // reach[i][j]: pattern[i..] matches path[j..]; filled from the end, each cell once.
  const P = pattern.length;
  const S = path.length;
  let next = new Array<boolean>(S + 1).fill(false);
  next[S] = true;
  for (let i = P - 1; i >= 0; i--) {
    const cur = new Array<boolean>(S + 1).fill(false);
    const seg = pattern[i];
    for (let j = S; j >= 0; j--) {
      // Wildcards never match `.` or `..` segments (as in picomatch): only a literal `..` climbs out of a folder.
      if (seg.kind === 'globstar') cur[j] = next[j] || (j < S && !isDotSegment(path[j]) && cur[j + 1]);
      else
        cur[j] =
          j < S &&
          next[j + 1] &&
          (!isDotSegment(path[j]) || seg.tokens.every((t) => t.kind === 'char')) &&
          matchSegment(seg.tokens, path[j]);
    }
    next = cur;
  }
  return next[0];
}

/** One pattern -> a predicate on forward-slash paths. Throws GlobError for patterns too large to match cheaply. */
export function compileGlob(glob: string): (path: string) => boolean {
  if (glob.length > MAX_PATTERN_LENGTH) throw new GlobError(`pattern longer than ${MAX_PATTERN_LENGTH} characters`);
  const negated = glob.startsWith('!') && !glob.startsWith('!(');
  const body = (negated ? glob.slice(1) : glob).replace(/^\.\//, '');
  const alternatives = expandBraces(body, { left: MAX_ALTERNATIVES }).map((p) =>
    p
      .split('/')
      .filter((s, i, all) => s !== '' || i === all.length - 1)
      .map(parseSegment),
  );
  return (path) => {
    const segments = path.replace(/^\.\//, '').split('/');
    const hit = alternatives.some((a) => matchSegments(a, segments));
    return negated ? !hit : hit;
  };
}

/** Any of the patterns; a pattern that cannot be compiled matches nothing. */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const compiled = globs.flatMap((g) => {
    try {
      return [compileGlob(g)];
    } catch {
      return [];
    }
  });
  return (path) => compiled.some((m) => m(path));
}
