// Moving a workflow-level env: variable to the steps that use it (secrets should not be visible to every step).
import type { Fix } from '../engine/types';
import type { Span, TextEdit } from '../text/span';
import type { KeyValue } from '../model/common';
import type { Step, Workflow } from '../model/workflow';
import { scriptMayReadImplicitly, scriptUsesVar } from '../analysis/secrets/usage';
import { pairLinesSpan } from './edits';
import { addStepEnv } from './env';

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
      // Container actions (`docker://`) get the step's whole environment too.
      const actionMayRead = !!step.uses && !ENV_AGNOSTIC_ACTIONS.test(step.uses.slug ?? '');
      const runsTool = !!step.run && scriptMayReadImplicitly(step.run.text, name);
      const needsVar = scriptUsesVar(rest, name) || actionMayRead || runsTool;
      if (needsVar || rewrites.length) out.push({ step, rewrites, needsVar });
    }
  }
  return out;
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
