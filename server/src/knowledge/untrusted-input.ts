// Where untrusted input comes from and where it turns into code: trigger events an outsider can fire, expression
// contexts an outsider controls, action outputs that repeat such text, and action inputs that run their value.
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

/** Which outputs of an action repeat attacker-controlled text: some names, all ('*'), or names matching a pattern. */
export type TaintedOutputs = readonly string[] | '*' | RegExp;
export const TAINTED_OUTPUT_ACTIONS: ReadonlyMap<string, TaintedOutputs> = new Map(
  Object.entries(data.taintedOutputs).map(([slug, outputs]): [string, TaintedOutputs] => [
    slug,
    outputs === '*' || Array.isArray(outputs) ? outputs : new RegExp((outputs as { matching: string }).matching),
  ]),
);

/** Inputs of actions that run their value as code (a shell on the runner or a remote host, Python...). */
export const EXECUTING_INPUTS: ReadonlyMap<string, readonly string[]> = new Map(Object.entries(data.executingInputs));
/** AI agents whose prompt an attacker can fill: the text steers a model that holds the job's token and tools. */
export const AI_AGENT_PROMPTS: ReadonlyMap<string, readonly string[]> = new Map(Object.entries(data.aiAgentPrompts));

/** Actions that build or run the checked-out project's code. */
export const WORKSPACE_EXECUTING_ACTIONS: ReadonlySet<string> = new Set(data.workspaceExecutingActions);
/** Actions that check code out into the workspace. */
export const CHECKOUT_ACTIONS: ReadonlySet<string> = new Set(data.checkoutActions);
