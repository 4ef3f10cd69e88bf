// Typed model of a GitLab CI configuration (a pipeline or a file it includes). Every value keeps its node and span.
// Jobs are read twice: their own keys (where a finding about a value is reported, once, at its definition) and an
// effective view that follows `<<:` merge keys, `extends:` chains, `!reference` tags and `default:` (for checks about
// what a job does as a whole, reported at the job that uses the template).
import type { Span } from '../../text/span';
import {
  isMap,
  isScalar,
  isSeq,
  keyName,
  mapGetPair,
  mapPairs,
  resolveAlias,
  scalarString,
  seqItems,
  spanOf,
  type Node,
  type Pair,
  type ParsedYaml,
} from '../../yaml/parse';
import { scalarValue, stringList, type ScalarValue } from '../common';

/** Top-level keys that are not jobs. */
export const GLOBAL_KEYWORDS = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'types',
  'spec',
]);

const SCRIPT_KEYS = ['before_script', 'script', 'after_script'] as const;
export type ScriptKey = (typeof SCRIPT_KEYS)[number];
/** Keys a job takes from `default:` when it does not set them. */
const DEFAULTABLE = new Set([
  'after_script',
  'artifacts',
  'before_script',
  'cache',
  'hooks',
  'id_tokens',
  'image',
  'interruptible',
  'retry',
  'services',
  'tags',
  'timeout',
]);
/** Bounds on template resolution: real pipelines nest `extends:` a few levels (GitLab itself allows 11). */
const MAX_EXTENDS_DEPTH = 11;
const MAX_REFERENCE_DEPTH = 10;

export interface GitlabVariable {
  name: string;
  keySpan: Span;
  /** `NAME: value` or `NAME: { value: ... }`. */
  value?: ScalarValue;
  description?: ScalarValue;
  /** `expand: false`: the value is taken literally ($ not expanded). */
  expand?: boolean;
  pair: Pair<Node, Node | null>;
  span: Span;
}

export type IncludeKind = 'local' | 'remote' | 'project' | 'template' | 'component';

export interface GitlabInclude {
  kind: IncludeKind;
  /** Path, URL, project path, template name or component address. */
  target: ScalarValue;
  /** `ref:` of a project include. */
  ref?: ScalarValue;
  /** Files of a project include. */
  files: ScalarValue[];
  /** The include entry (a mapping, or the scalar of the short form). */
  node: Node;
  span: Span;
  /** `trigger: include:` of a job (a child pipeline) rather than a top-level include. */
  trigger?: string;
}

export interface GitlabImage {
  /** `image` or `services`. */
  key: 'image' | 'services';
  name: ScalarValue;
}

export interface GitlabScript {
  key: ScriptKey;
  /** One string of the script list (a line or a block scalar). */
  line: ScalarValue;
}

export interface GitlabEnvironment {
  name?: string;
  action?: string;
  tier?: string;
  span: Span;
}

/** Who may download a job's artifacts: `artifacts:access`, or `public: false` (the same as `developer`). */
export type ArtifactAccess = 'all' | 'developer' | 'maintainer' | 'none';

/** `artifacts:` of a job, key by key through its templates (GitLab deep-merges mappings of `extends:`). */
export interface GitlabArtifacts {
  /** The `artifacts:` mapping of the most specific layer that has one. */
  node: Node;
  paths: string[];
  exclude: string[];
  /** `reports: dotenv:` files: downloadable like the archive, and loaded as variables by later jobs. */
  dotenv: string[];
  /** `untracked: true`: every file git does not track. */
  untracked: boolean;
  access: ArtifactAccess;
  exposeAs?: string;
}

/** What a job does once templates, merge keys, references and defaults are applied. */
export interface EffectiveJob {
  /** Every script string the job runs (before_script, script, after_script), as text. */
  scripts: string[];
  variables: Map<string, string | undefined>;
  environment?: GitlabEnvironment;
  /** `when:` of the job itself. */
  when?: string;
  /** `when:` values of its `rules:` entries, and whether any rule has no `when:` (runs on_success). */
  ruleWhens: string[];
  /** The `if:` conditions of its rules. */
  ruleIfs: string[];
  only: string[];
  except: string[];
  hasRules: boolean;
  resourceGroup?: string;
  tags: string[];
  stage?: string;
  trigger: boolean;
  idTokens: string[];
  secrets: string[];
  artifacts?: GitlabArtifacts;
  images: string[];
  services: string[];
  /** Some `extends:` or `!reference` target is defined outside what Flowguard can see (remote or project includes). */
  unresolved: string[];
  /** The templates its `extends:` chain resolved to, by name. */
  templates: string[];
}

