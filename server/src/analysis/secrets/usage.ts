// Where secrets flow inside a file: which env variables carry a secret, and every expression of the document.
import type { AnalysisContext } from '../../engine/context';
import { findExpressions, type ExpressionOccurrence } from '../../expressions/parse';
import type { Block } from '../../model/common';

/** Every `${{ }}` of the document, found once per file. */
export function documentExpressions(ctx: AnalysisContext): ExpressionOccurrence[] {
  return ctx.cached('secrets:expressions', () => findExpressions(ctx.text));
}

/** Does this expression read a secret (other than the automatic GITHUB_TOKEN)? */
export function readsSecret(expr: ExpressionOccurrence): boolean {
  return expr.contexts.some((c) => c.segments[0] === 'secrets' && c.segments[1] !== 'github_token');
}

/** Names of the env variables (in these blocks) whose value reads a secret. */
export function secretEnvNames(...blocks: Array<Block | undefined>): Set<string> {
  const names = new Set<string>();
  for (const b of blocks) for (const e of b?.entries ?? []) if (e.value?.expressions.some(readsSecret)) names.add(e.name);
  return names;
}

/** Does a script mention the variable ($NAME, ${NAME}, $env:NAME, %NAME%) or an expression env.NAME? */
export function scriptUsesVar(script: string, name: string): boolean {
  const n = name.replace(/[^A-Za-z0-9_]/g, '');
  return new RegExp(`\\$\\{?${n}\\b|\\$env:${n}\\b|%${n}%|\\benv\\.${n}\\b|\\benv\\[['"]${n}['"]\\]`, 'i').test(script);
}
