// "Narrow permissions": rewrites the workflow's permissions to what its jobs need. The workflow level gets
// `contents: read` or `{}`, each job that needs more (or less) gets its own block with a `# reason` per scope. Jobs
// with steps we cannot understand keep what they were granted, and the title says so. Edits touch only the
// permissions blocks; everything else stays byte-for-byte.
import {
  computeWorkflowPermissions,
  formatScopes,
  grantOf,
  levelRank,
  sortedScopes,
  type JobPermissions,
  type PermissionsOptions,
  type ScopeMap,
  type WorkflowPermissions,
} from '../analysis/permissions/index';
import type { Fix } from '../engine/types';
import type { TextEdit } from '../text/span';
import type { Permissions } from '../model/common';
import type { Job, Workflow } from '../model/workflow';
import { mapGetPair, spanOf, type Node, type Pair } from '../yaml/parse';
import { afterLineOf, appendToMapping, columnOf, indentUnit, insertBeforePair, lineStartOf, newlineOf } from './edits';

type JobTarget =
  | { kind: 'map'; scopes: ScopeMap; comments: Partial<Record<string, string>> }
  /** Steps not understood and a grant we cannot restate (the repository default, write-all, an expression). */
  | { kind: 'keep' };

export interface NarrowPlan {
  /** undefined: leave the workflow level as it is (a job relies on the repository default). */
  workflow?: ScopeMap;
  jobs: Array<{ job: JobPermissions; target: JobTarget }>;
  /** Jobs whose existing grants are kept because some of their steps are not understood. */
  keptJobs: string[];
}

const CONTENTS_READ: ScopeMap = { contents: 'read' };

export function planNarrowing(result: WorkflowPermissions): NarrowPlan {
  const keptJobs: string[] = [];
  const jobs = result.jobs.map((jp) => {
    const comments: Partial<Record<string, string>> = {};
    // The reason shown is the first need at the level granted (the write, when one step writes and another reads).
    for (const n of jp.needs)
      if (n.level === jp.required[n.scope]) comments[n.scope] ??= `${n.reason} (${n.stepLabel})`;
    if (jp.unknown.length === 0) {
      // Never more than the job was granted: a job that works with less does not need what we inferred.
      const scopes = capped(jp.required, grantCap(jp), comments);
      return { job: jp, target: { kind: 'map', scopes, comments } as JobTarget };
    }
    keptJobs.push(jp.job.id);
    if (jp.granted.kind !== 'map' && jp.granted.kind !== 'none')
      return { job: jp, target: { kind: 'keep' } as JobTarget };
    // Steps not understood: the grant stays as it is (adding a scope it works without would only widen it).
    const scopes: ScopeMap = { ...jp.granted.scopes };
    for (const s of sortedScopes(scopes))
      if (!jp.required[s] || jp.required[s] !== scopes[s])
        comments[s] = `kept: ${jp.unknown[0].stepLabel} is not understood`;
    return { job: jp, target: { kind: 'map', scopes, comments } as JobTarget };
  });
  const keepsDefault = jobs.some((j) => j.target.kind === 'keep' && j.job.granted.kind === 'default');
  const keepsWorkflowGrant = jobs.some((j) => j.target.kind === 'keep' && j.job.granted.source === 'workflow');
  let workflow: ScopeMap | undefined;
  if (!keepsDefault && !keepsWorkflowGrant)
    workflow = jobs.some((j) => j.target.kind === 'map' && sameScopes(j.target.scopes, CONTENTS_READ))
      ? CONTENTS_READ
      : {};
  return { workflow, jobs, keptJobs };
}

/**
 * The most a job may keep: what its explicit grant (its own block or the workflow's) gives. undefined for the
 * repository default and write-all, which grant every scope we could infer.
 */
function grantCap(jp: JobPermissions): ScopeMap | undefined {
  const kind = jp.granted.kind;
  return kind === 'map' || kind === 'none' || kind === 'read-all' ? jp.granted.scopes : undefined;
}

function capped(required: ScopeMap, cap: ScopeMap | undefined, comments: Partial<Record<string, string>>): ScopeMap {
  if (!cap) return required;
  const out: ScopeMap = {};
  for (const s of sortedScopes(required)) {
    const level = levelRank(required[s]) <= levelRank(cap[s]) ? required[s] : cap[s];
    if (!level) continue;
    if (level !== required[s]) comments[s] = `kept at ${level}: the job was granted no more`;
    out[s] = level;
  }
  return out;
}