export interface GitlabJob {
  name: string;
  keySpan: Span;
  node: Node;
  span: Span;
  pair: Pair<Node, Node | null>;
  /** `.name`: a template, never run by itself. */
  hidden: boolean;
  extends: string[];
  /** Own keys, with positions. */
  variables: GitlabVariable[];
  variablesPair?: Pair<Node, Node | null>;
  scripts: GitlabScript[];
  images: GitlabImage[];
  secretsPair?: Pair<Node, Node | null>;
  idTokensPair?: Pair<Node, Node | null>;
  environmentPair?: Pair<Node, Node | null>;
  triggerIncludes: GitlabInclude[];
  /** Filled lazily by `effective()`. */
  effective?: EffectiveJob;
}

export interface SpecInput {
  name: string;
  keySpan: Span;
  type?: string;
  /** Restricted by `options:` or `regex:`. */
  constrained: boolean;
}

export interface GitlabPipeline {
  kind: 'gitlab';
  path: string;
  text: string;
  root: Node;
  /** `spec: inputs:` of the header document. */
  inputs: SpecInput[];
  stages: ScalarValue[];
  variables: GitlabVariable[];
  variablesPair?: Pair<Node, Node | null>;
  defaultNode?: Node;
  defaultPair?: Pair<Node, Node | null>;
  /** `workflow:rules` `if:` conditions (which pipeline sources run at all). */
  workflowRuleIfs: ScalarValue[];
  includes: GitlabInclude[];
  /** Script lines of top-level (deprecated global) before_script/after_script and of `default:`. */
  globalScripts: GitlabScript[];
  globalImages: GitlabImage[];
  jobs: GitlabJob[];
  /** Templates from local includes, for `extends:` and `!reference` resolution (name -> mapping node). */
  external: Map<string, Node>;
}

export interface BuildOptions {
  /** Reads a repository file (local includes), as `AnalyzeInput.readFile`. */
  readFile?: (repoRelativePath: string) => string | undefined;
  /** Parses included text (injected to keep this module free of a parse cycle). */
  parse?: (text: string) => ParsedYaml;
}

export function buildPipeline(parsed: ParsedYaml, path: string, options: BuildOptions = {}): GitlabPipeline {
  const text = parsed.text;
  const root = (resolveAlias(parsed.doc?.contents) ?? undefined) as Node;
  const variablesPair = mapGetPair(root, 'variables');
  const defaultPair = mapGetPair(root, 'default');
  const defaultNode = resolveAlias(defaultPair?.value) ?? undefined;
  const workflow = resolveAlias(mapGetPair(root, 'workflow')?.value);
  const pipeline: GitlabPipeline = {
    kind: 'gitlab',
    path,
    text,
    root,
    inputs: specInputs(parsed, text),
    stages: stringList(mapGetPair(root, 'stages')?.value, text),
    variables: variablesOf(variablesPair, text),
    variablesPair,
    defaultNode: isMap(defaultNode) ? (defaultNode as Node) : undefined,
    defaultPair,
    workflowRuleIfs: seqItems(mapGetPair(workflow, 'rules')?.value)
      .map((r) => scalarValue(mapGetPair(r, 'if')?.value, text))
      .filter((v): v is ScalarValue => !!v),
    includes: includesOf(mapGetPair(root, 'include')?.value, text),
    globalScripts: [...scriptsOf(root, text, ['before_script', 'after_script']), ...scriptsOf(defaultNode, text)],
    globalImages: [...imagesOf(root, text), ...imagesOf(defaultNode, text)],
    jobs: [],
    external: new Map(),
  };
  for (const pair of mapPairs(root)) {
    const name = keyName(pair);
    const value = resolveAlias(pair.value);
    const keySpan = spanOf(pair.key as Node);
    if (name === undefined || GLOBAL_KEYWORDS.has(name) || !isMap(value) || !keySpan) continue;
    pipeline.jobs.push(buildJob(name, pair, value as Node, keySpan, text));
  }
  if (options.readFile && options.parse) loadLocalTemplates(pipeline, options.readFile, options.parse);
  return pipeline;
}

