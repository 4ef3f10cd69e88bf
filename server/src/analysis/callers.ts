// The callers of a reusable workflow or a local composite action inside the same repository, and what each passes
// to every input. Inputs are attacker text only when some caller passes attacker text: the callee's taint is decided
// here, from the callers' own taint; a caller that is itself a reusable workflow or a composite action takes its inputs
// from its own callers (a bounded number of hops, see MAX_CALLER_DEPTH in taint.ts).
import type { AnalyzedFile, RepoReader } from './file';
import type { Job, Step, Workflow } from '../model/workflow';
import type { ActionMetadata } from '../model/action';
import type { Block } from '../model/common';
import { sharedAction } from '../model/action';
import { sharedWorkflow } from '../model/workflow';
import { parseYamlShared } from '../yaml/parse';
import { SizedLru } from '../text/sized-lru';
import type { ExpressionOccurrence } from '../expressions/parse';

/** Where workflows live; only they can call a local reusable workflow. */
const WORKFLOWS_DIR = '.github/workflows';
/** Caller files read per callee at most: a repository has tens of workflows. */
const MAX_CALLER_FILES = 200;
/**
 * Caller text parsed per look-up at most, in listing order, and the caller text whose models a reader keeps. A
 * model takes about ten bytes a character and every scan thread builds its own: 200 callers of up to 1 MB each held
 * over 150 MB per thread on the hostile set. A real repository's workflows total far less (the corpus's largest,
 * 0.6 MB).
 */
const MAX_CALLER_CHARS = 2 * 1024 * 1024;

export interface CallerArgument {
  /** The caller's repository-relative path and 1-based line of its `with:` entry. */
  where: string;
  /** The expressions in the value passed (evaluated in the caller's taint scope by the taint analysis). */
  expressions: ExpressionOccurrence[];
}

interface CallSite {
  /** The caller's repository-relative path and the line of its `uses:`. */
  where: string;
  /** The caller's repository-relative path. */
  path: string;
  /** Lower-cased input name -> what this caller passes; an input it does not pass keeps its default. */
  args: Map<string, CallerArgument>;
}

/** A job or step of a workflow calling the callee. */
export interface WorkflowCall extends CallSite {
  kind: 'workflow';
  wf: Workflow;
  job: Job;
  step?: Step;
}

/** A step of a composite action calling the callee (a local action only). */
export interface ActionCall extends CallSite {
  kind: 'action';
  action: ActionMetadata;
  step: Step;
}

export type Call = WorkflowCall | ActionCall;

export interface Callers {
  /** One entry per calling job or step. */
  calls: Call[];
  /** The reader the callers were found with: their own callers are looked up through it. */
  readFile: RepoReader;
}

function normalize(path: string): string {
  return path.replace(/\\/g, '/');
}

/** The callee's path inside its repository, for a workflow; the folder suffix that `uses: ./dir` names, for an action. */
function calleeKey(path: string, kind: 'workflow' | 'action'): string | undefined {
  const p = normalize(path);
  if (kind === 'workflow') {
    const at = p.lastIndexOf(`${WORKFLOWS_DIR}/`);
    return at >= 0 ? p.slice(at) : undefined;
  }
  const m = /^(.*)\/action\.ya?ml$/.exec(p);
  return m ? m[1] : undefined;
}

