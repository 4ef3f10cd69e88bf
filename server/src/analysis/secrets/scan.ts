// Finding credentials in text: provider shapes over the whole document (one pass per file), credentials inside URLs
// and connection strings, JWTs, and the shell idioms scripts use to pass credentials (headers, -u user:pass, NAME=...).
// Offsets are UTF-16 offsets into the document.
import type { Confidence, Severity } from '../levels';
import type { Span } from '../../text/span';
import { NAMED_PROVIDERS, PROVIDERS, type ProviderPattern } from './providers';
import { isSecretLikeName } from './names';
import { genericStrength, isPlaceholder, isReference, isWeakTestValue } from './values';

export type HitKind =
  'provider' | 'named-provider' | 'url-credential' | 'connection-string' | 'jwt' | 'generic' | 'script';

export interface SecretHit {
  span: Span;
  /** The credential's source text. Never print it: use maskSecret. */
  value: string;
  kind: HitKind;
  label: string;
  providerId?: string;
  confidence: Confidence;
  severity: Severity;
  /** Suggested base for the secret's name. */
  nameHint?: string;
  longLived?: ProviderPattern['longLived'];
  /** A throw-away credential (test database password, localhost URL): reported at low severity. */
  throwaway?: boolean;
}

/** The literal text a regex starts with (after its boundary look-behind), e.g. `ghp_` or `-----BEGIN `. */
function literalPrefix(source: string): string {
  const body = source.replace(/^\(\?<![^)]*\)/, '');
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && /[.\-/]/.test(body[i + 1] ?? '')) out += body[++i];
    else if (/[\[\](){}?*+|^$.\\]/.test(c)) break;
    else out += c;
  }
  // A quantifier after the last literal character makes it optional.
  return /^[?*{]/.test(body.slice(out.length)) ? out.slice(0, -1) : out;
}

const COMPILED = PROVIDERS.map((p) => {
  const anchors = p.anchors ?? [literalPrefix(p.re.source)];
  if (anchors.some((a) => a.length < 2)) throw new Error(`provider ${p.id} needs anchors`);
  return { p, anchors, re: new RegExp(p.re.source, p.re.flags.includes('g') ? p.re.flags : p.re.flags + 'g') };
});

/** All anchors, longest first, so an occurrence of `sk-ant-` also counts for `sk-`. */
const ANCHORS = [...new Set(COMPILED.flatMap((c) => c.anchors))].sort((a, b) => b.length - a.length);
/**
 * Anchors by their first two characters (every anchor has two or more), longest first. One alternation of all anchors
 * was tried at every character of every file; a look-up of the two characters there costs far less.
 */
const ANCHORS_BY_PAIR = new Map<number, string[]>();
for (const a of ANCHORS) {
  const pair = a.charCodeAt(0) * 0x10000 + a.charCodeAt(1);
  ANCHORS_BY_PAIR.set(pair, [...(ANCHORS_BY_PAIR.get(pair) ?? []), a]);
}
const STARTS_ANCHOR = new Uint8Array(0x10000);
for (const a of ANCHORS) STARTS_ANCHOR[a.charCodeAt(0)] = 1;

/**
 * The anchors occurring in region, as a left-to-right scan finds them: at each position the longest anchor there
 * (with every anchor it starts with), then on after it.
 */
function presentAnchors(region: string): Set<string> {
  const present = new Set<string>();
  const last = region.length - 1;
  for (let i = 0; i < last; i++) {
    const c = region.charCodeAt(i);
    if (!STARTS_ANCHOR[c]) continue;
    const candidates = ANCHORS_BY_PAIR.get(c * 0x10000 + region.charCodeAt(i + 1));
    if (!candidates) continue;
    // A plain loop: a callback here captured `i`, so every iteration allocated a closure context (40 bytes a
    // character of every file scanned: 570 MB over the corpus, a tenth of the scan's allocation).
    let found: string | undefined;
    for (const a of candidates)
      if (region.startsWith(a, i)) {
        found = a;
        break;
      }
    if (!found) continue;
    for (const a of ANCHORS) if (found.startsWith(a)) present.add(a);
    i += found.length - 1;
  }
  return present;
}

/**
 * The document scans of the file analyzed last: the secret collection (rules) and the sightings (masking) both scan
 * the whole document. Hits are read-only; callers get their own array.
 */
const lastDocument: { text?: string; providers?: SecretHit[]; embedded?: SecretHit[] } = {};

