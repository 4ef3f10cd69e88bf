import { type Fix } from '../../engine/types';
import { defineRule } from '../../engine/rule';
import { type Severity } from '../../analysis/levels';
import { formatScopes, workflowPermissionsFor } from '../../analysis/permissions/index';
import { insertBeforePair, indentUnit } from '../../fixes/edits';
import { narrowPermissionsFix, planNarrowing } from '../../fixes/permissions';
import { isSeq } from 'yaml';
import { mapGet, mapGetPair, type Node, type Pair } from '../../yaml/parse';
import type { Trigger } from '../../model/workflow';
import { conditionsCanHold } from '../../analysis/conditions';

/** Triggers an outsider can fire (from a fork, an issue, a comment) while the job runs in the base repository with its token. */
const FORK_REACHABLE_PRIVILEGED = new Set([
  'pull_request_target',
  'workflow_run',
  'issue_comment',
  'issues',
  'discussion',
  'discussion_comment',
]);
/** Activity types of those events that only people with triage or write access can cause (labels, assignments...). */
const COLLABORATOR_TYPES = new Set([
  'labeled',
  'unlabeled',
  'assigned',
  'unassigned',
  'milestoned',
  'demilestoned',
  'pinned',
  'unpinned',
  'locked',
  'unlocked',
  'transferred',
  'deleted',
  'closed',
  'category_changed',
  'answered',
  'unanswered',
]);

/** The trigger's `types:`, when it lists them. */
function activityTypes(trigger: Trigger): string[] | undefined {
  const types = trigger.config ? mapGet(trigger.config, 'types') : undefined;
  if (!types) return undefined;
  if (isSeq(types)) return types.items.map((i) => String((i as { value?: unknown }).value ?? ''));
  const v = (types as { value?: unknown }).value;
  return v === undefined ? undefined : [String(v)];
}

/** An outsider can fire it: not restricted to activity types only collaborators cause. */
function outsiderFires(trigger: Trigger): boolean {
  const types = activityTypes(trigger);
  return !types || types.some((t) => !COLLABORATOR_TYPES.has(t));
}

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
      risk: "Without a permissions: block a job gets the repository's default GITHUB_TOKEN. In many repositories (all created before February 2023, and any where an admin changed the setting) that token can write contents, packages, issues and pull requests. A compromised step then has write access it never needed. The risk is highest on triggers outsiders can fire, such as pull_request_target, issue_comment and workflow_run.",
      remediation:
        'Declare permissions explicitly: `permissions: {}` or `contents: read` at the workflow level and the scopes each job needs on that job. The "Narrow permissions" quick-fix computes them from the steps and writes them with a reason per scope.',
      severity:
        'High only for triggers outsiders can fire (pull_request_target, issue_comment, issues opened, workflow_run...); low for privileged events restricted to collaborator actions (labels, assignments), for push, workflow_dispatch, schedule and pull_request, where fork runs get a read-only token and only collaborators get the default one, and for jobs whose if: admits only repository members (author_association OWNER, MEMBER or COLLABORATOR) or a fixed list of logins on the outsider-reachable event.',
      vulnerableExample:
        'on: issue_comment\njobs:\n  respond:\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh issue comment "$NUMBER" --body thanks\n        env:\n          GH_TOKEN: ${{ github.token }}\n          NUMBER: ${{ github.event.issue.number }}\n',
      safeExample:
        'on: issue_comment\npermissions: {}\njobs:\n  respond:\n    runs-on: ubuntu-latest\n    permissions:\n      issues: write  # gh issue comment (step 1)\n    steps:\n      - run: gh issue comment "$NUMBER" --body thanks\n        env:\n          GH_TOKEN: ${{ github.token }}\n          NUMBER: ${{ github.event.issue.number }}\n',
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
    const privilegedEvents = wf.triggers.filter((t) => FORK_REACHABLE_PRIVILEGED.has(t.event));
    // A job whose `if:` admits only repository members or listed logins on that event is not the outsider's to start.
    const outsiderRuns = (t: Trigger) =>
      bare.some((j) => conditionsCanHold([j.if?.text], { event: t.event, outsider: true }));
    const privileged = privilegedEvents.filter((t) => outsiderFires(t) && outsiderRuns(t));
    const memberGated = privilegedEvents.filter((t) => outsiderFires(t) && !outsiderRuns(t));
    // Fork pull requests get a read-only token; only branches of this repository (collaborators) get the default.
    const collaboratorOnly = privilegedEvents.filter((t) => !outsiderFires(t));
    const gatedNote = memberGated.length
      ? ` On ${memberGated.map((t) => t.event).join(', ')} the jobs' if: admits only repository members (author_association OWNER/MEMBER/COLLABORATOR) or listed users, so outsiders cannot start them.`
      : '';
    const severity: Severity = privileged.length ? 'high' : 'low';
    const result = workflowPermissionsFor(ctx, wf);
    const needs = result.jobs
      .filter((j) => !j.job.permissions)
      .map(
        (j) =>
          `'${j.job.id}' needs ${j.unknown.length ? `at least ${formatScopes(j.required)} (some steps not understood)` : formatScopes(j.required)}`,
      );
    const trigger = privileged[0] ?? memberGated[0] ?? collaboratorOnly[0];
    const why = privileged.length
      ? ` Outsiders can trigger it (${privileged.map((t) => t.event).join(', ')}).`
      : collaboratorOnly.length
        ? ` ${collaboratorOnly.map((t) => t.event).join(', ')} runs with that token on an outsider's issue or pull request once a collaborator acts on it.`
        : memberGated.length
          ? ''
          : ' (Low: only collaborators can trigger it; fork pull requests get a read-only token.)';
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
      message: `No permissions: block: ${bare.length === wf.jobs.length ? 'every job runs' : `${bare.length} job(s) run`} with the repository's default token, which may be read-write.${why}${gatedNote} ${needs.join('; ')}.`,
      span: trigger?.span ?? wf.onKeySpan ?? wf.jobsKeySpan ?? bare[0].idSpan,
      severity,
      fixes,
      properties: { triggers: wf.triggers.map((t) => t.event) },
    });
  },
});
