// A reusable workflow (`on: workflow_call`) sees only the secrets its callers pass: a fix that makes it read
// `${{ secrets.NAME }}` must declare NAME under `on.workflow_call.secrets`, and its callers must pass it. Callers in
// the same repository are named when the adapter can list the workflows folder.
import type { RepoReader } from '../analysis/file';
import type { TextEdit } from '../text/span';
import type { Workflow } from '../model/workflow';
import { buildWorkflow } from '../model/workflow';
import { isMap, isScalar, mapGetPair, parseYamlShared, spanOf, type Node, type Pair } from '../yaml/parse';
import { appendToMapping, columnOf, indentUnit, newlineOf } from './edits';

export function isReusableWorkflow(wf: Workflow): boolean {
  return wf.triggers.some((t) => t.event === 'workflow_call');
}

/**
 * The edit declaring `name` as a required secret of the workflow_call trigger (none when already declared), or
 * undefined when `on:` is written in a form we cannot extend with a minimal edit (a list of events).
 */
export function declareCallSecret(text: string, wf: Workflow, name: string): TextEdit[] | undefined {
  if (wf.declaredSecrets.some((s) => s.toLowerCase() === name.toLowerCase())) return [];
  const onPair = mapGetPair(wf.root, 'on') as Pair<Node, Node | null> | undefined;
  if (!onPair) return undefined;
  const unit = indentUnit(text);
  const pad = (n: number) => ' '.repeat(n);
  const nl = newlineOf(text);
  const secretLines = [`${name}:`, `${pad(unit)}required: true`];
  const on = onPair.value;
  if (isScalar(on) && on.value === 'workflow_call') {
    // `on: workflow_call` becomes a mapping with the declaration.
    const span = spanOf(on)!;
    const col = columnOf(text, spanOf(onPair.key as Node)!.start) + unit;
    const lines = ['workflow_call:', `${pad(unit)}secrets:`, ...secretLines.map((l) => pad(2 * unit) + l)];
    return [{ span, newText: lines.map((l) => nl + pad(col) + l).join('') }];
  }
  if (!isMap(on)) return undefined;
  const callPair = mapGetPair(on, 'workflow_call') as Pair<Node, Node | null> | undefined;
  if (!callPair) return undefined;
  const keyCol = columnOf(text, spanOf(callPair.key as Node)!.start);
  const call = callPair.value;
  if (!call || (isScalar(call) && (call.value === null || call.value === ''))) {
    const at = afterColon(text, callPair);
    if (at === undefined) return undefined;
    const lines = ['secrets:', ...secretLines.map((l) => pad(unit) + l)];
    return [{ span: { start: at, end: at }, newText: lines.map((l) => nl + pad(keyCol + unit) + l).join('') }];
  }
  if (!isMap(call)) return undefined;
  const secretsPair = mapGetPair(call, 'secrets') as Pair<Node, Node | null> | undefined;
  if (!secretsPair) {
    const edit = appendToMapping(text, call, ['secrets:', ...secretLines.map((l) => pad(unit) + l)]);
    return edit ? [edit] : undefined;
  }
  const secrets = secretsPair.value;
  if (secrets && isMap(secrets)) {
    const edit = appendToMapping(text, secrets, secretLines);
    return edit ? [edit] : undefined;
  }
  if (!secrets || (isScalar(secrets) && (secrets.value === null || secrets.value === ''))) {
    const at = afterColon(text, secretsPair);
    const col = columnOf(text, spanOf(secretsPair.key as Node)!.start) + unit;
    return at === undefined
      ? undefined
      : [{ span: { start: at, end: at }, newText: secretLines.map((l) => nl + pad(col) + l).join('') }];
  }
  return undefined;
}

/** Just after `key:` on its line (before a trailing comment, which stays where it is). */
function afterColon(text: string, pair: Pair<Node, Node | null>): number | undefined {
  const key = spanOf(pair.key as Node);
  if (!key) return undefined;
  const colon = text.indexOf(':', key.end);
  const lineEnd = text.indexOf('\n', key.end);
  if (colon === -1 || (lineEnd !== -1 && colon > lineEnd)) return undefined;
  return colon + 1;
}

const WORKFLOWS_DIR = '.github/workflows';

/** Workflows of the repository that call `path` (repository-relative), or undefined when the folder cannot be listed. */
export function callersOf(readFile: RepoReader | undefined, path: string): string[] | undefined {
  const list = readFile?.list;
  const self = path.replace(/\\/g, '/');
  const at = self.lastIndexOf(`${WORKFLOWS_DIR}/`);
  if (!readFile || !list || at === -1) return undefined;
  const target = self.slice(at);
  const callers: string[] = [];
  for (const file of list(WORKFLOWS_DIR).slice(0, 200)) {
    const rel = file.includes('/') ? file : `${WORKFLOWS_DIR}/${file}`;
    if (!/\.ya?ml$/.test(rel) || rel === target) continue;
    const text = readFile(rel);
    if (!text || !text.includes(target)) continue;
    const wf = buildWorkflow(parseYamlShared(text), rel);
    if (
      wf?.jobs.some((j) => j.uses?.kind === 'local-reusable-workflow' && j.uses.path?.replace(/^\.\//, '') === target)
    )
      callers.push(rel);
  }
  return callers;
}
