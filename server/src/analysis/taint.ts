// Taint: which expression values may carry attacker-controlled text. Sources are the untrusted contexts of
// contexts.ts and workflow/action inputs; taint flows through `env:` (workflow, job, step, and `$GITHUB_ENV`
// writes), step outputs (`$GITHUB_OUTPUT` writes and actions known to echo untrusted data) and job outputs (`needs`).
// Only values that reach the expression's result count: `github.event.issue.title == 'x'` is a boolean.
import {
  FunctionCall,
  Logical,
  Binary,
  Unary,
  Grouping,
  IndexAccess,
  ContextAccess,
  type Expr,
} from '@actions/expressions/ast';
import type { AnalyzedFile } from './file';
import {
  REF_CONTEXT_PATTERNS,
  TAINTED_OUTPUT_ACTIONS,
  type TaintedOutputGroup,
  type ValueKind,
} from '../knowledge/untrusted-input';
import { inRange, parseVersion } from './supply-chain/versions';
import type { Confidence } from './levels';
import type { ContextRef, ExpressionOccurrence } from '../expressions/parse';
import type { ActionMetadata } from '../model/action';
import type { Block, ScalarValue } from '../model/common';
import type { Job, Step, Workflow } from '../model/workflow';
import { classifyContext, matchesPattern } from './contexts';
import { conditionalReach, severityForReach, workflowReach, type Reach } from './triggers';
import { callersOf, findCallers, type Callers } from './callers';
import { scriptSinks, type ShellSink } from './shell-flow';
import { stepLanguage } from './shell-words';

/** Where tainted text comes from; rules scale severity by it. */
export type TaintSource = 'event' | 'dispatch-input' | 'call-input' | 'action-input';

export interface Taint {
  confidence: Confidence;
  source: TaintSource;
  /** The original context, e.g. github.event.issue.title. */
  origin: string;
  /** How it got here, e.g. `env.TITLE` or `steps.meta.outputs.branch`; undefined when direct. */
  via?: string;
  /** For an input resolved from this repository's callers: who can run the caller that passes the text. */
  reach?: Reach;
  /** For an input resolved from a caller: the caller's `with:` entry (path:line). */
  caller?: string;
  /** What the text can hold, when known: free text, file names, a git ref name. */
  kind?: ValueKind;
  /** The action backslash-escapes shell characters in it: inert in a POSIX shell script, not elsewhere. */
  shellEscaped?: boolean;
  /** Set by `container.env`: the job's processes see the variable, but the `env` context does not hold it. */
  processOnly?: boolean;
}

export interface TaintScope {
  /** Lower-cased env var name -> taint. */
  env: Map<string, Taint>;
  /** step id -> output name (or '*') -> taint. */
  steps: Map<string, StepOutputs>;
  /** job id -> output name -> taint. */
  needs: Map<string, Map<string, Taint>>;
  /** input name (or '*' for undeclared ones) -> taint; null for a declared input whose type makes it safe. */
  inputs: Map<string, Taint | null>;
}

/** The taint of a step's output by name (undefined when the output is clean). */
export type StepOutputs = (name: string) => Taint | undefined;

export interface TaintedRef {
  ref: ContextRef;
  taint: Taint;
}

const CONFIDENCE_ORDER: Confidence[] = ['low', 'medium', 'high'];
export function minConfidence(a: Confidence, b: Confidence): Confidence {
  return CONFIDENCE_ORDER[Math.min(CONFIDENCE_ORDER.indexOf(a), CONFIDENCE_ORDER.indexOf(b))];
}

/** Functions whose result is a boolean or a hash: nothing of their arguments reaches the value. */
const NON_FLOWING_FUNCTIONS = new Set([
  'contains',
  'startswith',
  'endswith',
  'success',
  'always',
  'failure',
  'cancelled',
  'hashfiles',
]);

