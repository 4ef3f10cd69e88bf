// Per-job GITHUB_TOKEN needs: which scopes each job's steps use (actions from the knowledge base, run: scripts,
// github-script, OIDC, local reusable workflows and composite actions), why, and which steps cannot be understood.
// The core does no file I/O: callers pass a resolver for local files (reusable workflows, composite actions).
import type { AnalyzedFile } from '../file';
import type { Span } from '../../text/span';
import {
  lookupAction,
  needsOf,
  isTokenScope,
  type ActionKnowledge,
  type InputCondition,
} from '../../knowledge/actions-kb';
import type { Permissions, ScalarValue } from '../../model/common';
import { sharedAction } from '../../model/action';
import { sharedWorkflow, stepLabel, type Job, type Step, type Workflow } from '../../model/workflow';
import { parseYamlShared } from '../../yaml/parse';
import { analyzeGithubScript, analyzeShellScript } from './scripts';
import {
  levelRank,
  mergeNeeds,
  TOKEN_SCOPES,
  type NeedSource,
  type ScopeMap,
  type ScopeNeedFound,
  type UnknownStep,
} from './scopes';

export * from './scopes';

/** Returns the text of a repository file (path relative to the repository root, no leading ./), if it exists. */
export type FileResolver = (path: string) => string | undefined;

export interface PermissionsOptions {
  resolve?: FileResolver;
  /** Callee steps left to analyse for this workflow (shared by all its callees); set by computeWorkflowPermissions. */
  budget?: { steps: number };
}

/**
 * Local callees may fan out to each other (`./a` -> `./b` -> ... with dozens of steps each): beyond this many callee
 * steps per workflow the remaining callees are reported as not analysed instead of multiplying the work.
 */
const MAX_CALLEE_STEPS = 2000;

/** What the token is granted for a job: its own block, the workflow's, or the repository default (unknown). */
export interface Grant {
  source: 'job' | 'workflow' | 'default';
  kind: Permissions['kind'] | 'default';
  scopes: ScopeMap;
  permissions?: Permissions;
}

export interface JobPermissions {
  job: Job;
  needs: ScopeNeedFound[];
  /** The least grant that covers every known need. */
  required: ScopeMap;
  unknown: UnknownStep[];
  granted: Grant;
}

export interface WorkflowPermissions {
  workflow: Workflow;
  jobs: JobPermissions[];
}

const MAX_DEPTH = 4;

export function computeWorkflowPermissions(wf: Workflow, options: PermissionsOptions = {}): WorkflowPermissions {
  const bounded = { ...options, budget: options.budget ?? { steps: MAX_CALLEE_STEPS } };
  return computeWithState(wf, bounded, new Set([normalizePath(wf.path) ?? wf.path]), 0);
}

function computeWithState(
  wf: Workflow,
  options: PermissionsOptions,
  visiting: Set<string>,
  depth: number,
): WorkflowPermissions {
  return { workflow: wf, jobs: wf.jobs.map((job) => computeJob(wf, job, options, visiting, depth)) };
}

export function grantOf(perms: Permissions | undefined, source: Grant['source']): Grant {
  if (!perms) return { source: 'default', kind: 'default', scopes: {} };
  const scopes: ScopeMap = {};
  if (perms.kind === 'write-all' || perms.kind === 'read-all') {
    for (const s of TOKEN_SCOPES) scopes[s] = perms.kind === 'write-all' ? 'write' : 'read';
  } else {
    for (const s of perms.scopes)
      if (isTokenScope(s.scope) && (s.level === 'read' || s.level === 'write')) scopes[s.scope] = s.level;
  }
  return { source, kind: perms.kind, scopes, permissions: perms };
}

export function jobGrant(wf: Workflow, job: Job): Grant {
  return job.permissions
    ? grantOf(job.permissions, 'job')
    : grantOf(wf.permissions, wf.permissions ? 'workflow' : 'default');
}

interface EnvVar {
  holdsToken: boolean;
  text: string;
}

interface StepScope {
  env: Map<string, EnvVar>;
  /** actions/checkout left the GITHUB_TOKEN in the Git config. */
  gitCredentials: boolean;
  /** Composite action inputs that carry the GITHUB_TOKEN. */
  tokenInputs: Set<string>;
  options: PermissionsOptions;
  visiting: Set<string>;
  depth: number;
}

