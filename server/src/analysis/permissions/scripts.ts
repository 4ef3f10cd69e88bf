// Scopes from the text of run: scripts and github-script scripts. Only commands we understand produce needs; a
// script that holds the token and does something we cannot read is reported as unknown, never as "needs nothing".
import { scopeForOctokit, scopeForRestCall, levelForMethod, type RestScope } from './rest';
import type { NeedSource, ScopeLevel, TokenScope } from './scopes';
import { GH_NO_SCOPE_SUBCOMMANDS, GH_SUBCOMMANDS, TOKEN_TOOLS, TOKENLESS_COMMANDS } from '../../knowledge/github-token';

export interface ScriptNeed {
  scope: TokenScope;
  level: ScopeLevel;
  reason: string;
  source: NeedSource;
}

export interface ScriptAnalysis {
  needs: ScriptNeed[];
  /** Why the script's use of the token is not understood (empty when it is). */
  unknown: string[];
  /** API calls recognized (github-script), including those that need no scope. */
  calls?: number;
  /** Commands that run code we cannot see (with or without the token): they could request an OIDC token. */
  opaque?: string[];
}

export interface ShellScriptContext {
  /** The step's environment holds the GITHUB_TOKEN (or the script names it in an expression). */
  holdsToken: boolean;
  /** Environment variables that hold the token. */
  tokenVars: string[];
  /** actions/checkout persisted the GITHUB_TOKEN as Git credentials earlier in the job. */
  gitCredentials: boolean;
  /** Environment variables set to true-ish values (NPM_CONFIG_PROVENANCE...). */
  env: Record<string, string>;
}

type Scoped = (scope: TokenScope, level: ScopeLevel, reason: string, source: NeedSource) => void;

/** Commands that run code we cannot see (another script, a build tool): with the token in the environment, they may use it. */
const OPAQUE =
  /^(?:\.{1,2}\/\S+|(?:bash|sh|zsh|pwsh|python3?|node|ruby|perl|deno|bun|tsx|ts-node)\s+(?!-c\b|-e\b)\S+|npx\s|npm\s+(?:run|exec|run-script)\b|(?:bundle\s+exec\s+)?rake\b|pnpm\s|yarn\s|make\b|just\b|cargo\s+(?:run|xtask|release|make)\b|go\s+run\b|goreleaser\b|semantic-release\b|uv\s+run\b|poetry\s+run\b|hatch\s+run\b|nox\b|tox\b|invoke\b|gradle|\.\/gradlew|mvn\b|task\b)/;

const PACKAGE_PUBLISH = /^(?:npm|yarn|pnpm)\s+(?:publish|release)\b/;

/** A script or task whose name says it releases: with persisted Git credentials it may push tags or branches. */
const RELEASE_WORD = /\b(?:release|publish|push|bump)\b/i;

/** A command line starting with a tool that uses a GitHub token from the environment. */
const TOKEN_TOOL = new RegExp(`^(?:${TOKEN_TOOLS.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`);