/** Offsets of the context references whose value can reach the expression's result. */
function flowingStarts(e: Expr, toOffset: (p: { line: number; column: number }) => number, out: Set<number>): void {
  if (e instanceof ContextAccess) out.add(toOffset(e.name.range.start));
  else if (e instanceof IndexAccess) flowingStarts(e.expr, toOffset, out);
  else if (e instanceof Logical) {
    // `a && b` yields a only when a is falsy ('', false, 0, null), which carries no payload: only the last operand flows.
    const flowing = e.operator.lexeme === '&&' ? e.args.slice(-1) : e.args;
    for (const a of flowing) flowingStarts(a, toOffset, out);
  } else if (e instanceof Grouping) flowingStarts(e.group, toOffset, out);
  else if (e instanceof FunctionCall) {
    if (!NON_FLOWING_FUNCTIONS.has(e.functionName.lexeme.toLowerCase()))
      for (const a of e.args) flowingStarts(a, toOffset, out);
  }
  // Binary (==, !=, <, ...) and Unary (!) yield booleans; literals carry nothing.
  else if (e instanceof Binary || e instanceof Unary) return;
}

/** The context references in `expr` whose value flows into its result. */
export function flowingContexts(expr: ExpressionOccurrence): ContextRef[] {
  if (!expr.ast) return expr.contexts;
  const lineStarts = [0];
  for (let k = 0; k < expr.inner.length; k++) if (expr.inner[k] === '\n') lineStarts.push(k + 1);
  const base = expr.innerSpan.start;
  const starts = new Set<number>();
  flowingStarts(expr.ast, (p) => base + (lineStarts[p.line] ?? 0) + p.column, starts);
  return expr.contexts.filter((c) => starts.has(c.span.start));
}

/** The taint of one context reference in a scope, or undefined when it is safe or unknown. */
export function refTaint(ref: ContextRef, scope: TaintScope): Taint | undefined {
  const s = ref.segments;
  switch (s[0]) {
    case 'github': {
      if (s[1] === 'event' && s[2] === 'inputs')
        return s.length > 3 ? inputTaint(scope, s[3], ref.path) : (scope.inputs.get('*') ?? undefined);
      if (s[1] === 'event' && s[2] === 'client_payload')
        return { confidence: 'medium', source: 'dispatch-input', origin: ref.path };
      const trust = classifyContext(s);
      if (trust.kind !== 'untrusted') return undefined;
      const isRef = REF_CONTEXT_PATTERNS.some((p) => matchesPattern(s, p));
      return { confidence: trust.confidence, source: 'event', origin: ref.path, kind: isRef ? 'ref' : 'text' };
    }
    case 'env': {
      const t = s[1] ? scope.env.get(s[1]) : undefined;
      return t?.processOnly ? undefined : withVia(t, ref.path);
    }
    case 'steps':
      if (s[2] !== 'outputs' || !s[1]) return undefined;
      return withVia(scope.steps.get(s[1])?.(s[3] ?? '*'), ref.path);
    case 'needs':
      if (s[2] !== 'outputs' || !s[1]) return undefined;
      return withVia(scope.needs.get(s[1])?.get(s[3] ?? '*'), ref.path);
    case 'inputs':
      return s[1] ? inputTaint(scope, s[1], ref.path) : (scope.inputs.get('*') ?? undefined);
    default:
      return undefined;
  }
}

function inputTaint(scope: TaintScope, name: string, path: string): Taint | undefined {
  const t = scope.inputs.has(name) ? scope.inputs.get(name) : scope.inputs.get('*');
  // Text a caller passes keeps its origin (the event field); the input is one more hop.
  if (t?.caller) return withVia(t, path);
  return t ? { ...t, origin: path } : undefined;
}

/** Appends a hop to the taint's path (`env.TITLE -> steps.meta.outputs.title`). */
function withVia(t: Taint | undefined, hop: string): Taint | undefined {
  if (!t) return undefined;
  if (!t.via) return { ...t, via: hop };
  return t.via === hop || t.via.endsWith(` -> ${hop}`) ? t : { ...t, via: `${t.via} -> ${hop}` };
}

/** Tainted references whose value reaches the result of `expr`. */
export function expressionTaints(expr: ExpressionOccurrence, scope: TaintScope): TaintedRef[] {
  const out: TaintedRef[] = [];
  for (const ref of flowingContexts(expr)) {
    const taint = refTaint(ref, scope);
    if (taint) out.push({ ref, taint });
  }
  return out;
}