function documentMemo(text: string): typeof lastDocument {
  if (lastDocument.text !== text) {
    lastDocument.text = text;
    lastDocument.providers = undefined;
    lastDocument.embedded = undefined;
  }
  return lastDocument;
}

/** scanProviders over a whole document, scanned once however many analyses of that document ask. */
export function scanDocumentProviders(text: string): SecretHit[] {
  const memo = documentMemo(text);
  return [...(memo.providers ??= scanProviders(text))];
}

/** scanEmbeddedCredentials over a whole document (no local hosts), scanned once however many analyses ask. */
export function scanDocumentCredentials(text: string): SecretHit[] {
  const memo = documentMemo(text);
  return [...(memo.embedded ??= scanEmbeddedCredentials(text, 0, text.length))];
}

/** Every provider-shaped credential in text[start, end), placeholders and documented examples excluded. */
export function scanProviders(text: string, start = 0, end = text.length): SecretHit[] {
  const region = start === 0 && end === text.length ? text : text.slice(start, end);
  const hits: SecretHit[] = [];
  // One pass finds which anchors occur; only their providers' regexes (with look-behinds, costly) run.
  const present = presentAnchors(region);
  for (const { p, re, anchors } of COMPILED) {
    if (!anchors.some((a) => present.has(a))) continue;
    re.lastIndex = 0;
    for (let m = re.exec(region); m; m = re.exec(region)) {
      const value = m[0];
      if (isPlaceholder(value) || (p.id !== 'private-key' && lowVariety(value))) continue;
      hits.push({
        span: { start: start + m.index, end: start + m.index + value.length },
        value,
        kind: 'provider',
        label: p.label,
        providerId: p.id,
        confidence: 'high',
        severity: p.severity ?? 'high',
        nameHint: p.secretName,
        longLived: p.longLived,
      });
    }
  }
  if (region.includes('eyJ')) for (const hit of scanJwts(region, start)) hits.push(hit);
  return dropContained(hits);
}

/** A token whose random part repeats a handful of characters is a stand-in (ghp_aaaa..., sk_live_1234123412341234...). */
function lowVariety(value: string): boolean {
  const body = value.replace(/^[A-Za-z]{2,8}[_-]/, '');
  return body.length >= 16 && new Set(body).size < 8;
}

function scanJwts(region: string, base: number): SecretHit[] {
  const hits: SecretHit[] = [];
  const re = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g;
  for (let m = re.exec(region); m; m = re.exec(region)) {
    const payload = decodeBase64Url(m[0].split('.')[1]);
    // Supabase / PostgREST "anon" keys are meant to be public.
    if (!payload || /"role"\s*:\s*"anon"/.test(payload)) continue;
    hits.push({
      span: { start: base + m.index, end: base + m.index + m[0].length },
      value: m[0],
      kind: 'jwt',
      label: 'JSON Web Token',
      providerId: 'jwt',
      confidence: 'medium',
      severity: 'high',
      nameHint: 'JWT',
    });
  }
  return hits;
}

