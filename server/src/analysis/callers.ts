// The callers of a reusable workflow or a local composite action inside the same repository, and what each passes
// to every input. Inputs are attacker text only when some caller passes attacker text: the callee's taint is decided
// here, from the callers' own taint; a caller that is itself a reusable workflow takes its inputs from its own callers
// (a bounded number of hops, see MAX_CALLER_DEPTH in taint.ts).
import type { AnalyzedFile, RepoReader } from './file';
import type { Job, Step, Workflow } from '../model/workflow';
import { buildWorkflow } from '../model/workflow';
import { parseYamlShared } from '../yaml/parse';
import type { ExpressionOccurrence } from '../expressions/parse';

/** Where workflows live; only they can call a local reusable workflow or (with steps) a local action. */
const WORKFLOWS_DIR = '.github/workflows';
/** Caller files read per callee at most: a repository has tens of workflows. */
const MAX_CALLER_FILES = 200;

export interface CallerArgument {
  /** The caller's repository-relative path and 1-based line of its `with:` entry. */
  where: string;
  /** The expressions in the value passed (evaluated in the caller's taint scope by the taint analysis). */
  expressions: ExpressionOccurrence[];
}

export interface Call {
  /** The caller's repository-relative path and the line of its `uses:`. */
  where: string;
  /** The caller's repository-relative path. */
  path: string;
  /** Lower-cased input name -> what this caller passes; an input it does not pass keeps its default. */
  args: Map<string, CallerArgument>;
  wf: Workflow;
  job: Job;
  step?: Step;
}

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

function usesPath(raw: string): string {
  return normalize(raw.trim()).replace(/^\.\//, '').replace(/\/+$/, '');
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
  const calls: Callers['calls'] = [];
  const files = list(WORKFLOWS_DIR)
    .filter((n) => /\.ya?ml$/i.test(n))
    .slice(0, MAX_CALLER_FILES);
  for (const name of files) {
    const rel = `${WORKFLOWS_DIR}/${name}`;
    if (self.endsWith(`/${rel}`) || self === rel) continue;
    const text = readFile(rel);
    if (!text || !text.includes('./')) continue;
    const wf = callerWorkflow(readFile, rel, text);
    if (!wf) continue;
    for (const job of wf.jobs) {
      if (kind === 'workflow' && job.uses?.kind === 'local-reusable-workflow' && usesPath(job.uses.raw) === key)
        calls.push(call(rel, text, wf, job, undefined, job.uses.span.start, job.with));
      if (kind !== 'action') continue;
      for (const step of job.steps) {
        const target = step.uses?.kind === 'local' ? usesPath(step.uses.raw) : undefined;
        if (target && (key === target || key.endsWith(`/${target}`)))
          calls.push(call(rel, text, wf, job, step, step.uses!.span.start, step.with));
      }
    }
  }
  return { calls, readFile };
}

/**
 * Caller workflows parsed once per reader (a CLI scan of a repository, a server session) and text: every reusable
 * workflow and local action of a repository looks through the same workflows, and parsing them again for each was
 * 44% of a corpus scan. A changed text (an unsaved edit read through the overlay) is parsed again. Models are read-only.
 */
const parsedCallers = new WeakMap<RepoReader, Map<string, { text: string; wf?: Workflow }>>();

function callerWorkflow(reader: RepoReader, rel: string, text: string): Workflow | undefined {
  let byPath = parsedCallers.get(reader);
  if (!byPath) parsedCallers.set(reader, (byPath = new Map()));
  const known = byPath.get(rel);
  if (known?.text === text) return known.wf;
  const parsed = parseYamlShared(text);
  const built = parsed.doc ? buildWorkflow(parsed, rel) : undefined;
  // Only a workflow with a local call is kept: `./` in a script is common, and a kept model holds its whole YAML tree.
  const wf = built && callsLocally(built) ? built : undefined;
  byPath.set(rel, { text, wf });
  return wf;
}

function callsLocally(wf: Workflow): boolean {
  return wf.jobs.some(
    (job) => job.uses?.kind === 'local-reusable-workflow' || job.steps.some((step) => step.uses?.kind === 'local'),
  );
}

function call(
  rel: string,
  text: string,
  wf: Workflow,
  job: Job,
  step: Step | undefined,
  usesOffset: number,
  withBlock: Job['with'],
): Call {
  const args = new Map<string, CallerArgument>();
  for (const entry of withBlock?.entries ?? [])
    args.set(entry.name.toLowerCase(), {
      where: `${rel}:${lineOf(text, entry.span.start)}`,
      expressions: entry.value?.expressions ?? [],
    });
  return { where: `${rel}:${lineOf(text, usesOffset)}`, path: rel, args, wf, job, step };
}
