// Adding variables to a step's `env:` (creating the block when missing), as one minimal edit.
import type { TextEdit } from '../text/span';
import type { Step } from '../model/workflow';
import { isMap, mapGetPair, spanOf, type Node, type Pair } from '../yaml/parse';
import { appendToMapping, indentUnit, insertBeforePair, isFlow, yamlScalar } from './edits';

export function addStepEnv(
  text: string,
  step: Step,
  vars: Array<{ name: string; value: string }>,
): TextEdit | undefined {
  if (vars.length === 0) return undefined;
  const lines = vars.map((v) => `${v.name}: ${yamlScalar(v.value)}`);
  if (step.env) {
    if (!step.env.map || !isMap(step.env.map)) return undefined;
    return appendToMapping(text, step.env.map, lines);
  }
  const unit = ' '.repeat(indentUnit(text));
  const anchor = (mapGetPair(step.node, 'run') ?? mapGetPair(step.node, 'with') ?? mapGetPair(step.node, 'uses')) as
    Pair<Node, Node | null> | undefined;
  if (isFlow(step.node)) {
    // `- { run: ... }` takes a flow entry before its key; flow values are quoted (`${{ }}` holds braces).
    const keyStart = anchor && spanOf(anchor.key as Node)?.start;
    if (keyStart === undefined) return undefined;
    const entries = vars.map((v) => `${v.name}: ${JSON.stringify(v.value)}`).join(', ');
    return { span: { start: keyStart, end: keyStart }, newText: `env: { ${entries} }, ` };
  }
  const block = ['env:', ...lines.map((l) => unit + l)];
  return anchor ? insertBeforePair(text, anchor, block) : appendToMapping(text, step.node, block);
}

/** Env var names already visible to a step (its own env; job and workflow env are passed in by the caller). */
export function envNames(...blocks: Array<{ entries: Array<{ name: string }> } | undefined>): Set<string> {
  const names = new Set<string>();
  for (const b of blocks) for (const e of b?.entries ?? []) names.add(e.name);
  return names;
}

/** A name not in `taken`: NAME, NAME_2, NAME_3... */
export function uniqueName(base: string, taken: Set<string>): string {
  const clean =
    base
      .toUpperCase()
      .replace(/[^A-Z0-9_]/g, '_')
      .replace(/_+/g, '_')
      .replace(/^_|_$/g, '') || 'VALUE';
  const start = /^[0-9]/.test(clean) ? `V_${clean}` : clean;
  let name = start;
  for (let i = 2; taken.has(name); i++) name = `${start}_${i}`;
  taken.add(name);
  return name;
}
