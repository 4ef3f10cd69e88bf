// `${{ ... }}` expressions: found by scanning the source text (so offsets are exact inside block scalars)
// and parsed with GitHub's own expression parser (@actions/expressions) into a positioned AST.
import { Lexer, Parser, type Expr } from '@actions/expressions';
import { TokenType } from '@actions/expressions/lexer';
import {
  ContextAccess,
  FunctionCall,
  IndexAccess,
  Literal,
  Logical,
  Binary,
  Unary,
  Grouping,
} from '@actions/expressions/ast';
import type { Span } from '../text/span';

export const KNOWN_CONTEXTS = [
  'github',
  'env',
  'vars',
  'job',
  'jobs',
  'steps',
  'runner',
  'secrets',
  'strategy',
  'matrix',
  'needs',
  'inputs',
];

/** A context path such as github.event.pull_request.title; `*` stands for a filter, `[expr]` for a computed index. */
export interface ContextRef {
  path: string;
  /** Lower-cased segments. */
  segments: string[];
  span: Span;
  /** Function calls this reference is an argument of, innermost first (e.g. ['tojson']). */
  enclosingFunctions: string[];
}

export interface ExpressionOccurrence {
  /** The span of `${{ ... }}` including delimiters. */
  span: Span;
  /** The span of the inner text. */
  innerSpan: Span;
  inner: string;
  ast?: Expr;
  error?: string;
  contexts: ContextRef[];
}

/** Finds every `${{ ... }}` in text[span.start, span.end). */
export function findExpressions(text: string, span: Span = { start: 0, end: text.length }): ExpressionOccurrence[] {
  const out: ExpressionOccurrence[] = [];
  let i = text.indexOf('${{', span.start);
  while (i !== -1 && i < span.end) {
    const close = findClose(text, i + 3, span.end);
    if (close === -1) break;
    const innerSpan = { start: i + 3, end: close };
    const inner = text.slice(innerSpan.start, innerSpan.end);
    out.push({ span: { start: i, end: close + 2 }, innerSpan, inner, ...parseExpression(inner, innerSpan.start) });
    i = text.indexOf('${{', close + 2);
  }
  return out;
}

/** The closing `}}`, skipping string literals (which may contain `}}`). */
function findClose(text: string, from: number, limit: number): number {
  let inString = false;
  for (let j = from; j < limit - 1; j++) {
    const c = text[j];
    if (c === "'") {
      if (inString && text[j + 1] === "'") {
        j++;
        continue;
      }
      inString = !inString;
    } else if (!inString && c === '}' && text[j + 1] === '}') return j;
  }
  return -1;
}

/** An expression body parsed once, with its context references at offsets relative to the body's first character. */
interface ParsedBody {
  ast?: Expr;
  error?: string;
  contexts: ContextRef[];
}

/**
 * Bodies repeat across steps, jobs and files (`github.event.pull_request.head.sha`, `secrets.GITHUB_TOKEN`): each is
 * lexed, parsed and walked for its contexts once per thread.
 */
const parseCache = new Map<string, ParsedBody>();

function parseBody(inner: string): ParsedBody {
  let parsed = parseCache.get(inner);
  if (parsed) return parsed;
  let ast: Expr | undefined;
  try {
    const lexed = new Lexer(inner).lex();
    ast = new Parser(lexed.tokens, KNOWN_CONTEXTS, []).parse();
  } catch (err) {
    parsed = { error: (err as Error).message, contexts: fallbackContexts(inner, 0) };
  }
  if (!parsed) {
    const lineStarts = [0];
    for (let k = 0; k < inner.length; k++) if (inner.charCodeAt(k) === 10) lineStarts.push(k + 1);
    const contexts: ContextRef[] = [];
    collectContexts(ast!, [], contexts, (p) => (lineStarts[p.line] ?? 0) + p.column);
    parsed = { ast, contexts };
  }
  if (parseCache.size > 20000) parseCache.clear();
  parseCache.set(inner, parsed);
  return parsed;
}

