// Where an offset of a POSIX shell script sits for the shell: unquoted, in double or single quotes, in a heredoc body
// (expanded or literal), in a comment. Fixes need this to rewrite a `${{ }}` without changing what the shell does,
// and it must hold across lines (a single-quoted jq program, a heredoc). Written by hand because it has to work on
// YAML source offsets with `${{ }}` still in place, which no maintained JavaScript shell parser offers; it tracks only
// what decides quoting: quotes, escapes, `$( )` and backquote nesting, comments and heredocs.

export type ShellContext =
  | { kind: 'unquoted'; commandStart: boolean }
  | { kind: 'double' }
  | { kind: 'single'; openedAt: number }
  /** `$'...'`: backslash escapes are interpreted. */
  | { kind: 'ansi' }
  | { kind: 'comment' }
  | { kind: 'heredoc'; literal: boolean };

type Frame = { kind: 'top' | 'cmdsub' | 'backquote'; depth: number } | { kind: 'double' };

/**
 * The context at each offset in `targets`, scanning `text` from `from` to the last target. `skip` spans (the
 * `${{ }}` occurrences) are opaque: GitHub replaces them before the shell runs, and their own quotes are not the shell's.
 */
export function shellContexts(
  text: string,
  from: number,
  targets: readonly number[],
  skip: ReadonlyArray<{ start: number; end: number }>,
): Map<number, ShellContext> {
  const out = new Map<number, ShellContext>();
  const wanted = [...targets].sort((a, b) => a - b);
  const end = wanted.length ? wanted[wanted.length - 1] : from;
  const skipAt = new Map(skip.map((s) => [s.start, s.end]));
  const stack: Frame[] = [{ kind: 'top', depth: 0 }];
  const pendingHeredocs: Array<{ delim: string; literal: boolean }> = [];
  let heredoc: { delim: string; literal: boolean } | undefined;
  let ti = 0;
  // True where a new command may start (line start, after ; && || | ( and keywords): for "command position".
  let commandStart = true;
  let i = from;
  const record = (ctx: ShellContext) => {
    while (ti < wanted.length && wanted[ti] === i) {
      out.set(wanted[ti], ctx);
      ti++;
    }
  };
  const top = () => stack[stack.length - 1];

  while (i <= end && ti < wanted.length) {
    while (ti < wanted.length && wanted[ti] < i) ti++;
    if (heredoc) {
      // A heredoc body runs to a line holding only the delimiter (indentation is YAML's or stripped by <<-).
      const lineEnd = text.indexOf('\n', i);
      const stop = lineEnd === -1 ? text.length : lineEnd;
      for (const t of wanted) if (t >= i && t < stop) out.set(t, { kind: 'heredoc', literal: heredoc.literal });
      if (text.slice(i, stop).trim() === heredoc.delim) heredoc = pendingHeredocs.shift();
      i = stop + 1;
      commandStart = true;
      continue;
    }
    const frame = top();
    const c = text[i];
    const skipEnd = skipAt.get(i);
    if (frame.kind === 'double') {
      record({ kind: 'double' });
      if (skipEnd !== undefined) i = skipEnd;
      else if (c === '\\') i += 2;
      else if (c === '"') {
        stack.pop();
        i++;
      } else if (c === '$' && text[i + 1] === '(') {
        stack.push({ kind: 'cmdsub', depth: 0 });
        commandStart = true;
        i += 2;
      } else if (c === '`') {
        stack.push({ kind: 'backquote', depth: 0 });
        commandStart = true;
        i++;
      } else i++;
      continue;
    }
    record({ kind: 'unquoted', commandStart });
    if (skipEnd !== undefined) {
      i = skipEnd;
      commandStart = false;
      continue;
    }
    if (c === '\n') {
      if (pendingHeredocs.length) heredoc = pendingHeredocs.shift();
      commandStart = true;
      i++;
    } else if (c === ' ' || c === '\t') i++;
    else if (c === '\\') {
      i += 2;
      commandStart = false;
    } else if (c === '#' && (i === from || /[\s;&|()]/.test(text[i - 1]))) {
      const lineEnd = text.indexOf('\n', i);
      const stop = lineEnd === -1 ? text.length : lineEnd;
      for (const t of wanted) if (t > i && t < stop) out.set(t, { kind: 'comment' });
      i = stop;
    } else if (c === "'" || (c === '$' && text[i + 1] === "'")) {
      const ansi = c === '$';
      const open = ansi ? i + 1 : i;
      let j = open + 1;
      while (j < text.length && text[j] !== "'") j += ansi && text[j] === '\\' ? 2 : 1;
      for (const t of wanted)
        if (t > open && t <= j) out.set(t, ansi ? { kind: 'ansi' } : { kind: 'single', openedAt: open });
      i = j + 1;
      commandStart = false;
    } else if (c === '"') {
      stack.push({ kind: 'double' });
      commandStart = false;
      i++;
    } else if (c === '`' && frame.kind === 'backquote') {
      stack.pop();
      commandStart = false;
      i++;
    } else if (c === '`' || (c === '$' && text[i + 1] === '(')) {
      stack.push({ kind: c === '`' ? 'backquote' : 'cmdsub', depth: 0 });
      i += c === '`' ? 1 : 2;
      commandStart = true;
    } else if (c === '(') {
      if (frame.kind === 'cmdsub') frame.depth++;
      commandStart = true;
      i++;
    } else if (c === ')') {
      if (frame.kind === 'cmdsub' && frame.depth === 0) stack.pop();
      else if (frame.kind === 'cmdsub') frame.depth--;
      commandStart = false;
      i++;
    } else if (c === ';' || c === '&' || c === '|') {
      commandStart = true;
      i++;
    } else if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
      const m = /^<<-?[ \t]*(\\?)(['"]?)([A-Za-z0-9_.-]+)\2/.exec(text.slice(i, i + 80));
      if (m) {
        pendingHeredocs.push({ delim: m[3], literal: !!m[1] || !!m[2] });
        i += m[0].length;
      } else i += 2;
      commandStart = false;
    } else {
      // A word: keywords keep command position, an assignment prefix (A=b cmd) too.
      const word = /^[^\s;&|()<>"'`\\$]+/.exec(text.slice(i, i + 200))?.[0] ?? c;
      const keyword = /^(then|do|else|elif|if|while|until|time|!|\{)$/.test(word);
      const assignment = /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);
      i += word.length;
      commandStart = keyword || (commandStart && assignment && /\s/.test(text[i] ?? ''));
    }
  }
  return out;
}