/** The repository path a local `uses:` names: `./x` or `$/x` (the self-repository form of the actions lock file). */
function usesPath(raw: string): string {
  return normalize(raw.trim())
    .replace(/^(?:\.|\$)\//, '')
    .replace(/\/+$/, '');
}

/** A local `uses:` (`./x`, or `$/x` of the actions lock file) somewhere in a file: files without one are not parsed. */
const LOCAL_USES = /\.\/|\$\//;

/** `./a/./b/` or `$/a/b` -> `a/b` inside the repository; undefined when `..` leaves it. */
export function repoPath(raw: string): string | undefined {
  const out: string[] = [];
  for (const seg of raw.trim().replace(/^\$\//, '').replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!out.length) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * The workflows of this repository that call the file being analyzed, or undefined when they cannot be looked up
 * (no repository reader, a file outside `.github/workflows` for a reusable workflow). An empty list means none is visible.
 */
export function findCallers(ctx: AnalyzedFile, kind: 'workflow' | 'action'): Callers | undefined {
  return ctx.cached(`callers/${kind}`, () => (ctx.readFile ? callersOf(ctx.readFile, ctx.path, kind) : undefined));
}

/** The callers of the file at `path` (repository-relative or absolute), found through `readFile`. */
export function callersOf(readFile: RepoReader, path: string, kind: 'workflow' | 'action'): Callers | undefined {
  const list = readFile.list;
  const key = calleeKey(path, kind);
  if (!list || !key) return undefined;
  const self = normalize(path);
  // A caller names the callee's file or folder: workflows that do not are not parsed.
  const needle = key.slice(key.lastIndexOf('/') + 1);
  const calls: Call[] = [];
  let parsedChars = 0;
  const files = list(WORKFLOWS_DIR)
    .filter((n) => /\.ya?ml$/i.test(n))
    .slice(0, MAX_CALLER_FILES);
  for (const name of files) {
    const rel = `${WORKFLOWS_DIR}/${name}`;
    if (self.endsWith(`/${rel}`) || self === rel) continue;
    const text = readFile(rel);
    if (!text || !LOCAL_USES.test(text) || !text.includes(needle)) continue;
    if ((parsedChars += text.length) > MAX_CALLER_CHARS) break;
    const wf = callerModel(readFile, rel, text, 'workflow');
    if (!wf) continue;
    for (const job of wf.jobs) {
      if (kind === 'workflow' && job.uses?.kind === 'local-reusable-workflow' && usesPath(job.uses.raw) === key)
        calls.push({ kind: 'workflow', ...call(rel, text, job.uses.span.start, job.with), wf, job });
      if (kind !== 'action') continue;
      for (const step of job.steps) {
        const target = step.uses?.kind === 'local' ? usesPath(step.uses.raw) : undefined;
        if (target && (key === target || key.endsWith(`/${target}`)))
          calls.push({ kind: 'workflow', ...call(rel, text, step.uses!.span.start, step.with), wf, job, step });
      }
    }
  }
  if (kind === 'action') calls.push(...actionCallers(readFile, self));
  return { calls, readFile };
}

/** Every workflow of the repository (parsed once per reader), or undefined when the folder cannot be listed. */
export function repositoryWorkflows(readFile: RepoReader): Array<{ path: string; wf: Workflow }> | undefined {
  if (!readFile.list) return undefined;
  const out: Array<{ path: string; wf: Workflow }> = [];
  let parsedChars = 0;
  for (const name of readFile
    .list(WORKFLOWS_DIR)
    .filter((n) => /\.ya?ml$/i.test(n))
    .slice(0, MAX_CALLER_FILES)) {
    const path = `${WORKFLOWS_DIR}/${name}`;
    const text = readFile(path);
    if (text && (parsedChars += text.length) > MAX_CALLER_CHARS) break;
    const wf = text ? callerModel(readFile, path, text, 'workflow') : undefined;
    if (wf) out.push({ path, wf });
  }
  return out;
}

/**
 * The steps of the repository's composite actions that call the action at `self`. A local `uses:` names a folder from
 * the repository root, so the callee must be one of the reader's action files and the path must name exactly its folder.
 */
function actionCallers(readFile: RepoReader, self: string): ActionCall[] {
  const files = readFile.actionFiles?.() ?? [];
  const own = files
    .filter((f) => self === f || self.endsWith(`/${f}`))
    .reduce<string | undefined>((a, b) => (!a || b.length > a.length ? b : a), undefined);
  if (!own) return [];
  const dir = own.slice(0, own.lastIndexOf('/') + 1).replace(/\/$/, '');
  // A step naming the folder holds its last segment: files that do not are not parsed.
  const needle = dir.slice(dir.lastIndexOf('/') + 1) || './';
  const calls: ActionCall[] = [];
  let parsedChars = 0;
  for (const rel of files) {
    if (rel === own) continue;
    const text = readFile(rel);
    if (!text || !LOCAL_USES.test(text) || !text.includes(needle)) continue;
    if ((parsedChars += text.length) > MAX_CALLER_CHARS) break;
    const action = callerModel(readFile, rel, text, 'action');
    if (action?.using?.text !== 'composite') continue;
    for (const step of action.steps)
      if (step.uses?.kind === 'local' && repoPath(step.uses.raw) === dir)
        calls.push({ kind: 'action', ...call(rel, text, step.uses.span.start, step.with), action, step });
  }
  return calls;
}

/**
 * Caller workflows and actions parsed once per reader (a CLI scan of a repository, a server session) and text: every
 * reusable workflow and local action of a repository looks through the same callers, and parsing them again for each
 * was 44% of a corpus scan. A changed text (an unsaved edit read through the overlay) is parsed again. Models are
 * read-only. Bounded by the caller text held (MAX_CALLER_CHARS), least recently used first out.
 */
const parsedCallers = new WeakMap<RepoReader, SizedLru<string, { text: string; model?: Workflow | ActionMetadata }>>();

function callerModel(reader: RepoReader, rel: string, text: string, kind: 'workflow'): Workflow | undefined;
function callerModel(reader: RepoReader, rel: string, text: string, kind: 'action'): ActionMetadata | undefined;
function callerModel(
  reader: RepoReader,
  rel: string,
  text: string,
  kind: 'workflow' | 'action',
): Workflow | ActionMetadata | undefined {
  let models = parsedCallers.get(reader);
  if (!models) parsedCallers.set(reader, (models = new SizedLru(MAX_CALLER_CHARS)));
  // By kind too: `.github/workflows/action.yml` is read as a workflow, and as an action file by the action search.
  const key = `${kind}:${rel}`;
  const known = models.get(key);
  if (known?.text === text) return known.model;
  const parsed = parseYamlShared(text);
  const model = parsed.doc
    ? kind === 'workflow'
      ? sharedWorkflow(parsed, rel)
      : sharedAction(parsed, rel)
    : undefined;
  models.set(key, { text, model }, text.length);
  return model;
}

function call(rel: string, text: string, usesOffset: number, withBlock: Block | undefined): CallSite {
  const args = new Map<string, CallerArgument>();
  for (const entry of withBlock?.entries ?? [])
    args.set(entry.name.toLowerCase(), {
      where: `${rel}:${lineOf(text, entry.span.start)}`,
      expressions: entry.value?.expressions ?? [],
    });
  return { where: `${rel}:${lineOf(text, usesOffset)}`, path: rel, args };
}
