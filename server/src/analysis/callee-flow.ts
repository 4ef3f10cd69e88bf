// Where text a caller passes into a local reusable workflow or composite action ends up. A caller-dependent injection
// is the caller's to fix (the callee is only unsafe with what this caller passes), so rules report it at the caller's
// `with:` entry and describe the path into the callee; the callee reports only what no visible caller explains.
import type { RepoReader } from './file';
import type { Span } from '../text/span';
import type { Job, Step, Workflow } from '../model/workflow';
import type { ActionMetadata } from '../model/action';
import type { Block } from '../model/common';
import { sharedAction } from '../model/action';
import { sharedWorkflow } from '../model/workflow';
import { parseYamlShared } from '../yaml/parse';
import { repoPath } from './callers';
import { actionTaintWithInputs, expressionTaints, workflowTaintWithInputs, type Taint, type TaintScope } from './taint';

/** A sink a rule recognizes in one step of a callee, with the taint that reaches it. */
export interface SinkHit {
  span: Span;
  /** What the sink is, e.g. "the bash script" or "$GITHUB_ENV". */
  what: string;
  taint: Taint;
}

/** The rule's sink finder for one step, evaluated in the callee's scope. */
export type SinkFinder = (step: Step, job: Job | undefined, scope: TaintScope, text: string) => SinkHit[];

/** A sink reached through a call: the hops into the callee (`path:line what`), the last one the sink itself. */
export interface CalleeSink {
  hops: string[];
  taint: Taint;
}

/** Nested local calls followed at most this deep from the caller (a callee passing the input on to another). */
const MAX_CALL_DEPTH = 3;

/**
 * Text a visible caller passes from its own event (or its dispatch inputs): the caller reports it at its `with:` entry,
 * so the callee does not. Text a caller forwards from inputs whose callers are unknown stays the callee's (low).
 */
export function passedByVisibleCaller(t: Taint): boolean {
  return !!t.caller && (t.source === 'event' || t.source === 'dispatch-input');
}

/** Text that enters at this caller (not forwarded from its own inputs): the caller is where it is reported. */
export function entersHere(t: Taint): boolean {
  return !t.caller && (t.source === 'event' || t.source === 'dispatch-input');
}

type Callee = { path: string; text: string; model: Workflow } | { path: string; text: string; model: ActionMetadata };

function loadCallee(readFile: RepoReader, kind: 'workflow' | 'action', raw: string): Callee | undefined {
  const dir = repoPath(raw);
  if (!dir) return undefined;
  for (const path of kind === 'workflow' ? [dir] : [`${dir}/action.yml`, `${dir}/action.yaml`]) {
    const text = readFile(path);
    if (text === undefined) continue;
    const p = parseYamlShared(text);
    if (!p.doc) return undefined;
    if (kind === 'workflow') {
      const model = sharedWorkflow(p, path);
      return model ? { path, text, model } : undefined;
    }
    const model = sharedAction(p, path);
    return model && model.using?.text === 'composite' ? { path, text, model } : undefined;
  }
  return undefined;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * The sinks in the local callee named by `raw` (a `./.github/workflows/x.yml` job call or a `./dir` action step) that
 * `taint`, passed as input `input`, reaches; followed through the callee's own local calls up to MAX_CALL_DEPTH.
 */
export function sinksThroughCall(
  readFile: RepoReader,
  kind: 'workflow' | 'action',
  raw: string,
  input: string,
  taint: Taint,
  findSinks: SinkFinder,
  depth = 0,
  visiting: ReadonlySet<string> = new Set(),
): CalleeSink[] {
  const callee = loadCallee(readFile, kind, raw);
  if (!callee || visiting.has(callee.path) || depth >= MAX_CALL_DEPTH) return [];
  // Only this input is tainted, and the taint is marked so the callee's own sources are not mistaken for it.
  const marker = `${callee.path} inputs.${input}`;
  const inputs = new Map<string, Taint | null>([
    ['*', null],
    [input.toLowerCase(), { ...taint, caller: marker }],
  ]);
  const ours = (t: Taint) => t.caller === marker;
  const inner = new Set([...visiting, callee.path]);
  const out: CalleeSink[] = [];
  const at = (offset: number) => `${callee.path}:${lineOf(callee.text, offset)}`;
  const follow = (
    nestedKind: 'workflow' | 'action',
    nestedRaw: string,
    block: Block | undefined,
    scope: TaintScope,
  ): void => {
    for (const entry of block?.entries ?? []) {
      const hit = (entry.value?.expressions ?? [])
        .flatMap((e) => expressionTaints(e, scope))
        .find((h) => ours(h.taint));
      if (!hit) continue;
      for (const sink of sinksThroughCall(
        readFile,
        nestedKind,
        nestedRaw,
        entry.name,
        taint,
        findSinks,
        depth + 1,
        inner,
      ))
        out.push({ hops: [`${at(entry.span.start)} with.${entry.name}`, ...sink.hops], taint: sink.taint });
    }
  };
  const visitSteps = (steps: Step[], job: Job | undefined, scopeOf: (s: Step) => TaintScope): void => {
    for (const step of steps) {
      const scope = scopeOf(step);
      for (const hit of findSinks(step, job, scope, callee.text))
        if (ours(hit.taint)) out.push({ hops: [`${at(hit.span.start)} ${hit.what}`], taint: hit.taint });
      if (step.uses?.kind === 'local') follow('action', step.uses.raw, step.with, scope);
    }
  };
  if (callee.model.kind === 'workflow') {
    const wf = callee.model;
    const t = workflowTaintWithInputs(wf, inputs);
    for (const job of wf.jobs) {
      if (job.uses?.kind === 'local-reusable-workflow') follow('workflow', job.uses.raw, job.with, t.jobScope(job));
      visitSteps(job.steps, job, (s) => t.stepScope(s));
    }
  } else {
    const t = actionTaintWithInputs(callee.model, inputs);
    visitSteps(callee.model.steps, undefined, (s) => t.stepScope(s));
  }
  return out;
}
