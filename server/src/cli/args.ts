// Command-line parsing for `flowguard scan|rules|lsp`. Usage mistakes become CliError (exit 2, one clear line).
import { SEVERITIES, type Severity } from '../analysis/levels';

export const FORMATS = ['text', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

/** Ends the command with exit status 2 and this one-line message (usage, configuration or I/O problems). */
export class CliError extends Error {}

export interface ScanOptions {
  command: 'scan';
  paths: string[];
  format: Format;
  output?: string;
  fix: boolean;
  /** With --fix: only fixes marked safe (no behavior change to review), e.g. for an unattended CI job. */
  safeFixesOnly: boolean;
  minSeverity?: Severity;
  config?: string;
  noFail: boolean;
  color?: boolean;
  /** Ask the GitHub API and image registries (pins, tags, advisories, impostor commits, digests); off by default. */
  online: boolean;
  githubApiUrl?: string;
  /** Worker threads analyzing files in parallel; undefined: one per available core but one (defaultJobs). 1: in the main thread. */
  jobs?: number;
  /** Only the files of shard `index` (1-based) of `count`, by a stable hash of their path. */
  shard?: { index: number; count: number };
}

export type Command =
  | ScanOptions
  | { command: 'rules' }
  | { command: 'lsp'; transport: 'stdio' | 'node-ipc' }
  | { command: 'help' }
  | { command: 'version' };

export const HELP = `Flowguard: finds and fixes security problems in GitHub Actions workflows and actions, and in GitLab CI pipelines.

Usage:
  flowguard scan [options] PATH...   scan files and folders (folders: .github/workflows/*.yml|yaml, action.yml|yaml,
                                     .gitlab-ci.yml, *.gitlab-ci.yml, CI YAML under .gitlab/ and .gitlab-ci/)
  flowguard rules                    list the rules
  flowguard lsp --stdio|--node-ipc   run the language server (for editors)

Scan options:
  -f, --format text|json|sarif   report format (default: text)
  -o, --output FILE              write the report to FILE instead of standard output
      --fix                      apply each finding's preferred fix in place (review the diff), print what
                                 changed and the names of the secrets to create
      --fix-safe                 like --fix, but only the fixes marked safe (they remove the risk and change
                                 nothing else the workflow does)
      --min-severity LEVEL       only report findings at or above LEVEL (high, medium, low, info)
  -c, --config FILE              configuration file (default: .flowguard.yml or .flowguard.yaml in the current folder)
      --online                   ask the GitHub API (and image registries) to pin actions and images, check
                                 version comments, advisories and impostor commits; nothing is requested without it
      --github-api-url URL       GitHub API for --online (default: $GITHUB_API_URL, else https://api.github.com;
                                 GitHub Enterprise Server: https://HOST/api/v3). Token: GH_TOKEN, GITHUB_TOKEN or gh
  -j, --jobs N                   analyze files in N worker threads (default: one per available core but one;
                                 1 = no workers). The report is the same, in the same order, whatever N
      --shard I/N                only scan shard I of N (1-based): files are assigned by a stable hash of their
                                 path relative to the working directory, so N runners with the same command and
                                 checkout cover every file exactly once; SARIF gets a distinct run category
      --no-fail                  exit 0 even when findings remain
      --color / --no-color       force or disable colored text output
  -h, --help                     show this help
  -v, --version                  show the version

Exit status:
  0  no findings (or --no-fail)
  1  findings remain; a file that cannot be parsed, is too large (10 MB, 60,000 lines) or too deep is a
     parse-error finding
  2  usage, configuration or I/O error (a file or folder that cannot be read, a report that cannot be written)
  3  Flowguard failed (a rule or the engine threw): the analysis is incomplete; --no-fail does not hide it
Suppress a finding with a reason: # flowguard: ignore[rule-id] why this is acceptable
`;

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new CliError(`${option} must be one of ${allowed.join(', ')} (got '${value}')`);
  return value as T;
}

function positiveInteger(value: string, option: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 256)
    throw new CliError(`${option} must be a whole number from 1 to 256 (got '${value}')`);
  return n;
}

export function parseArgs(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help')
    return { command: 'help' };
  if (command === '-v' || command === '--version' || command === 'version') return { command: 'version' };
  if (command === 'rules') {
    if (rest.length) throw new CliError(`'rules' takes no arguments (got '${rest[0]}')`);
    return { command: 'rules' };
  }
  if (command === 'lsp') {
    // Editors sometimes pass extra flags (e.g. --clientProcessId=123); only the transport matters here.
    if (rest.includes('--node-ipc')) return { command: 'lsp', transport: 'node-ipc' };
    if (rest.includes('--stdio') || rest.length === 0) return { command: 'lsp', transport: 'stdio' };
    throw new CliError(`'lsp' needs --stdio or --node-ipc`);
  }
  if (command !== 'scan')
    throw new CliError(`unknown command '${command}' (expected scan, rules or lsp; see flowguard --help)`);
  return parseScan(rest);
}

function parseScan(args: readonly string[]): Command {
  const opts: ScanOptions = {
    command: 'scan',
    paths: [],
    format: 'text',
    fix: false,
    safeFixesOnly: false,
    noFail: false,
    online: false,
  };
  let onlyPaths = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (onlyPaths || !arg.startsWith('-') || arg === '-') {
      opts.paths.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPaths = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = args[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) throw new CliError(`${name} needs a value`);
      i++;
      return next;
    };
    const flag = (): void => {
      if (eq > 0) throw new CliError(`${name} takes no value`);
    };
    switch (name) {
      case '-f':
      case '--format':
        opts.format = oneOf(value(), FORMATS, '--format');
        break;
      case '-o':
      case '--output':
        opts.output = value();
        break;
      case '--fix':
        flag();
        opts.fix = true;
        break;
      case '--fix-safe':
        flag();
        opts.fix = true;
        opts.safeFixesOnly = true;
        break;
      case '--min-severity':
        opts.minSeverity = oneOf(value(), SEVERITIES, '--min-severity');
        break;
      case '-c':
      case '--config':
        opts.config = value();
        break;
      case '--online':
        flag();
        opts.online = true;
        break;
      case '--github-api-url':
        opts.githubApiUrl = value();
        break;
      case '-j':
      case '--jobs':
        opts.jobs = positiveInteger(value(), '--jobs');
        break;
      case '--shard': {
        const shard = /^(\d+)\/(\d+)$/.exec(value());
        const index = Number(shard?.[1]);
        const count = Number(shard?.[2]);
        if (!shard || count < 1 || index < 1 || index > count || count > 10_000)
          throw new CliError('--shard must be I/N with 1 <= I <= N (e.g. --shard 2/4)');
        opts.shard = { index, count };
        break;
      }
      case '--no-fail':
        flag();
        opts.noFail = true;
        break;
      case '--color':
        flag();
        opts.color = true;
        break;
      case '--no-color':
        flag();
        opts.color = false;
        break;
      case '-h':
      case '--help':
        return { command: 'help' };
      default:
        throw new CliError(`unknown option '${name}' (see flowguard --help)`);
    }
  }
  if (opts.paths.length === 0) throw new CliError('scan needs at least one PATH (e.g. flowguard scan .)');
  if (opts.githubApiUrl && !opts.online) throw new CliError('--github-api-url needs --online');
  return opts;
}
