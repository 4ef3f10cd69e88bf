// Moving a `${{ }}` expression out of script text into the step's `env:` and referencing it the way the script's
// language reads environment variables (bash/sh, pwsh, cmd, python, github-script JavaScript), as one minimal edit.
import type { Fix } from '../engine/types';
import type { TextEdit } from '../text/span';
import type { ExpressionOccurrence } from '../expressions/parse';
import type { ScalarValue } from '../model/common';
import type { Step } from '../model/workflow';
import { addStepEnv, envNames, uniqueName } from './env';

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

/**
 * The replacement for one occurrence, and whether the surrounding quotes are consumed.
 * undefined when no faithful rewrite exists (e.g. inside a PowerShell single-quoted string with other text).
 */
function reference(
  name: string,
  lang: ScriptLanguage,
  text: string,
  expr: ExpressionOccurrence,
): { text: string; span: { start: number; end: number } } | undefined {
  const quote = quoteAt(text, expr.span.start, lang);
  const whole = wholeLiteral(text, expr, quote);
  const widened = { start: expr.span.start - 1, end: expr.span.end + 1 };
  switch (lang) {
    case 'posix':
      if (quote === '"') return { text: `\${${name}}`, span: expr.span };
      if (quote === "'")
        return whole ? { text: `"\${${name}}"`, span: widened } : { text: `'"\${${name}}"'`, span: expr.span };
      return { text: `"\${${name}}"`, span: expr.span };
    case 'pwsh':
      // `$env:X` would swallow a following name character or colon: brace it only then.
      if (quote === '"')
        return { text: /[\w:]/.test(text[expr.span.end] ?? '') ? `\${env:${name}}` : `$env:${name}`, span: expr.span };
      if (quote === "'") return whole ? { text: `$env:${name}`, span: widened } : undefined;
      return { text: `$env:${name}`, span: expr.span };
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
      return /^\s*tojson\s*\(/i.test(expr.inner)
        ? { text: `JSON.parse(process.env.${name})`, span: expr.span }
        : { text: `process.env.${name}`, span: expr.span };
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
  const edits: TextEdit[] = [];
  let unsafe = false;
  for (const occ of script.expressions) {
    if (text.slice(occ.span.start, occ.span.end) !== exprText) continue;
    const ref = reference(name, lang, text, occ);
    if (!ref) return undefined;
    if (lang === 'javascript' && !quoteAt(text, occ.span.start, lang) && !/^\s*tojson\s*\(/i.test(occ.inner))
      unsafe = true;
    edits.push({ span: ref.span, newText: ref.text });
  }
  if (!existing) {
    const envEdit = addStepEnv(text, step, [{ name, value: exprText }]);
    if (!envEdit) return undefined;
    edits.push(envEdit);
  }
  const where = lang === 'javascript' ? `process.env.${name}` : `$${name}`;
  return {
    title:
      existing && input.existingVar
        ? `Read ${name} from the environment instead of expanding it`
        : `Move ${expr.inner.trim()} to env: ${name} and use ${where}`,
    // Unquoted in JavaScript the expression was code, not a string: the rewrite changes meaning, so it needs review.
    safety: unsafe ? 'unsafe' : 'safe',
    isPreferred: true,
    edits,
  };
}
