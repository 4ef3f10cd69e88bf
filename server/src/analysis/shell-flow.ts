// Data flow inside one `run:` script: which script variables carry tainted text (from the step's environment) through
// assignments, command substitutions and pipes of text filters, `read`, `for` loops and `export`, and where such text
// reaches a sink: code run again (eval, `sh -c`, inline interpreters, `source`, Invoke-Expression, cmd's `%X%`) or an
// environment file ($GITHUB_ENV, $GITHUB_PATH, $GITHUB_OUTPUT, heredocs included). One forward pass over the
// statements, no fixed point: a value assigned inside a loop after its use is not followed (bounded work per script).
import type { ScalarValue } from '../model/common';
import type { Span } from '../text/span';
import type { Confidence } from './levels';
import {
  commandNameIndex,
  posixStatements,
  scriptSource,
  type ScriptLanguage,
  type Statement,
  type Word,
} from './shell-words';

/** What the flow needs of a taint (analysis/taint.ts's Taint; generic so that taint.ts can use this module). */
export interface FlowTaint {
  confidence: Confidence;
  via?: string;
  processOnly?: boolean;
}

export type EnvFile = 'GITHUB_ENV' | 'GITHUB_PATH' | 'GITHUB_OUTPUT';

export interface ShellSink<T extends FlowTaint = FlowTaint> {
  /** `code`: the text is parsed as code again; `env-file`: it is written to an environment file. */
  kind: 'code' | 'env-file';
  /** What runs or receives it: `eval`, `bash -c`, `Invoke-Expression`, `cmd`, `source`, or the file. */
  what: string;
  file?: EnvFile;
  /** The variable as the script writes it: `$X`, `$env:X`, `%X%`. */
  variable: string;
  /** The expansion of the variable. */
  span: Span;
  /** For an environment file: the variable or output name written, when visible. */
  written?: string;
  taint: T;
  /** The variable got its taint inside the script (an assignment, `read`, a loop), not from the step's `env:`. */
  derived: boolean;
  /** Where the taint entered the script's variables, first hop first. */
  related: Array<{ span: Span; message: string }>;
}

interface Tainted {
  taint: FlowTaint;
  related: ShellSink['related'];
  derived: boolean;
}

