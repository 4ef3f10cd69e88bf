// Where secrets flow inside a file: which env variables carry a secret, and every expression of the document.
import type { AnalyzedFile } from '../file';
import { findExpressions, type ExpressionOccurrence } from '../../expressions/parse';
import type { Block } from '../../model/common';

/** Every `${{ }}` of the document, found once per file. */
export function documentExpressions(ctx: AnalyzedFile): ExpressionOccurrence[] {
  return ctx.cached('secrets:expressions', () => findExpressions(ctx.text));
}

/**
 * Secrets that name an identifier, not a credential: team, tenant, subscription, client or account ids, user names,
 * e-mail addresses, regions, hosts. Projects keep them in `secrets` to keep them out of logs, but they grant nothing.
 */
const IDENTIFIER_SECRET =
  /(^|_)(ids?|user(name)?|login|e?mail|region|host(name)?|org(anization)?|project|bucket|domain)$/i;

/** Does this expression read a secret (other than the automatic GITHUB_TOKEN, or an identifier kept in secrets)? */
export function readsSecret(expr: ExpressionOccurrence): boolean {
  return expr.contexts.some(
    (c) =>
      c.segments[0] === 'secrets' &&
      c.segments[1] !== 'github_token' &&
      !(c.segments[1] && IDENTIFIER_SECRET.test(c.segments[1])),
  );
}

/** Names of the env variables (in these blocks) whose value reads a secret. */
export function secretEnvNames(...blocks: Array<Block | undefined>): Set<string> {
  const names = new Set<string>();
  for (const b of blocks)
    for (const e of b?.entries ?? []) if (e.value?.expressions.some(readsSecret)) names.add(e.name);
  return names;
}

/**
 * Does a line mention the shell variable ($NAME, ${NAME}, $env:NAME, %NAME%)? Plain string search: the name is the
 * repository's text, so it never becomes a regular expression.
 */
export function mentionsShellVar(line: string, name: string): boolean {
  if (!name) return false;
  const wordChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
  for (const form of ['$' + name, '${' + name, '$env:' + name]) {
    for (let at = line.indexOf(form); at !== -1; at = line.indexOf(form, at + 1))
      if (!wordChar(line[at + form.length]) || !wordChar(name[name.length - 1])) return true;
  }
  return line.includes('%' + name + '%');
}

/** Does a script mention the variable ($NAME, ${NAME}, $env:NAME, %NAME%) or an expression env.NAME? */
export function scriptUsesVar(script: string, name: string): boolean {
  const n = name.replace(/[^A-Za-z0-9_]/g, '');
  return new RegExp(`\\$\\{?${n}\\b|\\$env:${n}\\b|%${n}%|\\benv\\.${n}\\b|\\benv\\[['"]${n}['"]\\]`, 'i').test(script);
}

/**
 * Variables tools read on their own, with those tools: `gh` reads GH_TOKEN, `npm` NODE_AUTH_TOKEN, the cloud CLIs and
 * Terraform their credentials. Besides these, `<TOOL>_...` is taken to be read by a command named `<tool>`
 * (VERCEL_TOKEN by `vercel`, CODECOV_TOKEN by `codecov`).
 */
const IMPLICIT_READERS: Array<[RegExp, RegExp]> = [
  [/^(GH|GITHUB)_/, /\b(gh|hub|goreleaser|semantic-release|release-it|changeset|lerna)\b/],
  [/^(NODE_AUTH_TOKEN$|NPM_|YARN_)/, /\b(npm|npx|yarn|pnpm|lerna|changeset|semantic-release)\b/],
  [/^(TWINE_|PYPI_|UV_|POETRY_|HATCH_|FLIT_)/, /\b(twine|uv|poetry|hatch|flit)\b/],
  [/^CARGO_REGISTR/, /\bcargo\b/],
  [/^AWS_/, /\b(aws|terraform|tofu|sam|cdk|serverless|sls|pulumi|eksctl|kubectl|helm|s3cmd)\b/],
  [/^(ARM|AZURE)_/, /\b(az|azd|terraform|tofu|pulumi|func)\b/],
  [/^(GOOGLE|GCLOUD|CLOUDSDK|GCP)_/, /\b(gcloud|gsutil|bq|terraform|tofu|pulumi|firebase)\b/],
  [/^(TF|TFE)_/, /\b(terraform|tofu|terragrunt)\b/],
  [/^DOCKER_/, /\b(docker|podman)\b/],
  [/^(CF_API|CLOUDFLARE)_/, /\b(wrangler|flarectl|terraform)\b/],
  [/^(GRADLE|ORG_GRADLE)_/, /\b(gradle|gradlew)\b/],
  [/^(MAVEN|OSSRH|SONATYPE)_/, /\b(mvn|mvnw|gradle|gradlew)\b/],
  [/^(GEM|RUBYGEMS)_/, /\b(gem|bundle|rake)\b/],
  [/^(HF|HUGGING_?FACE)_/, /\b(huggingface-cli|hf|python3?)\b/],
];

function toolReadsImplicitly(script: string, name: string): boolean {
  const tool = /^([A-Za-z]+)_/.exec(name)?.[1].toLowerCase();
  if (tool && tool.length >= 3 && new RegExp(`(^|[\\s;&|(/])${tool}(-cli|ctl)?\\b`, 'm').test(script)) return true;
  return IMPLICIT_READERS.some(([variable, tools]) => variable.test(name) && tools.test(script));
}

/** Running the repository's own code (scripts, build tools, package scripts): it may read any variable. */
const RUNS_REPOSITORY_CODE =
  /(?:^|[\s;&|(])(?:\.{1,2}\/[\w.-]|(?:bash|sh|zsh|pwsh|powershell|python3?|node|ruby|perl|php|deno|bun|tsx|ts-node)\s+(?!-)[\w./-]+\.\w+|make\b|just\b|(?:npm|pnpm|bun)\s+(?:run|test|start|exec|ci|install|publish)\b|yarn\b|npx\b|go\s+(?:run|test|generate)\b|cargo\s+(?:run|test|build|xtask)\b|\.?\/?gradlew\b|gradle\b|mvn\b|pytest\b|tox\b|nox\b|rake\b|bundle\s+exec\b|dotnet\s+(?:run|test|build)\b)/m;

/**
 * Could a `run:` script read the variable without naming it? When it runs the repository's own code (which may read
 * anything), or a tool known to read that variable on its own.
 */
export function scriptMayReadImplicitly(script: string, name: string): boolean {
  return RUNS_REPOSITORY_CODE.test(script) || toolReadsImplicitly(script, name);
}
