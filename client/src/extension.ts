// The VS Code extension: starts the Flowguard language server (dist/server.cjs over IPC) for workflow and action files.
// It selects documents by path pattern and never claims the YAML language, so the Red Hat YAML and GitHub Actions
// extensions keep working on the same files.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { CONFIG_GLOB, WORKFLOW_GLOBS } from '../../server/src/protocol';
import { registerFlowguardUi } from './ui';
import { registerStoreSecretCommand } from './commands/storeSecret';
import { registerPinningCommands } from './commands/pinning';

/** Files Flowguard analyses by path; other YAML only when .flowguard.yml `include`s it (the server decides). */
function documentSelector(): DocumentSelector {
  const selector: DocumentSelector = [];
  for (const pattern of [...WORKFLOW_GLOBS, CONFIG_GLOB]) {
    // By language id (yaml from VS Code or Red Hat; github-actions-workflow from GitHub's extension) and by file scheme.
    selector.push(
      { language: 'yaml', pattern },
      { language: 'github-actions-workflow', pattern },
      { scheme: 'file', pattern },
    );
  }
  // Unsaved workflows GitHub's extension recognizes.
  selector.push({ language: 'github-actions-workflow', scheme: 'untitled' });
  return selector;
}

/** What activate() returns: used by the extension-host tests and by other parts of the extension. */
export interface FlowguardApi {
  client: LanguageClient;
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<FlowguardApi> {
  // One channel for the client and the server: its level follows "Developer: Set Log Level…" (trace shows settings).
  const output = vscode.window.createOutputChannel('Flowguard', { log: true });
  context.subscriptions.push(output);
  const log = (message: string) => output.info(message);
  const version = (context.extension.packageJSON as { version?: string }).version ?? 'unknown';
  output.info(
    `Flowguard ${version} starting (VS Code ${vscode.version}, workspace trusted: ${vscode.workspace.isTrusted})`,
  );
  output.trace(`settings: ${JSON.stringify(vscode.workspace.getConfiguration('flowguard'))}`);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('flowguard'))
        output.trace(`settings changed: ${JSON.stringify(vscode.workspace.getConfiguration('flowguard'))}`);
    }),
  );
  const module = context.asAbsolutePath(path.join('dist', 'server.cjs'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const watchers = [...WORKFLOW_GLOBS, CONFIG_GLOB].map((p) => vscode.workspace.createFileSystemWatcher(p));
  context.subscriptions.push(...watchers);
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    synchronize: {
      configurationSection: 'flowguard',
      fileEvents: watchers,
    },
    // Evaluated at each (re)start: the server runs git on the repository only once the workspace is trusted.
    initializationOptions: () => ({
      clientWatchesFiles: true,
      workspaceTrusted: vscode.workspace.isTrusted,
      suppressWithReason: true,
      movesSecrets: true,
    }),
    diagnosticCollectionName: 'flowguard',
    outputChannel: output,
  };
  client = new LanguageClient('flowguard', 'Flowguard', serverOptions, clientOptions);
  // Views and commands exist before the server is up; they load rules and scan once it runs.
  registerFlowguardUi(context, client, output);
  registerStoreSecretCommand(context, log);
  registerPinningCommands(context, client);
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void client?.restart()));
  try {
    await client.start();
    output.info('language server started');
  } catch (error) {
    output.error(
      `the language server did not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    throw error;
  }
  return { client };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