const FILE =
  /\$\{?(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT)\b|\$env:(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT)\b|%(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT)%/i;
const MAX_SINKS = 100;
/** At most this many hops are kept as related locations. */
const MAX_HOPS = 4;

const cache = new WeakMap<ScalarValue, { env: Map<string, FlowTaint>; sinks: ShellSink[] }>();

/** The sinks tainted text reaches in a step's script, given the step's environment (lower-cased names). */
export function scriptSinks<T extends FlowTaint>(
  run: ScalarValue,
  text: string,
  language: ScriptLanguage | undefined,
  env: Map<string, T>,
): Array<ShellSink<T>> {
  const hit = cache.get(run);
  // Sinks carry the environment's taints, extended with hops (same type, more `via`).
  if (hit?.env === env) return hit.sinks as Array<ShellSink<T>>;
  let sinks: ShellSink[] = [];
  const source = env.size ? scriptSource(text, run) : undefined;
  if (source) {
    if (language === 'posix' && run.text.includes('$')) sinks = posixSinks(text, source.from, source.to, env);
    else if (language === 'pwsh' && run.text.includes('$')) sinks = pwshSinks(text, source.from, source.to, env);
    else if (language === 'cmd' && run.text.includes('%')) sinks = cmdSinks(text, source.from, source.to, env);
  }
  // Findings past the first hundred of one script add nothing a reader would act on; the cap bounds the rules' work.
  if (sinks.length > MAX_SINKS) sinks = sinks.slice(0, MAX_SINKS);
  cache.set(run, { env, sinks });
  return sinks as Array<ShellSink<T>>;
}

function hop(from: Tainted, label: string, span: Span, message: string): Tainted {
  // `X=$(echo "$X" | sed …)` rewrites a variable in place: one hop, not two.
  if (from.taint.via === label || from.taint.via?.endsWith(` -> ${label}`)) return from;
  const via = from.taint.via ? shortVia(`${from.taint.via} -> ${label}`) : label;
  return {
    taint: { ...from.taint, via },
    related: [...from.related, { span, message }].slice(-MAX_HOPS),
    derived: true,
  };
}

/** A chain of hops kept to its first and last few, so that a long chain of assignments costs no more per hop. */
function shortVia(via: string): string {
  if (via.length < 400) return via;
  const hops = via.split(' -> ');
  return [...hops.slice(0, 3), '…', ...hops.slice(-4)].join(' -> ');
}

/** Variables of a script: the step's environment below, the script's own assignments on top (null: made clean). */
class Scope {
  private readonly own = new Map<string, Tainted | null>();
  constructor(private readonly env: Map<string, FlowTaint>) {}
  get(name: string): Tainted | undefined {
    const key = name.toLowerCase();
    const mine = this.own.get(key);
    if (mine !== undefined) return mine ?? undefined;
    const t = this.env.get(key);
    if (!t) return undefined;
    // The shell reads it from its process environment, `container.env` included; from here on it is ordinary text.
    const { processOnly: _processOnly, ...taint } = t;
    return { taint, related: [], derived: false };
  }
  set(name: string, value: Tainted | undefined): void {
    this.own.set(name.toLowerCase(), value ?? null);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// POSIX shells

const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh']);
/** Interpreters and the option that takes an inline program. */
const INLINE_PROGRAM: Record<string, string> = { python: '-c', python3: '-c', node: '-e', perl: '-e', ruby: '-e' };
/** Words that open a compound command before the command itself. */
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'while', 'until', 'do', '!', '{']);
/** Commands whose output is their arguments' text. */
const ECHOES = new Set(['echo', 'printf']);
/** Text filters: their output is (part of) their input, and of the program text they are given. */
const FILTERS = new Set([
  'cat',
  'sed',
  'awk',
  'tr',
  'cut',
  'head',
  'tail',
  'grep',
  'jq',
  'sort',
  'uniq',
  'rev',
  'fold',
  'tee',
  'base64',
  'xargs',
]);
const DECLARES = new Set(['export', 'local', 'declare', 'typeset', 'readonly']);
const ASSIGNMENT = /^([A-Za-z_]\w*)(\+?=)/;

function posixSinks(text: string, from: number, to: number, env: Map<string, FlowTaint>): ShellSink[] {
  const scope = new Scope(env);
  const sinks: ShellSink[] = [];
  flowStatements(text, posixStatements(text, from, to), scope, sinks, 0);
  return sinks;
}

/** Walks statements in order, updating `scope` and collecting sinks; returns the last statement's output taint. */
function flowStatements(
  text: string,
  statements: Statement[],
  scope: Scope,
  sinks: ShellSink[] | undefined,
  depth: number,
): Tainted | undefined {
  let output: Tainted | undefined;
  for (const st of statements) {
    let words = st.words;
    let r = 0;
    while (r < words.length && RESERVED.has(words[r].text)) r++;
    words = words.slice(r);
    validated(text, words, scope);
    const k = commandNameIndex(words);
    const input = st.piped ? output : undefined;
    output = undefined;
    if (k === words.length) {
      for (const w of words) assign(text, w, scope, depth);
      continue;
    }
    const tool = words[k].text.replace(/^.*\//, '');
    const args = words.slice(k + 1);
    const stdin = input ?? hereTaint(text, st, args, scope);
    if (DECLARES.has(tool)) for (const w of args) assign(text, w, scope, depth);
    else if (tool === 'read') readInto(args, stdin, scope);
    else if (tool === 'for') loopOver(text, args, scope, depth);
    if (sinks) {
      codeSink(text, tool, args, scope, sinks);
      envFileSinks(text, tool, args, st, stdin, scope, sinks);
    }
    if (ECHOES.has(tool)) output = strongest(args.map((w) => wordTaint(text, w, scope, depth)));
    else if (FILTERS.has(tool) && !sanitizes(tool, args))
      output =
        stdin ??
        (tool === 'sed' || tool === 'awk' || tool === 'jq'
          ? strongest(args.map((w) => wordTaint(text, w, scope, depth)))
          : undefined);
  }
  return output;
}

/**
 * `[[ "$X" =~ ^[A-Za-z0-9._-]+$ ]]`: a script that matches a variable against a pattern anchored at both ends acts on
 * the result (exits or branches), so from here on X holds only what the pattern allows.
 */
function validated(text: string, words: Word[], scope: Scope): void {
  const at = words.findIndex((w) => w.text === '=~');
  const name = at > 0 ? /^"?\$\{?([A-Za-z_]\w*)\}?"?$/.exec(words[at - 1].text)?.[1] : undefined;
  if (!name) return;
  const from = words[at].start + 2;
  const lineEnd = text.indexOf('\n', from);
  if (/^\s*['"]?\^.*\$['"]?\s*\]\]/.test(text.slice(from, lineEnd === -1 ? undefined : lineEnd)))
    scope.set(name, undefined);
}

/** `tr -cd 'a-z0-9'` keeps only the characters it names. */
function sanitizes(tool: string, args: Word[]): boolean {
  return tool === 'tr' && args.some((w) => /^-(cd|dc|Cd|dC)$/.test(w.text));
}

function assign(text: string, w: Word, scope: Scope, depth: number): void {
  const m = ASSIGNMENT.exec(w.text);
  if (!m) return;
  const value: Word = { text: w.text.slice(m[0].length), start: w.start + m[0].length };
  const t = wordTaint(text, value, scope, depth);
  if (m[2] === '+=' && !t) return;
  scope.set(m[1], t && hop(t, `$${m[1]}`, { start: w.start, end: w.start + w.text.length }, `$${m[1]} takes it here.`));
}

/** `read [-r] [-a NAME] NAME...` from a tainted pipe, here-string or heredoc. */
function readInto(args: Word[], stdin: Tainted | undefined, scope: Scope): void {
  for (let a = 0; a < args.length; a++) {
    const w = args[a].text;
    if (/^-[a-zA-Z]*[dpntuN]$/.test(w)) a++;
    else if (/^[A-Za-z_]\w*$/.test(w) || (args[a - 1]?.text === '-a' && /^[A-Za-z_]\w*$/.test(w)))
      scope.set(
        w,
        stdin &&
          hop(stdin, `read ${w}`, { start: args[a].start, end: args[a].start + w.length }, `read ${w} takes it here.`),
      );
    else if (w.startsWith('<')) break;
  }
}

/** `for NAME in WORDS`: NAME holds each word. */
function loopOver(text: string, args: Word[], scope: Scope, depth: number): void {
  const name = args[0]?.text;
  if (!name || !/^[A-Za-z_]\w*$/.test(name) || args[1]?.text !== 'in') return;
  const t = strongest(args.slice(2).map((w) => wordTaint(text, w, scope, depth)));
  scope.set(
    name,
    t &&
      hop(
        t,
        `for ${name}`,
        { start: args[0].start, end: args[0].start + name.length },
        `The loop variable ${name} takes it here.`,
      ),
  );
}

/** The taint of a here-string (`<<< "$X"`) or an expanding heredoc body given to a statement. */
function hereTaint(text: string, st: Statement, args: Word[], scope: Scope): Tainted | undefined {
  const at = args.findIndex((w) => w.text.startsWith('<<<'));
  if (at >= 0) {
    const w = args[at].text === '<<<' ? args[at + 1] : { text: args[at].text.slice(3), start: args[at].start + 3 };
    if (w) return firstExpansion(w.text, w.start, scope, false)?.value;
  }
  for (const h of st.heredocs)
    if (!h.quoted) {
      const hit = firstExpansion(text.slice(h.start, h.end), h.start, scope, true);
      if (hit) return hit.value;
    }
  return undefined;
}

/**
 * The taint a word's value carries: tainted variables it expands (not in single quotes) and command substitutions whose
 * output is tainted text (`$(echo "$X" | sed …)`); `${#X}` (a length) and arithmetic carry none.
 */
function wordTaint(text: string, w: Word, scope: Scope, depth: number): Tainted | undefined {
  const s = w.text;
  let best: Tainted | undefined;
  let inDouble = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === "'" && !inDouble) {
      const close = s.indexOf("'", i + 1);
      if (close === -1) break;
      i = close;
    } else if (c === '"') inDouble = !inDouble;
    else if (c === '$' && s[i + 1] === '(' && s[i + 2] !== '(') {
      const end = closing(s, i + 1);
      if (depth < 3) {
        const inner = posixStatements(text, w.start + i + 2, w.start + end - 1);
        const out = flowStatements(text, inner, scope, undefined, depth + 1);
        best = stronger(best, out);
      }
      i = end - 1;
    } else if (c === '$') {
      const m = /^\$(?:\{([A-Za-z_]\w*)[}:#%/^,@[-]|([A-Za-z_]\w*))/.exec(s.slice(i, i + 200));
      const name = m?.[1] ?? m?.[2];
      if (name) best = stronger(best, scope.get(name));
    }
  }
  return best;
}

/** The offset after the bracket matching the one at `i` in a word (quotes inside are skipped). */
function closing(s: string, i: number): number {
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === "'") i = Math.max(i, s.indexOf("'", i + 1));
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return s.length;
}

/**
 * The first tainted variable the shell expands in a text: in a word (unquoted or in double quotes; not in single
 * quotes), or in an expanding heredoc body (`heredoc`: quotes are literal there). Substitutions are looked into.
 */
function firstExpansion(
  s: string,
  base: number,
  scope: Scope,
  heredoc: boolean,
): { name: string; start: number; end: number; value: Tainted } | undefined {
  let inDouble = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (!heredoc && c === "'" && !inDouble) {
      const close = s.indexOf("'", i + 1);
      if (close === -1) return undefined;
      i = close;
      continue;
    }
    if (c === '"') inDouble = !inDouble;
    if (c !== '$') continue;
    const m = /^\$(?:\{([A-Za-z_]\w*)[}:#%/^,@[-]|([A-Za-z_]\w*))/.exec(s.slice(i, i + 200));
    const name = m?.[1] ?? m?.[2];
    const value = name ? scope.get(name) : undefined;
    if (name && value) return { name, start: base + i, end: base + i + 1 + name.length + (m![1] ? 2 : 0), value };
  }
  return undefined;
}

function codeSink(text: string, tool: string, args: Word[], scope: Scope, sinks: ShellSink[]): void {
  let code: Word[] = [];
  let what = '';
  if (tool === 'eval') {
    code = args;
    what = 'eval';
  } else if (tool === 'source' || tool === '.') {
    code = args.slice(0, 1);
    what = tool === '.' ? '. (source)' : 'source';
  } else if (SHELLS.has(tool) || Object.hasOwn(INLINE_PROGRAM, tool)) {
    const flag = SHELLS.has(tool) ? '-c' : INLINE_PROGRAM[tool];
    // The program is the word after the flag (`bash -c CODE`, also bundled: `bash -ec CODE`).
    const at = args.findIndex((w) => w.text === flag || (SHELLS.has(tool) && /^-[a-z]*c$/.test(w.text)));
    if (at >= 0 && args[at + 1]) code = [args[at + 1]];
    what = `${tool} ${flag}`;
  }
  for (const w of code) {
    const hit = firstExpansion(w.text, w.start, scope, false);
    if (!hit) continue;
    sinks.push(sink('code', what, undefined, `$${hit.name}`, hit, undefined));
    return;
  }
}

/** Writes to an environment file: `echo … >> $GITHUB_ENV`, `… | tee -a $GITHUB_ENV`, `cat >> $GITHUB_ENV <<EOF`. */
function envFileSinks(
  text: string,
  tool: string,
  args: Word[],
  st: Statement,
  stdin: Tainted | undefined,
  scope: Scope,
  sinks: ShellSink[],
): void {
  const target = args.findIndex(
    (w, a) => FILE.test(w.text) && (/^\d*>/.test(w.text) || /^\d*>>?$/.test(args[a - 1]?.text ?? '') || tool === 'tee'),
  );
  if (target < 0) return;
  const file = fileOf(args[target].text);
  if (ECHOES.has(tool)) {
    const values = args.filter((w, a) => a !== target && !/^\d*>>?$/.test(w.text) && !w.text.startsWith('-'));
    for (const w of values) {
      const hit = firstExpansion(w.text, w.start, scope, false);
      if (hit) {
        const name = /^["']?([A-Za-z_]\w*)(?:=|<<)/.exec(values[0].text)?.[1];
        sinks.push(sink('env-file', `$${file}`, file, `$${hit.name}`, hit, name));
        return;
      }
    }
    return;
  }
  for (const h of st.heredocs) if (!h.quoted) heredocWrites(text, h.start, h.end, file, scope, sinks);
  if (stdin && (tool === 'tee' || tool === 'cat') && !st.heredocs.length)
    sinks.push(
      sink(
        'env-file',
        `$${file}`,
        file,
        'its input',
        { start: args[target].start, end: args[target].start, value: stdin },
        undefined,
      ),
    );
}

/** Each body line of a heredoc written to an environment file that expands tainted text, with the name it sets. */
function heredocWrites(text: string, from: number, to: number, file: EnvFile, scope: Scope, sinks: ShellSink[]): void {
  let name: string | undefined;
  let delimiter: string | undefined;
  for (let i = from; i < to;) {
    const nl = text.indexOf('\n', i);
    const end = nl === -1 || nl > to ? to : nl;
    const line = text.slice(i, end).trim();
    if (delimiter !== undefined && line === delimiter) {
      delimiter = undefined;
      name = undefined;
    } else if (delimiter === undefined) {
      const m = /^([A-Za-z_]\w*)(?:=|<<(.*))/.exec(line);
      name = m?.[1];
      if (m?.[2] !== undefined) delimiter = m[2].trim();
    }
    const hit = firstExpansion(text.slice(i, end), i, scope, true);
    if (hit) sinks.push(sink('env-file', `$${file}`, file, `$${hit.name}`, hit, name));
    i = end + 1;
  }
}

function fileOf(s: string): EnvFile {
  const m = FILE.exec(s)!;
  return (m[1] ?? m[2] ?? m[3]).toUpperCase() as EnvFile;
}

function sink(
  kind: ShellSink['kind'],
  what: string,
  file: EnvFile | undefined,
  variable: string,
  hit: { start: number; end: number; value: Tainted },
  written: string | undefined,
): ShellSink {
  return {
    kind,
    what,
    file,
    variable,
    span: { start: hit.start, end: hit.end },
    written,
    taint: hit.value.taint,
    derived: hit.value.derived,
    related: hit.value.related,
  };
}

function stronger(a: Tainted | undefined, b: Tainted | undefined): Tainted | undefined {
  if (!a) return b;
  if (!b) return a;
  const rank = { low: 0, medium: 1, high: 2 };
  return rank[b.taint.confidence] > rank[a.taint.confidence] ? b : a;
}

function strongest(values: Array<Tainted | undefined>): Tainted | undefined {
  return values.reduce<Tainted | undefined>((a, b) => stronger(a, b), undefined);
}

// ---------------------------------------------------------------------------------------------------------------
// PowerShell and cmd: line by line (assignments and sinks are one line each in practice)

const PWSH_VAR = /\$\{?(env:)?([A-Za-z_]\w*)\}?/gi;

function pwshSinks(text: string, from: number, to: number, env: Map<string, FlowTaint>): ShellSink[] {
  const envScope = new Scope(env);
  const locals = new Scope(new Map());
  const sinks: ShellSink[] = [];
  const lookup = (isEnv: boolean, name: string) => (isEnv ? envScope : locals).get(name);
  forEachLine(text, from, to, (line, start) => {
    const code = line.replace(/'[^']*'/g, (q) => ' '.repeat(q.length)).replace(/#.*$/, '');
    const expansion = (after: number) => {
      for (const m of code.slice(after).matchAll(PWSH_VAR)) {
        const value = lookup(!!m[1], m[2]);
        if (value) {
          const at = start + after + m.index!;
          return { name: m[0], start: at, end: at + m[0].length, value };
        }
      }
      return undefined;
    };
    const assignment = /^\s*\$\{?(env:)?([A-Za-z_]\w*)\}?\s*=(?!=)/i.exec(code);
    if (assignment) {
      const hit = expansion(assignment[0].length);
      const label = `$${assignment[1] ?? ''}${assignment[2]}`;
      (assignment[1] ? envScope : locals).set(
        assignment[2],
        hit &&
          hop(
            hit.value,
            label,
            { start: start + code.search(/\S/), end: start + line.length },
            `${label} takes it here.`,
          ),
      );
    }
    const iex = /\b(Invoke-Expression|iex)\b/i.exec(code);
    if (iex) {
      const hit = expansion(iex.index + iex[0].length);
      if (hit) sinks.push(sink('code', 'Invoke-Expression', undefined, hit.name, hit, undefined));
    }
    if (FILE.test(code)) {
      const file = fileOf(code);
      const hit = expansion(0);
      if (hit)
        sinks.push(
          sink('env-file', `$env:${file}`, file, hit.name, hit, /["'\s]([A-Za-z_]\w*)(?:=|<<)/.exec(code)?.[1]),
        );
    }
  });
  return sinks;
}

function cmdSinks(text: string, from: number, to: number, env: Map<string, FlowTaint>): ShellSink[] {
  const scope = new Scope(env);
  const sinks: ShellSink[] = [];
  forEachLine(text, from, to, (line, start) => {
    if (/^\s*(rem\b|::)/i.test(line)) return;
    let hit: { name: string; start: number; end: number; value: Tainted } | undefined;
    for (const m of line.matchAll(/%([A-Za-z_]\w*)%/g)) {
      const value = scope.get(m[1]);
      if (value) {
        hit = { name: m[0], start: start + m.index!, end: start + m.index! + m[0].length, value };
        break;
      }
    }
    // cmd expands %X% before it parses the line: the value's `&`, `|`, `>` and quotes are syntax.
    if (hit) sinks.push(sink('code', 'cmd', undefined, hit.name, hit, undefined));
    if (hit && FILE.test(line)) {
      const file = fileOf(line);
      sinks.push(sink('env-file', `%${file}%`, file, hit.name, hit, /\becho\s+"?([A-Za-z_]\w*)=/i.exec(line)?.[1]));
    }
    const set = /^\s*set\s+"?([A-Za-z_]\w*)=/i.exec(line);
    if (set)
      scope.set(
        set[1],
        hit &&
          hop(
            hit.value,
            `%${set[1]}%`,
            { start: start + line.search(/\S/), end: start + line.length },
            `%${set[1]}% takes it here.`,
          ),
      );
  });
  return sinks;
}

function forEachLine(text: string, from: number, to: number, visit: (line: string, start: number) => void): void {
  for (let i = from; i < to;) {
    const nl = text.indexOf('\n', i);
    const end = nl === -1 || nl > to ? to : nl;
    visit(text.slice(i, end), i);
    i = end + 1;
  }
}
