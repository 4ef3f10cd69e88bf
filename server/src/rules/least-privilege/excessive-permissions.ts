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
import type { Workflow } from '../../model/workflow';
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
        'Default confidence lowered from medium to low: in the judged corpus sample (docs/precision, seed 2026) 8 of 14 were true; the rest were scopes used implicitly (tools reading GITHUB_TOKEN, goreleaser or release-please configuration, called workflows) that the steps do not show. The knowledge base now records such implicit needs (goreleaser features its configuration turns on, npm publish lifecycle scripts, release scripts with persisted Git credentials). A workflow-level write scope that reaches no job (every job declares its own block) is low: it grants nothing today.',
      vulnerableExample:
        'on: pull_request_target\npermissions: write-all\njobs:\n  label:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/labeler@v5\n',
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
    if (wf.permissions?.kind === 'write-all') {
      ctx.report({
        message:
          'permissions: write-all gives every job write access to the whole repository. Grant only the scopes each job uses (start with contents: read).',
        span: wf.permissions.valueSpan,
        // write-all is written in the file: no inference about unused scopes is involved.
        confidence: 'high',
        fixes: fixesFor(wf, wf.permissions, narrow),
      });
      return;
    }
    if (wf.permissions?.kind !== 'map') return;
    const inheriting = result.jobs.filter((j) => !j.job.permissions);
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
        report(
          ctx,
          granted,
          `${scope}: ${granted.level} is granted to every job but no step uses it${neededText}.`,
          granted.level === 'write' ? 'medium' : 'low',
          narrow,
        );
      } else if (granted.level === 'write' && users.length === 1 && inheriting.length > 1) {
        report(
          ctx,
          granted,
          `${scope}: write is granted to all ${inheriting.length} jobs but only job '${users[0].job.id}' needs it (${firstReason(users[0], scope)}). Grant it on that job only.`,
          'medium',
          narrow,
        );
      }
    }
  },

  job(job, wf: Workflow, ctx) {
    if (!job.permissions) return;
    const narrow = () => narrowPermissionsFix(wf, {}, workflowPermissionsFor(ctx, wf));
    if (job.permissions.kind === 'write-all') {
      ctx.report({
        message: `Job '${job.id}' grants permissions: write-all. Grant only the scopes this job uses.`,
        span: job.permissions.valueSpan,
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
      const message = need
        ? `Job '${job.id}' grants ${granted.scope}: write but its steps only read (${firstReason(jp, granted.scope)}).`
        : `Job '${job.id}' grants ${granted.scope}: ${granted.level} but no step uses it.`;
      report(ctx, granted, message, granted.level === 'write' ? 'medium' : 'low', narrow);
    }
  },
});

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
