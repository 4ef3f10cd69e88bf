// Simple commands of a POSIX shell script as words with their source offsets, for analyses that look at what a command
// is given (argument injection, eval, data flow). A word keeps its quotes; `$( )`, `${ }` and `${{ }}` stay inside it.
import type { ScalarValue } from '../model/common';
import type { Job, Step } from '../model/workflow';

export type ScriptLanguage = 'posix' | 'pwsh' | 'cmd' | 'python' | 'javascript';

/** The language a `run:` is interpreted in, from the shell name GitHub documents. */
export function languageOfShell(shell: string): ScriptLanguage | undefined {
  const s = shell.trim().toLowerCase();
  if (
    s === 'bash' ||
    s === 'sh' ||
    s.startsWith('bash ') ||
    s.startsWith('sh ') ||
    s.startsWith('/bin/') ||
    s.startsWith('/usr/bin/')
  )
    return 'posix';
  if (s.startsWith('pwsh') || s.startsWith('powershell')) return 'pwsh';
  if (s === 'cmd' || s.startsWith('cmd ')) return 'cmd';
  if (s === 'python' || s.startsWith('python ')) return 'python';
  return undefined;
}

/** The language of a step's `run:`: its shell, else pwsh on a Windows runner and bash elsewhere (GitHub's defaults). */
export function stepLanguage(step: Step, job: Job | undefined): ScriptLanguage | undefined {
  return languageOfShell(stepShell(step, job));
}

/** The shell a run: step uses: its `shell:`, else the runner's default (pwsh on Windows runners, bash elsewhere). */
export function stepShell(step: Step, job: Job | undefined): string {
  return step.shell ?? (job?.runsOn.some((r) => /windows/i.test(r.text)) ? 'pwsh' : 'bash');
}

export interface Word {
  text: string;
  start: number;
}

/** Words that precede the command itself. */
const PREFIX_COMMANDS = new Set(['sudo', 'time', 'exec', 'command', 'nohup']);

/** Index of the command's own name in a simple command: after `VAR=value` assignments and `sudo`, `time`, `exec`… */
export function commandNameIndex(words: readonly Word[]): number {
  let k = 0;
  while (k < words.length && (/^[A-Za-z_]\w*=/.test(words[k].text) || PREFIX_COMMANDS.has(words[k].text))) k++;
  return k;
}

/**
 * Where a `run:` script's source lies in the file, or undefined for a quoted YAML scalar (its source is not the
 * script: YAML escapes) and an empty script. A block scalar starts on the line after its indicator.
 */
export function scriptSource(text: string, run: ScalarValue): { from: number; to: number } | undefined {
  const first = text[run.span.start];
  if (first === '"' || first === "'") return undefined;
  const from = first === '|' || first === '>' ? text.indexOf('\n', run.span.start) + 1 : run.span.start;
  return from <= 0 || from >= run.span.end ? undefined : { from, to: run.span.end };
}

/** A heredoc's body (the lines between the command and the delimiter line); `quoted`: `<<'EOF'` expands nothing. */
export interface Heredoc {
  start: number;
  end: number;
  quoted: boolean;
}

export interface Statement {
  words: Word[];
  /** Its standard input is the previous statement's output (`a | b`, not `a || b`). */
  piped: boolean;
  heredocs: Heredoc[];
}

