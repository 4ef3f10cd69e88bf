// Simple commands of a POSIX shell script as words with their source offsets, for rules that look at what a command
// is given (argument injection, eval). A word keeps its quotes; `$( )`, `${ }` and `${{ }}` stay inside it.
import type { ScalarValue } from '../../model/common';

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

/**
 * The simple commands of a POSIX script as words with source offsets: splits on unquoted newlines (not continued),
 * `;`, `&`, `|`, `(`, `)` and backquotes; keeps quotes in a word's text; `$( )` and `${ }` stay inside their word;
 * drops comments. Heredoc bodies are read as commands too (rare, and only a tool name at a line start matters).
 */
export function posixCommands(text: string, from: number, to: number): Word[][] {
  const out: Word[][] = [];
  let command: Word[] = [];
  let word: Word | undefined;
  const endWord = (at: number) => {
    if (word) {
      word.text = text.slice(word.start, at);
      command.push(word);
      word = undefined;
    }
  };
  const endCommand = (at: number) => {
    endWord(at);
    if (command.length) out.push(command);
    command = [];
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
      endCommand(i);
      i++;
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
  endCommand(to);
  return out;
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
