// Typed model of a GitHub Actions workflow. Built once per analysis; rules read it, never the raw YAML.
import type { Span } from '../text/span';
import type { ParsedYaml } from '../yaml/parse';
import {
  isMap,
  isScalar,
  isSeq,
  keyName,
  mapGet,
  mapGetPair,
  mapPairs,
  resolveAlias,
  seqItems,
  spanOf,
  type Node,
  type Pair,
} from '../yaml/parse';
import {
  block,
  keySpanOf,
  permissions,
  perParse,
  scalarAt,
  scalarValue,
  stringList,
  type Block,
  type Permissions,
  type ScalarValue,
} from './common';
import { parseUses, type UsesRef } from './uses';

export interface Trigger {
  event: string;
  span: Span;
  /** The event's configuration (types, branches, inputs...), when given as a mapping. */
  config?: Node;
}

export interface Step {
  index: number;
  node: Node;
  span: Span;
  id?: ScalarValue;
  name?: ScalarValue;
  uses?: UsesRef;
  with?: Block;
  env?: Block;
  run?: ScalarValue;
  /** The shell the step runs under: its own `shell:`, else the job's or workflow's `defaults.run.shell`, else undefined (bash on Linux). */
  shell?: string;
  if?: ScalarValue;
  workingDirectory?: ScalarValue;
  continueOnError?: ScalarValue;
  timeoutMinutes?: ScalarValue;
}

export interface Container {
  node: Node;
  keySpan: Span;
  image?: ScalarValue;
  credentials?: Block;
  env?: Block;
  options?: ScalarValue;
}

export interface Service extends Container {
  id: string;
}

export interface Job {
  id: string;
  idSpan: Span;
  node: Node;
  span: Span;
  name?: ScalarValue;
  runsOn: ScalarValue[];
  runsOnNode?: Node;
  runsOnKeySpan?: Span;
  permissions?: Permissions;
  env?: Block;
  if?: ScalarValue;
  needs: ScalarValue[];
  steps: Step[];
  /** Reusable workflow call (`jobs.<id>.uses`). */
  uses?: UsesRef;
  with?: Block;
  /** `secrets: inherit` or a mapping of secrets passed to a reusable workflow. */
  secretsInherit?: ScalarValue;
  secrets?: Block;
  container?: Container;
  services: Service[];
  environment?: { name?: ScalarValue; url?: ScalarValue; keySpan: Span };
  timeoutMinutes?: ScalarValue;
  concurrency?: { keySpan: Span; node?: Node };
  strategy?: Node;
  outputs?: Block;
  defaultsShell?: string;
}

export interface WorkflowInput {
  name: string;
  keySpan: Span;
  type?: string;
  event: 'workflow_dispatch' | 'workflow_call';
}

export interface Workflow {
  kind: 'workflow';
  path: string;
  text: string;
  root: Node;
  name?: ScalarValue;
  triggers: Trigger[];
  onKeySpan?: Span;
  permissions?: Permissions;
  env?: Block;
  concurrency?: { keySpan: Span; node?: Node };
  defaultsShell?: string;
  jobs: Job[];
  jobsKeySpan?: Span;
  inputs: WorkflowInput[];
  /** Secrets declared by `on.workflow_call.secrets`. */
  declaredSecrets: string[];
}

/**
 * Callee and caller models built once per parse and path: a repository's workflow is read as a callee (permissions,
 * callee flow) and as a caller from one shared parse. The analyzed file's own model is built by buildWorkflow and not
 * kept: holding every file's model made the young-generation collections copy them.
 */
export const sharedWorkflow = perParse((parsed, path) => buildWorkflow(parsed, path));