export function narrowPermissionsFix(
  wf: Workflow,
  options: PermissionsOptions = {},
  result = computeWorkflowPermissions(wf, options),
): Fix | undefined {
  const plan = planNarrowing(result);
  const text = wf.text;
  const edits: TextEdit[] = [];
  if (plan.workflow) {
    const edit = wf.permissions
      ? replaceBlock(text, wf.permissions, plan.workflow, {}, workflowUnit(wf))
      : insertWorkflowBlock(wf, plan.workflow);
    if (edit) edits.push(...edit);
  }
  // What a job without its own block will inherit once the workflow level is written (or as it stands).
  const workflowGrant =
    wf.permissions && (wf.permissions.kind === 'map' || wf.permissions.kind === 'none')
      ? grantOf(wf.permissions, 'workflow').scopes
      : undefined;
  const inherited = plan.workflow ?? workflowGrant;
  for (const { job, target } of plan.jobs) {
    if (target.kind === 'keep') continue;
    const j = job.job;
    if (j.permissions) {
      const edit = replaceBlock(text, j.permissions, target.scopes, target.comments, jobUnit(text, j));
      if (edit) edits.push(...edit);
    } else if (!inherited || !sameScopes(inherited, target.scopes)) {
      const edit = insertJobBlock(text, j, target.scopes, target.comments);
      if (edit) edits.push(edit);
    }
  }
  if (edits.length === 0) return undefined;
  const kept = plan.keptJobs.length
    ? ` (keeps the grants of ${plan.keptJobs.map((j) => `'${j}'`).join(', ')}: steps not understood)`
    : '';
  return { title: `Narrow permissions${kept}`, safety: 'unsafe', isPreferred: true, edits };
}

export function sameScopes(a: ScopeMap, b: ScopeMap): boolean {
  const ka = sortedScopes(a);
  const kb = sortedScopes(b);
  return ka.length === kb.length && ka.every((s, i) => kb[i] === s && a[s] === b[s]);
}

/** Scope lines; a maintainer's comment already on a scope's line (`kept`) wins over the generated one. */
function scopeLines(
  scopes: ScopeMap,
  comments: Partial<Record<string, string>>,
  kept: Partial<Record<string, string>> = {},
): string[] {
  return sortedScopes(scopes).map((s) => {
    const comment = kept[s] ?? (comments[s] && oneLine(comments[s]));
    return `${s}: ${scopes[s]}` + (comment ? `  # ${comment}` : '');
  });
}

