// Positioned YAML parsing on top of the `yaml` package. Parsing never throws: failures become ParseProblems.
import * as yaml from 'yaml';
import {
  CST,
  Lexer,
  parseAllDocuments,
  parseDocument,
  visit,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
  type Scalar,
} from 'yaml';
import type { Span } from '../text/span';
import { SizedLru } from '../text/sized-lru';
import { LineIndex } from '../text/lines';

/**
 * Bound once: bundled, a CommonJS package's exports are reached through a getter on every call, and these guards run
 * on every node every rule looks at.
 */
const { isMap, isSeq, isScalar, isAlias, isPair } = yaml;

export interface ParseProblem {
  message: string;
  span: Span;
  /** yaml: the YAML itself is invalid; limit: the file is beyond what Flowguard analyzes. */
  kind: 'yaml' | 'limit';
  /** The `yaml` library's error code (DUPLICATE_KEY...), for a yaml problem. */
  code?: string;
}

export interface ParsedYaml {
  text: string;
  lines: LineIndex;
  /** Undefined only when the text could not be parsed at all. */
  doc?: Document.Parsed;
  /** A GitLab CI `spec:` header document before `---` (then `doc` is the configuration after it). */
  header?: Document.Parsed;
  problems: ParseProblem[];
}

/** An anchor may be defined: `&` then a name character, at a line start or after a space, `-`, `:`, `,`, `[`, `{`, `!tag `. Shell `&&` does not match. */
const MAY_HAVE_ANCHOR = /(?:^|[\s\-:,[{])&[^\s&]/m;

export const MAX_ANALYZED_BYTES = 10 * 1024 * 1024;
/** Deeper flow/block nesting than any real workflow; beyond it parsing could exhaust the stack. */
export const MAX_NESTING = 400;
/**
 * Lines plus flow-collection items (`[`, `{`, `,`) a file may have: what the YAML tree's size (and memory: about 2 KB
 * a line, so a 9 MB file of short steps needed 900 MB) grows with. The largest of 2,400 real files has 14,730; at
 * 60,000 a scan stays near 225 MB.
 */
export const MAX_STRUCTURE = 60_000;

export function parseYaml(text: string): ParsedYaml {
  const lines = new LineIndex(text);
  if (text.length > MAX_ANALYZED_BYTES) {
    return {
      text,
      lines,
      problems: [
        {
          kind: 'limit',
          message: `File is larger than ${MAX_ANALYZED_BYTES / 1024 / 1024} MB; Flowguard does not analyze it.`,
          span: { start: 0, end: 0 },
        },
      ],
    };
  }
  const depthProblem = checkNesting(text);
  if (depthProblem) return { text, lines, problems: [depthProblem] };
  let doc: Document.Parsed;
  try {
    // uniqueKeys stays on: a duplicated key is a YAML error GitHub rejects too.
    doc = parseDocument(text, { keepSourceTokens: false, prettyErrors: false, strict: false }) as Document.Parsed;
  } catch (err) {
    return {
      text,
      lines,
      problems: [
        { kind: 'yaml', message: `YAML could not be parsed: ${(err as Error).message}`, span: { start: 0, end: 0 } },
      ],
    };
  }
  let header: Document.Parsed | undefined;
  if (doc.errors.some((e) => e.code === 'MULTIPLE_DOCS')) {
    const split = specHeaderSplit(text);
    if (split) [header, doc] = split;
  }
  // Most files define no anchor (`&name` after a space, a line start or a flow indicator); the walk is skipped.
  if (MAY_HAVE_ANCHOR.test(text)) linkAliases(doc);
  const problems: ParseProblem[] = doc.errors.map((e) => ({
    kind: 'yaml' as const,
    code: e.code,
    message: e.message.split('\n')[0],
    span: { start: e.pos[0], end: Math.max(e.pos[1], e.pos[0]) },
  }));
  return { text, lines, doc, header, problems };
}

/**
 * Parses shared by every analysis of this thread, keyed by the text: a repository's workflow is read as the file
 * analyzed, then as the caller of each of its local callees, as a callee, by the permission inference and the fixes;
 * parsing it again each time made a corpus scan parse 1.5 times the corpus. A ParsedYaml is read-only. Bounded by
 * the text held, least recently used first out.
 */
const SHARED_PARSE_CHARS = 512 * 1024;
/** A larger text is not kept with the others: its tree (up to 60 bytes a character) would push a repository's worth out. */
const SHARED_PARSE_MAX_TEXT = 64 * 1024;
const sharedParses = new SizedLru<string, ParsedYaml>(SHARED_PARSE_CHARS);
/**
 * One larger text read for another file's analysis is kept on its own, up to this size: a small workflow calling a
 * large reusable workflow parsed the callee at each analysis, 130 ms a keystroke for open-telemetry's 1 KB ci.yml
 * calling its 361 KB test.yml. At most one such tree (about 20 MB) is held; a larger text (deno's 415 KB generated
 * workflow) is parsed each time.
 */
export const LARGE_PARSE_MAX_TEXT = 384 * 1024;
let largeParse: ParsedYaml | undefined;

/**
 * `analyzed: true` for the file an analysis is about: a large one is not kept (two large trees at once raised the
 * hostile set's peak memory); it is used when the analysis of a caller kept it.
 */
export function parseYamlShared(text: string, { analyzed = false } = {}): ParsedYaml {
  if (largeParse?.text === text) return largeParse;
  const known = sharedParses.get(text);
  if (known) return known;
  const parsed = parseYaml(text);
  if (text.length <= SHARED_PARSE_MAX_TEXT) sharedParses.set(text, parsed, text.length);
  else if (!analyzed && text.length <= LARGE_PARSE_MAX_TEXT) largeParse = parsed;
  return parsed;
}

/** GitLab CI's two-document form: a `spec:` header, `---`, then the configuration. Any other multi-document file stays an error. */
function specHeaderSplit(text: string): [Document.Parsed, Document.Parsed] | undefined {
  const docs = parseAllDocuments(text, { keepSourceTokens: false, prettyErrors: false, strict: false });
  if (!Array.isArray(docs) || docs.length !== 2) return undefined;
  const [header, body] = docs as Document.Parsed[];
  if (!isMap(header.contents) || !mapGetPair(header.contents, 'spec') || header.errors.length) return undefined;
  return [header, body];
}

/**
 * Nesting is refused before the recursive composer sees it. Brackets are counted cheaply first; only when they exceed
 * the limit is the depth measured on YAML tokens (iterative lexer), so `{` in comments and scalars does not count.
 */
function checkNesting(text: string): ParseProblem | undefined {
  const raw = checkRawNesting(text);
  if (raw.problem) return raw.problem;
  return raw.bracketsExceed ? flowNesting(text) : undefined;
}

/** Flow-collection depth on the lexer's tokens: comments, quoted and block scalars are single tokens. */
function flowNesting(text: string): ParseProblem | undefined {
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    // Control tokens (document, flow end, scalar markers) stand for no source text.
    if (token === CST.DOCUMENT || token === CST.FLOW_END || token === CST.SCALAR) continue;
    const type = CST.tokenType(token);
    if (type === 'flow-map-start' || type === 'flow-seq-start') {
      if (++depth > MAX_NESTING) return tooDeep(offset);
    } else if ((type === 'flow-map-end' || type === 'flow-seq-end') && depth > 0) depth--;
    offset += token.length;
  }
  return undefined;
}

/**
 * Cheap scan for size and nesting: too many lines and flow items, or indentation beyond the limit, is final; brackets
 * are confirmed on tokens.
 */
function checkRawNesting(text: string): { problem?: ParseProblem; bracketsExceed: boolean } {
  let bracketsExceed = false;
  let depth = 0;
  let structure = 0;
  let maxIndent = 0;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c === 10 || c === 44 || c === 91 || c === 123) && ++structure > MAX_STRUCTURE)
      return { problem: tooBig(i), bracketsExceed };
    if (c === 91 || c === 123) {
      if (++depth > MAX_NESTING) bracketsExceed = true;
    } else if (c === 93 || c === 125) {
      if (depth > 0) depth--;
    } else if (c === 10) {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (c === 32 || c === 45) {
        indent++;
        continue;
      }
      lineStart = false;
      if (indent > maxIndent) maxIndent = indent;
      if (indent > MAX_NESTING * 4) return { problem: tooDeep(i), bracketsExceed };
    }
  }
  return { bracketsExceed };
}

