// Per-file facts for the security review: who can start a workflow, what its token may do, which secrets and
// third-party code it touches, and what limits its runs. Pure: built from the model, no I/O.
import type { ActionMetadata } from '../model/action';
import type { Permissions } from '../model/common';
import type { Step, Workflow } from '../model/workflow';
import type { UsesRef } from '../model/uses';
import type { GitlabPipeline } from '../model/gitlab/pipeline';
import { gitlabReviewFacts } from './gitlab-review';
import type { ActionUseFact, JobPermissionFact, PermissionFact, ReviewFacts } from './review-facts';
import { findExpressions } from '../expressions/parse';
import { LineIndex } from '../text/lines';
import { computeWorkflowPermissions, sortedScopes, type ScopeMap } from './permissions/index';

/** Who can start a run, per event. Facts from GitHub's documentation of each event. */
const WHO_CAN_FIRE: Record<string, string> = {
  push: 'Anyone who can push to a matching branch or tag (write access).',
  pull_request:
    'Anyone who can open a pull request, including from forks (fork runs get a read-only token and no secrets).',
  pull_request_target:
    'Anyone who can open a pull request, including from forks; runs in the base repository with its token and secrets.',
  pull_request_review: 'Anyone who can review a pull request, including on forks.',
  pull_request_review_comment: 'Anyone who can comment on a pull request diff.',
  issue_comment:
    'Any user who can comment on an issue or pull request (on a public repository: anyone with an account).',
  issues: 'Any user who can open or edit an issue (on a public repository: anyone with an account).',
  discussion: 'Any user who can open a discussion.',
  discussion_comment: 'Any user who can comment on a discussion.',
  workflow_dispatch: 'Users with write access, from the Actions tab or the API.',
  workflow_call: "Any workflow that calls this one (its permissions and secrets are the caller's).",
  workflow_run:
    "Whoever can start the upstream workflow, which may be a fork pull request; runs with this repository's token and secrets.",
  repository_dispatch: 'Anyone holding a token with write access to the repository.',
  schedule: 'No one directly: GitHub runs it on the default branch at the scheduled times.',
  release: 'Users who can publish releases (write access).',
  create: 'Anyone who can create a branch or tag (write access).',
  delete: 'Anyone who can delete a branch or tag (write access).',
  merge_group: 'The merge queue, after a pull request is approved and queued.',
  deployment: 'Anyone who can create deployments (write access or a deploy token).',
  deployment_status: 'Deployment providers and anyone who can update deployment statuses.',
  fork: 'Any user who forks the repository.',
  watch: 'Any user who stars the repository.',
  check_run: 'GitHub Apps and checks that report on commits, including fork pull requests.',
  check_suite: 'GitHub Apps and checks that report on commits, including fork pull requests.',
  status: 'Any integration that reports a commit status.',
  page_build: 'Pushes to the GitHub Pages branch (write access).',
  registry_package: 'Users who can publish packages to the repository.',
  label: 'Users with triage access.',
  milestone: 'Users with triage access.',
  project: 'Users who can edit the project.',
  gollum: 'Anyone who can edit the wiki (on some repositories: anyone with an account).',
  branch_protection_rule: 'Repository administrators.',
  public: 'Repository administrators.',
};

/** Events that run with the base repository's token and secrets although outsiders can start them. */
const PRIVILEGED_EVENTS = new Set([
  'pull_request_target',
  'workflow_run',
  'issue_comment',
  'issues',
  'discussion',
  'discussion_comment',
  'pull_request_review_comment',
  'fork',
  'watch',
]);

const FIRST_PARTY_OWNERS = new Set(['actions', 'github']);

export function whoCanFire(event: string): string {
  return WHO_CAN_FIRE[event] ?? "Depends on the event; see GitHub's documentation of events that trigger workflows.";
}

export function describePermissions(permissions: Permissions | undefined): string {
  if (!permissions) return 'default (not declared)';
  switch (permissions.kind) {
    case 'write-all':
    case 'read-all':
      return permissions.kind;
    case 'none':
      return 'none';
    case 'map':
      return permissions.scopes.map((s) => `${s.scope}: ${s.level}`).join(', ');
    default:
      return 'expression or invalid value';
  }
}

