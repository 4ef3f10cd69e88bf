// Moving a workflow-level env: variable to the steps that use it (secrets should not be visible to every step).
import type { Fix } from '../engine/types';
import type { Span, TextEdit } from '../text/span';
import type { KeyValue } from '../model/common';
import type { Step, Workflow } from '../model/workflow';
import { scriptMayReadImplicitly, scriptUsesVar } from '../analysis/secrets/usage';
import { lookupAction } from '../knowledge/actions-kb';
import type { ScalarValue } from '../model/common';
import { shellContexts } from './shell-context';
import { pairLinesSpan } from './edits';
import { addStepEnv } from './env';

/** Variables that hold a GitHub token: the knowledge base says which actions read them from the environment. */
const GITHUB_TOKEN_VARIABLE = /^(?:GH|GITHUB)_(?:TOKEN|PAT)$|^(?:GH|GITHUB)_ENTERPRISE_TOKEN$/;

/**
 * Contexts whose values the workflow's authors write (matrix entries, inputs, outputs of earlier steps...): such a
 * value may be a command, or text that names the variable, which the shell expands after GitHub substituted it.
 */
const AUTHORED_CONTEXTS = new Set(['matrix', 'inputs', 'env', 'vars', 'steps', 'needs', 'jobs', 'strategy']);

/** Actions known not to read arbitrary environment variables. */
const ENV_AGNOSTIC_ACTIONS =
  /^actions\/(checkout|cache|setup-[a-z]+|upload-artifact|download-artifact|labeler|stale|configure-pages|upload-pages-artifact)$/;

export interface EnvUse {
  step: Step;
  /** `env.NAME` inside the step's own env: values, which cannot see a variable of the same block: rewritten. */
  rewrites: Span[];
  /** The step reads the variable itself (script, inputs, condition, or an action that may read its environment). */
  needsVar: boolean;
}

/** Steps that use a workflow-level variable (jobs and steps that set their own value are skipped). */
export function stepsUsingWorkflowEnv(wf: Workflow, name: string, text: string): EnvUse[] {
  const out: EnvUse[] = [];
  const lower = name.toLowerCase();
  const mentioned = mentionedOutsideScripts(wf, name, text);
  for (const job of wf.jobs) {
    if (job.env?.entries.some((e) => e.name === name)) continue;
    for (const step of job.steps) {
      if (step.env?.entries.some((e) => e.name === name)) continue;
      const envSpan = step.env
        ? {
            start: step.env.keySpan.start,
            end: Math.max(...step.env.entries.map((e) => e.span.end), step.env.keySpan.end),
          }
        : undefined;
      const rewrites = (step.env?.entries ?? []).flatMap((e) =>
        (e.value?.expressions ?? []).flatMap((x) =>
          x.contexts.filter((c) => c.segments[0] === 'env' && c.segments[1] === lower).map((c) => c.span),
        ),
      );
      const rest = envSpan
        ? text.slice(step.span.start, envSpan.start) + text.slice(envSpan.end, step.span.end)
        : text.slice(step.span.start, step.span.end);
      const runsTool = !!step.run && scriptMayReadImplicitly(step.run.text, name);
      const dynamic =
        (step.run && dynamicScript(step.run, text, mentioned)) ||
        (mentioned && (step.with?.entries ?? []).some((e) => authored(e.value)));
      const needsVar = scriptUsesVar(rest, name) || actionMayRead(step, name) || runsTool || !!dynamic;
      if (needsVar || rewrites.length) out.push({ step, rewrites, needsVar });
    }
  }
  return out;
}

/**
 * Container actions (`docker://`) and actions we know nothing about get the step's whole environment and may read
 * any variable. A GitHub token is read only by the actions the knowledge base says read it from the environment.
 */
function actionMayRead(step: Step, name: string): boolean {
  if (!step.uses) return false;
  const slug = step.uses.slug ?? '';
  if (ENV_AGNOSTIC_ACTIONS.test(slug)) return false;
  const known = step.uses.kind === 'action' ? lookupAction(slug) : undefined;
  if (known && GITHUB_TOKEN_VARIABLE.test(name))
    return known.token !== 'none' && (known.token.env ?? []).includes(name);
  return true;
}

