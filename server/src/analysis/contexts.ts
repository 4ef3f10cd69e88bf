// Which expression contexts an outsider controls. Paths are lower-case; `*` matches one segment.
// The explicit lists (dangerous and known-safe) decide first, so each decision is documented and testable; then the
// webhook schemas' capabilities (event-contexts.json): fixed fields are never tainted, structured ones (URLs, emails)
// are low confidence, free-text ones medium. A `github.event.*` field known to neither is medium too.
import type { Confidence } from './levels';
import { SAFE_CONTEXT_PATTERNS, UNTRUSTED_CONTEXT_PATTERNS } from '../knowledge/untrusted-input';
import { contextCapability } from '../knowledge/event-contexts';
import { SizedLru } from '../text/sized-lru';

/** Field names that are numbers, SHAs, timestamps, URLs, logins, booleans or enums wherever they appear. */
const SAFE_LEAF =
  /^(id|node_id|number|.*_id|sha|.*_sha|.*_at|.*_url|url|size|state|draft|merged|locked|private|fork|archived|additions|deletions|changed_files|commits|comments|review_comments|login|type|author_association|action|conclusion|status|event|run_attempt|run_number|head_sha|base_sha|full_name|visibility|default|count|total_count|maintainer_can_modify|mergeable|rebaseable|mergeable_state|site_admin|active_lock_reason|ref_type|pusher_type)$/;

export type ContextTrust =
  | { kind: 'untrusted'; confidence: Confidence; why: string }
  | { kind: 'safe' }
  /** Not on either list and not an event payload field: the caller decides (taint through env, steps, inputs...). */
  | { kind: 'other' };

export function matchesPattern(segments: string[], pattern: string): boolean {
  const p = pattern.split('.');
  if (p.length !== segments.length) return false;
  return p.every((s, i) => s === '*' || segments[i] === '*' || s === segments[i]);
}

/** A pattern matching `segments` or one of its prefixes (so `github.event.pull_request.title.foo` is still the title). */
function matchesPrefix(segments: string[], patterns: readonly string[]): boolean {
  for (let n = segments.length; n >= 2; n--) {
    const head = segments.slice(0, n);
    if (patterns.some((p) => matchesPattern(head, p))) return true;
  }
  return false;
}

const UNTRUSTED_EXACT = new Set(UNTRUSTED_CONTEXT_PATTERNS.filter((p) => !p.includes('*')));
const SAFE_EXACT = new Set(SAFE_CONTEXT_PATTERNS.filter((p) => !p.includes('*')));

/**
 * Classifications by path: workflows name the same few dozen contexts over and over, and matching each path against
 * both pattern lists, prefix by prefix, took 0.13 s of a 10 s corpus scan. Bounded by the characters of the paths held
 * (a crafted file's long paths push each other out); results are read-only.
 */
const CLASSIFIED = new SizedLru<string, ContextTrust>(256 * 1024);

/** Classifies a context path (lower-cased segments) by the documented lists. */
export function classifyContext(segments: string[]): Readonly<ContextTrust> {
  const path = segments.join('.');
  let trust = CLASSIFIED.get(path);
  if (!trust) CLASSIFIED.set(path, (trust = classifyUncached(segments, path)), path.length);
  return trust;
}

function classifyUncached(segments: string[], path: string): ContextTrust {
  if (UNTRUSTED_EXACT.has(path) || matchesPrefix(segments, UNTRUSTED_CONTEXT_PATTERNS)) {
    return { kind: 'untrusted', confidence: 'high', why: `${path} can be set by an outsider` };
  }
  if (SAFE_EXACT.has(path) || SAFE_CONTEXT_PATTERNS.some((p) => matchesPattern(segments, p))) return { kind: 'safe' };
  if (segments[0] !== 'github') return { kind: 'other' };
  if (segments[1] !== 'event') return { kind: 'safe' };
  const capability = contextCapability(segments);
  if (capability === 'fixed') return { kind: 'safe' };
  const leaf = segments[segments.length - 1];
  if (SAFE_LEAF.test(leaf)) return { kind: 'safe' };
  if (capability === 'structured')
    return { kind: 'untrusted', confidence: 'low', why: `${path} is constrained text (a URL, an email, a ref)` };
  return {
    kind: 'untrusted',
    confidence: 'medium',
    why: capability ? `${path} is free text in GitHub's webhook payload` : `${path} is event data not known to be safe`,
  };
}