interface Collector {
  needs: ScopeNeedFound[];
  unknown: UnknownStep[];
  /** Steps running code we cannot see, even without the GITHUB_TOKEN. */
  opaqueSteps: UnknownStep[];
}

function computeJob(
  wf: Workflow,
  job: Job,
  options: PermissionsOptions,
  visiting: Set<string>,
  depth: number,
): JobPermissions {
  const out: Collector = { needs: [], unknown: [], opaqueSteps: [] };
  if (job.uses) reusableWorkflow(job, options, visiting, depth, out);
  const scope: StepScope = { env: new Map(), gitCredentials: false, tokenInputs: new Set(), options, visiting, depth };
  addEnv(scope.env, wf.env?.entries, scope.tokenInputs);
  addEnv(scope.env, job.env?.entries, scope.tokenInputs);
  if (job.env?.expression || wf.env?.expression)
    out.unknown.push({ stepLabel: `job ${job.id}`, span: job.idSpan, reason: 'its env is computed by an expression' });
  const password = job.container?.credentials?.entries.find((e) => e.name === 'password')?.value;
  if (password && isTokenValue(password, scope.tokenInputs)) {
    out.needs.push({
      scope: 'packages',
      level: 'read',
      reason: 'pulls the job container from ghcr.io with the token',
      source: 'registry',
      stepLabel: `job ${job.id} container`,
      span: job.container!.keySpan,
    });
  }
  for (const step of job.steps) analyzeStep(step, scope, out);
  const granted = jobGrant(wf, job);
  // The OIDC token can be requested by any code once id-token: write is granted, token or not: when the job runs
  // code we cannot see, an explicit id-token grant may be in use (write-all is no sign of intent).
  if (
    granted.kind === 'map' &&
    granted.scopes['id-token'] === 'write' &&
    !out.needs.some((n) => n.scope === 'id-token') &&
    out.unknown.length === 0
  ) {
    const opaque = out.opaqueSteps[0];
    if (opaque)
      out.unknown.push({
        ...opaque,
        reason: `${opaque.reason}, which may request an OIDC token (id-token: write is granted)`,
      });
  }
  // What an action's configuration may use counts only where it is granted: it is then assumed in use, never added.
  const needs = out.needs.filter(
    (n) =>
      !n.configured ||
      granted.kind === 'write-all' ||
      (granted.kind === 'map' && levelRank(granted.scopes[n.scope]) >= levelRank(n.level)),
  );
  return { job, needs, required: mergeNeeds(needs), unknown: out.unknown, granted };
}

function addEnv(
  env: Map<string, EnvVar>,
  entries: Array<{ name: string; value?: ScalarValue }> | undefined,
  tokenInputs: Set<string>,
): void {
  for (const e of entries ?? [])
    env.set(e.name, { holdsToken: !!e.value && isTokenValue(e.value, tokenInputs), text: e.value?.text ?? '' });
}

/** The value names the GITHUB_TOKEN: ${{ github.token }}, ${{ secrets.GITHUB_TOKEN }} (or a composite input holding it). */
export function isTokenValue(value: ScalarValue, tokenInputs: ReadonlySet<string> = new Set()): boolean {
  return value.expressions.some(
    (x) =>
      x.contexts.some((c) => {
        const p = c.segments.join('.');
        return (
          p === 'github.token' ||
          p === 'secrets.github_token' ||
          (c.segments[0] === 'inputs' && tokenInputs.has(c.segments[1]))
        );
      }) ||
      (!x.ast && /\b(?:github\.token|secrets\.GITHUB_TOKEN)\b/i.test(x.inner)),
  );
}