function buildJob(name: string, pair: Pair<Node, Node | null>, node: Node, keySpan: Span, text: string): GitlabJob {
  const variablesPair = mapGetPair(node, 'variables');
  const trigger = resolveAlias(mapGetPair(node, 'trigger')?.value);
  return {
    name,
    keySpan,
    node,
    span: { start: keySpan.start, end: spanOf(node)?.end ?? keySpan.end },
    pair,
    hidden: name.startsWith('.'),
    extends: stringList(mapGetPair(node, 'extends')?.value, text).map((v) => v.text),
    variables: variablesOf(variablesPair, text),
    variablesPair,
    scripts: scriptsOf(node, text),
    images: imagesOf(node, text),
    secretsPair: mapGetPair(node, 'secrets'),
    idTokensPair: mapGetPair(node, 'id_tokens'),
    environmentPair: mapGetPair(node, 'environment'),
    triggerIncludes: isMap(trigger)
      ? includesOf(mapGetPair(trigger, 'include')?.value, text).map((i) => ({ ...i, trigger: name }))
      : [],
  };
}

function variablesOf(pair: Pair<Node, Node | null> | undefined, text: string): GitlabVariable[] {
  const out: GitlabVariable[] = [];
  for (const p of mapPairs(pair?.value)) {
    const name = keyName(p);
    const keySpan = spanOf(p.key as Node);
    if (name === undefined || !keySpan || name === '<<') continue;
    const raw = resolveAlias(p.value);
    const valueNode = isMap(raw) ? mapGetPair(raw, 'value')?.value : raw;
    const expand = isMap(raw) ? scalarString(mapGetPair(raw, 'expand')?.value) : undefined;
    const value = scalarValue(valueNode, text);
    out.push({
      name,
      keySpan,
      value,
      description: isMap(raw) ? scalarValue(mapGetPair(raw, 'description')?.value, text) : undefined,
      expand: expand === undefined ? undefined : expand !== 'false',
      pair: p,
      span: { start: keySpan.start, end: spanOf(raw as Node)?.end ?? keySpan.end },
    });
  }
  return out;
}

/** Script strings of a mapping's script keys; nested lists are flattened, `!reference` entries are left to `effective()`. */
function scriptsOf(node: unknown, text: string, keys: readonly ScriptKey[] = SCRIPT_KEYS): GitlabScript[] {
  const out: GitlabScript[] = [];
  for (const key of keys) {
    const value = resolveAlias(mapGetPair(node, key)?.value);
    const visit = (n: unknown, depth: number) => {
      const r = resolveAlias(n);
      if (isSeq(r)) {
        if ((r as { tag?: string }).tag === '!reference' || depth > 3) return;
        for (const item of r.items) visit(item, depth + 1);
        return;
      }
      const line = scalarValue(r, text);
      if (line) out.push({ key, line });
    };
    visit(value, 0);
  }
  return out;
}

function imagesOf(node: unknown, text: string): GitlabImage[] {
  const out: GitlabImage[] = [];
  const nameOf = (n: unknown) => scalarValue(isMap(resolveAlias(n)) ? mapGetPair(n, 'name')?.value : n, text);
  const image = nameOf(mapGetPair(node, 'image')?.value);
  if (image) out.push({ key: 'image', name: image });
  for (const s of seqItems(mapGetPair(node, 'services')?.value)) {
    const name = nameOf(s);
    if (name) out.push({ key: 'services', name });
  }
  return out;
}

