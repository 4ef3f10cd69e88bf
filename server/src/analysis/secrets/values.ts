// Judging a literal: is it a reference, a placeholder, or something that looks like a real credential?
import { DOCUMENTED_EXAMPLES } from './providers';

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  if (!value) return 0;
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** How many of lower / upper / digit / symbol classes the value uses. */
export function charClasses(value: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
}

/** Expressions, shell and other runtime expansions: the value comes from elsewhere. */
export function isReference(value: string): boolean {
  const v = value.trim();
  return (
    v.includes('${{') ||
    /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(v) ||
    /^\$\(.*\)$/s.test(v) ||
    /^\$env:[A-Za-z_]\w*$/i.test(v) ||
    /^%[A-Za-z_]\w*%$/.test(v) ||
    /^\{\{.*\}\}$/.test(v) ||
    /^@\w+$/.test(v) // @file references in CLI arguments
  );
}

const PLACEHOLDER_WORDS =
  /example|sample|placeholder|dummy|fake|changeme|change[-_ ]me|replace|your[-_ ]?(own[-_ ]?)?(api[-_ ]?)?(key|token|secret|pass)|insert|redacted|\bmasked\b|^xxx|xxxx|\*\*\*|\.\.\.|^<.*>$|^\[.*\]$|^\(.*\)$|todo|fixme|not[-_ ]?a[-_ ]?real|notreal|secret[-_ ]?here|token[-_ ]?here|key[-_ ]?here|^test[-_]?(token|key|secret|password)?$|^(none|null|nil|undefined|empty|n\/a|tbd|unset|default|disabled?|false|true|yes|no|on|off|required|optional)$/i;

/** Words people use as stand-ins or throw-away test values, compared whole. */
const WEAK_VALUES = new Set([
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
  'api_key',
  'key',
  'admin',
  'root',
  'postgres',
  'mysql',
  'redis',
  'mongo',
  'guest',
  'user',
  'test',
  'testing',
  'pass',
  'foobar',
  'foo',
  'bar',
  'abc123',
  '123456',
  '12345678',
  'qwerty',
  'letmein',
  'secret123',
  'password123',
  'password1',
  'p@ssw0rd',
  'pa55word',
  'rootpassword',
  'rootpass',
  'testpass',
  'testpassword',
  'sa',
  'docker',
  'ci',
  'github',
  'actions',
  'travis',
  'circleci',
  'postgrespassword',
  'anonymous',
  'keycloak',
  'minioadmin',
]);

/** Obvious stand-ins: `<token>`, `changeme`, `xxx`, `your-key-here`, documented example keys, repeated characters. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (DOCUMENTED_EXAMPLES.has(v)) return true;
  if (PLACEHOLDER_WORDS.test(v)) return true;
  if (/^(.)\1+$/.test(v.replace(/[-_.]/g, ''))) return true;
  // A body of one repeated character after a provider prefix: ghp_xxxxxxxx..., sk_live_00000000...
  if (/[_-]([A-Za-z0-9])\1{11,}/.test(v)) return true;
  if (/(0123456789|123456789|abcdefghij|ABCDEFGHIJ)/.test(v)) return true;
  return false;
}

/** Test credentials that make no sense outside a throw-away setup (`postgres`, `root`, `test`...). */
export function isWeakTestValue(value: string): boolean {
  const v = value.trim().toLowerCase();
  return (
    WEAK_VALUES.has(v) ||
    /^(test|ci|dev|local)[-_]?(pass(word)?|secret|token|key|pw)\d*$/.test(v) ||
    /^(pass(word)?|secret)\d{0,4}$/.test(v)
  );
}

/** Things that are clearly not a credential even under a secret-like name: paths, file names, numbers, flags, URLs. */
export function isNonSecretShape(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return true;
  if (/^-?\d+(\.\d+)?$/.test(v)) return true;
  if (/^(\.{0,2}\/|~\/|[A-Za-z]:\\)/.test(v)) return true; // paths
  if (
    /^[\w./-]+\.(json|ya?ml|txt|pem|key|crt|p12|pfx|gpg|asc|env|cfg|conf|ini|properties|keystore|jks|xml|sh)$/i.test(v)
  )
    return true;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) && !/:\/\/[^/\s:@]+:[^/\s@]+@/.test(v)) return true; // URL without credentials
  if (/\s/.test(v) && !/^-----BEGIN/.test(v)) return true; // prose, commands
  if (/^[a-z]+([-_][a-z]+)*$/.test(v) && v.length <= 40) return true; // words: "read", "oidc", "duckdb-signing-validation"
  if (/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+(\s*,\s*[A-Z][A-Z0-9]*(_[A-Z0-9]+)*)*$/.test(v)) return true; // other variables' NAMES
  if (/[()]/.test(v) && /^[\w.]+\(/.test(v)) return true; // a function call: os.getenv(...)
  if (/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(v) && /\.(com|org|net|io|dev|cloud|local|internal)$/i.test(v))
    return true; // host names
  return false;
}

/**
 * How strongly a literal under a secret-like name looks like a real credential.
 * 'medium': long and random; 'low': plausible password; undefined: not a credential.
 */
export function genericStrength(value: string): 'medium' | 'low' | undefined {
  const v = value.trim();
  if (v.length < 6 || v.length > 1000 || isReference(v) || isPlaceholder(v) || isNonSecretShape(v)) return undefined;
  const entropy = shannonEntropy(v);
  const classes = charClasses(v);
  if (v.length >= 16 && entropy >= 3.5 && classes >= 2) return 'medium';
  if (v.length >= 20 && /^[a-f0-9]+$/i.test(v) && entropy >= 3) return 'medium';
  if (v.length >= 8 && entropy >= 2.5 && classes >= 2) return 'low';
  return undefined;
}
