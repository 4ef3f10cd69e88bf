// .flowguard.yml: loaded from YAML, validated with ajv against schemas/flowguard-config.schema.json.
// A bad config is an error with a position, never a silent fallback.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import schema from '../../../schemas/flowguard-config.schema.json';
import type { Severity } from '../analysis/levels';
import type { Span } from '../text/span';
import { globMatcher } from './glob';
import { parseYaml } from '../yaml/parse';
import { LineIndex } from '../text/lines';
import { isMap, isSeq, mapGetPair, resolveAlias, spanOf, type Node } from '../yaml/parse';

export type RuleSetting = 'off' | Severity | { enabled?: boolean; severity?: Severity };

export const SECRET_STORES = ['github', 'vault', '1password', 'aws', 'gcp', 'azure'] as const;
export type SecretStoreKind = (typeof SECRET_STORES)[number];

export interface SecretStoreConfig {
  provider: SecretStoreKind;
  /** GitHub: repository or environment secrets. */
  githubScope?: 'repository' | 'environment';
  environment?: string;
  /** Vault: server URL, auth method, role and the path template (`{name}` is replaced). */
  vaultUrl?: string;
  vaultMethod?: string;
  vaultRole?: string;
  pathTemplate?: string;
  /** 1Password: vault name in op:// references. */
  onePasswordVault?: string;
  awsRoleToAssume?: string;
  awsRegion?: string;
  gcpWorkloadIdentityProvider?: string;
  gcpServiceAccount?: string;
  gcpProject?: string;
  azureKeyVault?: string;
  azureClientId?: string;
  azureTenantId?: string;
  azureSubscriptionId?: string;
  /** GitLab CI: the replacement style, API base URL and project of the variables API, ID token audience, Vault engine. */
  gitlab?: {
    style?: 'variable' | 'vault' | 'gcp_secret_manager' | 'azure_key_vault' | 'aws_secrets_manager';
    url?: string;
    project?: string;
    idTokenAudience?: string;
    vaultEngine?: string;
  };
}

export interface FlowguardConfig {
  rules: Record<string, RuleSetting>;
  ignore: string[];
  include: string[];
  trustedActions: string[];
  secretStore: SecretStoreConfig;
  minSeverity?: Severity;
  /** Pinning required per action pattern (owner/repo[/path] globs): `hash` (default), `ref` (tags allowed) or `any`. */
  pinning?: Record<string, PinPolicy>;
  /** Approved and forbidden actions (globs over owner/repo[/path]): `forbidden-uses` reports the rest. */
  actions?: { allow?: string[]; deny?: string[] };
}

export type PinPolicy = 'hash' | 'ref' | 'any';

export const DEFAULT_CONFIG: FlowguardConfig = {
  rules: {},
  ignore: [],
  include: [],
  trustedActions: [],
  secretStore: { provider: 'github', githubScope: 'repository' },
};

export interface ConfigProblem {
  message: string;
  span: Span;
  line: number;
  character: number;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `${file}: invalid Flowguard configuration:\n` +
        problems.map((p) => `  ${p.line + 1}:${p.character + 1} ${p.message}`).join('\n'),
    );
  }
}

/** Compiled on the first config file: compiling the schema cost every process and scan worker ~40 ms at start. */
let validator: ValidateFunction | undefined;
const configValidator = () => (validator ??= new Ajv({ allErrors: true, strict: false }).compile(schema));

/**
 * Parses and validates config text. Returns the config, or the problems with positions.
 * `knownRules` (ids and aliases) makes a misspelt rule name an error instead of a setting that silently does nothing.
 */
export function parseConfig(
  text: string,
  knownRules?: ReadonlySet<string>,
): { config?: FlowguardConfig; problems: ConfigProblem[] } {
  const lines = new LineIndex(text);
  const at = (span: Span, message: string): ConfigProblem => ({ message, span, ...lines.positionAt(span.start) });
  const parsed = parseYaml(text);
  if (parsed.problems.length) return { problems: parsed.problems.map((p) => at(p.span, p.message)) };
  let data: unknown;
  try {
    data = parsed.doc?.toJS({ maxAliasCount: 50 }) ?? {};
  } catch (err) {
    // The yaml package refuses alias bombs here; that is a bad config, not a crash.
    return {
      problems: [
        at(
          { start: 0, end: Math.min(text.length, 1) },
          `The configuration could not be read: ${(err as Error).message}`,
        ),
      ],
    };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { problems: [at({ start: 0, end: Math.min(text.length, 1) }, 'The configuration must be a mapping.')] };
  }
  const validate = configValidator();
  if (!validate(data)) {
    const problems = relevantErrors(validate.errors ?? []).map((e) => {
      const path = e.instancePath
        .split('/')
        .slice(1)
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      const node = nodeAtPath(
        parsed.doc?.contents,
        path,
        e.keyword === 'additionalProperties'
          ? String((e.params as { additionalProperty?: string }).additionalProperty)
          : undefined,
      );
      const span = spanOf(node) ?? { start: 0, end: 0 };
      const where = e.instancePath || '(root)';
      const extra =
        e.keyword === 'additionalProperties'
          ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'`
          : '';
      const allowed =
        e.keyword === 'enum'
          ? ` (allowed: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`
          : '';
      // The only oneOf in the schema is a rule setting.
      const message =
        e.keyword === 'oneOf'
          ? "must be 'off', a severity (high, medium, low, info) or a mapping of enabled/severity"
          : e.message;
      return at(span, `${where}: ${message}${extra}${allowed}`);
    });
    return { problems };
  }
  const raw = data as Partial<FlowguardConfig>;
  if (knownRules) {
    const unknown = Object.keys(raw.rules ?? {}).filter((name) => !knownRules.has(name));
    if (unknown.length) {
      const rulesNode = nodeAtPath(parsed.doc?.contents, ['rules']);
      return {
        problems: unknown.map((name) =>
          at(
            spanOf(nodeAtPath(rulesNode, [], name)) ?? { start: 0, end: 0 },
            `/rules: unknown rule '${name}' (flowguard rules lists the rule names)`,
          ),
        ),
      };
    }
  }
  return {
    config: {
      ...DEFAULT_CONFIG,
      ...raw,
      secretStore: { ...DEFAULT_CONFIG.secretStore, ...(raw.secretStore ?? {}) },
      rules: raw.rules ?? {},
      ignore: raw.ignore ?? [],
      include: raw.include ?? [],
      trustedActions: raw.trustedActions ?? [],
    },
    problems: [],
  };
}