export function buildWorkflow(parsed: ParsedYaml, path: string): Workflow | undefined {
  const root = resolveAlias(parsed.doc?.contents);
  if (!root || !isMap(root)) return undefined;
  const text = parsed.text;
  const defaultsShell = scalarString2(mapGet(mapGet(mapGet(root, 'defaults'), 'run'), 'shell'));
  const triggers = buildTriggers(mapGet(root, 'on'));
  const jobsNode = mapGet(root, 'jobs');
  const jobs: Job[] = [];
  for (const pair of mapPairs(jobsNode)) {
    const job = buildJob(pair, text, defaultsShell);
    if (job) jobs.push(job);
  }
  const concurrencyPair = mapGetPair(root, 'concurrency');
  return {
    kind: 'workflow',
    path,
    text,
    root,
    name: scalarAt(root, 'name', text),
    triggers,
    onKeySpan: keySpanOf(root, 'on'),
    permissions: permissions(root, text),
    env: block(root, 'env', text),
    concurrency: concurrencyPair
      ? { keySpan: spanOf(concurrencyPair.key as Node)!, node: resolveAlias(concurrencyPair.value) ?? undefined }
      : undefined,
    defaultsShell,
    jobs,
    jobsKeySpan: keySpanOf(root, 'jobs'),
    inputs: buildInputs(triggers),
    declaredSecrets: triggers
      .filter((t) => t.event === 'workflow_call')
      .flatMap((t) =>
        mapPairs(mapGet(t.config, 'secrets'))
          .map((p) => keyName(p))
          .filter((n): n is string => !!n),
      ),
  };
}

function scalarString2(node: unknown): string | undefined {
  const n = resolveAlias(node);
  return isScalar(n) && n.value !== null ? String(n.value) : undefined;
}

function buildTriggers(on: Node | undefined): Trigger[] {
  if (!on) return [];
  if (isScalar(on)) {
    const span = spanOf(on);
    return on.value && span ? [{ event: String(on.value), span }] : [];
  }
  if (isSeq(on)) {
    return seqItems(on)
      .filter((i) => isScalar(i) && i.value)
      .map((i) => ({ event: String((i as { value: unknown }).value), span: spanOf(i)! }));
  }
  return mapPairs(on)
    .map((p) => ({ event: keyName(p) ?? '', span: spanOf(p.key as Node)!, config: resolveAlias(p.value) ?? undefined }))
    .filter((t) => t.event && t.span);
}

function buildInputs(triggers: Trigger[]): WorkflowInput[] {
  const out: WorkflowInput[] = [];
  for (const t of triggers) {
    if (t.event !== 'workflow_dispatch' && t.event !== 'workflow_call') continue;
    for (const p of mapPairs(mapGet(t.config, 'inputs'))) {
      const name = keyName(p);
      const keySpan = spanOf(p.key as Node);
      if (name && keySpan) out.push({ name, keySpan, type: scalarString2(mapGet(p.value, 'type')), event: t.event });
    }
  }
  return out;
}