export function analyzeShellScript(script: string, ctx: ShellScriptContext): ScriptAnalysis {
  const needs: ScriptNeed[] = [];
  const unknown: string[] = [];
  const add: Scoped = (scope, level, reason, source) => needs.push({ scope, level, reason, source });
  let tokenUses = 0;
  const otherCommands: string[] = [];
  const opaque: string[] = [];
  const tokenRef = tokenReference(ctx.tokenVars);

  for (const line of logicalLines(script)) {
    for (const command of commandsOf(line)) {
      const words = command
        .trim()
        .replace(
          /^(?:sudo\s+|env\s+|time\s+|exec\s+|(?:if|elif|while|until)\s+|!\s*|(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)+)+/,
          '',
        );
      const gh = /^gh\s+([a-z-]+)(?:\s+([a-z-]+))?/.exec(words);
      if (gh && ctx.holdsToken) {
        tokenUses++;
        ghCommand(gh[1], gh[2], words, add, unknown);
        continue;
      }
      if (
        /^git\s+(?:-[cC]\s+\S+\s+)*push\b/.test(words) &&
        (ctx.gitCredentials || tokenRef.test(command) || /x-access-token/.test(command))
      ) {
        tokenUses++;
        const tags = /\s--tags\b|\s--follow-tags\b|refs\/tags|\s(?:tag|v\$|v\d)/.test(words);
        add('contents', 'write', tags ? 'git push of tags' : 'git push', 'git');
        continue;
      }
      // Publishing runs the package's lifecycle scripts: napi-rs's prepublish uploads binaries to the GitHub release.
      if (ctx.holdsToken && PACKAGE_PUBLISH.test(words)) {
        tokenUses++;
        unknown.push(`runs \`${truncate(words)}\` with the token: the package's publish scripts may use it`);
      }
      const oidc = oidcUse(words, command, ctx.env);
      if (oidc) {
        add('id-token', 'write', oidc, 'oidc');
        continue;
      }
      if (
        /^(?:docker|podman|buildah|nerdctl|helm\s+registry|oras|skopeo|crane(?:\s+auth)?)\s+login\b.*\bghcr\.io\b/.test(
          words,
        ) &&
        (ctx.holdsToken || tokenRef.test(line))
      ) {
        tokenUses++;
        add('packages', 'write', 'logs in to ghcr.io with the token to push packages', 'registry');
        continue;
      }
      const http = /^(curl|wget)\b/.exec(words);
      if (http && ctx.holdsToken && /api\.github\.com|GITHUB_API_URL|github\.api_url/.test(words)) {
        tokenUses++;
        restCall(http[1], words, add, unknown);
        continue;
      }
      if (ctx.holdsToken && TOKEN_TOOL.test(words)) {
        tokenUses++;
        unknown.push(`runs ${words.split(/\s/)[0]}, whose use of the token depends on its configuration`);
        continue;
      }
      if (OPAQUE.test(words)) opaque.push(truncate(words));
      // actions/checkout left the token in the Git config: a release script may push tags or branches with it.
      if (ctx.gitCredentials && OPAQUE.test(words) && RELEASE_WORD.test(words))
        unknown.push(`runs \`${truncate(words)}\` with the Git credentials actions/checkout persisted: it may push`);
      if (ctx.holdsToken && OPAQUE.test(words))
        unknown.push(`runs \`${truncate(words)}\` with the token in its environment`);
      else if (ctx.holdsToken) {
        const first = words.split(/\s+/)[0];
        if (first && !TOKENLESS_COMMANDS.has(first) && !/^[A-Za-z_][A-Za-z0-9_]*=|\(\)$|^[#;{}()]/.test(first))
          otherCommands.push(first);
      }
    }
  }
  // The token is in the environment, nothing we know uses it, and some tool we do not know runs: it may read it.
  if (ctx.holdsToken && tokenUses === 0 && unknown.length === 0 && otherCommands.length > 0) {
    unknown.push(
      `runs ${[...new Set(otherCommands)]
        .slice(0, 3)
        .map((c) => `\`${truncate(c, 30)}\``)
        .join(', ')} with the token in its environment`,
    );
  }
  if (ctx.holdsToken && tokenUses === 0 && unknown.length === 0 && needs.length === 0 && tokenRef.test(script)) {
    unknown.push('passes the token to a command we do not recognize');
  }
  return { needs, unknown: [...new Set(unknown)], opaque };
}

function ghCommand(group: string, sub: string | undefined, words: string, add: Scoped, unknown: string[]): void {
  if (GH_NO_SCOPE_SUBCOMMANDS.has(group)) return;
  if (group === 'api') {
    ghApi(words, add, unknown);
    return;
  }
  if (group === 'secret' || group === 'variable') {
    unknown.push(`gh ${group} ${sub ?? ''} needs a permission the GITHUB_TOKEN cannot get`.replace(/\s+/g, ' '));
    return;
  }
  if (group === 'repo') {
    if (/^(view|clone|list)$/.test(sub ?? '')) add('contents', 'read', `gh repo ${sub}`, 'gh');
    else if (sub === 'sync') add('contents', 'write', 'gh repo sync', 'gh');
    else unknown.push(`gh repo ${sub ?? ''} needs administration, which the GITHUB_TOKEN cannot get`.trim());
    return;
  }
  const table = GH_SUBCOMMANDS.get(group);
  if (!table || !sub) {
    unknown.push(`gh ${group}${sub ? ' ' + sub : ''} is not mapped to a scope`);
    return;
  }
  if (table.write.has(sub)) add(table.scope, 'write', `gh ${group} ${sub}`, 'gh');
  else if (table.read.has(sub)) add(table.scope, 'read', `gh ${group} ${sub}`, 'gh');
  else {
    unknown.push(`gh ${group} ${sub} is not mapped to a scope`);
    return;
  }
  if (group === 'pr' && sub === 'merge') add('contents', 'write', 'gh pr merge', 'gh');
  if (group === 'pr' && sub === 'checkout') add('contents', 'read', 'gh pr checkout', 'gh');
}

const GH_API_VALUE_FLAGS = new Set([
  '-X',
  '--method',
  '-H',
  '--header',
  '-f',
  '-F',
  '--field',
  '--raw-field',
  '--jq',
  '-q',
  '--input',
  '--template',
  '-t',
  '--cache',
  '-p',
  '--preview',
  '--hostname',
]);

function ghApi(words: string, add: Scoped, unknown: string[]): void {
  const args = shellWords(words).slice(2);
  let method: string | undefined;
  let hasBody = false;
  let path: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    if (flag === '-X' || flag === '--method') method = inline ?? args[++i];
    else if (/^-X[A-Z]+$/.test(a)) method = a.slice(2);
    else if (['-f', '-F', '--field', '--raw-field', '--input'].includes(flag)) {
      hasBody = true;
      if (inline === undefined) i++;
    } else if (GH_API_VALUE_FLAGS.has(flag)) {
      if (inline === undefined) i++;
    } else if (!a.startsWith('-') && path === undefined) path = a;
  }
  if (!path) {
    unknown.push('gh api with a path we cannot read');
    return;
  }
  const m = (method ?? (hasBody ? 'POST' : 'GET')).toUpperCase();
  fromRest(
    scopeForRestCall(m, path.startsWith('/') || path === 'graphql' ? path : '/' + path),
    `gh api ${m} ${truncate(path, 50)}`,
    'gh',
    add,
    unknown,
  );
}

function restCall(tool: string, words: string, add: Scoped, unknown: string[]): void {
  const url =
    /(?:https?:\/\/api\.github\.com|\$\{?GITHUB_API_URL\}?|\$\{\{\s*github\.api_url\s*\}\})((?:\/|\$\{\{[^}]*\}\}|[^\s"'`/])*)/.exec(
      words,
    );
  if (!url) return;
  let method =
    /(?:-X|--request)\s*['"]?([A-Za-z]+)/.exec(words)?.[1] ?? /--method[= ]['"]?([A-Za-z]+)/.exec(words)?.[1];
  if (!method)
    method = /\s(?:-d|--data\S*|--json|-F|--form|--post-data|--post-file|--upload-file|-T)\b/.test(words)
      ? 'POST'
      : 'GET';
  const m = method.toUpperCase();
  const shown = (url[1] || '/').replace(/\$\{\{[^}]*\}\}/g, '{…}');
  fromRest(scopeForRestCall(m, url[1] || '/'), `${tool} ${m} ${truncate(shown, 50)}`, 'rest', add, unknown);
}

