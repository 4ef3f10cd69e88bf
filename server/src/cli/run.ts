// Dispatches a command line. Every failure ends with one clear line on stderr, never a stack trace (FLOWGUARD_DEBUG=1
// shows it for bug reports): exit 2 for usage, configuration and I/O errors, 3 when Flowguard itself failed.
import { version } from '../../../package.json';
import { ALL_RULES } from '../rules/index';
import { CliError, HELP, parseArgs } from './args';
import { runScan, type CliIO } from './scan';
import { runSecretCommand } from '../secretstore/cli';

export const VERSION: string = version;

/** A number is the exit status; 'running' means a long-lived command (the language server) took over. */
export type CliOutcome = number | 'running';

export async function runCli(argv: readonly string[], io: CliIO): Promise<CliOutcome> {
  try {
    if (argv[0] === 'secret') return await runSecretCommand(argv.slice(1), io);
    const cmd = parseArgs(argv);
    switch (cmd.command) {
      case 'help':
        io.stdout(HELP);
        return 0;
      case 'version':
        io.stdout(`${VERSION}\n`);
        return 0;
      case 'rules':
        io.stdout(rulesTable());
        return 0;
      case 'lsp':
        // Loaded only here: the language server's modules cost every other command ~30 ms of start-up.
        (await import('../lsp/server')).startServer(cmd.transport);
        return 'running';
      case 'scan':
        return await runScan(cmd, io, VERSION);
    }
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr(`flowguard: ${err.message}\n`);
      return 2;
    }
    // A bug, not the user's input: the analysis is incomplete, which exit 3 says (never a clean pass, never exit 2).
    const e = err as Error;
    io.stderr(`flowguard: internal error: ${String(e?.message ?? err).split('\n')[0]}\n`);
    if (io.env.FLOWGUARD_DEBUG) io.stderr(`${e?.stack ?? ''}\n`);
    return 3;
  }
}

function rulesTable(): string {
  const rows = ALL_RULES.map((r) => [
    r.meta.id,
    r.meta.category,
    r.meta.severity,
    r.meta.fixable ? 'yes' : 'no',
    r.meta.title,
  ]);
  const header = ['RULE', 'CATEGORY', 'SEVERITY', 'FIX', 'TITLE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
