// Typed model of an action metadata file (action.yml / action.yaml): composite, docker or JavaScript.
import type { Span } from '../text/span';
import type { ParsedYaml } from '../yaml/parse';
import { isMap, keyName, mapGet, mapPairs, resolveAlias, seqItems, spanOf, type Node } from '../yaml/parse';
import { block, perParse, scalarAt, type Block, type ScalarValue } from './common';
import { buildStep, type Step } from './workflow';

export interface ActionInput {
  name: string;
  keySpan: Span;
  node: Node | undefined;
  default?: ScalarValue;
  required?: ScalarValue;
}

export interface ActionMetadata {
  kind: 'action';
  path: string;
  text: string;
  root: Node;
  name?: ScalarValue;
  /** composite | docker | node20 | node24 | ... */
  using?: ScalarValue;
  runsKeySpan?: Span;
  inputs: ActionInput[];
  outputs?: Block;
  /** Composite steps (empty for other kinds). */
  steps: Step[];
  /** docker: the image (`Dockerfile` or `docker://...`). */
  image?: ScalarValue;
  /** docker: env of the container. */
  env?: Block;
}

/** Callee and caller models built once per parse and path (see sharedWorkflow). */
export const sharedAction = perParse((parsed, path) => buildAction(parsed, path));

export function buildAction(parsed: ParsedYaml, path: string): ActionMetadata | undefined {
  const root = resolveAlias(parsed.doc?.contents);
  if (!root || !isMap(root)) return undefined;
  const text = parsed.text;
  const runs = mapGet(root, 'runs');
  const runsPair = mapPairs(root).find((p) => keyName(p) === 'runs');
  return {
    kind: 'action',
    path,
    text,
    root,
    name: scalarAt(root, 'name', text),
    using: scalarAt(runs, 'using', text),
    runsKeySpan: runsPair ? spanOf(runsPair.key as Node) : undefined,
    inputs: mapPairs(mapGet(root, 'inputs'))
      .map((p) => {
        const name = keyName(p);
        const keySpan = spanOf(p.key as Node);
        const node = resolveAlias(p.value) ?? undefined;
        const input: ActionInput | undefined =
          name && keySpan
            ? {
                name,
                keySpan,
                node,
                default: scalarAt(node, 'default', text),
                required: scalarAt(node, 'required', text),
              }
            : undefined;
        return input;
      })
      .filter((i): i is ActionInput => !!i),
    outputs: block(root, 'outputs', text),
    steps: seqItems(mapGet(runs, 'steps'))
      .map((s, i) => buildStep(s, i, text, undefined))
      .filter((s): s is Step => !!s),
    image: scalarAt(runs, 'image', text),
    env: block(runs, 'env', text),
  };
}
