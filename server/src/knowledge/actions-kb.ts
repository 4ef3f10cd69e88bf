// The actions knowledge base: which GITHUB_TOKEN scopes each action needs, under which inputs, and how it gets the
// token. Data lives in ./actions/*.json (schema: schemas/actions-kb.schema.json, checked by a test).
import github from './actions/github.json';
import toolchains from './actions/toolchains.json';
import automation from './actions/automation.json';
import publishing from './actions/publishing.json';
import community from './actions/community.json';

export const TOKEN_SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
export type ScopeLevel = 'read' | 'write';

export interface InputCondition {
  input: string;
  equals?: string[];
  notEquals?: string[];
  set?: boolean;
  matches?: string;
  default?: string;
}

export interface ScopeNeed {
  level: ScopeLevel;
  reason: string;
  when?: InputCondition | InputCondition[];
  /** Used only when the action's own configuration file asks for it (the need is then assumed). */
  configured?: string;
}

export interface TokenSource {
  inputs?: string[];
  default?: 'github.token' | 'none';
  env?: string[];
  implicit?: boolean;
  gitCredentials?: boolean;
}

export interface ActionKnowledge {
  token: 'none' | TokenSource;
  scopes: Partial<Record<TokenScope, ScopeNeed | ScopeNeed[]>>;
  script?: string;
  note?: string;
}

/** The JSON files, by name, for the schema test and the coverage script. */
export const KB_FILES: Record<string, { actions: Record<string, unknown> }> = {
  github,
  toolchains,
  automation,
  publishing,
  community,
};

const ENTRIES = new Map<string, ActionKnowledge>();
for (const file of Object.values(KB_FILES)) {
  for (const [slug, entry] of Object.entries(file.actions)) ENTRIES.set(slug, entry as ActionKnowledge);
}

/** Looks an action up by its slug (owner/repo[/path], any case, no @ref). */
export function lookupAction(slug: string): ActionKnowledge | undefined {
  return ENTRIES.get(slug.toLowerCase().replace(/\/+$/, ''));
}

export function knownActionSlugs(): string[] {
  return [...ENTRIES.keys()];
}

export function needsOf(entry: ActionKnowledge): Array<{ scope: TokenScope; need: ScopeNeed }> {
  const out: Array<{ scope: TokenScope; need: ScopeNeed }> = [];
  for (const [scope, value] of Object.entries(entry.scopes)) {
    for (const need of Array.isArray(value) ? value : [value!]) out.push({ scope: scope as TokenScope, need });
  }
  return out;
}

export function isTokenScope(name: string): name is TokenScope {
  return (TOKEN_SCOPES as readonly string[]).includes(name);
}
