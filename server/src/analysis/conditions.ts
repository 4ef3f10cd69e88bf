// Can an `if:` hold? A three-valued reading of GitHub's expression AST under what we know about a run: the event
// that started it, and whether the person who caused it is an outsider. Anything else stays unknown, so the answer
// is "cannot hold" only when the known parts alone make the condition false.
import {
  ContextAccess,
  FunctionCall,
  Grouping,
  IndexAccess,
  Literal,
  Logical,
  Binary,
  Unary,
} from '@actions/expressions/ast';
import { Lexer, Parser, type Expr } from '@actions/expressions';
import { TokenType } from '@actions/expressions/lexer';
import { KNOWN_CONTEXTS } from '../expressions/parse';

export interface RunFacts {
  /** The event that started the run (`github.event_name`). */
  event: string;
  /** The commenter/author/actor has no write-level role and is on no list the workflow names. */
  outsider?: boolean;
  /** The full ref the run is on (`refs/heads/main`), when reasoning about a particular one. */
  ref?: string;
  /** Ids (lower case) of needed jobs that cannot run on this event: their `needs.<id>.result` is 'skipped'. */
  skippedNeeds?: ReadonlySet<string>;
}

type Tri = boolean | undefined;

/** author_association values only people with a role in the repository have (an outsider is NONE, CONTRIBUTOR...). */
const MEMBER_ROLES = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);
/** Who caused the event: compared with fixed logins, these name the person, so an outsider matches none. */
const ACTOR_PATHS = /^github\.(actor|triggering_actor|event\.sender\.login)$/;
/**
 * The payload object whose author is the one who caused each event: on issue_comment the issue's author may be a
 * maintainer while the commenter is an outsider, so only the comment's login and association count there.
 */
const AUTHORED_OBJECT: Record<string, string> = {
  issue_comment: 'comment',
  pull_request_review_comment: 'comment',
  discussion_comment: 'comment',
  pull_request_review: 'review',
  issues: 'issue',
  discussion: 'discussion',
  pull_request_target: 'pull_request',
};

function namesCauser(path: string, field: 'user.login' | 'author_association', event: string): boolean {
  const object = AUTHORED_OBJECT[event];
  return !!object && path === `github.event.${object}.${field}`;
}

function pathOf(e: Expr): string | undefined {
  if (e instanceof Grouping) return pathOf(e.group);
  if (e instanceof ContextAccess) return e.name.lexeme.toLowerCase();
  if (e instanceof IndexAccess && e.index instanceof Literal) {
    const base = pathOf(e.expr);
    const idx = e.index.token;
    return base && `${base}.${String(idx.value ?? idx.lexeme).toLowerCase()}`;
  }
  return undefined;
}

function stringOf(e: Expr): string | undefined {
  if (e instanceof Grouping) return stringOf(e.group);
  return e instanceof Literal && e.token.type === TokenType.STRING ? String(e.token.value) : undefined;
}

/** `fromJSON('["a","b"]')` as a list of strings. */
function listOf(e: Expr): string[] | undefined {
  if (!(e instanceof FunctionCall) || e.functionName.lexeme.toLowerCase() !== 'fromjson') return undefined;
  const json = e.args[0] && stringOf(e.args[0]);
  if (!json) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `path` (a context) has `value` under the facts; undefined when the facts say nothing. */
function matches(path: string, value: string, facts: RunFacts): Tri {
  if (path === 'github.event_name') return value.toLowerCase() === facts.event.toLowerCase();
  if (facts.ref !== undefined && path === 'github.ref') return value === facts.ref;
  if (facts.ref !== undefined && path === 'github.ref_name') return value === refName(facts.ref);
  const need = /^needs\.([^.]+)\.result$/.exec(path);
  if (need && facts.skippedNeeds?.has(need[1])) return value.toLowerCase() === 'skipped';
  if (facts.outsider && (ACTOR_PATHS.test(path) || namesCauser(path, 'user.login', facts.event))) return false;
  if (facts.outsider && namesCauser(path, 'author_association', facts.event) && MEMBER_ROLES.has(value.toUpperCase()))
    return false;
  return undefined;
}

function evaluate(e: Expr, facts: RunFacts): Tri {
  if (e instanceof Grouping) return evaluate(e.group, facts);
  if (e instanceof Literal) {
    if (e.token.type === TokenType.TRUE) return true;
    if (e.token.type === TokenType.FALSE) return false;
    return undefined;
  }
  if (e instanceof Unary && e.operator.lexeme === '!') {
    const inner = evaluate(e.expr, facts);
    return inner === undefined ? undefined : !inner;
  }
  if (e instanceof Logical) {
    const values = e.args.map((a) => evaluate(a, facts));
    if (e.operator.lexeme === '&&') return values.includes(false) ? false : values.every((v) => v) ? true : undefined;
    return values.includes(true) ? true : values.every((v) => v === false) ? false : undefined;
  }
  if (e instanceof Binary && (e.operator.lexeme === '==' || e.operator.lexeme === '!=')) {
    const [path, value] = pathOf(e.left) ? [pathOf(e.left), stringOf(e.right)] : [pathOf(e.right), stringOf(e.left)];
    if (!path || value === undefined) return undefined;
    const equal = matches(path, value, facts);
    if (equal === undefined) return undefined;
    return e.operator.lexeme === '==' ? equal : !equal;
  }
  if (e instanceof FunctionCall && e.functionName.lexeme.toLowerCase() === 'startswith' && e.args.length === 2) {
    const path = pathOf(e.args[0]);
    const prefix = stringOf(e.args[1]);
    if (facts.ref === undefined || prefix === undefined) return undefined;
    if (path === 'github.ref') return facts.ref.startsWith(prefix);
    if (path === 'github.ref_name') return refName(facts.ref).startsWith(prefix);
    return undefined;
  }
  if (e instanceof FunctionCall && e.functionName.lexeme.toLowerCase() === 'contains' && e.args.length === 2) {
    const list = listOf(e.args[0]);
    const path = pathOf(e.args[1]);
    if (!list || !path) return undefined;
    const found = list.map((v) => matches(path, v, facts));
    return found.includes(true) ? true : found.every((v) => v === false) ? false : undefined;
  }
  return undefined;
}

/**
 * False when the `if:` conditions (joined by `&&`, as a step's are with its job's) cannot all hold under the facts;
 * true when they might. A condition that does not parse might hold.
 */
export function conditionsCanHold(conditions: Array<string | undefined>, facts: RunFacts): boolean {
  return allCanHold(parsedConditions(conditions), facts);
}

function allCanHold(asts: Expr[], facts: RunFacts): boolean {
  for (const ast of asts) if (evaluate(ast, facts) === false) return false;
  return true;
}

/** The conditions that parse (one that does not might hold). */
function parsedConditions(conditions: Array<string | undefined>): Expr[] {
  const asts: Expr[] = [];
  for (const cond of conditions) {
    const ast = cond?.trim() ? parsed(cond) : undefined;
    if (ast) asts.push(ast);
  }
  return asts;
}

function refName(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '');
}