function fromRest(result: RestScope, reason: string, source: NeedSource, add: Scoped, unknown: string[]): void {
  if ('unknown' in result) unknown.push(`${reason}: ${result.unknown}`);
  else if ('scope' in result) add(result.scope, result.level, reason, source);
}

function oidcUse(words: string, command: string, env: Record<string, string>): string | undefined {
  if (/ACTIONS_ID_TOKEN_REQUEST_(?:URL|TOKEN)/.test(command)) return 'requests an OIDC token';
  if (
    /^(?:npm|pnpm|yarn(?:\s+npm)?)\s+publish\b/.test(words) &&
    (/--provenance\b/.test(words) || /^true$/i.test(env.NPM_CONFIG_PROVENANCE ?? ''))
  )
    return `${words.split(/\s/)[0]} publish --provenance (signs with the OIDC identity)`;
  if (/^cosign\s+(?:sign|attest|sign-blob|attest-blob)\b/.test(words) && !/--key\b/.test(words))
    return 'keyless cosign signing with the OIDC identity';
  const publish = PUBLISH.exec(words);
  if (
    publish &&
    !/\s--(?:token|password|username)\b|\s-[pu]\s/.test(words) &&
    !Object.keys(env).some((k) => REGISTRY_TOKEN_ENV.test(k) && env[k].trim())
  ) {
    return `${publish[0].trim()} without a registry token (trusted publishing uses the OIDC token)`;
  }
  return undefined;
}

