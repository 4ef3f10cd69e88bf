// What kind of text each expression context of GitHub's webhook payloads can hold: free text an outsider may choose
// (arbitrary), constrained text such as URLs and refs (structured), or ids, SHAs and enums (fixed). Data lives in
// ./event-contexts.json (generated from zizmor's context-capabilities.csv by scripts/gen-event-contexts.mjs; schema:
// schemas/event-contexts.schema.json, checked by a test).
import data from './event-contexts.json';

/** The JSON file as loaded, for the schema test. */
export const EVENT_CONTEXTS_KB: unknown = data;

export type ContextCapability = 'arbitrary' | 'structured' | 'fixed';

type Node = { [segment: string]: Node | string };
const CAPABILITY: Record<string, ContextCapability> = { a: 'arbitrary', s: 'structured', f: 'fixed' };
const root = data.contexts as unknown as Node;

function own(node: Node | string | undefined): ContextCapability | undefined {
  if (node === undefined) return undefined;
  return CAPABILITY[typeof node === 'string' ? node : (node[''] as string)];
}

/**
 * The capability of a context path (lower-case segments; an index or `*` matches an array element or map key), or
 * undefined when the webhook schemas do not list it. A path below an arbitrary value (a field of a free-form object)
 * is arbitrary too.
 */
export function contextCapability(segments: readonly string[]): ContextCapability | undefined {
  let node: Node | string = root;
  let underArbitrary = false;
  for (const segment of segments) {
    underArbitrary ||= own(node) === 'arbitrary';
    const next: Node | string | undefined =
      typeof node !== 'object' ? undefined : Object.hasOwn(node, segment) ? node[segment] : node['*'];
    if (next === undefined) return underArbitrary ? 'arbitrary' : undefined;
    node = next;
  }
  return own(node);
}
