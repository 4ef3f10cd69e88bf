// Configuration: the workspace folders, the editor's `flowguard` settings (pulled per folder with
// workspace/configuration, or pushed by clients without it), each folder's .flowguard.yml, and from those what the
// server does with a document (its Target). Knows nothing of the protocol connection: the server passes callbacks.
import { basename } from 'node:path';
import { DEFAULT_CONFIG, isIgnored, isIncluded, type FlowguardConfig } from '../engine/config';
import { repoRootOf } from '../io/repo-files';
import { kindFromPath, maybeGitlabPath } from '../model/detect';
import {
  ConfigFiles,
  DEFAULT_SETTINGS,
  isConfigFile,
  mergeConfig,
  rootFor,
  sanitizeSettings,
  type ClientSettings,
  type LoadedFileConfig,
} from './config';
import { relativeTo, uriToPath } from './paths';
import type { Target } from './scheduler';

export interface ConfigurationHost {
  /** The raw `flowguard` settings section for a folder (asked only once usePulledSettings(true) was called). */
  pull(root: string): Promise<unknown>;
  /** The editor's unsaved text of an open file. */
  openText(path: string): string | undefined;
  warn(message: string): void;
  /** A .flowguard.yml was (re)loaded: its problems are published on it. Called once per load. */
  loaded(config: LoadedFileConfig & { file: string }): void;
}

export class WorkspaceConfiguration {
  private folderList: string[] = [];
  private pushed: ClientSettings = DEFAULT_SETTINGS;
  private pulls = false;
  private readonly pulled = new Map<string, Promise<ClientSettings>>();
  private readonly files: ConfigFiles;
  private readonly announced = new WeakSet<LoadedFileConfig>();

  constructor(private readonly host: ConfigurationHost) {
    this.files = new ConfigFiles(host.openText);
  }

  get folders(): readonly string[] {
    return this.folderList;
  }

  setFolders(folders: string[]): void {
    this.folderList = folders;
    this.pulled.clear();
    this.files.invalidate();
  }

  /** The client answers workspace/configuration: settings are pulled per folder, not pushed. */
  usePulledSettings(pulls: boolean): void {
    this.pulls = pulls;
    this.pulled.clear();
  }

  /** Settings pushed by the client (initializationOptions or didChangeConfiguration); ignored when pulling. */
  push(raw: unknown): void {
    this.pushed = sanitizeSettings(raw, this.host.warn);
  }

  /** The editor's settings changed: pulled settings are asked for again. */
  settingsChanged(): void {
    this.pulled.clear();
  }

  /** A .flowguard.yml changed (or was opened, edited, closed): reloads it, which publishes its problems. */
  configFileChanged(path: string): void {
    const root = this.rootOf(path);
    this.files.invalidate(root);
    this.fileConfig(root);
  }

  rootOf(path: string): string {
    return rootFor(path, this.folderList);
  }

  settingsFor(root: string | undefined): Promise<ClientSettings> {
    if (!this.pulls || root === undefined) return Promise.resolve(this.pushed);
    let settings = this.pulled.get(root);
    if (!settings) {
      settings = this.host
        .pull(root)
        .then((raw) => sanitizeSettings(raw, this.host.warn))
        .catch(() => DEFAULT_SETTINGS);
      this.pulled.set(root, settings);
    }
    return settings;
  }

  /** The root's .flowguard.yml config (defaults when absent or invalid). */
  fileConfig(root: string | undefined): FlowguardConfig {
    if (root === undefined) return DEFAULT_CONFIG;
    const loaded = this.files.load(root);
    if (loaded.file && !this.announced.has(loaded)) {
      this.announced.add(loaded);
      this.host.loaded(loaded as LoadedFileConfig & { file: string });
    }
    return loaded.config;
  }

  /** File config and settings merged, for a root (undefined: no folder, defaults and pushed settings). */
  async configFor(root: string | undefined): Promise<FlowguardConfig> {
    return mergeConfig(this.fileConfig(root), await this.settingsFor(root));
  }

  /** The root of a document URI, else the first folder. */
  rootOfUri(uri: string | undefined): string | undefined {
    const path = uri ? uriToPath(uri) : undefined;
    return path ? this.rootOf(path) : this.folderList[0];
  }

  /** What the server does with a document: undefined when it is not analyzed (not a workflow, ignored, disabled). */
  async target(uri: string, languageId?: string): Promise<(Target & { root: string }) | undefined> {
    const path = uriToPath(uri);
    if (!path) {
      // Unsaved buffers: only when the editor says it is a workflow.
      if (languageId !== 'github-actions-workflow') return undefined;
      const root = this.folderList[0];
      const settings = await this.settingsFor(root);
      if (!settings.enable) return undefined;
      return { root: root ?? '', relPath: uri, config: mergeConfig(this.fileConfig(root), settings), kind: 'workflow' };
    }
    if (isConfigFile(path)) return undefined;
    const root = this.rootOf(path);
    const relPath = relativeTo(root, path) ?? basename(path);
    const settings = await this.settingsFor(root);
    if (!settings.enable) return undefined;
    const config = mergeConfig(this.fileConfig(root), settings);
    if (isIgnored(config, relPath)) return undefined;
    const kind = kindFromPath(path) ?? kindFromPath(relPath);
    if (!kind && !maybeGitlabPath(relPath) && !isIncluded(config, relPath)) return undefined;
    return { root, relPath, config, kind, repoRoot: repoRootOf(path, root) };
  }
}