/** Publishing commands that use OIDC trusted publishing when no registry token is configured. */
const PUBLISH =
  /^(?:npx\s+|pnpm\s+exec\s+)?(?:(?:npm|pnpm|yarn(?:\s+npm)?|bun|lerna|changeset)(?:\s+-\S+)*\s+publish|uv\s+publish|cargo\s+publish|gem\s+push|poetry\s+publish|hatch\s+publish)\b/;
const REGISTRY_TOKEN_ENV =
  /^(?:NODE_AUTH_TOKEN|NPM_TOKEN|NPM_AUTH_TOKEN|NPM_CONFIG__AUTH(?:TOKEN)?|UV_PUBLISH_(?:TOKEN|PASSWORD)|CARGO_REGISTRY_TOKEN|GEM_HOST_API_KEY|RUBYGEMS_API_KEY|POETRY_PYPI_TOKEN_\w+|POETRY_HTTP_BASIC_\w+|HATCH_INDEX_AUTH|TWINE_PASSWORD)$/;

/** A regexp matching a use of the token in a script: one of its variables, or an expression. */
function tokenReference(vars: string[]): RegExp {
  const names = vars.filter((v) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(v));
  const varPart = names.length ? `|\\$\\{?(?:${names.join('|')})\\b` : '';
  return new RegExp(`\\$\\{\\{\\s*(?:github\\.token|secrets\\.GITHUB_TOKEN)\\s*\\}\\}${varPart}`, 'i');
}

/** Lines with backslash continuations joined and comments dropped. */
export function logicalLines(script: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of script.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#(?![{!]).*$/, '$1');
    if (/\\\s*$/.test(line)) {
      current += line.replace(/\\\s*$/, ' ');
      continue;
    }
    out.push(current + line);
    current = '';
  }
  if (current) out.push(current);
  return out.filter((l) => l.trim());
}

/** Splits a line at ; && || | and $( ... so each command can be matched from its start. */
function commandsOf(line: string): string[] {
  return line
    .split(/;|&&|\|\||\||\$\(|`|\bthen\b|\bdo\b|\belse\b/)
    .map((c) => c.replace(/^[\s({!]+/, ''))
    .filter(Boolean);
}

function shellWords(command: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(command); m; m = re.exec(command)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

function truncate(s: string, max = 60): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

/** actions/github-script: github.rest.<ns>.<method>, github.request('METHOD /path'), graphql, local modules. */
export function analyzeGithubScript(script: string): ScriptAnalysis {
  const needs: ScriptNeed[] = [];
  const unknown: string[] = [];
  const add: Scoped = (scope, level, reason, source) => needs.push({ scope, level, reason, source });
  let recognized = 0;
  const calls = /\b(?:github|octokit)\.(?:rest\.)?([a-zA-Z]+)\.([a-zA-Z]+)\b/g;
  for (let m = calls.exec(script); m; m = calls.exec(script)) {
    const [, namespace, method] = m;
    if (namespace === 'rest' || method === 'endpoint') continue;
    recognized++;
    fromRest(scopeForOctokit(namespace, method), `github.rest.${namespace}.${method}`, 'github-script', add, unknown);
  }
  const requests = /\b(?:github|octokit)\.request\(\s*['"`]\s*(?:(GET|POST|PUT|PATCH|DELETE|HEAD)\s+)?([^'"`\s]+)/gi;
  for (let m = requests.exec(script); m; m = requests.exec(script)) {
    const method = (m[1] ?? 'GET').toUpperCase();
    recognized++;
    fromRest(
      scopeForRestCall(method, m[2]),
      `github.request ${method} ${truncate(m[2], 50)}`,
      'github-script',
      add,
      unknown,
    );
  }
  if (/\b(?:github|octokit)\.graphql\b/.test(script)) unknown.push('runs a GraphQL query (scopes depend on the query)');
  if (
    /\brequire\(\s*[`'"](?:\.|\/|\$\{)|\bimport\(\s*[`'"](?:\.|\/|\$\{)|\brequire\(\s*(?:path|process)\b/.test(script)
  )
    unknown.push('runs a script file we cannot see');
  if (/\bexec\.(?:exec|getExecOutput)\b/.test(script)) unknown.push('runs commands with @actions/exec');
  // The client handed to other code (const gh = github; helper(github)) escapes the patterns above.
  if (recognized === 0 && unknown.length === 0 && /\bgithub\s*[,)]|=\s*github\s*[;\n]/.test(script))
    unknown.push('passes the API client to code we cannot follow');
  return { needs, unknown: [...new Set(unknown)], calls: recognized };
}

export { levelForMethod };
