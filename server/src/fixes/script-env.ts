// Moving a `${{ }}` expression out of script text into the step's `env:` and referencing it the way the script's
// language reads environment variables (bash/sh, pwsh, cmd, python, github-script JavaScript), as one minimal edit.
import type { Fix } from '../engine/types';
import type { TextEdit } from '../text/span';
import type { ExpressionOccurrence } from '../expressions/parse';
import type { ScalarValue } from '../model/common';
import type { Step } from '../model/workflow';
import { addStepEnv, envNames, uniqueName } from './env';
import { shellContexts, type ShellContext } from './shell-context';
import { languageOfShell, type ScriptLanguage } from '../analysis/shell-words';

export { languageOfShell, type ScriptLanguage };

/** The quote open at `offset` on its line for the language: '"', "'", '`' or ''. Line-local, which is what fixes need. */
export function quoteAt(text: string, offset: number, lang: ScriptLanguage): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const escape = lang === 'pwsh' ? '`' : '\\';
  const quotes = lang === 'javascript' ? '"\'`' : '"\'';
  let quote = '';
  for (let i = lineStart; i < offset; i++) {
    const c = text[i];
    if (quote === "'" && lang !== 'javascript' && lang !== 'python') {
      if (c === "'") quote = '';
    } else if (c === escape && lang !== 'cmd') {
      i++;
    } else if (quote) {
      if (c === quote) quote = '';
    } else if (quotes.includes(c)) {
      quote = c;
    }
  }
  return quote;
}

/** True when the expression is the whole content of a quoted literal: `'${{ x }}'`. */
function wholeLiteral(text: string, expr: ExpressionOccurrence, quote: string): boolean {
  return !!quote && text[expr.span.start - 1] === quote && text[expr.span.end] === quote;
}

interface Reference {
  text: string;
  span: { start: number; end: number };
  /** The rewrite may change what the script does for values it read as plain text before: review. */
  unsafe?: string;
}

/**
 * The replacement for one occurrence. undefined when no faithful rewrite exists (a literal heredoc, `$'...'`, a
 * PowerShell single-quoted string with other text, Python outside a whole string literal).
 */
