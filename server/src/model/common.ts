// Building blocks shared by the workflow and action models. Every value keeps its YAML node and source span.
import type { Span } from '../text/span';
import { findExpressions, type ExpressionOccurrence } from '../expressions/parse';
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  keyName,
  mapGet,
  mapGetPair,
  mapPairs,
  pairSpan,
  resolveAlias,
  scalarString,
  type ParsedYaml,
  seqItems,
  spanOf,
  type Node,
  type Pair,
  type Scalar,
} from '../yaml/parse';

/** A scalar value with its position. `text` is the parsed value; `span` covers the source (with quotes). */
export interface ScalarValue {
  text: string;
  span: Span;
  node: Node;
  /** Expressions in the source of this value, with exact offsets. */
  expressions: ExpressionOccurrence[];
  /** When the value is an alias (`run: *script`): the alias's span; `span` and `expressions` are the anchor's. */
  aliasSpan?: Span;
  /** The value carries an anchor (`&name`): aliases elsewhere repeat its text. */
  anchored?: boolean;
}

/** A `key: value` entry (env var, with input, output...). */
export interface KeyValue {
  name: string;
  keySpan: Span;
  /** Undefined when the value is not a scalar (a mapping, a sequence, or empty). */
  value?: ScalarValue;
  pair: Pair<Node, Node | null>;
  /** From the key's start to the value's end. */
  span: Span;
}

/** A mapping-valued key (`env:`, `with:`...) with its entries. */
export interface Block {
  keySpan: Span;
  /** The mapping node; undefined when the value is an expression string or empty. */
  map?: Node;
  pair: Pair<Node, Node | null>;
  entries: KeyValue[];
  /** When the whole block is a single expression (`env: ${{ fromJSON(...) }}`). */
  expression?: ScalarValue;
}

export type PermissionLevel = 'read' | 'write' | 'none';

export interface PermissionScope {
  scope: string;
  level: PermissionLevel | string;
  keySpan: Span;
  valueSpan: Span;
  span: Span;
}

export interface Permissions {
  /** write-all / read-all / {} (none) / a map of scopes / an expression or something invalid. */
  kind: 'write-all' | 'read-all' | 'none' | 'map' | 'other';
  scopes: PermissionScope[];
  pair: Pair<Node, Node | null>;
  keySpan: Span;
  /** Span of the value node (or of the key when the value is empty). */
  valueSpan: Span;
  span: Span;
}

export function scalarValue(node: unknown, text: string): ScalarValue | undefined {
  const n = resolveAlias(node);
  if (!n || !isScalar(n)) return undefined;
  const value = scalarString(n);
  const span = spanOf(n);
  if (value === undefined || !span) return undefined;
  const aliasSpan = isAlias(node) ? spanOf(node as Node) : undefined;
  return {
    text: value,
    span,
    node: n,
    expressions: value.includes('${{') ? findExpressions(text, span) : [],
    ...(aliasSpan ? { aliasSpan } : {}),
    ...((n as Scalar).anchor ? { anchored: true } : {}),
  };
}

export function keyValues(node: unknown, text: string): KeyValue[] {
  const out: KeyValue[] = [];
  for (const pair of mapPairs(node)) {
    const name = keyName(pair);
    const keySpan = spanOf(pair.key as Node);
    const span = pairSpan(pair);
    if (name === undefined || !keySpan || !span) continue;
    out.push({ name, keySpan, value: scalarValue(pair.value, text), pair, span });
  }
  return out;
}

export function block(parent: unknown, key: string, text: string): Block | undefined {
  const pair = mapGetPair(parent, key);
  if (!pair) return undefined;
  const keySpan = spanOf(pair.key as Node);
  if (!keySpan) return undefined;
  const value = resolveAlias(pair.value);
  return {
    keySpan,
    pair,
    map: isMap(value) ? value : undefined,
    entries: keyValues(value, text),
    expression: isScalar(value) ? scalarValue(value, text) : undefined,
  };
}

export function scalarAt(parent: unknown, key: string, text: string): ScalarValue | undefined {
  return scalarValue(mapGetPair(parent, key)?.value, text);
}

export function keySpanOf(parent: unknown, key: string): Span | undefined {
  const pair = mapGetPair(parent, key);
  return pair ? spanOf(pair.key as Node) : undefined;
}

export function permissions(parent: unknown, text: string): Permissions | undefined {
  const pair = mapGetPair(parent, 'permissions');
  if (!pair) return undefined;
  const keySpan = spanOf(pair.key as Node)!;
  const value = resolveAlias(pair.value);
  const valueSpan = spanOf(value) ?? keySpan;
  const span = pairSpan(pair) ?? keySpan;
  const base = { pair, keySpan, valueSpan, span, scopes: [] as PermissionScope[] };
  if (isScalar(value)) {
    const v = scalarString(value);
    if (v === 'write-all') return { ...base, kind: 'write-all' };
    if (v === 'read-all') return { ...base, kind: 'read-all' };
    return { ...base, kind: 'other' };
  }
  if (isMap(value)) {
    const scopes: PermissionScope[] = keyValues(value, text).map((kv) => ({
      scope: kv.name,
      level: kv.value?.text ?? '',
      keySpan: kv.keySpan,
      valueSpan: kv.value?.span ?? kv.keySpan,
      span: kv.span,
    }));
    return { ...base, kind: scopes.length === 0 ? 'none' : 'map', scopes };
  }
  // `permissions:` with no value is null: GitHub treats it as invalid; report as other.
  return { ...base, kind: 'other' };
}

export function stringList(node: unknown, text: string): ScalarValue[] {
  const n = resolveAlias(node);
  if (isSeq(n))
    return seqItems(n)
      .map((i) => scalarValue(i, text))
      .filter((v): v is ScalarValue => !!v);
  const one = scalarValue(n, text);
  return one ? [one] : [];
}

export { mapGet, mapGetPair, mapPairs, keyName, spanOf, isMap, isSeq, isScalar };

/**
 * `build` memoised per parse and path: callee and caller models are built once from one shared parse
 * (parseYamlShared), and freed with it. The models are read-only.
 */
export function perParse<T>(build: (parsed: ParsedYaml, path: string) => T | undefined) {
  const byParse = new WeakMap<ParsedYaml, Map<string, T | undefined>>();
  return (parsed: ParsedYaml, path: string): T | undefined => {
    let byPath = byParse.get(parsed);
    if (!byPath) byParse.set(parsed, (byPath = new Map()));
    if (!byPath.has(path)) byPath.set(path, build(parsed, path));
    return byPath.get(path);
  };
}
