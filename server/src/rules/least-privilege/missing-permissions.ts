import { type Fix } from '../../engine/types';
import { defineRule } from '../../engine/rule';
import { type Severity } from '../../analysis/levels';
import { formatScopes, workflowPermissionsFor } from '../../analysis/permissions/index';
import { insertBeforePair, indentUnit } from '../../fixes/edits';
import { narrowPermissionsFix, planNarrowing } from '../../fixes/permissions';
import { mapGetPair, type Node, type Pair } from '../../yaml/parse';
import {
  describeExposure,
  outsiderFiresPrivileged,
  tokenExposure,
  type TokenExposure,
} from '../../analysis/token-exposure';

export default defineRule({
  meta: {
    id: 'missing-permissions',
    title: 'No permissions declared for the GITHUB_TOKEN',
    description:
      'Neither the workflow nor some of its jobs declare permissions:, so those jobs run with the repository default token, which may be read-write.',
    severity: 'medium',
    confidence: 'high',
    category: 'least-privilege',
    aliases: ['default-permissions', 'excessive-permissions-default'],
    appliesTo: ['workflow'],
    fixable: true,
    fixSafety:
      "Always unsafe: the block is computed from inferred needs (see excessive-permissions), and a job that relied on the repository's read-write default may need a scope the inference missed. Jobs whose steps are not understood are named in the fix title.",
    docs: {
      risk: "Without a permissions: block a job gets the repository's default GITHUB_TOKEN. In many repositories (all created before February 2023, and any where an admin changed the setting) that token can write contents, packages, issues and pull requests. A compromised step then has write access it never needed. The risk is concrete when a trigger outsiders can fire (pull_request_target, issue_comment, issues, workflow_run) runs their code or text in a job that holds that token: the injected command or the pull request's build then gets write access to the repository.",
      remediation:
        'Declare permissions explicitly: `permissions: {}` or `contents: read` at the workflow level and the scopes each job needs on that job. The "Narrow permissions" quick-fix computes them from the steps and writes them with a reason per scope.',
      severity:
        "High only when an outsider has a path to the token: a trigger any GitHub user can fire (pull_request_target, issue_comment, issues, discussion, workflow_run after a fork's pull request...) reaches a job without its own block, no membership, login or permission check keeps them out, something they control runs there (their pull request's code checked out and built, their text expanded into a script, an AI agent acting on it, their artifacts extracted and run, a third-party action on a movable ref) and that code can reach the token (checkout's persisted credentials, env, the step itself, or a later step of the same runner); the message names the trigger, the job and the step. Otherwise low, as hygiene: an independent re-judge (docs/precision/rejudge-seed-4242-independent.md) found 12 of 13 high findings without such a path debatable or false; the thirteenth is the path kind above (docs/precision/permissions-seed-777.md). Fork pull requests (and their reviews) get a read-only token and do not count; nor do activity types only collaborators cause (labels, assignments).",
      vulnerableExample:
        'on:\n  issues:\n    types: [opened]\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo "${{ github.event.issue.title }}" >> triage.log\n',
      safeExample:
        'on:\n  issues:\n    types: [opened]\npermissions: {}\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read  # clones the repository (actions/checkout@v4)\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n      - run: echo "$TITLE" >> triage.log\n        env:\n          TITLE: ${{ github.event.issue.title }}\n',
      references: [
        'https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#permissions-for-the-github_token',
        'https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository#setting-the-permissions-of-the-github_token-for-your-repository',
      ],
    },
  },

  workflow(wf, ctx) {
    if (wf.permissions || wf.jobs.length === 0) return;
    const bare = wf.jobs.filter((j) => !j.permissions);
    if (bare.length === 0) return;
    // A reusable workflow's token is the caller's: the caller decides its permissions.
    if (wf.triggers.length > 0 && wf.triggers.every((t) => t.event === 'workflow_call')) return;
    const exposed = bare
      .map((job) => ({ job, exposure: tokenExposure(ctx, wf, job) }))
      .find((x): x is { job: typeof x.job; exposure: TokenExposure } => !!x.exposure);
    const outsiderTriggers = wf.triggers.filter(outsiderFiresPrivileged);
    const severity: Severity = exposed ? 'high' : 'low';
    const result = workflowPermissionsFor(ctx, wf);
    const needs = result.jobs
      .filter((j) => !j.job.permissions)
      .map(
        (j) =>
          `'${j.job.id}' needs ${j.unknown.length ? `at least ${formatScopes(j.required)} (some steps not understood)` : formatScopes(j.required)}`,
      );
    const trigger = exposed ? wf.triggers.find((t) => t.event === exposed.exposure.event) : outsiderTriggers[0];
    const why = exposed
      ? ` ${describeExposure(exposed.job.id, exposed.exposure)}.`
      : outsiderTriggers.length
        ? ` (Low, hygiene: ${[...new Set(outsiderTriggers.map((t) => t.event))].join(', ')} can be fired by any user, but no job without its own block lets that user's code or text run where the token is in reach, or a membership or permission check keeps them out.)`
        : ' (Low, hygiene: only collaborators can trigger it with that token; fork pull requests get a read-only token.)';
    const fixes: Fix[] = [];
    const plan = planNarrowing(result);
    const narrow = plan.workflow ? narrowPermissionsFix(wf, {}, result) : undefined;
    if (narrow) fixes.push(narrow);
    else {
      const jobsPair = mapGetPair(wf.root, 'jobs') as Pair<Node, Node | null> | undefined;
      const edit = jobsPair
        ? insertBeforePair(wf.text, jobsPair, ['permissions:', ' '.repeat(indentUnit(wf.text)) + 'contents: read', ''])
        : undefined;
      if (edit)
        fixes.push({
          title: 'Add a read-only permissions block (review the jobs whose steps are not understood)',
          safety: 'unsafe',
          isPreferred: true,
          edits: [edit],
        });
    }
    ctx.report({
      message: `No permissions: block: ${bare.length === wf.jobs.length ? 'every job runs' : `${bare.length} job(s) run`} with the repository's default token, which may be read-write.${why} ${needs.join('; ')}.`,
      span: trigger?.span ?? wf.onKeySpan ?? wf.jobsKeySpan ?? bare[0].idSpan,
      severity,
      ...(exposed ? { related: [{ span: exposed.exposure.span, message: exposed.exposure.what }] } : {}),
      fixes,
      properties: { triggers: wf.triggers.map((t) => t.event) },
    });
  },
});