/**
 * One message per mistake. A value failing a oneOf yields errors from every branch plus the oneOf itself: drop the
 * branches written for another type of value (a string setting vs a mapping), and keep the oneOf only when nothing
 * more specific is left.
 */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf');
  const branchOf = (e: ErrorObject): { oneOf: ErrorObject; branch: string } | undefined => {
    for (const oneOf of oneOfs) {
      const prefix = `${oneOf.schemaPath}/`;
      if (e.schemaPath.startsWith(prefix))
        return { oneOf, branch: `${prefix}${e.schemaPath.slice(prefix.length).split('/')[0]}` };
    }
    return undefined;
  };
  const wrongType = new Set(
    errors.flatMap((e) => {
      const b = e.keyword === 'type' ? branchOf(e) : undefined;
      return b && e.instancePath === b.oneOf.instancePath ? [b.branch] : [];
    }),
  );
  const kept = errors.filter((e) => {
    const b = branchOf(e);
    return !b || !wrongType.has(b.branch);
  });
  return kept.filter((e) => e.keyword !== 'oneOf' || !kept.some((x) => branchOf(x)?.oneOf === e));
}

/** The node for a JSON path inside the YAML (for error positions); for an unknown key, the key itself. */
function nodeAtPath(root: unknown, path: string[], badKey?: string): Node | undefined {
  let node = resolveAlias(root) ?? undefined;
  for (const seg of path) {
    if (isMap(node)) node = resolveAlias(mapGetPair(node, seg)?.value) ?? undefined;
    else if (isSeq(node)) node = resolveAlias(node.items[Number(seg)]) ?? undefined;
    else return node as Node | undefined;
  }
  if (badKey && isMap(node)) return (mapGetPair(node, badKey)?.key as Node) ?? node;
  return node as Node | undefined;
}

export function loadConfigText(text: string, file: string, knownRules?: ReadonlySet<string>): FlowguardConfig {
  const { config, problems } = parseConfig(text, knownRules);
  if (!config) throw new ConfigError(file, problems);
  return config;
}

/** Resolved per-rule state. */
export function ruleState(config: FlowguardConfig, ids: string[]): { enabled: boolean; severity?: Severity } {
  for (const id of ids) {
    const s = config.rules[id];
    if (s === undefined) continue;
    if (s === 'off') return { enabled: false };
    if (typeof s === 'string') return { enabled: true, severity: s };
    return { enabled: s.enabled !== false, severity: s.severity };
  }
  return { enabled: true, severity: undefined };
}

const matcherCache = new Map<string, (p: string) => boolean>();
function matcher(globs: string[]): (p: string) => boolean {
  const key = globs.join('\0');
  let m = matcherCache.get(key);
  if (!m) {
    m = globs.length ? globMatcher(globs) : () => false;
    matcherCache.set(key, m);
  }
  return m;
}

/** `relPath` is relative to the workspace root, with forward slashes. */
export function isIgnored(config: FlowguardConfig, relPath: string): boolean {
  return matcher(config.ignore)(relPath);
}

export function isIncluded(config: FlowguardConfig, relPath: string): boolean {
  return matcher(config.include)(relPath);
}

export function isTrustedAction(config: FlowguardConfig, slug: string): boolean {
  return matcher(config.trustedActions.map((s) => s.toLowerCase()))(slug.toLowerCase());
}

/** Whether an action (owner/repo[/path]) matches one of the globs: `owner/*` covers the owner's sub-path actions too. */
export function actionMatches(globs: readonly string[], slug: string): boolean {
  const s = slug.toLowerCase();
  const repo = s.split('/').slice(0, 2).join('/');
  const m = matcher(globs.map((g) => g.toLowerCase()));
  return m(s) || m(repo);
}

/** The pinning policy for an action: the most specific (longest) matching pattern of `pinning`, else `hash`. */
export function pinPolicy(config: FlowguardConfig, slug: string): PinPolicy {
  const patterns = Object.keys(config.pinning ?? {}).sort((a, b) => b.length - a.length);
  const hit = patterns.find((p) => actionMatches([p], slug));
  return hit ? config.pinning![hit] : 'hash';
}

export const CONFIG_FILE_NAMES = ['.flowguard.yml', '.flowguard.yaml'];