/** The strongest taint among expressions (highest confidence). */
function strongest(taints: Taint[]): Taint | undefined {
  let best: Taint | undefined;
  for (const t of taints)
    if (!best || CONFIDENCE_ORDER.indexOf(t.confidence) > CONFIDENCE_ORDER.indexOf(best.confidence)) best = t;
  return best;
}

function valueTaint(exprs: ExpressionOccurrence[] | undefined, scope: TaintScope): Taint | undefined {
  if (!exprs?.length) return undefined;
  return strongest(exprs.flatMap((e) => expressionTaints(e, scope).map((t) => t.taint)));
}

/** Environment files a script writes: where an expression's text, kept in a variable, reaches later steps. */
const WRITES_ENV_FILE = /GITHUB_(?:ENV|OUTPUT|PATH)/;

/**
 * The sinks of a step's script where the environment files are concerned, with the tainted `${{ }}` expressions it
 * expands counted as sources as well as its env: `V=$(echo "${{ inputs.v }}" | xargs)` and then
 * `echo "v=$V" >> $GITHUB_OUTPUT` carries the input just as `V=$(echo "$INPUTS_V" | xargs)` does, and the
 * template-injection fix turns the one into the other without changing what reaches later steps. Each expression is
 * read as a variable of the same length (`${_FG0___…}`), so every offset stays the source's.
 */
export function envFileSinks(
  step: Step,
  job: Job | undefined,
  scope: TaintScope,
  text: string,
): Array<ShellSink<Taint>> {
  const run = step.run;
  if (!run) return [];
  const language = stepLanguage(step, job);
  const tainted = WRITES_ENV_FILE.test(run.text)
    ? run.expressions.flatMap((e) => {
        const t = valueTaint([e], scope);
        return t ? [{ e, t }] : [];
      })
    : [];
  if (!tainted.length || language !== 'posix') return scriptSinks(run, text, language, scope.env);
  const env = new Map(scope.env);
  let patched = '';
  let from = 0;
  for (const [i, { e, t }] of tainted.entries()) {
    const width = e.span.end - e.span.start - 3;
    const name = `_FG${i}`;
    if (width < name.length) continue;
    patched += `${text.slice(from, e.span.start)}\${${name.padEnd(width, '_')}}`;
    from = e.span.end;
    env.set(name.padEnd(width, '_').toLowerCase(), t);
  }
  patched += text.slice(from);
  return scriptSinks({ ...run }, patched, language, env);
}

/** Env entries of a block added to a copy of `env`, tainted where their value is. */
function extendEnv(env: Map<string, Taint>, block: Block | undefined, scope: TaintScope): Map<string, Taint> {
  if (!block?.entries.length) return env;
  const next = new Map(env);
  for (const e of block.entries) {
    const t = valueTaint(e.value?.expressions, { ...scope, env });
    if (t) next.set(e.name.toLowerCase(), withVia(t, `env.${e.name}`)!);
    else next.delete(e.name.toLowerCase());
  }
  return next;
}