/** Names in `secrets.NAME` / `secrets['NAME']` anywhere in the file, sorted and unique. */
export function referencedSecrets(text: string): string[] {
  const names = new Set<string>();
  if (!text.includes('secrets')) return [];
  for (const occurrence of findExpressions(text)) {
    for (const ref of occurrence.contexts) {
      const [context, name] = ref.segments;
      if (context === 'secrets' && name && name !== '*' && !name.startsWith('[')) names.add(name.toUpperCase());
    }
    // Computed indexes such as secrets['NAME'] are kept as literal names when they are string literals.
    for (const m of occurrence.inner.matchAll(/\bsecrets\s*\[\s*'([^']+)'\s*\]/gi)) names.add(m[1].toUpperCase());
  }
  return [...names].sort();
}

function describeScopes(map: ScopeMap): string {
  const scopes = sortedScopes(map);
  return scopes.length ? scopes.map((scope) => `${scope}: ${map[scope]}`).join(', ') : 'none';
}

function describeGrant(kind: string, scopes: ScopeMap): string {
  if (kind === 'default') return 'default (not declared)';
  if (kind === 'write-all' || kind === 'read-all') return kind;
  return describeScopes(scopes);
}

/** Granted vs needed per job, from the least-privilege analysis; local reusable workflows and actions count as unexplained. */
function jobPermissionFacts(wf: Workflow, lineOf: (offset: number) => number): JobPermissionFact[] | undefined {
  try {
    return computeWorkflowPermissions(wf).jobs.map((j) => ({
      job: j.job.id,
      granted: describeGrant(j.granted.kind, j.granted.scopes),
      needed: describeScopes(j.required),
      unexplainedSteps: j.unknown.length,
      line: lineOf(j.job.idSpan.start),
    }));
  } catch {
    return undefined;
  }
}

function actionFact(uses: UsesRef, lines: LineIndex): ActionUseFact {
  return {
    uses: uses.raw,
    kind: uses.kind,
    pinned: uses.pinned,
    firstParty:
      uses.kind === 'local' ||
      uses.kind === 'local-reusable-workflow' ||
      FIRST_PARTY_OWNERS.has((uses.owner ?? '').toLowerCase()),
    line: lines.positionAt(uses.span.start).line,
  };
}

function stepActions(steps: Step[], lines: LineIndex): ActionUseFact[] {
  return steps.filter((s) => s.uses).map((s) => actionFact(s.uses!, lines));
}

export function reviewFacts(model: Workflow | ActionMetadata | GitlabPipeline): ReviewFacts {
  if (model.kind === 'gitlab') return gitlabReviewFacts(model);
  const lines = new LineIndex(model.text);
  const lineOf = (offset: number) => lines.positionAt(offset).line;
  if (model.kind === 'action') {
    return {
      path: model.path,
      kind: 'action',
      name: model.name?.text,
      triggers: [],
      permissions: [],
      secrets: referencedSecrets(model.text),
      secretsInherited: false,
      actions: stepActions(model.steps, lines),
      jobs: [],
      workflowConcurrency: false,
    };
  }
  const permissions: PermissionFact[] = [
    {
      scope: 'workflow',
      granted: describePermissions(model.permissions),
      line: model.permissions ? lineOf(model.permissions.keySpan.start) : undefined,
    },
    ...model.jobs
      .filter((job) => job.permissions)
      .map((job) => ({
        scope: job.id,
        granted: describePermissions(job.permissions),
        line: lineOf(job.permissions!.keySpan.start),
      })),
  ];
  const actions = model.jobs.flatMap((job) => [
    ...(job.uses ? [actionFact(job.uses, lines)] : []),
    ...stepActions(job.steps, lines),
  ]);
  return {
    path: model.path,
    kind: 'workflow',
    name: model.name?.text,
    triggers: model.triggers.map((t) => ({
      event: t.event,
      whoCanFire: whoCanFire(t.event),
      privileged: PRIVILEGED_EVENTS.has(t.event),
      line: lineOf(t.span.start),
    })),
    permissions,
    jobPermissions: jobPermissionFacts(model, lineOf),
    secrets: referencedSecrets(model.text),
    secretsInherited: model.jobs.some((job) => job.secretsInherit?.text === 'inherit'),
    actions,
    jobs: model.jobs.map((job) => ({
      id: job.id,
      environment: job.environment?.name?.text,
      timeoutMinutes: job.timeoutMinutes?.text,
      concurrency: !!job.concurrency,
      runsOn: job.runsOn.map((r) => r.text),
      line: lineOf(job.idSpan.start),
    })),
    workflowConcurrency: !!model.concurrency,
  };
}