function tooBig(offset: number): ParseProblem {
  return {
    kind: 'limit',
    message: `File has more than ${MAX_STRUCTURE.toLocaleString('en-US')} lines and flow items; Flowguard does not analyze it (split it, or exclude it in .flowguard.yml).`,
    span: { start: offset, end: offset + 1 },
  };
}

function tooDeep(offset: number): ParseProblem {
  return {
    kind: 'limit',
    message: `YAML is nested more than ${MAX_NESTING} levels deep; Flowguard does not analyze it.`,
    span: { start: offset, end: offset + 1 },
  };
}

export function spanOf(node: Node | null | undefined): Span | undefined {
  if (!node || !node.range) return undefined;
  return { start: node.range[0], end: node.range[1] };
}

/** Span of a pair from key start to value end. */
export function pairSpan(pair: Pair): Span | undefined {
  const k = spanOf(pair.key as Node);
  const v = spanOf(pair.value as Node);
  if (!k) return v;
  return { start: k.start, end: v ? Math.max(v.end, k.end) : k.end };
}

export function keyName(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k)) return k.value === null || k.value === undefined ? undefined : String(k.value);
  return undefined;
}

export function mapPairs(node: unknown): Pair<Node, Node | null>[] {
  const n = resolveAlias(node);
  return isMap(n) ? (n.items as Pair<Node, Node | null>[]) : [];
}