/** A generated comment on one line, whole (never cut short). */
function oneLine(s: string): string {
  // Expressions are left out of comments: `${{` in a comment reads like live code to people and tools.
  return s
    .replace(/\$\{\{[^}]*\}\}/g, '(expression)')
    .replace(/\$\{\{/g, '(expression)')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The comments on the `scope: level  # comment` lines of a block map, by scope. */
function scopeLineComments(block: string): Partial<Record<string, string>> {
  const out: Partial<Record<string, string>> = {};
  for (const line of block.split(/\r?\n/)) {
    const m = /^\s*([a-z-]+)\s*:\s*[a-z-]*\s+#\s?(.*?)\s*$/.exec(line);
    if (m && m[2]) out[m[1]] = m[2];
  }
  return out;
}

/** The block's current scopes equal the target: nothing to do. */
function alreadyEqual(perms: Permissions, target: ScopeMap): boolean {
  if (perms.kind !== 'map' && perms.kind !== 'none') return false;
  if (perms.scopes.some((s) => s.level !== 'read' && s.level !== 'write')) return false;
  const current: ScopeMap = {};
  for (const s of perms.scopes) current[s.scope as keyof ScopeMap] = s.level as 'read' | 'write';
  return perms.scopes.length === sortedScopes(current).length && sameScopes(current, target);
}

function replaceBlock(
  text: string,
  perms: Permissions,
  target: ScopeMap,
  comments: Partial<Record<string, string>>,
  unit: number,
): TextEdit[] | undefined {
  if (alreadyEqual(perms, target)) return undefined;
  const nl = newlineOf(text);
  const colon = text.indexOf(':', perms.keySpan.end);
  const lines = scopeLines(target, comments);
  const isBlockMap = perms.kind === 'map' && text.slice(colon + 1, perms.valueSpan.start).includes('\n');
  if (isBlockMap) {
    const from = lineStartOf(text, perms.valueSpan.start);
    const to = afterLineOf(text, perms.valueSpan.end);
    // `{}` goes right after the colon, so a comment on the key's line stays there.
    if (lines.length === 0)
      return [
        { span: { start: colon + 1, end: colon + 1 }, newText: ' {}' },
        { span: { start: from, end: to.at }, newText: '' },
      ];
    const pad = ' '.repeat(columnOf(text, perms.valueSpan.start));
    const withKept = scopeLines(target, comments, scopeLineComments(text.slice(from, to.at)));
    return [{ span: { start: from, end: to.at }, newText: withKept.map((l) => pad + l + nl).join('') }];
  }
  // A scalar or flow value (write-all, {}, { contents: read }): a trailing comment stays on the key's line.
  const valueEnd =
    perms.kind === 'other' && perms.valueSpan.start === perms.keySpan.start ? colon + 1 : perms.valueSpan.end;
  if (lines.length === 0) return [{ span: { start: colon + 1, end: valueEnd }, newText: ' {}' }];
  const pad = ' '.repeat(columnOf(text, perms.keySpan.start) + unit);
  const after = afterLineOf(text, valueEnd);
  return [
    { span: { start: colon + 1, end: valueEnd }, newText: '' },
    {
      span: { start: after.at, end: after.at },
      newText: (after.needsNewline ? nl : '') + lines.map((l) => pad + l + nl).join(''),
    },
  ];
}

function insertWorkflowBlock(wf: Workflow, target: ScopeMap): TextEdit[] | undefined {
  const text = wf.text;
  const jobsPair = mapGetPair(wf.root, 'jobs') as Pair<Node, Node | null> | undefined;
  if (!jobsPair) return undefined;
  const unit = ' '.repeat(workflowUnit(wf));
  const lines = sortedScopes(target).length
    ? ['permissions:', ...scopeLines(target, {}).map((l) => unit + l)]
    : ['permissions: {}'];
  // Keep the file's rhythm: a blank line before `jobs:` stays between the new block and `jobs:`.
  const keyStart = spanOf(jobsPair.key as Node)!.start;
  const lineStart = lineStartOf(text, keyStart);
  const blankBefore = lineStart > 0 && /\n\s*\n$/.test(text.slice(0, lineStart));
  const edit = insertBeforePair(text, jobsPair, blankBefore ? [...lines, ''] : lines);
  return edit ? [edit] : undefined;
}

function insertJobBlock(
  text: string,
  job: Job,
  target: ScopeMap,
  comments: Partial<Record<string, string>>,
): TextEdit | undefined {
  const unit = ' '.repeat(jobUnit(text, job));
  const lines = sortedScopes(target).length
    ? ['permissions:', ...scopeLines(target, comments).map((l) => unit + l)]
    : ['permissions: {}'];
  const anchor = (mapGetPair(job.node, 'steps') ?? mapGetPair(job.node, 'uses')) as Pair<Node, Node | null> | undefined;
  return anchor ? insertBeforePair(text, anchor, lines) : appendToMapping(text, job.node, lines);
}

/** Indentation step inside the workflow: from `jobs:` to its job ids. */
function workflowUnit(wf: Workflow): number {
  const first = wf.jobs[0];
  if (wf.jobsKeySpan && first) {
    const d = columnOf(wf.text, first.idSpan.start) - columnOf(wf.text, wf.jobsKeySpan.start);
    if (d > 0) return d;
  }
  return indentUnit(wf.text);
}

/** Indentation step inside a job: from its id to its keys. */
function jobUnit(text: string, job: Job): number {
  const firstKey = (job.node as { items?: Array<{ key: Node }> }).items?.[0]?.key;
  const span = firstKey ? spanOf(firstKey) : undefined;
  const d = span ? columnOf(text, span.start) - columnOf(text, job.idSpan.start) : 0;
  return d > 0 ? d : indentUnit(text);
}

export { formatScopes };
