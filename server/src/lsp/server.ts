// The Flowguard language server: the protocol connection wired to its units — the document store (documentStore.ts),
// configuration (workspaceConfig.ts), the analysis scheduler (scheduler.ts), findings notifications
// (findingsNotifier.ts) and the workspace scan (workspaceScan.ts) — and to each feature.
import { basename } from 'node:path';
import { existsSync } from 'node:fs';
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
  TextDocumentSyncKind,
  type Connection,
  type CancellationToken,
  type Hover,
  type HoverParams,
  type InitializeResult,
  type WorkDoneProgressReporter,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { version } from '../../../package.json';
import {
  CONFIG_GLOB,
  FINDINGS_CHANGED_METHOD,
  FIX_ALL_KIND,
  FIX_ALL_METHOD,
  REVIEW_METHOD,
  RULES_METHOD,
  SUPPRESS_KIND,
  SUPPRESS_METHOD,
  WORKFLOW_GLOBS,
  WORKSPACE_FINDINGS_METHOD,
  type FixAllParams,
  type ReviewParams,
  type RulesParams,
  type SuppressParams,
  type WorkspaceFindingsParams,
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
import { OnlineFacts } from './onlineFacts';
import { LineIndex } from '../text/lines';
import { gitRootOf, readDocument, repoFileReader, type RepoFileReader } from '../io/repo-files';
import { markLeakedSecrets, secretValueFindings } from '../secretstore/git-history';
import { analyzeText } from './analysis';
import { codeActions, fixAllRequest, suppressRequest, type ClientAbilities, type FixContext } from './codeActions';
import { lenses } from './codeLens';
import { isConfigFile } from './config';
import { analysisDiagnostics, configDiagnostics, maskedRuleErrors, stoppedDiagnostic } from './diagnostics';
import { DocumentStore } from './documentStore';
import { FindingsNotifier } from './findingsNotifier';
import { hover } from './hover';
import { pathToUri, uriToPath } from './paths';
import { rulesInfo } from './rules';
import { handleReview } from './review';
import { AnalysisScheduler, WORKER_THRESHOLD, type Snapshot, type Target } from './scheduler';
import { summarize } from './summaries';
import { JobCancelled, workerScript } from './workerJobs';
import { WorkspaceConfiguration } from './workspaceConfig';
import { startWorkspaceScan } from './workspaceScan';
import { warmUp, warmUpBudget } from './warmUp';

export type ServerKind = 'stdio' | 'node-ipc';

/** Quiet time after the last watched-file event before the deletion sweep (a checkout reports files in bursts). */
const DELETION_SWEEP_DELAY_MS = 300;

/** What a client may pass in initializationOptions. */
interface InitOptions {
  /** Settings for clients without workspace/configuration (the `flowguard` section). */
  settings?: unknown;
  /** The client already sends file events for config and workflow files (VS Code's client does). */
  clientWatchesFiles?: boolean;
  /** true in a trusted VS Code workspace. Editors without workspace trust send nothing: the workspace is untrusted. */
  workspaceTrusted?: boolean;
  /** The client implements SUPPRESS_FINDING_COMMAND (asks for a reason): suppression actions carry it, not an edit. */
  suppressWithReason?: boolean;
  /** The client implements MOVE_SECRET_COMMAND: secret moves carry it, not an edit followed by a store command. */
  movesSecrets?: boolean;
  /** JIT warm-up before `initialize` is answered, in ms (warmUpBudget in warmUp.ts): 0 for none. */
  warmUpMs?: number;
}

/**
 * After a malformed header (no or a non-numeric Content-Length) the JSON-RPC reader cannot find the next message and
 * would stay silent forever: the server says why on stderr and exits, so the editor can restart it.
 */
function stdioReader(): StreamMessageReader {
  const reader = new StreamMessageReader(process.stdin);
  reader.onError((err) => {
    // Only framing errors leave the reader stuck; a message that is not JSON is skipped by the reader itself.
    if (!/content-length|header/i.test(err.message)) return;
    process.stderr.write(`flowguard: malformed message on standard input (${err.message.split('\n')[0]}); exiting\n`);
    process.exit(1);
  });
  return reader;
}

export function startServer(kind: ServerKind): Connection {
  const connection =
    kind === 'stdio'
      ? createConnection(ProposedFeatures.all, stdioReader(), new StreamMessageWriter(process.stdout))
      : createConnection(ProposedFeatures.all, new IPCMessageReader(process), new IPCMessageWriter(process));
  const log = (message: string) => connection.console.log(message);
  const documents = new DocumentStore();
  const notifier = new FindingsNotifier((params) => void connection.sendNotification(FINDINGS_CHANGED_METHOD, params));
  let pullsConfiguration = false;
  let canCreateProgress = false;
  let workspaceTrusted = false;
  let abilities: ClientAbilities = {};
  const script = workerScript();

  /** Config files whose problems were published, so fixing them clears the diagnostics; and those warned about. */
  const configReported = new Set<string>();
  const warnedConfig = new Set<string>();
  const config = new WorkspaceConfiguration({
    pull: (root) => connection.workspace.getConfiguration({ scopeUri: pathToUri(root), section: 'flowguard' }),
    openText: (path) => documents.textOf(path),
    warn: (m) => connection.console.warn(m),
    loaded({ file, problems }) {
      const uri = pathToUri(file);
      if (problems.length || configReported.has(uri)) {
        const text = documents.textOf(file) ?? readDocument(file) ?? '';
        void connection.sendDiagnostics({ uri, diagnostics: configDiagnostics(new LineIndex(text), problems) });
        if (problems.length) configReported.add(uri);
        else configReported.delete(uri);
      }
      if (problems.length && !warnedConfig.has(uri)) {
        warnedConfig.add(uri);
        void connection.window.showWarningMessage(
          `Flowguard: ${basename(file)} is invalid (${problems.length} problem(s)); defaults are used until it is fixed.`,
        );
      } else if (!problems.length) warnedConfig.delete(uri);
    },
  });

  /**
   * One reader of local callees per repository, so an analysis on each keystroke does not read them from disk again.
   * Open documents are read from the editor; the disk cache is dropped whenever a watched file changes.
   */
  const readers = new Map<string, RepoFileReader>();
  const readerFor = (repoRoot: string): RepoFileReader => {
    let reader = readers.get(repoRoot);
    if (!reader) readers.set(repoRoot, (reader = repoFileReader(repoRoot, (path) => documents.textOf(path))));
    return reader;
  };
  const online = new OnlineResolver();

  const onlineFacts = new OnlineFacts();
  /** The document's target, with the online facts known so far where online checks are allowed. */
  async function analysisTarget(uri: string, languageId?: string): Promise<Target | undefined> {
    const target = await config.target(uri, languageId);
    return target && (await onlineClients(uri)) ? { ...target, facts: onlineFacts.records } : target;
  }

  const scheduler = new AnalysisScheduler({
    target: (doc) => analysisTarget(doc.uri, doc.languageId),
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
        if (!stoppedReason) notifier.notify(doc.uri, undefined);
        return;
      }
      publish(doc.uri, snapshot);
      for (const e of maskedRuleErrors(snapshot.text, snapshot.analysis.result))
        connection.console.error(`rule ${e.ruleId} failed on ${doc.uri}: ${e.message}`);
      void markLeaks(doc.uri, snapshot);
      void fetchOnlineFacts(doc.uri, snapshot).catch((err) => log(`online checks for ${doc.uri} failed: ${err}`));
    },
  });

  /**
   * Online rules' facts, after the offline diagnostics are out: asks about the SHA pins not asked about yet, then has
   * the document's current version analyzed again (the scheduler publishes only the latest version's result).
   */
  async function fetchOnlineFacts(uri: string, snapshot: Snapshot): Promise<void> {
    const clients = await onlineClients(uri);
    const wanted = clients && onlineFacts.unasked(snapshot.analysis.result.model, snapshot.text);
    if (!clients || !wanted || !(await onlineFacts.resolve(wanted, clients.github))) return;
    const current = documents.get(uri);
    if (current) scheduler.schedule(current, 0);
  }

  function publish(uri: string, snapshot: Snapshot): void {
    void connection.sendDiagnostics({
      uri,
      version: snapshot.version,
      diagnostics: analysisDiagnostics(uri, snapshot.lines, snapshot.analysis, snapshot.version),
    });
    notifier.notify(uri, summarize(uri, snapshot.text, snapshot.analysis, 0, snapshot.lines));
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
    if (marked > 0 && scheduler.lastSnapshot(uri) === snapshot && documents.get(uri)?.version === snapshot.version)
      publish(uri, snapshot);
  }

  function reanalyzeAll(): void {
    for (const doc of documents.all()) {
      if (isConfigFile(uriToPath(doc.uri) ?? '')) continue;
      scheduler.schedule(doc, 0);
    }
  }

  function configFileChanged(path: string): void {
    config.configFileChanged(path);
    reanalyzeAll();
  }

  connection.onInitialize((params): InitializeResult => {
    const options = (params.initializationOptions ?? {}) as InitOptions;
    config.push(options.settings);
    workspaceTrusted = options.workspaceTrusted === true;
    abilities = {
      askReason: options.suppressWithReason === true,
      movesSecrets: options.movesSecrets === true,
      confirmUnsafe: params.capabilities.workspace?.workspaceEdit?.changeAnnotationSupport !== undefined,
    };
    const wsFolders = params.workspaceFolders?.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
    config.setFolders(
      wsFolders ??
        (params.rootUri
          ? [uriToPath(params.rootUri)].filter((p): p is string => !!p)
          : params.rootPath
            ? [params.rootPath]
            : []),
    );
    pullsConfiguration = params.capabilities.workspace?.configuration === true;
    config.usePulledSettings(pullsConfiguration);
    canCreateProgress = params.capabilities.window?.workDoneProgress === true;
    const watchDynamically =
      !options.clientWatchesFiles && params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    const configDynamically =
      pullsConfiguration && params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    const warm = warmUp(warmUpBudget(options.warmUpMs));
    connection.onInitialized(() => {
      if (warm.analyses > 0 || warm.error) {
        log(
          `JIT warm-up: ${warm.analyses} analyses of rule examples in ${warm.ms.toFixed(0)} ms` +
            (warm.error ? `, stopped: ${warm.error}` : ''),
        );
      }
      if (configDynamically)
        void connection.client.register(DidChangeConfigurationNotification.type, { section: 'flowguard' });
      if (watchDynamically) {
        void connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [CONFIG_GLOB, ...WORKFLOW_GLOBS].map((globPattern) => ({ globPattern })),
        });
      }
      if (params.capabilities.workspace?.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders((e) => {
          const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
          config.setFolders([
            ...config.folders.filter((f) => !removed.has(f)),
            ...e.added.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p),
          ]);
          reanalyzeAll();
        });
      }
    });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: {
          codeActionKinds: [CodeActionKind.QuickFix, SUPPRESS_KIND, FIX_ALL_KIND],
          resolveProvider: true,
        },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'flowguard', version },
    };
  });

  connection.onDidChangeConfiguration((change) => {
    if (!pullsConfiguration) config.push((change.settings as { flowguard?: unknown } | undefined)?.flowguard);
    config.settingsChanged();
    reanalyzeAll();
  });

  connection.onDidOpenTextDocument((params) => {
    const document = documents.open(params);
    const path = uriToPath(document.uri);
    if (path && isConfigFile(path)) return configFileChanged(path);
    scheduler.schedule(document, 0);
  });
  connection.onDidChangeTextDocument((params) => {
    const document = documents.change(params);
    if (!document) return;
    const path = uriToPath(document.uri);
    if (path && isConfigFile(path)) return configFileChanged(path);
    scheduler.edited(document);
  });
  connection.onDidCloseTextDocument((params) => {
    const document = documents.close(params);
    if (!document) return;
    scheduler.close(document.uri);
    readers.clear(); // its saved text, if any, is now the disk's
    const path = uriToPath(document.uri);
    if (path && isConfigFile(path)) return configFileChanged(path);
    // Closed files keep no diagnostics: the workspace view reads them from flowguard/workspaceFindings.
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    // The editor may have discarded unsaved edits: the checklist goes back to what is on disk.
    if (path) void notifyFromDisk(document.uri, path).catch((err) => log(`re-reading ${document.uri} failed: ${err}`));
  });

  /** findingsChanged for a closed file, from its text on disk (gone: removed). */
  async function notifyFromDisk(uri: string, path: string): Promise<void> {
    if (!existsSync(path)) return notifier.notify(uri, undefined);
    const target = await config.target(uri);
    const text = target ? (readDocument(path) ?? '') : '';
    // Large closed files are left to the next workspace scan rather than blocking the server here.
    if (!target || text.length >= WORKER_THRESHOLD || documents.get(uri)) return;
    const { relPath, kind, repoRoot } = target;
    const analysis = analyzeText({ relPath, text, config: target.config, kind, repoRoot });
    notifier.notify(uri, summarize(uri, text, analysis, 0));
  }

  connection.onDidChangeWatchedFiles(async ({ changes }) => {
    readers.clear();
    for (const change of changes) {
      const path = uriToPath(change.uri);
      if (!path) continue;
      if (isConfigFile(path)) {
        configFileChanged(path);
        continue;
      }
      // Open documents follow the editor's text, but not once their file is gone: VS Code keeps a closed editor's
      // document for a while, and a deleted file must leave the checklist at once.
      const gone = change.type === FileChangeType.Deleted && !existsSync(path);
      if (documents.get(change.uri) && !gone) continue;
      if (gone) notifier.notify(change.uri, undefined);
      else await notifyFromDisk(change.uri, path);
    }
    sweepDeletedSoon();
  });

  // A watcher can miss deletions (in a folder created after it started, or past the OS limit of watches): after any
  // change it does report, the closed files the checklist may show are checked against the disk once.
  let sweepTimer: NodeJS.Timeout | undefined;
  function sweepDeletedSoon(): void {
    clearTimeout(sweepTimer);
    sweepTimer = setTimeout(() => {
      for (const uri of notifier.heldFiles()) {
        const path = uriToPath(uri);
        if (path && !documents.get(uri) && !existsSync(path)) notifier.notify(uri, undefined);
      }
    }, DELETION_SWEEP_DELAY_MS).unref();
  }

  /** The current version's analysis of an open document, with what fixes need; null when it is not analyzed. */
  async function withSnapshot<T>(
    uri: string,
    fn: (snapshot: Snapshot, context: FixContext) => T | Promise<T>,
  ): Promise<T | null> {
    const doc: TextDocument | undefined = documents.get(uri);
    if (!doc) return null;
    const target: Target | undefined = await analysisTarget(uri, doc.languageId);
    const snapshot = target && (await scheduler.snapshot(doc));
    if (!target || !snapshot) return null;
    return fn(snapshot, { target, readFile: target.repoRoot ? readerFor(target.repoRoot) : undefined, log });
  }

  connection.onHover(async (params) => {
    const base = await withSnapshot(params.textDocument.uri, (s) => hover(params, s));
    return withSupplyChainHover(base, params);
  });
  connection.onCodeAction(async (params) => {
    const actions = await withSnapshot(params.textDocument.uri, (s, t) => codeActions(params, s, t, abilities));
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
      (await withSnapshot(action.data.uri, (s, c) => resolvePinAction(action, s, c.target, clients)).catch(() => null));
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
    const settings = await config.settingsFor(config.rootOfUri(uri) ?? config.folders[0]);
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
    const clients = await onlineClients(config.folders[0] !== undefined ? pathToUri(config.folders[0]) : '');
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
        config.folders.map(async (root) => ({ root, config: await config.configFor(root) })),
      );
      const { candidates } = findCandidates({ roots, exclude: params.exclude ?? [], skip: [] });
      const files: PinFile[] = [];
      for (const c of candidates) {
        const uri = pathToUri(c.path);
        const text = documents.textOf(c.path) ?? readDocument(c.path);
        const target = await config.target(uri);
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
  connection.onCodeLens((params) => withSnapshot(params.textDocument.uri, (s) => lenses(params.textDocument.uri, s)));
  connection.onRequest(SUPPRESS_METHOD, (params: SuppressParams) =>
    withSnapshot(params.uri, (s) => suppressRequest(params, s)),
  );
  connection.onRequest(FIX_ALL_METHOD, (params: FixAllParams) =>
    withSnapshot(params.uri, (s, c) => fixAllRequest(params, s, c)),
  );

  connection.onRequest(RULES_METHOD, async (params: RulesParams | undefined) =>
    rulesInfo(await config.configFor(config.rootOfUri(params?.uri))),
  );

  connection.onRequest(REVIEW_METHOD, (params: ReviewParams, token) =>
    handleReview(
      params,
      {
        openText: (uri) => documents.get(uri)?.getText(),
        configFor: async (uri) => {
          const root = config.rootOfUri(uri);
          return root === undefined ? undefined : config.configFor(root);
        },
      },
      () => token.isCancellationRequested,
    ),
  );

  connection.onRequest(WORKSPACE_FINDINGS_METHOD, async (params: WorkspaceFindingsParams | undefined, token) => {
    const roots = params?.folders?.map(uriToPath).filter((p): p is string => !!p) ?? config.folders;
    const req = {
      roots: await Promise.all(roots.map(async (root) => ({ root, config: await config.configFor(root) }))),
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
    progress.begin('Flowguard: scanning workflows and pipelines', 0, undefined, true);
    try {
      const running = startWorkspaceScan(
        {
          workerScript: script,
          notifier,
          // A document whose file was deleted is not part of the workspace any more, even while VS Code keeps it.
          openDocuments: () =>
            documents
              .all()
              .filter((d) => {
                const path = uriToPath(d.uri);
                return !path || existsSync(path);
              })
              .map((d) => ({ uri: d.uri, version: d.version, latest: scheduler.lastSnapshot(d.uri) })),
        },
        req,
        (done, total) => progress.report(total ? Math.round((done / total) * 100) : 0, `${done}/${total} files`),
      );
      token.onCancellationRequested(() => running.cancel());
      created?.token.onCancellationRequested(() => running.cancel());
      return await running.promise;
    } catch (err) {
      if (err instanceof JobCancelled && (token.isCancellationRequested || created?.token.isCancellationRequested)) {
        throw new ResponseError(LSPErrorCodes.RequestCancelled, 'workspace scan cancelled');
      }
      throw new ResponseError(LSPErrorCodes.RequestFailed, `workspace scan failed: ${(err as Error).message}`);
    } finally {
      progress.done();
    }
  });

  connection.onShutdown(() => scheduler.dispose());
  connection.listen();
  return connection;
}
