// The Flowguard language server: lifecycle, document sync, configuration, and the wiring of each feature.
import { basename } from 'node:path';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  IPCMessageReader,
  IPCMessageWriter,
  LSPErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type CancellationToken,
  type Hover,
  type HoverParams,
  type InitializeResult,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { existsSync } from 'node:fs';
import { DEFAULT_CONFIG, isIgnored, isIncluded } from '../engine/config';
import { kindFromPath } from '../model/detect';
import { version } from '../../../package.json';
import {
  FINDINGS_CHANGED_METHOD,
  FIX_ALL_KIND,
  REVIEW_METHOD,
  RULES_METHOD,
  WORKSPACE_FINDINGS_METHOD,
  type FileFindings,
  type FindingsChangedParams,
  type ReviewParams,
  type RulesParams,
  type WorkspaceFindingsParams,
  type WorkspaceFindingsResult,
  GITHUB_TOKEN_METHOD,
  PIN_WORKSPACE_METHOD,
  type GitHubTokenParams,
  type PinWorkspaceParams,
  type PinWorkspaceResult,
} from '../protocol';
import {
  isPinAction,
  OnlineResolver,
  pinActions,
  pinFiles,
  resolvePinAction,
  usesHover,
  type PinFile,
} from './pinning';
import { findCandidates } from './scan';
import { LineIndex } from '../yaml/lines';
import { gitRootOf, readDocument, repoFileReader, repoRootOf, type RepoFileReader } from '../io/repo-files';
import { markLeakedSecrets, secretValueFindings } from '../secretstore/git-history';
import { analyseText } from './analysis';
import { codeActions } from './codeActions';
import { lenses } from './codeLens';
import {
  ConfigFiles,
  DEFAULT_SETTINGS,
  isConfigFile,
  mergeConfig,
  rootFor,
  sanitizeSettings,
  type ClientSettings,
} from './config';
import { analysisDiagnostics, configDiagnostics, stoppedDiagnostic } from './diagnostics';
import { DocumentAnalyzer, WORKER_THRESHOLD, type Snapshot, type Target } from './documents';
import { hover } from './hover';
import { pathToUri, relativeTo, uriToPath } from './paths';
import { rulesInfo } from './rules';
import { handleReview } from './review';
import { scan, type ScanRequest } from './scan';
import { summarise } from './summaries';
import { JobCancelled, runWorkerJob, workerScript } from './workerJobs';

export type ServerKind = 'stdio' | 'node-ipc';

/** What a client may pass in initializationOptions. */
interface InitOptions {
  /** Settings for clients without workspace/configuration (the `flowguard` section). */
  settings?: unknown;
  /** The client already sends file events for config and workflow files (VS Code's client does). */
  clientWatchesFiles?: boolean;
  /** false in an untrusted VS Code workspace: no git is run on the repository. Editors without trust send nothing. */
  workspaceTrusted?: boolean;
}

const SCAN_TIMEOUT_MS = 10 * 60_000;