/** The pair of `key`; of a duplicated key (invalid YAML that GitLab accepts), the last, which is what GitLab reads. */
export function mapGetPair(node: unknown, key: string): Pair<Node, Node | null> | undefined {
  const pairs = mapPairs(node);
  for (let i = pairs.length - 1; i >= 0; i--) if (keyName(pairs[i]) === key) return pairs[i];
  return undefined;
}

export function mapGet(node: unknown, key: string): Node | undefined {
  const v = mapGetPair(node, key)?.value;
  return (resolveAlias(v) ?? undefined) as Node | undefined;
}

export function seqItems(node: unknown): Node[] {
  const n = resolveAlias(node);
  return isSeq(n) ? (n.items as Node[]).map((i) => resolveAlias(i) as Node) : [];
}

const aliasTargets = new WeakMap<object, Node>();

/** Records each alias's anchor target in one pass (the last anchor of that name before it, as YAML defines). */
function linkAliases(doc: Document.Parsed): void {
  const anchors = new Map<string, Node>();
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target) aliasTargets.set(node, target);
    } else if (node && typeof node === 'object' && 'anchor' in node && (node as { anchor?: string }).anchor) {
      anchors.set((node as { anchor: string }).anchor, node as Node);
    }
  });
}

/** Every key after the first of its name in its mapping, in source order (YAML forbids them; GitLab keeps the last). */
export function duplicateKeys(doc: Document.Parsed | undefined): Array<{ name: string; span: Span }> {
  const out: Array<{ name: string; span: Span }> = [];
  if (!doc) return out;
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items as Pair[]) {
        const name = keyName(pair);
        const span = spanOf(pair.key as Node | null);
        if (name !== undefined && span && seen.has(name)) out.push({ name, span });
        if (name !== undefined) seen.add(name);
      }
    },
  });
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** Follows an alias one hop only, so alias bombs cannot make a walk explode. */
export function resolveAlias(node: unknown): Node | null | undefined {
  if (isAlias(node)) {
    const target = aliasTargets.get(node as object);
    return target && !isAlias(target) ? target : undefined;
  }
  return node as Node | null | undefined;
}

/** The scalar's value as a string (numbers and booleans are stringified); undefined for collections. */
export function scalarString(node: unknown): string | undefined {
  const n = resolveAlias(node);
  if (!isScalar(n)) return undefined;
  const v = (n as Scalar).value;
  if (v === null || v === undefined) return undefined;
  return typeof v === 'string' ? v : String(v);
}

export { isMap, isSeq, isScalar, isPair, isAlias };
export type { Node, Pair, YAMLMap, Scalar, Document };