function includesOf(node: unknown, text: string): GitlabInclude[] {
  const n = resolveAlias(node);
  const items = isSeq(n) ? seqItems(n) : n ? [n as Node] : [];
  const out: GitlabInclude[] = [];
  for (const item of items) {
    const span = spanOf(item);
    if (!span) continue;
    if (isScalar(item)) {
      // The short form: a local path or a full URL.
      const target = scalarValue(item, text);
      if (target)
        out.push({ kind: /^https?:\/\//i.test(target.text) ? 'remote' : 'local', target, files: [], node: item, span });
      continue;
    }
    if (!isMap(item)) continue;
    for (const kind of ['local', 'remote', 'template', 'component'] as const) {
      const target = scalarValue(mapGetPair(item, kind)?.value, text);
      if (target) out.push({ kind, target, files: [], node: item, span });
    }
    const project = scalarValue(mapGetPair(item, 'project')?.value, text);
    if (project) {
      out.push({
        kind: 'project',
        target: project,
        ref: scalarValue(mapGetPair(item, 'ref')?.value, text),
        files: stringList(mapGetPair(item, 'file')?.value, text),
        node: item,
        span,
      });
    }
  }
  return out;
}

function specInputs(parsed: ParsedYaml, text: string): SpecInput[] {
  const spec = resolveAlias(mapGetPair(parsed.header?.contents, 'spec')?.value);
  const out: SpecInput[] = [];
  for (const p of mapPairs(mapGetPair(spec, 'inputs')?.value)) {
    const name = keyName(p);
    const keySpan = spanOf(p.key as Node);
    if (name === undefined || !keySpan) continue;
    const v = resolveAlias(p.value);
    out.push({
      name,
      keySpan,
      type: scalarValue(mapGetPair(v, 'type')?.value, text)?.text,
      constrained: !!mapGetPair(v, 'options') || !!mapGetPair(v, 'regex'),
    });
  }
  return out;
}

/** Hidden templates and jobs from local includes (bounded: 30 files, no globs, no remote fetching). */
function loadLocalTemplates(
  pipeline: GitlabPipeline,
  readFile: (p: string) => string | undefined,
  parse: (text: string) => ParsedYaml,
): void {
  const seen = new Set<string>();
  const queue = pipeline.includes.filter((i) => i.kind === 'local').map((i) => i.target.text);
  while (queue.length && seen.size < 30) {
    const raw = queue.shift()!;
    if (raw.includes('*') || raw.includes('$')) continue;
    const rel = raw.replace(/^\/+/, '');
    if (seen.has(rel)) continue;
    seen.add(rel);
    const content = readFile(rel);
    if (content === undefined) continue;
    const parsed = parse(content);
    const root = resolveAlias(parsed.doc?.contents);
    for (const pair of mapPairs(root)) {
      const name = keyName(pair);
      const value = resolveAlias(pair.value);
      // Jobs and templates, and hidden scalars or lists that `!reference` tags point at.
      if (
        name &&
        !GLOBAL_KEYWORDS.has(name) &&
        value &&
        (isMap(value) || name.startsWith('.')) &&
        !pipeline.external.has(name)
      )
        pipeline.external.set(name, value as Node);
    }
    for (const inc of includesOf(mapGetPair(root, 'include')?.value, content))
      if (inc.kind === 'local') queue.push(inc.target.text);
  }
}

/** The mapping of a job or template by name: this file first, then local includes. */
function templateNode(pipeline: GitlabPipeline, name: string): Node | undefined {
  return (
    pipeline.jobs.find((j) => j.name === name)?.node ??
    pipeline.external.get(name) ??
    ((resolveAlias(mapGetPair(pipeline.root, name)?.value) ?? undefined) as Node | undefined)
  );
}

/** A key's value in a mapping, following `<<:` merge keys (explicit keys win, earlier merges win over later ones). */
export function ownOrMerged(node: unknown, key: string): Node | undefined {
  const direct = mapGetPair(node, key);
  if (direct) return (resolveAlias(direct.value) ?? undefined) as Node | undefined;
  const merge = resolveAlias(mapGetPair(node, '<<')?.value);
  const sources = isSeq(merge) ? merge.items.map((i) => resolveAlias(i)) : [merge];
  for (const s of sources) {
    const p = isMap(s) ? mapGetPair(s, key) : undefined;
    if (p) return (resolveAlias(p.value) ?? undefined) as Node | undefined;
  }
  return undefined;
}

/** Keys set through a mapping and its `<<:` merges. */
function keysOf(node: unknown): string[] {
  const out = new Set<string>();
  const merge = resolveAlias(mapGetPair(node, '<<')?.value);
  for (const s of isSeq(merge) ? merge.items.map((i) => resolveAlias(i)) : [merge])
    for (const p of mapPairs(s)) {
      const k = keyName(p);
      if (k) out.add(k);
    }
  for (const p of mapPairs(node)) {
    const k = keyName(p);
    if (k && k !== '<<') out.add(k);
  }
  return [...out];
}

/**
 * The job's effective configuration: own keys (with merge keys), then its `extends:` chain (later entries win), then
 * `default:`. Mappings (variables) merge key by key; other values are replaced whole, as GitLab does.
 */
export function effective(job: GitlabJob, pipeline: GitlabPipeline): EffectiveJob {
  if (job.effective) return job.effective;
  const unresolved: string[] = [];
  // Most specific last: default, then extends chain (depth-first), then the job's own keys.
  const layers: unknown[] = [];
  const visiting = new Set<string>();
  const addTemplate = (name: string, depth: number) => {
    if (depth > MAX_EXTENDS_DEPTH || visiting.has(name)) return;
    const node = templateNode(pipeline, name);
    if (!node) {
      unresolved.push(name);
      return;
    }
    visiting.add(name);
    for (const parent of stringList(ownOrMerged(node, 'extends'), '').map((v) => v.text))
      addTemplate(parent, depth + 1);
    layers.push(node);
  };
  for (const parent of job.extends.length
    ? job.extends
    : stringList(ownOrMerged(job.node, 'extends'), '').map((v) => v.text))
    addTemplate(parent, 1);
  layers.push(job.node);

  const get = (key: string): Node | undefined => {
    for (let i = layers.length - 1; i >= 0; i--) {
      const v = ownOrMerged(layers[i], key);
      if (v !== undefined) return v;
    }
    return DEFAULTABLE.has(key) ? ownOrMerged(pipeline.defaultNode, key) : undefined;
  };
  const texts = (n: unknown): string[] => stringList(n, '').map((v) => v.text);
  const scripts: string[] = [];
  for (const key of SCRIPT_KEYS) flattenScript(get(key), pipeline, scripts, unresolved, 0);
  const variables = new Map<string, string | undefined>();
  for (const layer of [pipeline.variablesPair?.value, ...layers.map((l) => ownOrMerged(l, 'variables'))])
    for (const p of mapPairs(layer)) {
      const k = keyName(p);
      const v = resolveAlias(p.value);
      if (k && k !== '<<') variables.set(k, scalarString(isMap(v) ? mapGetPair(v, 'value')?.value : v));
    }
  const env = get('environment');
  const environment: GitlabEnvironment | undefined = env
    ? isMap(env)
      ? {
          name: scalarString(mapGetPair(env, 'name')?.value),
          action: scalarString(mapGetPair(env, 'action')?.value),
          tier: scalarString(mapGetPair(env, 'deployment_tier')?.value),
          span: spanOf(env) ?? job.keySpan,
        }
      : { name: scalarString(env), span: spanOf(env) ?? job.keySpan }
    : undefined;
  const rules = get('rules');
  const ruleItems = isSeq(rules) ? flattenRules(rules, pipeline, 0) : [];
  // `if: !reference [.is_release]` names a condition defined elsewhere (often a top-level scalar).
  const ruleIf = (r: Node): string => {
    const v = resolveAlias(mapGetPair(r, 'if')?.value);
    if (isSeq(v) && (v as { tag?: string }).tag === '!reference') {
      const target = referenced(v as Node, pipeline);
      if (target === null || target === undefined) unresolved.push(String(scalarString(v.items[0])));
      return scalarString(target) ?? '';
    }
    return scalarString(v) ?? '';
  };
  const imageName = (n: unknown) => scalarString(isMap(resolveAlias(n)) ? mapGetPair(n, 'name')?.value : n);
  // `extends:` merges the artifacts mappings key by key; `default:` only applies when no layer sets artifacts.
  const artifactLayers = layers
    .map((l) => resolveAlias(ownOrMerged(l, 'artifacts')))
    .filter((a): a is Node => isMap(a))
    .reverse();
  if (!artifactLayers.length) {
    const fromDefault = resolveAlias(ownOrMerged(pipeline.defaultNode, 'artifacts'));
    if (isMap(fromDefault)) artifactLayers.push(fromDefault as Node);
  }
  const artifactKey = (...path: string[]): Node | undefined => {
    for (const layer of artifactLayers) {
      let n: unknown = layer;
      for (const key of path) n = ownOrMerged(n, key);
      if (n !== undefined) return n as Node;
    }
    return undefined;
  };
  const access = scalarString(artifactKey('access'));
  const artifacts: GitlabArtifacts | undefined = artifactLayers.length
    ? {
        node: artifactLayers[0],
        paths: texts(artifactKey('paths')),
        exclude: texts(artifactKey('exclude')),
        dotenv: texts(artifactKey('reports', 'dotenv')),
        untracked: scalarString(artifactKey('untracked')) === 'true',
        access:
          access === 'developer' || access === 'maintainer' || access === 'none' || access === 'all'
            ? access
            : scalarString(artifactKey('public')) === 'false'
              ? 'developer'
              : 'all',
        exposeAs: scalarString(artifactKey('expose_as')),
      }
    : undefined;
  job.effective = {
    scripts,
    variables,
    environment,
    when: scalarString(get('when')),
    ruleWhens: ruleItems.map((r) => scalarString(mapGetPair(r, 'when')?.value) ?? 'on_success'),
    ruleIfs: ruleItems.map(ruleIf),
    hasRules: isSeq(rules),
    only: onlyExcept(get('only')),
    except: onlyExcept(get('except')),
    resourceGroup: scalarString(get('resource_group')),
    tags: texts(get('tags')),
    stage: scalarString(get('stage')),
    trigger: get('trigger') !== undefined,
    idTokens: keysOf(get('id_tokens')),
    secrets: keysOf(get('secrets')),
    artifacts,
    images: [imageName(get('image'))].filter((s): s is string => !!s),
    services: seqItems(get('services'))
      .map(imageName)
      .filter((s): s is string => !!s),
    unresolved,
    templates: [...visiting],
  };
  return job.effective;
}

function onlyExcept(n: unknown): string[] {
  const r = resolveAlias(n);
  if (isMap(r)) return stringList(mapGetPair(r, 'refs')?.value, '').map((v) => v.text);
  return stringList(r, '').map((v) => v.text);
}

/** Script lines, following nested lists and `!reference [job, key]` tags (bounded). */
function flattenScript(n: unknown, pipeline: GitlabPipeline, out: string[], unresolved: string[], depth: number): void {
  const r = resolveAlias(n);
  if (depth > MAX_REFERENCE_DEPTH || r == null) return;
  if (isSeq(r)) {
    if ((r as { tag?: string }).tag === '!reference') {
      const target = referenced(r, pipeline);
      if (target === null) unresolved.push(String(scalarString(r.items[0])));
      else flattenScript(target, pipeline, out, unresolved, depth + 1);
      return;
    }
    for (const item of r.items) flattenScript(item, pipeline, out, unresolved, depth + 1);
    return;
  }
  const s = scalarString(r);
  if (s !== undefined) out.push(s);
}

function flattenRules(rules: Node, pipeline: GitlabPipeline, depth: number): Node[] {
  const out: Node[] = [];
  for (const item of (rules as { items: unknown[] }).items) {
    const r = resolveAlias(item);
    if (isSeq(r) && (r as { tag?: string }).tag === '!reference' && depth < MAX_REFERENCE_DEPTH) {
      const target = referenced(r, pipeline);
      if (isSeq(target)) out.push(...flattenRules(target, pipeline, depth + 1));
    } else if (isMap(r)) out.push(r as Node);
  }
  return out;
}

/** The node a `!reference [name, key, ...]` points at; null when the template is not visible here. */
function referenced(ref: Node, pipeline: GitlabPipeline): Node | undefined | null {
  const path = seqItems(ref).map((i) => scalarString(i));
  if (!path.length || path.some((p) => p === undefined)) return undefined;
  let node: unknown = path[0] === undefined ? undefined : templateNode(pipeline, path[0]);
  if (node === undefined)
    node = GLOBAL_KEYWORDS.has(path[0]!) ? resolveAlias(mapGetPair(pipeline.root, path[0]!)?.value) : undefined;
  if (node === undefined) return null;
  for (const key of path.slice(1)) node = ownOrMerged(node, key!);
  return (node ?? undefined) as Node | undefined;
}

/** Job label for messages. */
export function jobLabel(job: GitlabJob): string {
  return job.hidden ? `template '${job.name}'` : `job '${job.name}'`;
}