function buildJob(pair: Pair<Node, Node | null>, text: string, workflowShell: string | undefined): Job | undefined {
  const id = keyName(pair);
  const idSpan = spanOf(pair.key as Node);
  const node = resolveAlias(pair.value);
  if (!id || !idSpan || !node || !isMap(node)) return undefined;
  const span = { start: idSpan.start, end: spanOf(node)?.end ?? idSpan.end };
  const defaultsShell = scalarString2(mapGet(mapGet(mapGet(node, 'defaults'), 'run'), 'shell')) ?? workflowShell;
  const runsOnPair = mapGetPair(node, 'runs-on');
  const runsOnNode = resolveAlias(runsOnPair?.value) ?? undefined;
  const runsOn = isMap(runsOnNode)
    ? [...stringList(mapGet(runsOnNode, 'labels'), text), ...stringList(mapGet(runsOnNode, 'group'), text)]
    : stringList(runsOnNode, text);
  const usesValue = scalarAt(node, 'uses', text);
  const secretsValue = resolveAlias(mapGet(node, 'secrets'));
  const envNode = resolveAlias(mapGetPair(node, 'environment')?.value);
  const environmentKey = keySpanOf(node, 'environment');
  const concurrencyPair = mapGetPair(node, 'concurrency');
  return {
    id,
    idSpan,
    node,
    span,
    name: scalarAt(node, 'name', text),
    runsOn,
    runsOnNode,
    runsOnKeySpan: runsOnPair ? spanOf(runsOnPair.key as Node) : undefined,
    permissions: permissions(node, text),
    env: block(node, 'env', text),
    if: scalarAt(node, 'if', text),
    needs: stringList(mapGet(node, 'needs'), text),
    steps: seqItems(mapGet(node, 'steps'))
      .map((s, i) => buildStep(s, i, text, defaultsShell))
      .filter((s): s is Step => !!s),
    uses: usesValue ? parseUses(usesValue.text, usesValue.span) : undefined,
    with: block(node, 'with', text),
    secretsInherit: isScalar(secretsValue) ? scalarValue(secretsValue, text) : undefined,
    secrets: isMap(secretsValue) ? block(node, 'secrets', text) : undefined,
    container: buildContainer(mapGetPair(node, 'container'), text),
    services: mapPairs(mapGet(node, 'services'))
      .map((p) => {
        const c = buildContainer(p, text);
        const sid = keyName(p);
        return c && sid ? { ...c, id: sid } : undefined;
      })
      .filter((s): s is Service => !!s),
    environment: environmentKey
      ? isMap(envNode)
        ? { keySpan: environmentKey, name: scalarAt(envNode, 'name', text), url: scalarAt(envNode, 'url', text) }
        : { keySpan: environmentKey, name: scalarValue(envNode, text) }
      : undefined,
    timeoutMinutes: scalarAt(node, 'timeout-minutes', text),
    concurrency: concurrencyPair
      ? { keySpan: spanOf(concurrencyPair.key as Node)!, node: resolveAlias(concurrencyPair.value) ?? undefined }
      : undefined,
    strategy: mapGet(node, 'strategy'),
    outputs: block(node, 'outputs', text),
    defaultsShell,
  };
}

function buildContainer(pair: Pair<Node, Node | null> | undefined, text: string): Container | undefined {
  if (!pair) return undefined;
  const keySpan = spanOf(pair.key as Node);
  const node = resolveAlias(pair.value);
  if (!keySpan || !node) return undefined;
  if (isScalar(node)) return { node, keySpan, image: scalarValue(node, text) };
  if (!isMap(node)) return undefined;
  return {
    node,
    keySpan,
    image: scalarAt(node, 'image', text),
    credentials: block(node, 'credentials', text),
    env: block(node, 'env', text),
    options: scalarAt(node, 'options', text),
  };
}

export function buildStep(raw: Node, index: number, text: string, defaultsShell: string | undefined): Step | undefined {
  const node = resolveAlias(raw);
  const span = spanOf(node);
  if (!node || !isMap(node) || !span) return undefined;
  const uses = scalarAt(node, 'uses', text);
  const shell = scalarAt(node, 'shell', text)?.text ?? defaultsShell;
  return {
    index,
    node,
    span,
    id: scalarAt(node, 'id', text),
    name: scalarAt(node, 'name', text),
    uses: uses ? parseUses(uses.text, uses.span) : undefined,
    with: block(node, 'with', text),
    env: block(node, 'env', text),
    run: scalarAt(node, 'run', text),
    shell,
    if: scalarAt(node, 'if', text),
    workingDirectory: scalarAt(node, 'working-directory', text),
    continueOnError: scalarAt(node, 'continue-on-error', text),
    timeoutMinutes: scalarAt(node, 'timeout-minutes', text),
  };
}

/** A short human label for a step: its name, else its uses, else its id, else its index. */
export function stepLabel(step: Step): string {
  return step.name?.text ?? step.uses?.raw ?? step.id?.text ?? `step ${step.index + 1}`;
}