export function startServer(kind: ServerKind): Connection {
  const connection =
    kind === 'stdio'
      ? createConnection(ProposedFeatures.all, process.stdin, process.stdout)
      : createConnection(ProposedFeatures.all, new IPCMessageReader(process), new IPCMessageWriter(process));
  const documents = new TextDocuments(TextDocument);
  const log = (message: string) => connection.console.log(message);

  let folders: string[] = [];
  let pullsConfiguration = false;
  let canCreateProgress = false;
  let workspaceTrusted = true;
  let pushedSettings: ClientSettings = DEFAULT_SETTINGS;
  const settingsByRoot = new Map<string, Promise<ClientSettings>>();
  /** Config files whose problems were published, so fixing them clears the diagnostics. */
  const configReported = new Set<string>();
  const warnedConfig = new Set<string>();
  const reported = new WeakSet<object>();
  /** TextDocuments reports an open as a content change too; the open handler already scheduled it. */
  const justOpened = new Set<string>();
  const generations = new Map<string, number>();
  const notified = new Map<string, string>();
  const script = workerScript();

  const openText = (path: string) => documents.get(pathToUri(path))?.getText();
  /**
   * One reader of local callees per repository, so an analysis on each keystroke does not read them from disk again.
   * Open documents are read from the editor; the disk cache is dropped whenever a watched file changes.
   */
  const readers = new Map<string, RepoFileReader>();
  const readerFor = (repoRoot: string): RepoFileReader => {
    let reader = readers.get(repoRoot);
    if (!reader) readers.set(repoRoot, (reader = repoFileReader(repoRoot, openText)));
    return reader;
  };
  const configFiles = new ConfigFiles(openText);
  const online = new OnlineResolver();

  function settingsFor(root: string): Promise<ClientSettings> {
    if (!pullsConfiguration) return Promise.resolve(pushedSettings);
    let s = settingsByRoot.get(root);
    if (!s) {
      s = connection.workspace
        .getConfiguration({ scopeUri: pathToUri(root), section: 'flowguard' })
        .then((raw) => sanitizeSettings(raw, (m) => connection.console.warn(m)))
        .catch(() => DEFAULT_SETTINGS);
      settingsByRoot.set(root, s);
    }
    return s;
  }

  /** The root's file config; each time it is (re)loaded its problems are published on the config file itself. */
  function fileConfig(root: string) {
    const loaded = configFiles.load(root);
    if (loaded.file && !reported.has(loaded)) {
      reported.add(loaded);
      const uri = pathToUri(loaded.file);
      if (loaded.problems.length || configReported.has(uri)) {
        const text = openText(loaded.file) ?? readDocument(loaded.file) ?? '';
        void connection.sendDiagnostics({ uri, diagnostics: configDiagnostics(new LineIndex(text), loaded.problems) });
        if (loaded.problems.length) configReported.add(uri);
        else configReported.delete(uri);
      }
      if (loaded.problems.length && !warnedConfig.has(uri)) {
        warnedConfig.add(uri);
        void connection.window.showWarningMessage(
          `Flowguard: ${basename(loaded.file)} is invalid (${loaded.problems.length} problem(s)); defaults are used until it is fixed.`,
        );
      } else if (!loaded.problems.length) warnedConfig.delete(uri);
    }
    return loaded.config;
  }

  async function targetFor(uri: string, languageId?: string): Promise<(Target & { root: string }) | undefined> {
    const path = uriToPath(uri);
    if (!path) {
      // Unsaved buffers: only when the editor says it is a workflow.
      if (languageId !== 'github-actions-workflow') return undefined;
      const root = folders[0];
      const settings = root !== undefined ? await settingsFor(root) : pushedSettings;
      return settings.enable
        ? {
            root: root ?? '',
            relPath: uri,
            config: mergeConfig(root !== undefined ? fileConfig(root) : DEFAULT_CONFIG, settings),
            kind: 'workflow',
          }
        : undefined;
    }
    if (isConfigFile(path)) return undefined;
    const root = rootFor(path, folders);
    const relPath = relativeTo(root, path) ?? basename(path);
    const settings = await settingsFor(root);
    if (!settings.enable) return undefined;
    const config = mergeConfig(fileConfig(root), settings);
    if (isIgnored(config, relPath)) return undefined;
    const kind = kindFromPath(path) ?? kindFromPath(relPath);
    if (!kind && !isIncluded(config, relPath)) return undefined;
    return { root, relPath, config, kind, repoRoot: repoRootOf(path, root) };
  }

  function notifyFindings(uri: string, findings: FileFindings | undefined): void {
    const signature = findings ? JSON.stringify([findings.kind, findings.problems, findings.findings]) : '';
    if ((notified.get(uri) ?? '') === signature) return;
    if (signature) notified.set(uri, signature);
    else notified.delete(uri);
    const generation = (generations.get(uri) ?? 0) + 1;
    generations.set(uri, generation);
    const params: FindingsChangedParams = findings
      ? { ...findings, generation }
      : { uri, generation, findings: [], problems: 0, removed: true };
    void connection.sendNotification(FINDINGS_CHANGED_METHOD, params);
  }

  const analyzer = new DocumentAnalyzer({
    target: (doc) => targetFor(doc.uri, doc.languageId),
    current: (uri) => documents.get(uri),
    workerScript: script,
    reader: readerFor,
    log,
    done(doc, snapshot, stoppedReason) {
      if (!snapshot) {
        void connection.sendDiagnostics({
          uri: doc.uri,
          version: doc.version,
          diagnostics: stoppedReason ? [stoppedDiagnostic(stoppedReason)] : [],
        });
        if (!stoppedReason) notifyFindings(doc.uri, undefined);
        return;
      }
      publish(doc.uri, snapshot);
      for (const e of snapshot.analysis.result.ruleErrors)
        connection.console.error(`rule ${e.ruleId} failed on ${doc.uri}: ${e.message}`);
      void markLeaks(doc.uri, snapshot);
    },
  });

  function publish(uri: string, snapshot: Snapshot): void {
    void connection.sendDiagnostics({
      uri,
      version: snapshot.version,
      diagnostics: analysisDiagnostics(uri, snapshot.lines, snapshot.analysis, snapshot.version),
    });
    notifyFindings(uri, summarise(uri, snapshot.text, snapshot.analysis, 0, snapshot.lines));
  }

  /** Credentials git already committed are reported as leaked once git answers (cached; a few ms to a second). */
  async function markLeaks(uri: string, snapshot: Snapshot): Promise<void> {
    // Most analyses hold no secret value: they cost no file-system walk and no git.
    if (!workspaceTrusted || secretValueFindings(snapshot.analysis.result).length === 0) return;
    const path = uriToPath(uri);
    const gitRoot = path ? gitRootOf(path) : undefined;
    if (!path || !gitRoot) return;
    const marked = await markLeakedSecrets(snapshot.analysis.result, gitRoot, snapshot.text, path);
    // Only while this is still the document's current version: an edit since then has its own analysis.
    if (marked > 0 && analyzer.lastSnapshot(uri) === snapshot && documents.get(uri)?.version === snapshot.version)
      publish(uri, snapshot);
  }

  function reanalyseAll(): void {
    for (const doc of documents.all()) {
      if (isConfigFile(uriToPath(doc.uri) ?? '')) continue;
      analyzer.schedule(doc, 0);
    }
  }

  function configChanged(path: string): void {
    const root = rootFor(path, folders);
    configFiles.invalidate(root);
    fileConfig(root);
    reanalyseAll();
  }

  connection.onInitialize((params): InitializeResult => {
    const options = (params.initializationOptions ?? {}) as InitOptions;
    pushedSettings = sanitizeSettings(options.settings, (m) => connection.console.warn(m));
    workspaceTrusted = options.workspaceTrusted !== false;
    const wsFolders = params.workspaceFolders?.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
    folders =
      wsFolders ??
      (params.rootUri
        ? [uriToPath(params.rootUri)].filter((p): p is string => !!p)
        : params.rootPath
          ? [params.rootPath]
          : []);
    pullsConfiguration = params.capabilities.workspace?.configuration === true;
    canCreateProgress = params.capabilities.window?.workDoneProgress === true;
    const watchDynamically =
      !options.clientWatchesFiles && params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    const configDynamically =
      pullsConfiguration && params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    connection.onInitialized(() => {
      if (configDynamically)
        void connection.client.register(DidChangeConfigurationNotification.type, { section: 'flowguard' });
      if (watchDynamically) {
        void connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: ['**/.flowguard.{yml,yaml}', '**/.github/workflows/*.{yml,yaml}', '**/action.{yml,yaml}'].map(
            (globPattern) => ({ globPattern }),
          ),
        });
      }
      if (params.capabilities.workspace?.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders((e) => {
          const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
          folders = [
            ...folders.filter((f) => !removed.has(f)),
            ...e.added.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p),
          ];
          settingsByRoot.clear();
          configFiles.invalidate();
          reanalyseAll();
        });
      }
    });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'flowguard', version },
    };
  });

  connection.onDidChangeConfiguration((change) => {
    if (!pullsConfiguration)
      pushedSettings = sanitizeSettings((change.settings as { flowguard?: unknown } | undefined)?.flowguard, (m) =>
        connection.console.warn(m),
      );
    settingsByRoot.clear();
    reanalyseAll();
  });

  documents.onDidOpen(({ document }) => {
    justOpened.add(document.uri);
    const path = uriToPath(document.uri);
    if (path && isConfigFile(path)) return configChanged(path);
    analyzer.schedule(document, 0);
  });
  documents.onDidChangeContent(({ document }) => {
    if (justOpened.delete(document.uri)) return;
    const path = uriToPath(document.uri);
    if (path && isConfigFile(path)) return configChanged(path);
    analyzer.schedule(document, analyzer.debounceFor(document));
  });
  documents.onDidClose(({ document }) => {
    analyzer.close(document.uri);
    readers.clear(); // its saved text, if any, is now the disk's
    const path = uriToPath(document.uri);
    if (path && isConfigFile(path)) return configChanged(path);
    // Closed files keep no diagnostics: the workspace view reads them from flowguard/workspaceFindings.
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    // The editor may have discarded unsaved edits: the checklist goes back to what is on disk.
    if (path) void notifyFromDisk(document.uri, path).catch((err) => log(`re-reading ${document.uri} failed: ${err}`));
  });

  /** findingsChanged for a closed file, from its text on disk (gone: removed). */
  async function notifyFromDisk(uri: string, path: string): Promise<void> {
    if (!existsSync(path)) return notifyFindings(uri, undefined);
    const target = await targetFor(uri);
    const text = target ? (readDocument(path) ?? '') : '';
    // Large closed files are left to the next workspace scan rather than blocking the server here.
    if (!target || text.length >= WORKER_THRESHOLD || documents.get(uri)) return;
    notifyFindings(
      uri,
      summarise(
        uri,
        text,
        analyseText({
          relPath: target.relPath,
          text,
          config: target.config,
          kind: target.kind,
          repoRoot: target.repoRoot,
        }),
        0,
      ),
    );
  }

  connection.onDidChangeWatchedFiles(async ({ changes }) => {
    readers.clear();
    for (const change of changes) {
      const path = uriToPath(change.uri);
      if (!path) continue;
      if (isConfigFile(path)) {
        configChanged(path);
        continue;
      }
      if (documents.get(change.uri)) continue; // open documents follow the editor's text
      if (change.type === FileChangeType.Deleted) notifyFindings(change.uri, undefined);
      else await notifyFromDisk(change.uri, path);
    }
  });

  async function withSnapshot<T>(uri: string, fn: (snapshot: Snapshot, target: Target) => T): Promise<T | null> {
    const doc = documents.get(uri);
    if (!doc) return null;
    const target = await targetFor(uri, doc.languageId);
    const snapshot = target && (await analyzer.snapshot(doc));
    return target && snapshot ? fn(snapshot, target) : null;
  }

  connection.onHover(async (params) => {
    const base = await withSnapshot(params.textDocument.uri, (s) => hover(params, s));
    return withSupplyChainHover(base, params);
  });
  connection.onCodeAction(async (params) => {
    const actions = await withSnapshot(params.textDocument.uri, (s, t) => codeActions(params, s, t));
    const pins = (await onlineClients(params.textDocument.uri))
      ? await withSnapshot(params.textDocument.uri, (s) => pinActions(params, s))
      : null;
    return actions && pins ? [...actions, ...pins] : actions;
  });
  connection.onCodeActionResolve(async (action) => {
    if (!isPinAction(action)) return action;
    const clients = await onlineClients(action.data.uri);
    const resolved =
      clients &&
      (await withSnapshot(action.data.uri, (s, t) => resolvePinAction(action, s, t, clients)).catch(() => null));
    return resolved ?? action;
  });
  connection.onNotification(GITHUB_TOKEN_METHOD, (params: GitHubTokenParams | undefined) => {
    online.token = typeof params?.token === 'string' && params.token ? params.token : undefined;
  });
  connection.onRequest(PIN_WORKSPACE_METHOD, (params: PinWorkspaceParams | undefined, token) =>
    pinWorkspace(params ?? {}, token),
  );

  /** The online clients for a document's workspace, or undefined when online checks are not allowed there. */
  async function onlineClients(uri: string) {
    if (!workspaceTrusted) return undefined;
    const path = uriToPath(uri);
    const root = path ? rootFor(path, folders) : folders[0];
    const settings = root !== undefined ? await settingsFor(root) : pushedSettings;
    return settings.online === false ? undefined : online.clientsFor(settings.githubApiUrl);
  }

  async function withSupplyChainHover(base: Hover | null, params: HoverParams): Promise<Hover | null> {
    const clients = await onlineClients(params.textDocument.uri);
    const extra = await withSnapshot(params.textDocument.uri, (s) =>
      usesHover(s.analysis.result, s.text, s.lines.offsetAt(params.position), clients),
    ).catch(() => null);
    if (!extra) return base;
    const value = base && typeof base.contents === 'object' && 'value' in base.contents ? base.contents.value : '';
    return { contents: { kind: 'markdown', value: value ? `${value}\n\n---\n\n${extra}` : extra }, range: base?.range };
  }

  async function pinWorkspace(params: PinWorkspaceParams, token: CancellationToken): Promise<PinWorkspaceResult> {
    const clients = await onlineClients(folders[0] !== undefined ? pathToUri(folders[0]) : '');
    const none = { changes: {}, pinned: 0, files: 0, unresolved: [], problems: [] };
    if (!clients)
      return {
        ...none,
        disabled: workspaceTrusted ? 'flowguard.online is off' : 'online checks run only in a trusted workspace',
      };
    const progress =
      params.workDoneToken !== undefined ? connection.window.attachWorkDoneProgress(params.workDoneToken) : undefined;
    progress?.begin('Flowguard: pinning actions', 0, undefined, true);
    try {
      const roots = await Promise.all(
        folders.map(async (root) => ({ root, config: mergeConfig(fileConfig(root), await settingsFor(root)) })),
      );
      const { candidates } = findCandidates({ roots, exclude: params.exclude ?? [], skip: [] });
      const files: PinFile[] = [];
      for (const c of candidates) {
        const uri = pathToUri(c.path);
        const text = documents.get(uri)?.getText() ?? readDocument(c.path);
        const target = await targetFor(uri);
        if (text === undefined || !target) continue;
        files.push({ uri, relPath: c.relPath, text, lines: new LineIndex(text), target });
      }
      const summary = await pinFiles(
        files,
        clients,
        (message, percent) => progress?.report(percent, message),
        () => token.isCancellationRequested,
      );
      if (token.isCancellationRequested) return { ...none, problems: ['cancelled'] };
      return summary;
    } finally {
      progress?.done();
    }
  }
  connection.onCodeLens((params) => withSnapshot(params.textDocument.uri, (s) => lenses(s)));

  connection.onRequest(RULES_METHOD, async (params: RulesParams | undefined) => {
    const path = params?.uri ? uriToPath(params.uri) : undefined;
    const root = path ? rootFor(path, folders) : folders[0];
    const settings = root !== undefined ? await settingsFor(root) : pushedSettings;
    return rulesInfo(mergeConfig(root !== undefined ? fileConfig(root) : DEFAULT_CONFIG, settings));
  });

  connection.onRequest(REVIEW_METHOD, (params: ReviewParams, token) =>
    handleReview(
      params,
      {
        openText: (uri) => documents.get(uri)?.getText(),
        configFor: async (uri) => {
          const path = uriToPath(uri);
          const root = path ? rootFor(path, folders) : folders[0];
          return root === undefined ? undefined : mergeConfig(fileConfig(root), await settingsFor(root));
        },
      },
      () => token.isCancellationRequested,
    ),
  );

  connection.onRequest(WORKSPACE_FINDINGS_METHOD, async (params: WorkspaceFindingsParams | undefined, token) => {
    const started = Date.now();
    const generationsAtStart = new Map(generations);
    const roots = params?.folders?.map(uriToPath).filter((p): p is string => !!p) ?? folders;
    const req: ScanRequest = {
      roots: await Promise.all(
        roots.map(async (root) => ({ root, config: mergeConfig(fileConfig(root), await settingsFor(root)) })),
      ),
      exclude: params?.exclude ?? [],
      skip: documents
        .all()
        .map((d) => uriToPath(d.uri))
        .filter((p): p is string => !!p),
    };
    // The client's own token when it sent one; otherwise a server-created progress, which the user can cancel too.
    const created =
      params?.workDoneToken === undefined && canCreateProgress
        ? await connection.window.createWorkDoneProgress()
        : undefined;
    const progress: WorkDoneProgressReporter = created ?? connection.languages.attachWorkDoneProgress(params ?? {});
    progress.begin('Flowguard: scanning workflows', 0, undefined, true);
    const report = (done: number, total: number) =>
      progress.report(total ? Math.round((done / total) * 100) : 0, `${done}/${total} files`);
    try {
      let out: { files: FileFindings[]; scanned: number };
      if (script) {
        const job = runWorkerJob<{ files: FileFindings[]; scanned: number }>(
          script,
          { type: 'scan', req },
          SCAN_TIMEOUT_MS,
          report,
        );
        token.onCancellationRequested(() => job.cancel());
        created?.token.onCancellationRequested(() => job.cancel());
        out = await job.promise;
      } else {
        out = scan(req, report); // unbundled (tests under tsx): no worker file to start
      }
      // Scanned files carry the generation from before the scan read them: a findingsChanged sent meanwhile (a file
      // changed on disk) has a higher one, and the client keeps it over the older scanned copy.
      for (const f of out.files) f.generation = generationsAtStart.get(f.uri) ?? 0;
      // Open documents count with their editor text: the last analysis even if an edit is still being analysed, and
      // that analysis is then announced whatever it finds (the client replaces its store with this answer).
      for (const doc of documents.all()) {
        const snapshot = analyzer.lastSnapshot(doc.uri);
        if (snapshot)
          out.files.push(
            summarise(doc.uri, snapshot.text, snapshot.analysis, generations.get(doc.uri) ?? 0, snapshot.lines),
          );
        if (snapshot?.version !== doc.version) notified.delete(doc.uri);
      }
      const result: WorkspaceFindingsResult = {
        files: out.files,
        scanned: out.scanned + documents.all().length,
        durationMs: Date.now() - started,
      };
      return result;
    } catch (err) {
      if (err instanceof JobCancelled && (token.isCancellationRequested || created?.token.isCancellationRequested)) {
        throw new ResponseError(LSPErrorCodes.RequestCancelled, 'workspace scan cancelled');
      }
      throw new ResponseError(LSPErrorCodes.RequestFailed, `workspace scan failed: ${(err as Error).message}`);
    } finally {
      progress.done();
    }
  });

  connection.onShutdown(() => analyzer.dispose());
  documents.listen(connection);
  connection.listen();
  return connection;
}