function reference(
  name: string,
  lang: ScriptLanguage,
  text: string,
  expr: ExpressionOccurrence,
  shell?: ShellContext,
): Reference | undefined {
  const quote = quoteAt(text, expr.span.start, lang);
  const whole = wholeLiteral(text, expr, quote);
  const widened = { start: expr.span.start - 1, end: expr.span.end + 1 };
  switch (lang) {
    case 'posix':
      return posixReference(name, text, expr, shell ?? { kind: 'unquoted', commandStart: false });
    case 'pwsh':
      // `$env:X` would swallow a following name character or colon: brace it only then.
      if (quote === '"')
        return { text: /[\w:]/.test(text[expr.span.end] ?? '') ? `\${env:${name}}` : `$env:${name}`, span: expr.span };
      if (quote === "'") return whole ? { text: `$env:${name}`, span: widened } : undefined;
      // Unquoted, PowerShell parsed the value as words; `$env:X` is one argument.
      return { text: `$env:${name}`, span: expr.span, unsafe: 'the value becomes one argument' };
    case 'cmd':
      return { text: `%${name}%`, span: expr.span };
    case 'python':
      if (whole) return { text: `os.environ["${name}"]`, span: widened };
      return undefined;
    case 'javascript':
      if (quote === '`') return { text: `\${process.env.${name}}`, span: expr.span };
      if (quote)
        return whole
          ? { text: `process.env.${name}`, span: widened }
          : { text: `${quote} + process.env.${name} + ${quote}`, span: expr.span };
      // Unquoted the expression was code, not a string: the rewrite changes meaning.
      return /^\s*tojson\s*\(/i.test(expr.inner)
        ? { text: `JSON.parse(process.env.${name})`, span: expr.span }
        : { text: `process.env.${name}`, span: expr.span, unsafe: 'the value was JavaScript code' };
  }
}

/**
 * bash/sh. In double quotes, an expanded heredoc or a comment, `${NAME}` reads exactly what the shell read before for
 * any value without `$`, backquotes or backslashes. Unquoted, the value was split into words (and globbed): `${NAME}`
 * unquoted keeps that, so an empty value still gives no argument and `-a -b` still two, but quotes and operators in
 * the value are no longer shell syntax: unsafe. In single quotes the value is spliced in as its own double-quoted part.
 */
function posixReference(
  name: string,
  text: string,
  expr: ExpressionOccurrence,
  ctx: ShellContext,
): Reference | undefined {
  const braced = `\${${name}}`;
  switch (ctx.kind) {
    case 'double':
    case 'comment':
      return { text: braced, span: expr.span };
    case 'heredoc':
      return ctx.literal ? undefined : { text: braced, span: expr.span };
    case 'single': {
      const whole = ctx.openedAt === expr.span.start - 1 && text[expr.span.end] === "'";
      return whole
        ? { text: `"${braced}"`, span: { start: expr.span.start - 1, end: expr.span.end + 1 } }
        : { text: `'"${braced}"'`, span: expr.span };
    }
    case 'ansi':
      return undefined;
    case 'unquoted':
      return {
        text: braced,
        span: expr.span,
        unsafe: ctx.commandStart
          ? 'the value was run as a command: shell syntax in it (&&, pipes, quotes) no longer is'
          : 'left unquoted to keep word splitting; quotes and operators in the value are no longer shell syntax',
      };
  }
}

export interface MoveToEnvInput {
  text: string;
  step: Step;
  /** The script value (`run:` or github-script's `script:`) holding the expression. */
  script: ScalarValue;
  expr: ExpressionOccurrence;
  lang: ScriptLanguage;
  /** Suggested variable name, e.g. from the context path. */
  baseName: string;
  /** Env blocks visible to the step besides its own (job, workflow), to avoid shadowing. */
  outerEnv: Array<{ entries: Array<{ name: string }> } | undefined>;
  /** The expression is exactly `env.NAME`: the variable already exists, reference it in place. */
  existingVar?: string;
}

/** Replaces every identical occurrence of the expression in the script and adds one env entry for it. */
export function moveExpressionToEnv(input: MoveToEnvInput): Fix | undefined {
  const { text, step, script, expr, lang } = input;
  // In a quoted YAML scalar (`run: 'build ${{ x }}'`) the source is not the script: YAML escapes ('' and \") and the
  // scalar's own quotes would be mistaken for the shell's, and a rewrite could break the YAML. No mechanical fix there.
  if (text[script.span.start] === "'" || text[script.span.start] === '"') return undefined;
  const exprText = text.slice(expr.span.start, expr.span.end);
  if (lang === 'python' && !/^\s*(import os\b|from os import environ)/m.test(script.text)) return undefined;
  const existing = input.existingVar
    ? { name: input.existingVar }
    : step.env?.entries.find((e) => e.value?.text.trim() === exprText.trim());
  const name = existing?.name ?? uniqueName(input.baseName, envNames(step.env, ...input.outerEnv));
  const occurrences = script.expressions.filter((occ) => text.slice(occ.span.start, occ.span.end) === exprText);
  const shellAt =
    lang === 'posix'
      ? shellContexts(
          text,
          scriptStart(text, script),
          occurrences.map((o) => o.span.start),
          script.expressions.map((x) => x.span),
        )
      : undefined;
  const edits: TextEdit[] = [];
  const unsafe: string[] = [];
  for (const occ of occurrences) {
    const ref = reference(name, lang, text, occ, shellAt?.get(occ.span.start));
    if (!ref) return undefined;
    if (ref.unsafe && !unsafe.includes(ref.unsafe)) unsafe.push(ref.unsafe);
    edits.push({ span: ref.span, newText: ref.text });
  }
  if (!existing) {
    const envEdit = addStepEnv(text, step, [{ name, value: exprText }]);
    if (!envEdit) return undefined;
    edits.push(envEdit);
  }
  const where = lang === 'javascript' ? `process.env.${name}` : `$${name}`;
  const title =
    existing && input.existingVar
      ? `Read ${name} from the environment instead of expanding it`
      : `Move ${expr.inner.trim()} to env: ${name} and use ${where}`;
  return {
    title: unsafe.length ? `${title} (review: ${unsafe.join('; ')})` : title,
    safety: unsafe.length ? 'unsafe' : 'safe',
    isPreferred: true,
    edits,
  };
}

/** Where the script's own text starts: after a block scalar's `|`/`>` header line. */
function scriptStart(text: string, script: ScalarValue): number {
  const c = text[script.span.start];
  if (c !== '|' && c !== '>') return script.span.start;
  const nl = text.indexOf('\n', script.span.start);
  return nl === -1 ? script.span.end : nl + 1;
}
