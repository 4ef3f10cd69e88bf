// What the GITHUB_TOKEN can be granted for: REST resources and Octokit namespaces by scope, gh subcommands by scope
// and level, and the command-line tools that do or do not read a GitHub token from the environment.
// Data lives in ./github-token.json (schema: schemas/github-token.schema.json, checked by a test).
import data from './github-token.json';
import type { TokenScope } from './actions-kb';

/** The JSON file as loaded, for the schema test. */
export const GITHUB_TOKEN_KB: unknown = data;

const scopes = (table: Record<string, string>) => new Map(Object.entries(table) as Array<[string, TokenScope]>);

/** Repository sub-resources (repos/{owner}/{repo}/<resource>/...) and the scope they belong to. */
export const REST_RESOURCE_SCOPES: ReadonlyMap<string, TokenScope> = scopes(data.restResources);
/** Resources the GITHUB_TOKEN cannot be granted (administration, secrets, webhooks...). */
export const NOT_GRANTABLE_RESOURCES: ReadonlySet<string> = new Set(data.notGrantableResources);
/** github.rest.<namespace> and the scope it belongs to. */
export const OCTOKIT_NAMESPACE_SCOPES: ReadonlyMap<string, TokenScope> = scopes(data.octokitNamespaces);
/** Namespaces that need no repository scope (public data, metadata, the caller itself). */
export const NO_SCOPE_OCTOKIT_NAMESPACES: ReadonlySet<string> = new Set(data.noScopeOctokitNamespaces);

export interface GhSubcommandScopes {
  scope: TokenScope;
  write: ReadonlySet<string>;
  read: ReadonlySet<string>;
}
/** `gh <group> <sub>`: the scope of the group, and which subcommands write or only read. */
export const GH_SUBCOMMANDS: ReadonlyMap<string, GhSubcommandScopes> = new Map(
  Object.entries(data.ghSubcommands).map(([group, t]) => [
    group,
    { scope: t.scope as TokenScope, write: new Set(t.write), read: new Set(t.read) },
  ]),
);
/** gh subcommands that need nothing from the token, or nothing we can grant. */
export const GH_NO_SCOPE_SUBCOMMANDS: ReadonlySet<string> = new Set(data.ghNoScopeSubcommands);

/** Shell built-ins and text tools that never read a GitHub token from the environment. */
export const TOKENLESS_COMMANDS: ReadonlySet<string> = new Set(data.tokenlessCommands);
/** Tools known to use a GitHub token from the environment, whose scopes depend on their configuration. */
export const TOKEN_TOOLS: readonly string[] = data.tokenTools;