/** `<<EOF`, `<<-'EOF'`, `<<` (delimiter in the next word) at a word's end; not `<<<` nor `$((1<<2))`. */
const HEREDOC = /(?<!<)<<-?(['"]?[\w.-]*['"]?)$/;

/** Whether offset `at` of a word lies outside its quotes. */
function unquotedAt(word: string, at: number): boolean {
  const before = word.slice(0, at);
  return (before.split('"').length - 1) % 2 === 0 && (before.split("'").length - 1) % 2 === 0;
}

/** The simple commands of a POSIX script as words with source offsets (see posixStatements). */
export function posixCommands(text: string, from: number, to: number): Word[][] {
  return posixStatements(text, from, to).map((s) => s.words);
}

/**
 * The simple commands of a POSIX script: splits on unquoted newlines (not continued), `;`, `&`, `|`, `(`, `)` and
 * backquotes; keeps quotes in a word's text; `$( )` and `${ }` stay inside their word; drops comments; heredoc bodies
 * are attached to their command, not read as commands. One pass: every offset is visited a bounded number of times.
 */
export function posixStatements(text: string, from: number, to: number): Statement[] {
  const out: Statement[] = [];
  let command: Statement = { words: [], piped: false, heredocs: [] };
  let word: Word | undefined;
  /** Heredocs opened on the current line, read when it ends; `delimiter` undefined: it is the next word. */
  const pending: Array<{ owner: Statement; delimiter?: string; quoted: boolean }> = [];
  const endWord = (at: number) => {
    if (!word) return;
    word.text = text.slice(word.start, at);
    const open = pending[pending.length - 1];
    if (open && open.delimiter === undefined) {
      open.delimiter = word.text.replace(/['"\\]/g, '');
      open.quoted = /['"\\]/.test(word.text);
    } else {
      const m = HEREDOC.exec(word.text);
      if (m && unquotedAt(word.text, m.index)) {
        const delimiter = m[1].replace(/['"\\]/g, '') || undefined;
        pending.push({ owner: command, delimiter, quoted: /['"\\]/.test(m[1]) });
      }
    }
    command.words.push(word);
    word = undefined;
  };
  const endCommand = (at: number, next: Statement['piped']) => {
    endWord(at);
    if (command.words.length) out.push(command);
    command = { words: [], piped: next, heredocs: [] };
  };
  let i = from;
  while (i < to) {
    const c = text[i];
    if (c === '\\' && text[i + 1] === '\n') {
      endWord(i);
      i += 2;
      continue;
    }
    if (c === '\\') {
      word ??= { text: '', start: i };
      i += 2;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord(i);
      i++;
      continue;
    }
    if (c === '\n' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '`') {
      const piped = c === '|' && text[i + 1] !== '|' && text[i - 1] !== '|';
      endCommand(i, piped);
      i++;
      if (c === '\n' && pending.length) i = readHeredocs(text, i, to, pending.splice(0));
      continue;
    }
    if (c === '#' && !word) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 || nl > to ? to : nl;
      continue;
    }
    word ??= { text: '', start: i };
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      i = close === -1 || close >= to ? to : close + 1;
    } else if (c === '"') {
      i = closingDoubleQuote(text, i + 1, to);
    } else if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      i = closingBracket(text, i + 1, to);
    } else i++;
  }
  endCommand(to, false);
  return out;
}

/** Reads the bodies of the heredocs opened on the line before `i`, in order; returns the offset after the last one. */
function readHeredocs(
  text: string,
  i: number,
  to: number,
  heredocs: Array<{ owner: Statement; delimiter?: string; quoted: boolean }>,
): number {
  for (const h of heredocs) {
    if (!h.delimiter) continue;
    const start = i;
    // The delimiter line is compared trimmed: a block scalar's lines carry the YAML indentation.
    while (i < to) {
      const nl = text.indexOf('\n', i);
      const lineEnd = nl === -1 || nl > to ? to : nl;
      if (text.slice(i, lineEnd).trim() === h.delimiter) {
        h.owner.heredocs.push({ start, end: i, quoted: h.quoted });
        i = lineEnd;
        break;
      }
      i = lineEnd + 1;
    }
    if (i >= to) h.owner.heredocs.push({ start, end: to, quoted: h.quoted });
  }
  return i;
}

function closingDoubleQuote(text: string, i: number, to: number): number {
  while (i < to && text[i] !== '"') {
    if (text[i] === '\\') i += 2;
    else if (text[i] === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) i = closingBracket(text, i + 1, to);
    else i++;
  }
  return Math.min(i + 1, to);
}

/** The offset after the bracket matching the one at `i` (quotes inside are skipped). */
function closingBracket(text: string, i: number, to: number): number {
  const open = text[i];
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  while (i < to) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === "'" && open === '(') {
      const end = text.indexOf("'", i + 1);
      i = end === -1 || end >= to ? to : end + 1;
    } else if (c === '"') i = closingDoubleQuote(text, i + 1, to);
    else {
      if (c === open) depth++;
      else if (c === close && --depth === 0) return i + 1;
      i++;
    }
  }
  return to;
}