function decodeBase64Url(s: string): string | undefined {
  try {
    const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    return /^[\x20-\x7e\s]*$/.test(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the outermost of nested hits (a Slack webhook URL contains nothing else, a private key may contain anything). */
export function dropContained(hits: SecretHit[]): SecretHit[] {
  hits.sort((a, b) => a.span.start - b.span.start || b.span.end - a.span.end);
  const out: SecretHit[] = [];
  for (const h of hits) {
    const last = out[out.length - 1];
    if (last && h.span.start < last.span.end) continue;
    out.push(h);
  }
  return out;
}

const LOCAL_HOST = /^(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|host\.docker\.internal)$/i;

const URL_CREDENTIAL =
  /\b([a-z][a-z0-9+.-]{1,20}):\/\/([^\s:/@'"`]{1,100}):([^\s/@'"`]{1,200})@([^\s/:'"`?#]{1,253})/iy;
/** The longest scheme URL_CREDENTIAL accepts. */
const MAX_SCHEME = 21;

/**
 * URL_CREDENTIAL's matches in region, in the order and with the extent a global scan finds them. A match starts at
 * most MAX_SCHEME characters before its `://` (a scheme holds no `:`), so only those positions are tried: a scan at
 * every word of the text was the costliest regular expression of a corpus scan.
 */
function* urlCredentialMatches(region: string): Generator<RegExpExecArray> {
  let from = 0;
  for (let q = region.indexOf('://'); q !== -1; q = region.indexOf('://', Math.max(q + 1, from))) {
    for (let p = Math.max(from, q - MAX_SCHEME); p <= q - 2; p++) {
      URL_CREDENTIAL.lastIndex = p;
      const m = URL_CREDENTIAL.exec(region);
      if (m) {
        from = URL_CREDENTIAL.lastIndex;
        yield m;
        break;
      }
    }
  }
}

/** The password part of `scheme://user:password@host` and of `...;Password=...;` connection strings in text[start, end). */
export function scanEmbeddedCredentials(
  text: string,
  start: number,
  end: number,
  localHosts: ReadonlySet<string> = new Set(),
): SecretHit[] {
  const region = text.slice(start, end);
  const hits: SecretHit[] = [];
  for (const m of urlCredentialMatches(region)) {
    const [, scheme, user, password, host] = m;
    if (isReference(password) || password.includes('$') || isPlaceholder(password) || /^\*+$/.test(password)) continue;
    const offset = start + m.index + scheme.length + 3 + user.length + 1;
    const throwaway =
      LOCAL_HOST.test(host) || localHosts.has(host.toLowerCase()) || isWeakTestValue(password) || password === user;
    const isDb = /^(postgres(ql)?|mysql|mariadb|mongodb(\+srv)?|redis|rediss|amqps?|mssql|sqlserver|jdbc:.*)$/i.test(
      scheme,
    );
    hits.push({
      span: { start: offset, end: offset + password.length },
      value: password,
      kind: 'url-credential',
      label: isDb ? 'database password in a connection URL' : 'password in a URL',
      providerId: 'url-credential',
      confidence: genericStrength(password) === 'medium' || isDb ? 'medium' : 'low',
      severity: throwaway ? 'low' : 'high',
      nameHint: isDb ? 'DATABASE_PASSWORD' : `${host.split('.').slice(-2, -1)[0] ?? 'URL'}_PASSWORD`,
      throwaway,
    });
  }
  const conn = /(?:^|;)\s*(?:Password|Pwd)\s*=\s*([^;'"\s]{1,200})/gi;
  for (let m = conn.exec(region); m; m = conn.exec(region)) {
    const password = m[1];
    if (
      !/(Server|Data Source|Host)\s*=/i.test(region) ||
      isReference(password) ||
      password.includes('$') ||
      isPlaceholder(password)
    )
      continue;
    const offset = start + m.index + m[0].length - password.length;
    const throwaway =
      isWeakTestValue(password) ||
      /(Server|Data Source|Host)\s*=\s*(tcp:)?(localhost|127\.0\.0\.1|\(local\)|\.)\b/i.test(region);
    hits.push({
      span: { start: offset, end: offset + password.length },
      value: password,
      kind: 'connection-string',
      label: 'password in a database connection string',
      providerId: 'connection-string',
      confidence: 'medium',
      severity: throwaway ? 'low' : 'high',
      nameHint: 'DATABASE_PASSWORD',
      throwaway,
    });
  }
  return hits;
}

/** A whole literal under a telling name: a named provider format, else judged by entropy and shape. */
export function judgeNamedValue(name: string, value: string): Omit<SecretHit, 'span'> | undefined {
  if (!nameMayHoldCredential(name)) return undefined;
  const v = value.trim();
  if (!v || isReference(v) || isPlaceholder(v)) return undefined;
  for (const np of NAMED_PROVIDERS) {
    if (np.name.test(name) && np.value.test(v)) {
      return {
        value: v,
        kind: 'named-provider',
        label: np.label,
        providerId: np.id,
        confidence: 'high',
        severity: 'high',
        nameHint: name,
        longLived: np.longLived,
      };
    }
  }
  if (!isSecretLikeName(name)) return undefined;
  // Weak values (`postgres`, `root`) only mean something as passwords of throw-away test databases.
  const weak = isWeakTestValue(v) && /pass|pwd/i.test(name);
  const strength = weak ? undefined : genericStrength(v);
  if (!strength && !weak) return undefined;
  return {
    value: v,
    kind: 'generic',
    label: 'credential',
    providerId: 'generic',
    confidence: strength === 'medium' ? 'medium' : 'low',
    severity: weak ? 'low' : strength === 'medium' ? 'high' : 'medium',
    nameHint: name,
    throwaway: weak,
  };
}

/**
 * Whether a value under this name can be judged a credential at all: a named provider's name or a secret-like name.
 * Every `key: value` line of every file asks, and keys repeat (`name`, `uses`, `run`): answered once per name.
 */
function nameMayHoldCredential(name: string): boolean {
  let may = NAME_VERDICTS.get(name);
  if (may === undefined) {
    may = NAMED_PROVIDERS.some((np) => np.name.test(name)) || isSecretLikeName(name);
    if (NAME_VERDICTS.size >= 10_000) NAME_VERDICTS.clear();
    NAME_VERDICTS.set(name, may);
  }
  return may;
}

const NAME_VERDICTS = new Map<string, boolean>();

/**
 * Shell idioms that pass a credential in a script: `Authorization: Bearer X`, `-u user:pass`, `--password X`,
 * `[export] NAME=X` with a secret-like NAME. `start`/`end` bound the script's source text.
 */
export function scanScript(text: string, start: number, end: number): SecretHit[] {
  const region = text.slice(start, end);
  const hits: SecretHit[] = [];
  const add = (index: number, value: string, label: string, nameHint: string, strengthName?: string) => {
    const v = value;
    if (!v || isReference(v) || v.includes('$') || v.includes('${{') || isPlaceholder(v)) return;
    const judged = strengthName ? judgeNamedValue(strengthName, v) : undefined;
    const strength = judged ? undefined : genericStrength(v);
    if (!judged && !strength) return;
    hits.push({
      span: { start: start + index, end: start + index + v.length },
      value: v,
      kind: judged?.kind === 'named-provider' ? 'named-provider' : 'script',
      label: judged?.label ?? label,
      providerId: judged?.providerId ?? 'script',
      confidence: judged?.confidence ?? (strength === 'medium' ? 'medium' : 'low'),
      severity: judged?.severity ?? (strength === 'medium' ? 'high' : 'medium'),
      nameHint: judged?.nameHint ?? nameHint,
      longLived: judged?.longLived,
      throwaway: judged?.throwaway,
    });
  };
  const header = /Authorization['"]?\s*[:=]\s*['"]?(?:Bearer|token|Basic|Bot|Token|ApiKey)\s+([A-Za-z0-9._~+/=-]{8,})/g;
  for (let m = header.exec(region); m; m = header.exec(region))
    add(m.index + m[0].length - m[1].length, m[1], 'credential in an Authorization header', 'API_TOKEN');
  const apiKeyHeader = /(?:X-Api-Key|Api-Key|X-Auth-Token|Private-Token|X-API-Token):\s*([A-Za-z0-9._~+/=-]{8,})/gi;
  for (let m = apiKeyHeader.exec(region); m; m = apiKeyHeader.exec(region))
    add(m.index + m[0].length - m[1].length, m[1], 'API key in a request header', 'API_KEY');
  const userPass = /(?:^|\s)(?:-u|--user)(?:\s+|=)(['"]?)([^\s:'"$]{1,100}):([^\s'"]{1,200})\1/gm;
  for (let m = userPass.exec(region); m; m = userPass.exec(region)) {
    const password = m[3];
    add(
      m.index + m[0].length - m[1].length - password.length,
      password,
      'password on a command line',
      `${m[2]}_PASSWORD`,
    );
  }
  const flag =
    /(?:^|\s)--?(password|passwd|token|api-key|apikey|api-token|secret|auth-token|access-token|client-secret)(?:\s+|=)(['"]?)([^\s'"|;&]{6,})\2/gim;
  for (let m = flag.exec(region); m; m = flag.exec(region)) {
    if (m[3].startsWith('-')) continue;
    add(
      m.index + m[0].length - m[2].length - m[3].length,
      m[3],
      `credential passed as --${m[1]}`,
      m[1].replace(/-/g, '_'),
    );
  }
  const assign =
    /(?:^|[\s;&|(])(?:export\s+|set\s+|\$env:)?([A-Za-z_][A-Za-z0-9_]*)\s?=\s?(['"]?)([^\s'"$`;|&()]{6,})\2(?![(\w.])/gm;
  for (let m = assign.exec(region); m; m = assign.exec(region)) {
    if (!isSecretLikeName(m[1])) continue;
    add(m.index + m[0].length - m[2].length - m[3].length, m[3], 'credential assigned in the script', m[1], m[1]);
  }
  return dropContained(hits);
}