const SHELL_VAR =
  /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?|\$env:([A-Za-z_][A-Za-z0-9_]*)|%([A-Za-z_][A-Za-z0-9_]*)%|process\.env\.([A-Za-z_][A-Za-z0-9_]*)|os\.environ\[["']([A-Za-z_][A-Za-z0-9_]*)["']\]/g;

/** Environment variables referenced in script text that hold tainted values. */
export function taintedShellVars(
  text: string,
  env: Map<string, Taint>,
): Array<{ name: string; taint: Taint; index: number }> {
  const out: Array<{ name: string; taint: Taint; index: number }> = [];
  if (env.size === 0) return out;
  for (const m of text.matchAll(SHELL_VAR)) {
    const name = m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5];
    const t = env.get(name.toLowerCase());
    if (t) out.push({ name, taint: readByProcess(t), index: m.index! });
  }
  return out;
}

/** The taint a process reads from its environment: from there on (an output, `$GITHUB_ENV`) it is ordinary text. */
function readByProcess(t: Taint): Taint {
  if (!t.processOnly) return t;
  const { processOnly: _processOnly, ...rest } = t;
  return rest;
}

export interface ScriptLine {
  /** The source text of the line (block scalar indentation included). */
  line: string;
  start: number;
  end: number;
  /** Expressions lying entirely on this line. */
  expressions: ExpressionOccurrence[];
}

/** The source lines of a script with their expressions, in one linear pass (no per-line search over the script). */
export function scriptLines(script: ScalarValue, text: string): ScriptLine[] {
  const out: ScriptLine[] = [];
  const exprs = script.expressions;
  let next = 0;
  let start = script.span.start;
  for (const line of text.slice(script.span.start, script.span.end).split('\n')) {
    const end = start + line.length;
    while (next < exprs.length && exprs[next].span.start < start) next++;
    const onLine: ExpressionOccurrence[] = [];
    for (let k = next; k < exprs.length && exprs[k].span.start < end; k++)
      if (exprs[k].span.end <= end) onLine.push(exprs[k]);
    out.push({ line, start, end, expressions: onLine });
    start = end + 1;
  }
  return out;
}

/** Taint of one script line: its expressions, or the tainted env vars it reads. */
export function lineTaint(line: ScriptLine, scope: TaintScope): Taint | undefined {
  return valueTaint(line.expressions, scope) ?? strongest(taintedShellVars(line.line, scope.env).map((v) => v.taint));
}

const OUTPUT_LINE = /(?:GITHUB_OUTPUT|set-output)/;
const SET_OUTPUT_NAME = /::set-output name=([\w-]+)::/;
const OUTPUT_NAME = /(?:^|["'\s])([A-Za-z_][\w-]*)(?:=|<<)/;
const ENV_LINE = /GITHUB_ENV/;

/** Walks one job's steps in order, recording each step's scope and the taint its outputs carry. */
function walkSteps(steps: Step[], base: TaintScope, text: string, stepScopes: Map<Step, TaintScope>, job?: Job): void {
  let jobEnv = base.env;
  for (const step of steps) {
    const scope: TaintScope = { ...base, env: extendEnv(jobEnv, step.env, { ...base, env: jobEnv }) };
    stepScopes.set(step, scope);
    const outputs = new Map<string, Taint>();
    const slug = step.uses?.slug;
    const patterns: Array<{ pattern: RegExp; taint: Taint }> = [];
    for (const group of (slug && TAINTED_OUTPUT_ACTIONS.get(slug)) || []) {
      const taint = knownOutputTaint(slug!, step.uses!.ref, group);
      if (group.outputs instanceof RegExp) patterns.push({ pattern: group.outputs, taint });
      else for (const name of group.outputs === '*' ? ['*'] : group.outputs) outputs.set(name, taint);
    }
    if (step.run && (OUTPUT_LINE.test(step.run.text) || ENV_LINE.test(step.run.text))) {
      for (const scriptLine of scriptLines(step.run, text)) {
        const line = scriptLine.line;
        const isOutput = OUTPUT_LINE.test(line);
        const isEnv = ENV_LINE.test(line);
        if (!isOutput && !isEnv) continue;
        const t = lineTaint(scriptLine, scope);
        if (!t) continue;
        const name = (SET_OUTPUT_NAME.exec(line) ??
          OUTPUT_NAME.exec(line.replace(/^\s*(echo|printf)\s+(-\w+\s+)*/, ' ')))?.[1];
        if (isOutput) outputs.set(name ?? '*', name ? t : { ...t, confidence: minConfidence(t.confidence, 'medium') });
        // A tainted `NAME=value >> $GITHUB_ENV` taints env.NAME for the following steps.
        else if (name) jobEnv = new Map(jobEnv).set(name.toLowerCase(), withVia(t, `$GITHUB_ENV ${name}`)!);
      }
    }
    // What the line reader cannot see: a variable the script derived from tainted text, a heredoc body.
    if (step.run)
      for (const sink of envFileSinks(step, job, scope, text)) {
        if (sink.kind !== 'env-file' || sink.file === 'GITHUB_PATH') continue;
        const name = sink.written;
        if (sink.file === 'GITHUB_OUTPUT') {
          if (!outputs.has(name ?? '*'))
            outputs.set(
              name ?? '*',
              name ? sink.taint : { ...sink.taint, confidence: minConfidence(sink.taint.confidence, 'medium') },
            );
        } else if (name && !jobEnv.has(name.toLowerCase()))
          jobEnv = new Map(jobEnv).set(name.toLowerCase(), withVia(sink.taint, `$GITHUB_ENV ${name}`)!);
      }
    if (slug === 'actions/github-script') {
      const script = step.with?.entries.find((e) => e.name === 'script')?.value;
      const t = valueTaint(script?.expressions, scope);
      if (t && /setOutput|return\b/.test(script!.text))
        outputs.set('*', { ...t, confidence: minConfidence(t.confidence, 'medium') });
      else if (
        script &&
        /context\.payload\.(comment|issue|pull_request|review|discussion)\S*\.(body|title|ref)\b/.test(script.text) &&
        /setOutput|return\b/.test(script.text)
      ) {
        outputs.set('*', { confidence: 'medium', source: 'event', origin: 'context.payload in github-script' });
      }
    }
    if (step.id && (outputs.size || patterns.length)) {
      base.steps.set(
        step.id.text.toLowerCase(),
        (name) => outputs.get(name) ?? patterns.find((p) => p.pattern.test(name))?.taint ?? outputs.get('*'),
      );
    }
  }
}

/**
 * The taint of a group of outputs an action is known to copy from attacker text: medium (the action's docs, not this
 * file, say what they hold), marked shell-escaped from the version on that escapes shell characters by default.
 */
function knownOutputTaint(slug: string, ref: string | undefined, group: TaintedOutputGroup): Taint {
  const version = ref ? parseVersion(ref) : undefined;
  const escaped = !!group.escapedSince && !!version && inRange(version, `>= ${group.escapedSince}`);
  return {
    confidence: 'medium',
    source: 'event',
    origin: `outputs of ${slug}`,
    kind: group.kind,
    ...(escaped ? { shellEscaped: true } : {}),
  };
}

export interface WorkflowTaint {
  reach: Reach;
  /** The scope a step's expressions are evaluated in (env up to and including the step's own env). */
  stepScope(step: Step): TaintScope;
  /** The scope of job-level keys (job env, if, with of a reusable workflow call). */
  jobScope(job: Job): TaintScope;
  /** Who can make this job (or step) run, after its `if:` conditions. */
  reachOf(job: Job, step?: Step): Reach;
}

const SAFE_INPUT_TYPES = new Set(['boolean', 'number', 'choice', 'environment']);

function workflowInputs(
  wf: Workflow,
  callers: Callers | undefined,
  depth: number,
  visiting?: ReadonlySet<string>,
): Map<string, Taint | null> {
  const inputs = new Map<string, Taint | null>();
  const events = new Set(wf.triggers.map((t) => t.event));
  for (const input of wf.inputs) {
    const name = input.name.toLowerCase();
    const prior = inputs.get(name);
    if (input.type && SAFE_INPUT_TYPES.has(input.type)) {
      if (prior === undefined) inputs.set(name, null);
      continue;
    }
    // A workflow_call input is the weaker guarantee: its caller may pass event data straight through.
    if (prior?.source === 'call-input') continue;
    inputs.set(
      name,
      input.event === 'workflow_call'
        ? { confidence: 'low', source: 'call-input', origin: `inputs.${input.name}` }
        : { confidence: 'medium', source: 'dispatch-input', origin: `inputs.${input.name}` },
    );
  }
  // Undeclared inputs (a typo, or a dispatch via the API) are strings.
  if (events.has('workflow_call')) inputs.set('*', { confidence: 'low', source: 'call-input', origin: 'inputs' });
  else if (events.has('workflow_dispatch'))
    inputs.set('*', { confidence: 'low', source: 'dispatch-input', origin: 'inputs' });
  if (!callers?.calls.length || !events.has('workflow_call')) return inputs;
  // The callers in this repository decide what the workflow_call inputs hold; a dispatch declaration still stands.
  const resolved = inputsFromCallers(
    callers,
    wf.inputs.filter((i) => i.event === 'workflow_call').map((i) => i.name),
    depth,
    visiting,
  );
  for (const [name, taint] of resolved) {
    if (inputs.get(name) === null && name !== '*') continue;
    if (taint) inputs.set(name, taint);
    else {
      const dispatch = wf.inputs.find((i) => i.name.toLowerCase() === name && i.event === 'workflow_dispatch');
      inputs.set(
        name,
        name === '*' && events.has('workflow_dispatch')
          ? { confidence: 'low', source: 'dispatch-input', origin: 'inputs' }
          : dispatch && !(dispatch.type && SAFE_INPUT_TYPES.has(dispatch.type))
            ? { confidence: 'medium', source: 'dispatch-input', origin: `inputs.${dispatch.name}` }
            : null,
      );
    }
  }
  return inputs;
}

const REACH_RANK: Record<Reach, number> = { 'outsider-privileged': 4, outsider: 3, caller: 2, maintainer: 1 };

/** How strong a caller-supplied taint is: event text first, by the caller's reach; then confidence. */
function callerTaintRank(t: Taint): number {
  return (
    (t.source === 'event' ? 10 : 0) + (t.reach ? REACH_RANK[t.reach] * 3 : 0) + CONFIDENCE_ORDER.indexOf(t.confidence)
  );
}

/**
 * Input name -> the strongest taint any visible caller passes (null when every caller passes constants, matrix values
 * or trusted contexts, or leaves the default). '*' covers inputs no caller names. A caller that is itself a reusable
 * workflow or a composite action takes its inputs from its own callers, up to MAX_CALLER_DEPTH hops and never through
 * a file already on the path; beyond that (or with none visible) an input a caller forwards stays "depends on what its
 * callers pass".
 */
function inputsFromCallers(
  callers: Callers,
  declared: string[],
  depth: number,
  visiting: ReadonlySet<string> = new Set(),
): Map<string, Taint | null> {
  const out = new Map<string, Taint | null>([['*', null]]);
  for (const name of declared) out.set(name.toLowerCase(), null);
  const workflowTaints = new Map<Workflow, WorkflowTaint>();
  const actionTaints = new Map<ActionMetadata, ActionTaint>();
  const deeper = depth + 1 < MAX_CALLER_DEPTH;
  for (const call of callers.calls) {
    const onPath = new Set([...visiting, call.path]);
    let scope: TaintScope;
    let reach: Reach | undefined;
    if (call.kind === 'workflow') {
      let t = workflowTaints.get(call.wf);
      if (!t) {
        const outer =
          deeper && !visiting.has(call.path) && call.wf.triggers.some((tr) => tr.event === 'workflow_call')
            ? callersOf(callers.readFile, call.path, 'workflow')
            : undefined;
        t = outer ? computeWorkflowTaint(call.wf, outer, depth + 1, undefined, onPath) : ownTaint(call.wf);
        workflowTaints.set(call.wf, t);
      }
      scope = call.step ? t.stepScope(call.step) : t.jobScope(call.job);
      reach = t.reachOf(call.job, call.step);
    } else {
      let t = actionTaints.get(call.action);
      if (!t) {
        const outer = deeper && !visiting.has(call.path) ? callersOf(callers.readFile, call.path, 'action') : undefined;
        const inputs = outer?.calls.length
          ? inputsFromCallers(
              outer,
              call.action.inputs.map((i) => i.name),
              depth + 1,
              onPath,
            )
          : unknownActionInputs();
        actionTaints.set(call.action, (t = actionTaintWithInputs(call.action, inputs)));
      }
      scope = t.stepScope(call.step);
      // An action runs with its own callers' event: text it forwards keeps the reach it was passed with.
      reach = undefined;
    }
    for (const [name, arg] of call.args) {
      const hit = strongest(arg.expressions.flatMap((e) => expressionTaints(e, scope).map((h) => h.taint)));
      const prior = out.get(name) ?? null;
      if (!hit) {
        if (!out.has(name)) out.set(name, null);
        continue;
      }
      const passed: Taint = {
        ...hit,
        via: `${hit.via ? `${hit.via} -> ` : ''}${arg.where} with.${name}`,
        reach: reach ?? hit.reach,
        caller: arg.where,
      };
      if (!prior || callerTaintRank(passed) > callerTaintRank(prior)) out.set(name, passed);
    }
  }
  return out;
}

/**
 * The taint of a caller workflow whose own callers are not followed: it depends on the model alone, and caller models
 * are shared per repository reader, so every callee of a repository reuses it (actions called from one big workflow).
 */
const ownTaints = new WeakMap<Workflow, WorkflowTaint>();
function ownTaint(wf: Workflow): WorkflowTaint {
  let t = ownTaints.get(wf);
  if (!t) ownTaints.set(wf, (t = computeWorkflowTaint(wf, undefined, MAX_CALLER_DEPTH)));
  return t;
}

/** The inputs of an action none of whose callers is visible: whatever its callers pass, low. */
function unknownActionInputs(): Map<string, Taint | null> {
  return new Map([['*', { confidence: 'low', source: 'action-input', origin: 'inputs' }]]);
}

/** The widest reach among the callers' calling jobs and steps (undefined when none is visible). */
function callersReach(callers: Callers | undefined): Reach | undefined {
  let best: Reach | undefined;
  for (const call of callers?.calls ?? []) {
    if (call.kind !== 'workflow') continue;
    const reach = conditionalReach(call.wf, [call.job.if?.text, call.step?.if?.text]);
    if (!best || REACH_RANK[reach] > REACH_RANK[best]) best = reach;
  }
  return best;
}

/** Callers of callers followed at most this deep (a reusable workflow passing its input on to another, and so on). */
const MAX_CALLER_DEPTH = 3;

export function workflowTaint(wf: Workflow, ctx: AnalyzedFile): WorkflowTaint {
  return ctx.cached('untrusted-input/workflow-taint', () =>
    computeWorkflowTaint(
      wf,
      wf.triggers.some((t) => t.event === 'workflow_call') ? findCallers(ctx, 'workflow') : undefined,
      0,
    ),
  );
}

/** The taint of a called workflow when its inputs hold `inputs` (what one caller passes); no lookup of other callers. */
export function workflowTaintWithInputs(wf: Workflow, inputs: Map<string, Taint | null>): WorkflowTaint {
  return computeWorkflowTaint(wf, undefined, 0, inputs);
}

function computeWorkflowTaint(
  wf: Workflow,
  callers: Callers | undefined,
  depth: number,
  given?: Map<string, Taint | null>,
  visiting?: ReadonlySet<string>,
): WorkflowTaint {
  const needs = new Map<string, Map<string, Taint>>();
  const inputs = given ?? workflowInputs(wf, callers, depth, visiting);
  // A reusable workflow runs with its callers' event: their widest reach replaces "whatever its callers allow".
  const viaCallers = callers?.calls.length ? callersReach(callers) : undefined;
  const root: TaintScope = { env: new Map(), steps: new Map(), needs, inputs };
  const wfEnv = extendEnv(root.env, wf.env, root);
  const jobScopes = new Map<Job, TaintScope>();
  const stepScopes = new Map<Step, TaintScope>();
  // Job outputs feed later jobs through `needs`: each job is walked after every job it needs, so a tainted output
  // reaches the end of a chain of any length in one pass.
  for (const job of jobsInNeedsOrder(wf.jobs)) {
    const base: TaintScope = { env: withContainerEnv(wfEnv, job, root, wf), steps: new Map(), needs, inputs };
    const jobScope: TaintScope = { ...base, env: extendEnv(base.env, job.env, base) };
    jobScopes.set(job, jobScope);
    walkSteps(job.steps, jobScope, wf.text, stepScopes, job);
    const outs = new Map<string, Taint>();
    for (const o of job.outputs?.entries ?? []) {
      const t = valueTaint(o.value?.expressions, jobScope);
      if (t) outs.set(o.name.toLowerCase(), t);
    }
    needs.set(job.id.toLowerCase(), outs);
  }
  const empty: TaintScope = { env: wfEnv, steps: new Map(), needs, inputs };
  return {
    reach: workflowReach(wf),
    stepScope: (step) => stepScopes.get(step) ?? empty,
    jobScope: (job) => jobScopes.get(job) ?? empty,
    reachOf: (job, step) => {
      const reach = conditionalReach(wf, [job.if?.text, step?.if?.text]);
      return reach === 'caller' && viaCallers ? viaCallers : reach;
    },
  };
}

/**
 * A job container's `env:` is set on the container, so every process of the job's steps sees it (`$TITLE`), below the
 * workflow's, job's and step's `env:`, which override it; the `env` context does not include it.
 */
function withContainerEnv(wfEnv: Map<string, Taint>, job: Job, root: TaintScope, wf: Workflow): Map<string, Taint> {
  const containerEnv = job.container?.env;
  if (!containerEnv?.entries.length) return wfEnv;
  const own = new Map<string, Taint>();
  for (const [name, t] of extendEnv(root.env, containerEnv, root))
    own.set(name, { ...t, via: t.via?.replace(/^env\./, 'container.env.'), processOnly: true });
  return extendEnv(own, wf.env, root);
}

/**
 * Jobs ordered so that each comes after the jobs it `needs` (depth-first, file order among independent jobs). A cycle
 * or a missing job (invalid workflows) does not stop the walk: the job is placed where the cycle is found. Iterative,
 * so a file with thousands of chained jobs cannot exhaust the stack.
 */
export function jobsInNeedsOrder(jobs: readonly Job[]): Job[] {
  const byId = new Map(jobs.map((j) => [j.id.toLowerCase(), j]));
  const seen = new Set<Job>();
  const out: Job[] = [];
  for (const start of jobs) {
    if (seen.has(start)) continue;
    seen.add(start);
    const stack: Array<{ job: Job; next: number }> = [{ job: start, next: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1];
      const need = top.job.needs[top.next++];
      if (!need) {
        out.push(top.job);
        stack.pop();
        continue;
      }
      const dep = byId.get(need.text.toLowerCase());
      if (dep && !seen.has(dep)) {
        seen.add(dep);
        stack.push({ job: dep, next: 0 });
      }
    }
  }
  return out;
}

export interface ActionTaint {
  stepScope(step: Step): TaintScope;
}

export function actionTaint(action: ActionMetadata, ctx: AnalyzedFile): ActionTaint {
  return ctx.cached('untrusted-input/action-taint', () => {
    const callers = findCallers(ctx, 'action');
    const inputs: Map<string, Taint | null> = callers?.calls.length
      ? inputsFromCallers(
          callers,
          action.inputs.map((i) => i.name),
          0,
          new Set([ctx.path]),
        )
      : unknownActionInputs();
    return actionTaintWithInputs(action, inputs);
  });
}

/** The taint of a composite action's steps when its inputs hold `inputs`. */
export function actionTaintWithInputs(action: ActionMetadata, inputs: Map<string, Taint | null>): ActionTaint {
  const root: TaintScope = { env: new Map(), steps: new Map(), needs: new Map(), inputs };
  const stepScopes = new Map<Step, TaintScope>();
  walkSteps(action.steps, { ...root, env: extendEnv(root.env, action.env, root) }, action.text, stepScopes);
  return { stepScope: (step: Step) => stepScopes.get(step) ?? root };
}

/**
 * Severity of a finding on tainted text: inputs whose callers are not visible, and dispatch inputs, are low (what
 * they hold depends on the callers, or only people with write access set them); text a visible caller passes takes
 * that caller's reach; other text the reach of the job using it.
 */
export function taintSeverity(t: Taint, reach: Reach | 'action'): 'high' | 'medium' | 'low' {
  if (t.source !== 'event') return 'low';
  return severityForReach(t.reach ?? reach) as 'high' | 'medium' | 'low';
}

/** Describes a taint for a message: `github.event.issue.title (via env.TITLE)`. */
export function describeTaint(t: Taint): string {
  return t.via && t.via !== t.origin ? `${t.origin} (via ${t.via})` : t.origin;
}