function analyzeStep(step: Step, outer: StepScope, out: Collector): void {
  const label = stepLabel(step);
  const env = new Map(outer.env);
  addEnv(env, step.env?.entries, outer.tokenInputs);
  const tokenVars = [...env].filter(([, v]) => v.holdsToken).map(([k]) => k);
  const need = (
    scope: ScopeNeedFound['scope'],
    level: ScopeNeedFound['level'],
    reason: string,
    source: NeedSource,
    configured?: boolean,
  ) =>
    out.needs.push({
      scope,
      level,
      reason,
      source,
      ...(configured ? { configured } : {}),
      stepLabel: label,
      span: step.uses?.span ?? step.run?.span ?? step.span,
    });
  const unknown = (reason: string): void =>
    void out.unknown.push({ stepLabel: label, span: step.uses?.span ?? step.run?.span ?? step.span, reason });
  if (step.env?.expression) unknown('its env is computed by an expression');

  if (step.run) {
    const holdsToken = tokenVars.length > 0 || isTokenValue(step.run, outer.tokenInputs);
    const result = analyzeShellScript(step.run.text, {
      holdsToken,
      tokenVars,
      gitCredentials: outer.gitCredentials,
      env: envTexts(env),
    });
    for (const n of result.needs) need(n.scope, n.level, n.reason, n.source);
    for (const r of result.unknown) unknown(r);
    if (result.opaque?.length)
      out.opaqueSteps.push({ stepLabel: label, span: step.run.span, reason: `runs \`${result.opaque[0]}\`` });
    return;
  }
  const uses = step.uses;
  if (!uses) return;
  if (uses.kind === 'docker') {
    const passes =
      tokenVars.length > 0 ||
      (step.with?.entries ?? []).some((e) => e.value && isTokenValue(e.value, outer.tokenInputs));
    if (passes) unknown(`the container ${uses.image ?? ''} gets the token`.replace(/\s+/g, ' '));
    return;
  }
  if (uses.kind === 'local') {
    localAction(step, uses.path!, env, outer, out, unknown);
    return;
  }
  if (uses.kind !== 'action' || !uses.slug) {
    unknown(`${uses.raw} cannot be analyzed`);
    return;
  }
  const entry = lookupAction(uses.slug);
  if (!entry) {
    unknown(`${uses.slug} is not in the knowledge base`);
    return;
  }
  if (entry.script)
    out.opaqueSteps.push({ stepLabel: label, span: uses.span, reason: `runs a script through ${uses.slug}` });
  const holds = actionHoldsToken(entry, step, env, outer);
  for (const { scope, need: n } of needsOf(entry)) {
    // The OIDC token is requested with the runner's own credentials: it does not depend on the GITHUB_TOKEN.
    if (scope !== 'id-token' && !holds) continue;
    const cond = conditionHolds(n.when, step);
    if (cond === false) continue;
    const assumed = n.configured
      ? ` (if ${n.configured}: assumed)`
      : cond === 'assumed'
        ? ' (input set by an expression: assumed)'
        : '';
    need(scope, n.level, `${n.reason}${assumed}`, 'action', !!n.configured);
  }
  if (holds && uses.slug === 'actions/github-script') {
    const script = step.with?.entries.find((e) => e.name === 'script')?.value;
    if (!script) unknown('github-script without a readable script');
    else {
      const result = analyzeGithubScript(script.text);
      for (const n of result.needs) need(n.scope, n.level, n.reason, n.source);
      for (const r of result.unknown) unknown(r);
      if (
        !result.calls &&
        result.unknown.length === 0 &&
        /\bgithub\.(?!rest\b)/.test(script.text.replace(/github\.(?:event|context)\b/g, ''))
      )
        unknown('the script uses the API client in a way we cannot follow');
    }
  }
  if (entry.script) {
    const script = step.with?.entries.find((e) => e.name === entry.script)?.value;
    if (script) {
      const holdsToken = tokenVars.length > 0 || isTokenValue(script, outer.tokenInputs);
      const result = analyzeShellScript(script.text, {
        holdsToken,
        tokenVars,
        gitCredentials: outer.gitCredentials,
        env: envTexts(env),
      });
      for (const n of result.needs) need(n.scope, n.level, n.reason, n.source);
      for (const r of result.unknown) unknown(r);
    }
  }
  if (holds && /(^|\/)checkout(-action)?$/.test(uses.slug)) {
    const persist = step.with?.entries.find((e) => e.name === 'persist-credentials')?.value?.text;
    outer.gitCredentials = persist === undefined || !/^false$/i.test(persist.trim());
  } else if (/(^|\/)checkout(-action)?$/.test(uses.slug) && entry.token !== 'none') {
    // Checked out with another token: later pushes use that token, not the GITHUB_TOKEN.
    outer.gitCredentials = false;
  }
}

function envTexts(env: Map<string, EnvVar>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of env) out[k] = v.text;
  return out;
}