/** Parses an expression body; `base` is the offset of its first character in the document. */
export function parseExpression(inner: string, base: number): { ast?: Expr; error?: string; contexts: ContextRef[] } {
  const parsed = parseBody(inner);
  // Fresh references (their spans are this occurrence's); path, segments and functions are shared and read-only.
  const contexts = parsed.contexts.map((c): ContextRef => ({
    path: c.path,
    segments: c.segments,
    span: { start: base + c.span.start, end: base + c.span.end },
    enclosingFunctions: c.enclosingFunctions,
  }));
  return parsed.ast ? { ast: parsed.ast, contexts } : { error: parsed.error, contexts };
}

type ToOffset = (p: { line: number; column: number }) => number;

function collectContexts(e: Expr, fns: string[], out: ContextRef[], toOffset: ToOffset): void {
  const chain = accessChain(e);
  if (chain) {
    out.push({
      path: chain.segments.join('.'),
      segments: chain.segments.map((s) => s.toLowerCase()),
      span: { start: toOffset(chain.start), end: toOffset(chain.end) },
      enclosingFunctions: fns,
    });
    for (const idx of chain.computedIndexes) collectContexts(idx, fns, out, toOffset);
    return;
  }
  if (e instanceof FunctionCall) {
    const inner = [e.functionName.lexeme.toLowerCase(), ...fns];
    for (const a of e.args) collectContexts(a, inner, out, toOffset);
  } else if (e instanceof Logical) {
    for (const a of e.args) collectContexts(a, fns, out, toOffset);
  } else if (e instanceof Binary) {
    collectContexts(e.left, fns, out, toOffset);
    collectContexts(e.right, fns, out, toOffset);
  } else if (e instanceof Unary) {
    collectContexts(e.expr, fns, out, toOffset);
  } else if (e instanceof Grouping) {
    collectContexts(e.group, fns, out, toOffset);
  } else if (e instanceof IndexAccess) {
    collectContexts(e.expr, fns, out, toOffset);
    collectContexts(e.index, fns, out, toOffset);
  }
}

interface Chain {
  segments: string[];
  start: { line: number; column: number };
  end: { line: number; column: number };
  computedIndexes: Expr[];
}

/** Flattens github.event['x'].y / github.event.*.z into segments; undefined when e is not rooted at a context. */
function accessChain(e: Expr): Chain | undefined {
  if (e instanceof ContextAccess) {
    return { segments: [e.name.lexeme], start: e.name.range.start, end: e.name.range.end, computedIndexes: [] };
  }
  if (e instanceof IndexAccess) {
    const base = accessChain(e.expr);
    if (!base) return undefined;
    const idx = e.index;
    // `.name` arrives as an IDENTIFIER literal, `['name']` as a STRING literal.
    if (idx instanceof Literal && (idx.token.type === TokenType.STRING || idx.token.type === TokenType.IDENTIFIER)) {
      base.segments.push(String(idx.token.value ?? idx.token.lexeme));
      // A quoted index is written github['x']: the span ends after the closing bracket.
      const end = idx.token.range.end;
      base.end = idx.token.lexeme.startsWith("'") ? { line: end.line, column: end.column + 1 } : end;
    } else if (idx.constructor.name === 'Star') {
      base.segments.push('*');
    } else if (idx instanceof Literal) {
      base.segments.push('*');
      base.end = idx.token.range.end;
    } else {
      base.segments.push('*');
      base.computedIndexes.push(idx);
    }
    return base;
  }
  return undefined;
}

const CONTEXT_PATH =
  /\b(github|env|vars|job|jobs|steps|runner|secrets|strategy|matrix|needs|inputs)((?:\.[A-Za-z_*][\w-]*|\[[^\]]*\])*)/g;

/** For expressions GitHub's parser rejects: still find the context paths, so nothing dangerous hides behind a typo. */
function fallbackContexts(inner: string, base: number): ContextRef[] {
  const out: ContextRef[] = [];
  for (const m of inner.matchAll(CONTEXT_PATH)) {
    const path = m[0].replace(/\[['"]?([^\]'"]*)['"]?\]/g, '.$1');
    out.push({
      path,
      segments: path.toLowerCase().split('.'),
      span: { start: base + m.index!, end: base + m.index! + m[0].length },
      enclosingFunctions: [],
    });
  }
  return out;
}