function authored(value: ScalarValue | undefined): boolean {
  return !!value?.expressions.some(
    (x) =>
      !x.ast ||
      x.contexts.some((c) => AUTHORED_CONTEXTS.has(c.segments[0])) ||
      /\b(?:fromjson|format|join)\s*\(/i.test(x.inner) ||
      x.contexts.some((c) => c.segments[0] === 'github' && c.segments[1] === 'event' && c.segments[2] === 'inputs'),
  );
}

/**
 * A script whose text comes partly from values the authors wrote may name the variable in them: GitHub substitutes
 * the value, then the shell expands `$NAME` in it (unless the expression sits in single quotes). That is so when the
 * value is run as a command (`run: ${{ matrix.cmd }}`), when it comes from a caller or a dispatch (`inputs`), or
 * when this file writes `$NAME` somewhere other than a script (a matrix entry, an input default).
 */
function dynamicScript(run: ScalarValue, text: string, mentionedOutsideScripts: boolean): boolean {
  const authoredExprs = run.expressions.filter((x) => authored({ ...run, expressions: [x] }));
  if (authoredExprs.length === 0) return false;
  const contexts = shellContexts(
    text,
    run.span.start,
    authoredExprs.map((x) => x.span.start),
    run.expressions.map((x) => x.span),
  );
  return authoredExprs.some((x) => {
    const at = contexts.get(x.span.start);
    if (!at || at.kind === 'single') return false;
    const fromCaller = x.contexts.some((c) => c.segments[0] === 'inputs' || c.segments[2] === 'inputs');
    return (at.kind === 'unquoted' && at.commandStart) || fromCaller || mentionedOutsideScripts;
  });
}

/** `$NAME` or `${NAME}` written in the file outside run: scripts. */
function mentionedOutsideScripts(wf: Workflow, name: string, text: string): boolean {
  const scripts = wf.jobs.flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run.span] : [])));
  const re = new RegExp(`\\$\\{?${name}\\b`, 'g');
  for (const m of text.matchAll(re)) if (!scripts.some((sp) => sp.start <= m.index! && m.index! < sp.end)) return true;
  return false;
}

/**
 * Removes `entry` from the workflow env: and declares it, with `value` (an expression such as `${{ secrets.X }}`),
 * on each step that uses it. `env.NAME` in those steps' own env: blocks becomes the expression itself.
 */
export function moveWorkflowEnvToSteps(
  text: string,
  wf: Workflow,
  entry: KeyValue,
  value: string,
  title?: string,
): Fix | undefined {
  const entries = wf.env?.entries ?? [];
  // The last entry takes the `env:` key with it.
  const removal = entries.length === 1 ? pairLinesSpan(text, wf.env!.pair) : pairLinesSpan(text, entry.pair);
  if (!removal) return undefined;
  const only = /^\$\{\{([^}]*)\}\}$/.exec(value.trim())?.[1].trim();
  const uses = stepsUsingWorkflowEnv(wf, entry.name, text);
  const edits: TextEdit[] = [{ span: removal, newText: '' }];
  for (const use of uses) {
    if (use.rewrites.length && !only) return undefined;
    for (const span of use.rewrites) edits.push({ span, newText: only!.includes(' ') ? `(${only})` : only! });
    if (!use.needsVar) continue;
    const edit = addStepEnv(text, use.step, [{ name: entry.name, value }]);
    if (!edit) return undefined;
    edits.push(edit);
  }
  const n = uses.length;
  return {
    title:
      title ??
      (n
        ? `Move ${entry.name} to the ${n} step${n === 1 ? '' : 's'} that use${n === 1 ? 's' : ''} it`
        : `Remove ${entry.name}: no step uses it`),
    safety: 'unsafe',
    isPreferred: true,
    edits,
  };
}
