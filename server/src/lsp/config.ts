// Effective configuration per workspace root: the root's .flowguard.yml (validated by the core) with the editor's
// `flowguard.*` settings merged over it. A broken .flowguard.yml is reported on the file itself, never silently dropped.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CONFIG_FILE_NAMES,
  DEFAULT_CONFIG,
  parseConfig,
  SECRET_STORES,
  type ConfigProblem,
  type FlowguardConfig,
  type RuleSetting,
  type SecretStoreKind,
} from '../engine/config';
import { SEVERITIES, type Severity } from '../analysis/levels';

/** The `flowguard` settings section the client sends through workspace/configuration. */
export interface ClientSettings {
  enable: boolean;
  /** rule id or alias -> 'off' or a severity. */
  rules: Record<string, RuleSetting>;
  minSeverity?: Severity;
  /** Where "Move to secret store" sends secrets; its details (Vault URL, ...) stay in .flowguard.yml. */
  secretStore?: SecretStoreKind;
  /** Online checks (pinning, hover facts) in a trusted workspace; on unless false. */
  online?: boolean;
  /** GitHub API for online checks (GitHub Enterprise Server: https://HOST/api/v3). */
  githubApiUrl?: string;
}

export const DEFAULT_SETTINGS: ClientSettings = { enable: true, rules: {} };

/** Settings arrive from any client as untyped JSON: keep what is valid, report the rest. */
export function sanitizeSettings(raw: unknown, warn: (message: string) => void): ClientSettings {
  if (!raw || typeof raw !== 'object') return DEFAULT_SETTINGS;
  const r = raw as Record<string, unknown>;
  const rules: Record<string, RuleSetting> = {};
  if (r.rules && typeof r.rules === 'object') {
    for (const [id, value] of Object.entries(r.rules as Record<string, unknown>)) {
      if (value === 'off' || SEVERITIES.includes(value as Severity)) rules[id] = value as RuleSetting;
      else
        warn(
          `flowguard.rules.${id}: expected "off" or a severity (${SEVERITIES.join(', ')}), got ${JSON.stringify(value)}; ignored.`,
        );
    }
  }
  const minSeverity = SEVERITIES.includes(r.minSeverity as Severity) ? (r.minSeverity as Severity) : undefined;
  if (r.minSeverity !== undefined && r.minSeverity !== null && r.minSeverity !== '' && !minSeverity)
    warn(`flowguard.minSeverity: unknown severity ${JSON.stringify(r.minSeverity)}; ignored.`);
  const secretStore = SECRET_STORES.includes(r.secretStore as SecretStoreKind)
    ? (r.secretStore as SecretStoreKind)
    : undefined;
  if (r.secretStore !== undefined && r.secretStore !== null && r.secretStore !== '' && !secretStore)
    warn(
      `flowguard.secretStore: unknown store ${JSON.stringify(r.secretStore)} (${SECRET_STORES.join(', ')}); ignored.`,
    );
  const githubApiUrl = typeof r.githubApiUrl === 'string' && r.githubApiUrl ? r.githubApiUrl : undefined;
  return {
    enable: r.enable !== false,
    rules,
    minSeverity,
    secretStore,
    ...(r.online === false ? { online: false } : {}),
    ...(githubApiUrl ? { githubApiUrl } : {}),
  };
}

/** Settings win over the file: they are what the user chose in this editor. */
export function mergeConfig(file: FlowguardConfig, settings: ClientSettings): FlowguardConfig {
  const secretStore = settings.secretStore ? { ...file.secretStore, provider: settings.secretStore } : file.secretStore;
  return {
    ...file,
    rules: { ...file.rules, ...settings.rules },
    minSeverity: settings.minSeverity ?? file.minSeverity,
    secretStore,
  };
}

export interface LoadedFileConfig {
  /** The config file found at the root, if any. */
  file?: string;
  /** The file's config, or the defaults when there is no file or it is invalid (see `problems`). */
  config: FlowguardConfig;
  problems: ConfigProblem[];
}

/**
 * Finds and caches .flowguard.yml per root. `openText` gives the editor's unsaved text of an open config file, so its
 * diagnostics follow typing.
 */
export class ConfigFiles {
  private readonly cache = new Map<string, LoadedFileConfig>();

  constructor(private readonly openText: (path: string) => string | undefined) {}

  load(root: string): LoadedFileConfig {
    let loaded = this.cache.get(root);
    if (!loaded) {
      loaded = this.read(root);
      this.cache.set(root, loaded);
    }
    return loaded;
  }

  invalidate(root?: string): void {
    if (root === undefined) this.cache.clear();
    else this.cache.delete(root);
  }

  private read(root: string): LoadedFileConfig {
    for (const name of CONFIG_FILE_NAMES) {
      const file = join(root, name);
      let text = this.openText(file);
      if (text === undefined) {
        if (!existsSync(file)) continue;
        try {
          text = readFileSync(file, 'utf8');
        } catch (err) {
          return {
            file,
            config: DEFAULT_CONFIG,
            problems: [
              {
                message: `Cannot read ${name}: ${(err as Error).message}`,
                span: { start: 0, end: 0 },
                line: 0,
                character: 0,
              },
            ],
          };
        }
      }
      const { config, problems } = parseConfig(text);
      return { file, config: config ?? DEFAULT_CONFIG, problems };
    }
    return { config: DEFAULT_CONFIG, problems: [] };
  }
}

export function isConfigFile(path: string): boolean {
  return CONFIG_FILE_NAMES.some((n) => path.endsWith(`/${n}`) || path.endsWith(`\\${n}`));
}

/**
 * The root a file belongs to: the innermost workspace folder containing it; outside every folder (a single file opened
 * in an editor), the nearest ancestor holding a config file or `.git`, else the file's directory.
 */
export function rootFor(path: string, folders: readonly string[]): string {
  let best: string | undefined;
  for (const f of folders) {
    if (
      (path.startsWith(f.endsWith('/') || f.endsWith('\\') ? f : f + '/') || path.startsWith(f + '\\')) &&
      (!best || f.length > best.length)
    )
      best = f;
  }
  if (best) return best;
  let dir = dirname(path);
  for (let i = 0; i < 64; i++) {
    if ([...CONFIG_FILE_NAMES, '.git'].some((n) => existsSync(join(dir, n)))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dirname(path);
}