/** Does the action end up with the GITHUB_TOKEN (its default, an explicit github.token, an env var)? */
export function actionHoldsToken(
  entry: ActionKnowledge,
  step: Step,
  env: ReadonlyMap<string, EnvVar>,
  scope: Pick<StepScope, 'gitCredentials' | 'tokenInputs'>,
): boolean {
  const source = entry.token;
  if (source === 'none') return false;
  if (source.implicit) return true;
  if (source.gitCredentials) return scope.gitCredentials;
  const inputs = source.inputs ?? [];
  let explicitOther = false;
  for (const name of inputs) {
    const value = step.with?.entries.find((e) => e.name.toLowerCase() === name.toLowerCase())?.value;
    if (!value || value.text.trim() === '') continue;
    if (isTokenValue(value, scope.tokenInputs)) return true;
    explicitOther = true;
  }
  for (const name of source.env ?? []) {
    const v = env.get(name);
    if (v?.holdsToken) return true;
    if (v) explicitOther = true;
  }
  return !explicitOther && inputs.length > 0 && source.default === 'github.token';
}

/** true / false, or 'assumed' when an input is set by an expression we cannot evaluate. */
function conditionHolds(when: InputCondition | InputCondition[] | undefined, step: Step): boolean | 'assumed' {
  if (!when) return true;
  let assumed = false;
  for (const c of Array.isArray(when) ? when : [when]) {
    const entry = step.with?.entries.find((e) => e.name === c.input);
    const raw = entry?.value?.text ?? (entry ? '' : undefined);
    const value = raw === undefined || raw.trim() === '' ? c.default : raw.trim();
    if (value !== undefined && value.includes('${{')) {
      if (c.set === false) return false;
      assumed = true;
      continue;
    }
    const v = value?.toLowerCase();
    if (c.set === true && !v) return false;
    if (c.set === false && v) return false;
    if (c.equals && (!v || !c.equals.some((e) => e.toLowerCase() === v))) return false;
    if (c.notEquals && v && c.notEquals.some((e) => e.toLowerCase() === v)) return false;
    if (c.matches && (!value || !new RegExp(c.matches, 'i').test(value))) return false;
  }
  return assumed ? 'assumed' : true;
}

/**
 * Repository-relative path with `.` and empty segments removed and `..` applied, so `./act/.` and `./act` are one
 * callee (for the cycle check); undefined when `..` leaves the repository.
 */
