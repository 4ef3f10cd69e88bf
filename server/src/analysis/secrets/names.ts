// Names: which keys say "this holds a credential", and how to name the secret a literal moves to.

/** Key / variable names that hold a credential. */
const SECRET_NAME =
  /(^|[^a-z])(pass(word|wd|phrase)?|pwd|secret|token|api[-_]?key|apikey|access[-_]?key|private[-_]?key|client[-_]?secret|credentials?|auth[-_]?key|signing[-_]?key|encryption[-_]?key|webhook[-_]?url|dsn|connection[-_]?string|conn[-_]?str)($|[^a-z])|password|secret|token|apikey/i;

/** Names that mention a credential but hold something else: where it is, who it belongs to, how it is used. */
const NOT_A_SECRET_NAME =
  /([-_.]?(file|path|dir|directory|url|uri|endpoint|host|user(name)?|login|name|names|id|ids|type|kind|format|version|env|var|variable|length|size|expiry|expires?|expiration|ttl|scope|scopes|header|prefix|suffix|enabled?|disabled?|required|stdin|mode|method|source|provider|fingerprint|key[-_]?id|help|description|policy|region|location|audience|issuer|label|permissions?|flag|count|timeout)$)|^(skip|use|no|with|allow|require|has|is|should|enable|disable|generate|create|fetch|get|set|mask|show)[-_]/i;

export function isSecretLikeName(name: string): boolean {
  if (/^(OLD)?PWD$/i.test(name)) return false; // the shell's working directory
  return (
    SECRET_NAME.test(name) && !NOT_A_SECRET_NAME.test(name) && !/^(github[-_]?)?token[-_]?permissions?$/i.test(name)
  );
}

/** An environment name that tells a secret's purpose well enough to become the secret's name. */
export function isDescriptiveName(name: string): boolean {
  return /[A-Za-z]{2,}[-_.][A-Za-z]{2,}/.test(name) || /^[A-Z0-9_]{8,}$/.test(name);
}

/** Turns anything into a valid GitHub secret name: [A-Z0-9_], not starting with a digit or GITHUB_. */
export function secretNameFrom(base: string): string {
  let name =
    base
      .toUpperCase()
      .replace(/[^A-Z0-9_]/g, '_')
      .replace(/_+/g, '_')
      .replace(/^_|_$/g, '') || 'SECRET';
  if (/^[0-9]/.test(name)) name = `S_${name}`;
  if (name.startsWith('GITHUB_')) name = `GH_${name.slice('GITHUB_'.length)}` || 'GH_SECRET';
  if (name === 'GITHUB') name = 'GH';
  return name;
}

/** The action's short name for prefixing a generic input name: docker/login-action -> DOCKER_LOGIN. */
export function actionShortName(owner: string | undefined, name: string | undefined): string {
  const core = (name ?? '').replace(
    /^(action|actions|gh|github)[-_]|[-_](action|actions|gh-action|github-action)$/gi,
    '',
  );
  if (!core) return owner ?? '';
  if (owner && !core.toLowerCase().includes(owner.toLowerCase()) && core.length <= 6) return `${owner}_${core}`;
  return core;
}

/** A name of the form NAME, NAME_2, NAME_3... not already taken. */
export function uniqueSecretName(base: string, taken: ReadonlySet<string>): string {
  const start = secretNameFrom(base);
  let name = start;
  for (let i = 2; taken.has(name); i++) name = `${start}_${i}`;
  return name;
}

/** The distinct `secrets.NAME` references in a piece of workflow text, in order of first use. */
export function referencedSecrets(text: string): string[] {
  return [...new Set([...text.matchAll(/\bsecrets\.(\w+)/g)].map((m) => m[1]))];
}