/** The status functions of `if:` (not among the expression library's built-ins): they say nothing about the event. */
const STATUS_FUNCTIONS = ['always', 'success', 'failure', 'cancelled'].map((name) => ({
  name,
  minArgs: 0,
  maxArgs: 0,
}));
const conditionAsts = new Map<string, Expr | undefined>();

/** An `if:` as an AST, with the status functions known (the shared parser rejects them, which left such `if:`s unread). */
function parsed(cond: string): Expr | undefined {
  const inner = cond.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  if (conditionAsts.has(inner)) return conditionAsts.get(inner);
  let ast: Expr | undefined;
  try {
    ast = new Parser(new Lexer(inner).lex().tokens, KNOWN_CONTEXTS, STATUS_FUNCTIONS).parse();
  } catch {
    ast = undefined;
  }
  if (conditionAsts.size > 20000) conditionAsts.clear();
  conditionAsts.set(inner, ast);
  return ast;
}

/** Refs the conditions name (`github.ref == 'refs/heads/stable'`, `startsWith(github.ref_name, 'release/')`). */
function namedRefs(asts: Expr[]): string[] {
  const refs = new Set<string>();
  const visit = (e: Expr): void => {
    if (e instanceof Grouping) visit(e.group);
    else if (e instanceof Unary) visit(e.expr);
    else if (e instanceof Logical) e.args.forEach(visit);
    else if (e instanceof Binary || e instanceof FunctionCall) {
      const [a, b] = e instanceof Binary ? [e.left, e.right] : e.args;
      if (!a || !b) return;
      const [path, value] = pathOf(a) ? [pathOf(a), stringOf(b)] : [pathOf(b), stringOf(a)];
      if (value === undefined) return;
      const prefix = e instanceof FunctionCall ? 'x' : '';
      if (path === 'github.ref') refs.add(value + prefix);
      if (path === 'github.ref_name') refs.add(`refs/heads/${value}${prefix}`);
    }
  };
  for (const ast of asts) visit(ast);
  return [...refs];
}

/**
 * True when some trigger event and some ref let every condition hold: the refs tried are those the conditions name
 * and one they do not (so `github.ref == 'refs/heads/stable'` in a step and `github.ref_name == 'main'` in its job
 * cannot both hold).
 */
export function conditionsCanEverHold(events: string[], conditions: Array<string | undefined>): boolean {
  // Most steps and jobs have no `if:`: nothing to key or look up.
  if (events.length === 0 || conditions.every((c) => !c?.trim())) return true;
  // Asked for every step with its job's condition; generated workflows repeat the same conditions step after step.
  const key = JSON.stringify([events, conditions]);
  let holds = EVER_HOLDS.get(key);
  if (holds === undefined) {
    holds = canEverHold(events, conditions);
    if (EVER_HOLDS.size >= 10_000) EVER_HOLDS.clear();
    EVER_HOLDS.set(key, holds);
  }
  return holds;
}

const EVER_HOLDS = new Map<string, boolean>();

function canEverHold(events: string[], conditions: Array<string | undefined>): boolean {
  const asts = parsedConditions(conditions);
  if (asts.length === 0) return true;
  const refs = [...namedRefs(asts), 'refs/heads/(a branch no condition names)'];
  return events.some((event) => refs.some((ref) => allCanHold(asts, { event, ref })));
}
