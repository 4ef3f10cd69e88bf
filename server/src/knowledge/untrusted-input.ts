// Where untrusted input comes from and where it turns into code: trigger events an outsider can fire, expression
// contexts an outsider controls, action outputs that repeat such text, and action inputs the action evaluates.
// Data lives in ./untrusted-input.json (schema: schemas/untrusted-input.schema.json, checked by a test).
import data from './untrusted-input.json';

/** The JSON file as loaded, for the schema test. */
export const UNTRUSTED_INPUT_KB: unknown = data;

/** Events any GitHub user can cause that run with the base repository's secrets and token. */
export const PRIVILEGED_OUTSIDER_EVENTS: ReadonlySet<string> = new Set(data.events.privilegedOutsider);
/** Events any GitHub user can cause whose fork runs are sandboxed (read-only token, no secrets). */
export const OUTSIDER_EVENTS: ReadonlySet<string> = new Set(data.events.outsider);
/** Events that run in the base repository while checking out or describing code from a pull request's head. */
export const HEAD_CODE_PRIVILEGED_EVENTS: ReadonlySet<string> = new Set(data.events.headCodePrivileged);

/** Contexts whose value an outsider can choose (lower-case paths, `*` matches one segment). */
export const UNTRUSTED_CONTEXT_PATTERNS: readonly string[] = data.contexts.untrusted;
/** Contexts an outsider cannot turn into code (SHAs, ids, logins, values only maintainers set). */
export const SAFE_CONTEXT_PATTERNS: readonly string[] = data.contexts.safe;

/** Contexts (among the untrusted ones) that hold a git ref name: no spaces, rarely a leading `-`. */
export const REF_CONTEXT_PATTERNS: readonly string[] = data.contexts.refs;

/** What an attacker-controlled value can hold: free text, a list of file names, or a git ref name. */
export type ValueKind = 'text' | 'filenames' | 'ref';

/** A group of an action's outputs that repeat attacker-controlled text of one kind. */
export interface TaintedOutputGroup {
  /** Some names, all ('*'), or names matching a pattern. */
  outputs: readonly string[] | '*' | RegExp;
  kind: ValueKind;
  /** The first version whose outputs escape shell characters by default. */
  escapedSince?: string;
}
export const TAINTED_OUTPUT_ACTIONS: ReadonlyMap<string, readonly TaintedOutputGroup[]> = new Map(
  Object.entries(data.taintedOutputs).map(([slug, groups]): [string, TaintedOutputGroup[]] => [
    slug,
    groups.map((g) => ({
      outputs:
        g.outputs === '*' || Array.isArray(g.outputs)
          ? (g.outputs as readonly string[] | '*')
          : new RegExp((g.outputs as { matching: string }).matching),
      kind: g.kind as ValueKind,
      ...('escapedSince' in g ? { escapedSince: g.escapedSince } : {}),
    })),
  ]),
);

/** How an action evaluates an input: as code, shell text, command-line arguments or a template. */
export type SinkKind = 'code' | 'shell' | 'args' | 'template';
export interface InputSink {
  input: string;
  kind: SinkKind;
  /** For code the action runs with the step's environment: its language (the fix reads the value from env). */
  language?: 'javascript' | 'pwsh' | 'python' | 'posix';
  /** Affected versions: since (inclusive) and until (the first fixed version). */
  since?: string;
  until?: string;
  source: string;
}
/** Action inputs that the action evaluates, by action slug (input names lower-case). */
export const INPUT_SINKS: ReadonlyMap<string, readonly InputSink[]> = (() => {
  const out = new Map<string, InputSink[]>();
  for (const { action, ...sink } of data.inputSinks as Array<InputSink & { action: string }>) {
    const list = out.get(action) ?? [];
    list.push(sink);
    out.set(action, list);
  }
  return out;
})();
/** AI agents whose prompt an attacker can fill: the text steers a model that holds the job's token and tools. */
export const AI_AGENT_PROMPTS: ReadonlyMap<string, readonly string[]> = new Map(Object.entries(data.aiAgentPrompts));
/** AI agent actions that refuse actors without write access, with the inputs that open them to anyone. */
export const AI_AGENT_WRITE_ACCESS_GATES: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries(data.aiAgentWriteAccessGates),
);

/** Actions that build or run the checked-out project's code. */
export const WORKSPACE_EXECUTING_ACTIONS: ReadonlySet<string> = new Set(data.workspaceExecutingActions);
/** Actions that check code out into the workspace. */
export const CHECKOUT_ACTIONS: ReadonlySet<string> = new Set(data.checkoutActions);

/** What ends a command's options, if anything: `--`, or git's `--end-of-options` (where `--` starts paths). */
export type OptionsSeparator = '--' | '--end-of-options';
export interface ArgumentTool {
  /** The first operand names a subcommand (`git fetch`, `gh pr`). */
  subcommands?: boolean;
  /** A first argument without a dash bundles options whose values follow (`tar czf out.tgz`). */
  oldStyleOptions?: boolean;
  separator?: OptionsSeparator;
  subcommandSeparators?: Readonly<Record<string, OptionsSeparator>>;
}
/** Commands an argument starting with `-` can give options to, by command name. */
export const ARGUMENT_TOOLS: ReadonlyMap<string, ArgumentTool> = new Map(
  Object.entries(data.argumentTools as Record<string, ArgumentTool>),
);

export type PackageManager = 'npm' | 'pnpm' | 'yarn';

/** An action that restores a GitHub Actions cache: always, or when an input switches it on. */
export interface CachingAction {
  restores: 'always' | 'input';
  input?: string;
  /** The first major version in which the input defaults to on. */
  defaultOnSince?: string;
  /** Where that default applies (setup-uv: on GitHub-hosted runners only). */
  defaultOnlyOn?: 'github-hosted';
  /** Commands that read the cache: a cache on only by default matters in a job that runs one of them. */
  defaultReadBy?: string[];
  /** With no cache input: the versions that cache the package manager the root package.json names (setup-node). */
  packageManagerCache?: {
    offInput: string;
    byVersion: Array<{ since: string; until?: string; managers: PackageManager[] }>;
  };
  /** An input whose listed values turn a default cache off. */
  offInput?: { name: string; values: string[] };
  /** What the cache input does besides caching (removing it then needs a replacement step). */
  alsoInstalls?: string;
  what?: string;
  /** Whose entries it restores and saves: a writer poisons restores of the same ecosystem (`any`: actions/cache). */
  ecosystem: CacheEcosystem;
  /** It restores and never saves (actions/cache/restore). */
  restoreOnly?: boolean;
  source?: string;
}
export type CacheEcosystem =
  'any' | 'go' | 'node' | 'python' | 'jvm' | 'dotnet' | 'ruby' | 'rust' | 'compiler' | 'docker' | 'php';
export const CACHING_ACTIONS: ReadonlyMap<string, CachingAction> = new Map(
  Object.entries(data.cachingActions as Record<string, CachingAction>),
);