function normalizePath(p: string): string | undefined {
  const out: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

/** Takes `steps` from the workflow's callee budget; false when it is spent. */
function spend(options: PermissionsOptions, steps: number): boolean {
  if (!options.budget) return true;
  if (options.budget.steps < steps) {
    options.budget.steps = 0;
    return false;
  }
  options.budget.steps -= steps;
  return true;
}

function localAction(
  step: Step,
  path: string,
  env: Map<string, EnvVar>,
  outer: StepScope,
  out: Collector,
  unknown: (reason: string) => void,
): void {
  const dir = normalizePath(path);
  const resolve = outer.options.resolve;
  if (!resolve) return unknown(`local action ${path}: its files are not available to the analysis`);
  if (dir === undefined) return unknown(`local action ${path} is outside the repository`);
  if (outer.depth >= MAX_DEPTH) return unknown(`local action ${path} is nested too deeply`);
  const file = [`${dir}/action.yml`, `${dir}/action.yaml`].find((f) => resolve(f) !== undefined);
  if (!file || outer.visiting.has(file))
    return unknown(file ? `local action ${path} calls itself` : `local action ${path} was not found`);
  const action = sharedAction(parseYamlShared(resolve(file)!), file);
  if (!action) return unknown(`local action ${path} could not be read`);
  if (!spend(outer.options, Math.max(1, action.steps.length)))
    return unknown(`local action ${path} was not analysed: the workflow's callees exceed the analysis budget`);
  if (action.using?.text !== 'composite') {
    // A JavaScript or Docker action sees the GITHUB_TOKEN only through its inputs or environment.
    const viaInput = action.inputs.some((input) => {
      const given = step.with?.entries.find((e) => e.name === input.name)?.value;
      return given ? isTokenValue(given, outer.tokenInputs) : !!input.default && isTokenValue(input.default);
    });
    const viaEnv =
      [...env.values()].some((v) => v.holdsToken) ||
      (action.env?.entries ?? []).some((e) => e.value && isTokenValue(e.value));
    out.opaqueSteps.push({
      stepLabel: stepLabel(step),
      span: step.uses!.span,
      reason: `runs the local ${action.using?.text ?? ''} action ${path}`.replace(/\s+/g, ' '),
    });
    if (viaInput || viaEnv)
      unknown(
        `local ${action.using?.text ?? ''} action ${path} receives the token; what it does with it is not known`.replace(
          /\s+/g,
          ' ',
        ),
      );
    return;
  }
  // Inputs that carry the token: passed github.token by the caller, or defaulting to it when the caller passes nothing.
  const tokenInputs = new Set<string>();
  for (const input of action.inputs) {
    const given = step.with?.entries.find((e) => e.name === input.name)?.value;
    if (given ? isTokenValue(given, outer.tokenInputs) : input.default && isTokenValue(input.default))
      tokenInputs.add(input.name.toLowerCase());
  }
  const inner: StepScope = {
    ...outer,
    env: new Map(env),
    tokenInputs,
    visiting: new Set([...outer.visiting, file]),
    depth: outer.depth + 1,
  };
  const label = stepLabel(step);
  const collected: Collector = { needs: [], unknown: [], opaqueSteps: [] };
  for (const s of action.steps) analyzeStep(s, inner, collected);
  outer.gitCredentials = inner.gitCredentials;
  const span = step.uses!.span;
  for (const n of collected.needs)
    out.needs.push({ ...n, stepLabel: label, reason: `${n.reason} (in ${path}: ${n.stepLabel})`, span });
  for (const u of collected.unknown)
    out.unknown.push({ stepLabel: label, span, reason: `in ${path}: ${u.stepLabel}: ${u.reason}` });
  for (const o of collected.opaqueSteps)
    out.opaqueSteps.push({ stepLabel: label, span, reason: `in ${path}: ${o.reason}` });
}

function reusableWorkflow(
  job: Job,
  options: PermissionsOptions,
  visiting: Set<string>,
  depth: number,
  out: Collector,
): void {
  const uses = job.uses!;
  const label = `job ${job.id}`;
  const unknown = (reason: string): void => void out.unknown.push({ stepLabel: label, span: uses.span, reason });
  if (uses.kind !== 'local-reusable-workflow')
    return unknown(`remote reusable workflow ${uses.raw}: its needs are not known`);
  const path = normalizePath(uses.path!);
  if (!options.resolve) return unknown(`reusable workflow ${uses.path}: its file is not available to the analysis`);
  if (path === undefined) return unknown(`reusable workflow ${uses.path} is outside the repository`);
  if (visiting.has(path) || depth >= MAX_DEPTH)
    return unknown(`reusable workflow ${uses.path} calls itself or is nested too deeply`);
  const text = options.resolve(path);
  if (text === undefined) return unknown(`reusable workflow ${uses.path} was not found`);
  const callee = sharedWorkflow(parseYamlShared(text), path);
  if (!callee) return unknown(`reusable workflow ${uses.path} could not be read`);
  const calleeSteps = callee.jobs.reduce((n, j) => n + Math.max(1, j.steps.length), 0);
  if (!spend(options, calleeSteps))
    return unknown(
      `reusable workflow ${uses.path} was not analysed: the workflow's callees exceed the analysis budget`,
    );
  const result = computeWithState(callee, options, new Set([...visiting, path]), depth + 1);
  for (const j of result.jobs) {
    const declared = j.job.permissions ?? callee.permissions;
    const where = `${uses.path} job ${j.job.id}`;
    // A called job's declared permissions must be granted by the caller, or the run fails to start.
    if (declared?.kind === 'map' || declared?.kind === 'none') {
      for (const s of declared.scopes) {
        if (isTokenScope(s.scope) && (s.level === 'read' || s.level === 'write')) {
          out.needs.push({
            scope: s.scope,
            level: s.level,
            reason: `declared by ${where}`,
            source: 'reusable-workflow',
            stepLabel: label,
            span: uses.span,
          });
        }
      }
      continue;
    }
    if (declared) {
      unknown(`${where} declares permissions: ${declared.kind}`);
      continue;
    }
    for (const n of j.needs)
      out.needs.push({
        ...n,
        reason: `${n.reason} (${where}: ${n.stepLabel})`,
        source: 'reusable-workflow',
        stepLabel: label,
        span: uses.span,
      });
    for (const u of j.unknown) unknown(`${where}: ${u.stepLabel}: ${u.reason}`);
  }
}

export type { Span };

/**
 * The per-file result, computed once and shared by the rules. Local reusable workflows and composite actions are
 * followed when the adapter gave the engine a file reader (`readFile` on the context); without one they are
 * reported as unknown.
 */
export function workflowPermissionsFor(ctx: AnalyzedFile, wf: Workflow): WorkflowPermissions {
  return ctx.cached('permissions', () => computeWorkflowPermissions(wf, { resolve: ctx.readFile }));
}
