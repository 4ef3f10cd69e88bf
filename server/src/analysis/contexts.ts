// Which expression contexts an outsider controls. Paths are lower-case; `*` matches one segment.
// Kept as explicit lists (dangerous and known-safe) so each decision is documented and testable; a
// `github.event.*` field on neither list is treated as possibly attacker-controlled at medium confidence.
import type { Confidence } from './levels';

/** Contexts whose value an outsider can choose (titles, bodies, branch names, commit messages, ...). */
export const UNTRUSTED_CONTEXT_PATTERNS: string[] = [
  // Branch names may contain `$`, `;`, backticks, `{}`: `a;curl${IFS}x|sh` is a valid ref.
  'github.head_ref',
  'github.event.pull_request.title',
  'github.event.pull_request.body',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.head.label',
  'github.event.pull_request.head.repo.default_branch',
  'github.event.pull_request.head.repo.description',
  'github.event.pull_request.head.repo.homepage',
  'github.event.issue.title',
  'github.event.issue.body',
  'github.event.issue.pull_request.title',
  'github.event.comment.body',
  'github.event.review.body',
  'github.event.review_comment.body',
  'github.event.discussion.title',
  'github.event.discussion.body',
  'github.event.changes.title.from',
  'github.event.changes.body.from',
  'github.event.pages.*.page_name',
  'github.event.pages.*.title',
  'github.event.commits.*.message',
  'github.event.commits.*.author.email',
  'github.event.commits.*.author.name',
  'github.event.commits.*.committer.email',
  'github.event.commits.*.committer.name',
  'github.event.head_commit.message',
  'github.event.head_commit.author.email',
  'github.event.head_commit.author.name',
  'github.event.head_commit.committer.email',
  'github.event.head_commit.committer.name',
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.display_title',
  'github.event.workflow_run.head_commit.message',
  'github.event.workflow_run.head_commit.author.email',
  'github.event.workflow_run.head_commit.author.name',
  'github.event.workflow_run.head_commit.committer.email',
  'github.event.workflow_run.head_commit.committer.name',
  'github.event.workflow_run.head_repository.description',
  'github.event.workflow_run.pull_requests.*.head.ref',
  'github.event.check_suite.head_branch',
  'github.event.check_suite.pull_requests.*.head.ref',
  'github.event.check_run.check_suite.head_branch',
  'github.event.check_run.check_suite.pull_requests.*.head.ref',
  'github.event.merge_group.head_commit.message',
];

/**
 * Contexts an outsider cannot turn into code: SHAs, ids, numbers, URLs built from them, logins and repository
 * names (restricted character sets), booleans, statuses, and values only maintainers set.
 */
export const SAFE_CONTEXT_PATTERNS: string[] = [
  'github.sha',
  'github.ref',
  'github.ref_name',
  'github.ref_type',
  'github.ref_protected',
  'github.base_ref',
  'github.run_id',
  'github.run_number',
  'github.run_attempt',
  'github.repository',
  'github.repository_id',
  'github.repository_owner',
  'github.repository_owner_id',
  'github.repositoryurl',
  'github.actor',
  'github.actor_id',
  'github.triggering_actor',
  'github.event_name',
  'github.workflow',
  'github.workflow_ref',
  'github.workflow_sha',
  'github.job',
  'github.job_workflow_sha',
  'github.server_url',
  'github.api_url',
  'github.graphql_url',
  'github.workspace',
  'github.action',
  'github.action_path',
  'github.action_ref',
  'github.action_repository',
  'github.action_status',
  'github.token',
  'github.retention_days',
  'github.secret_source',
  'github.path',
  'github.env',
  'github.output',
  'github.state',
  'github.step_summary',
  'github.event.pull_request.head.sha',
  'github.event.pull_request.base.sha',
  'github.event.pull_request.base.ref',
  'github.event.pull_request.merge_commit_sha',
  'github.event.pull_request.head.repo.full_name',
  'github.event.pull_request.head.repo.name',
  'github.event.pull_request.head.repo.owner.login',
  'github.event.pull_request.user.login',
  'github.event.pull_request.author_association',
  'github.event.issue.user.login',
  'github.event.issue.author_association',
  'github.event.comment.user.login',
  'github.event.comment.author_association',
  'github.event.review.state',
  'github.event.review.user.login',
  'github.event.review.author_association',
  'github.event.sender.login',
  'github.event.sender.type',
  'github.event.action',
  'github.event.before',
  'github.event.after',
  'github.event.forced',
  'github.event.created',
  'github.event.deleted',
  'github.event.repository.*',
  'github.event.repository.owner.login',
  'github.event.workflow_run.head_sha',
  'github.event.workflow_run.conclusion',
  'github.event.workflow_run.status',
  'github.event.workflow_run.event',
  'github.event.workflow_run.name',
  'github.event.workflow_run.path',
  'github.event.workflow_run.head_repository.full_name',
  'github.event.workflow_run.head_repository.name',
  'github.event.workflow_run.head_repository.owner.login',
  'github.event.workflow_run.actor.login',
  'github.event.workflow_run.triggering_actor.login',
  'github.event.workflow_run.pull_requests.*.head.sha',
  'github.event.workflow_run.pull_requests.*.base.ref',
  'github.event.workflow_run.pull_requests.*.base.sha',
  'github.event.workflow_run.workflow.name',
  'github.event.workflow.*',
  'github.event.release.tag_name',
  'github.event.release.name',
  'github.event.release.body',
  'github.event.head_commit.id',
  'github.event.head_commit.tree_id',
  'github.event.head_commit.timestamp',
  'github.event.commits.*.id',
  'github.event.inputs.*',
  'github.event.client_payload.*',
  'github.event.schedule',
  'github.event.deployment.environment',
  'github.event.deployment.ref',
  'github.event.deployment.sha',
  'github.event.deployment.task',
  'github.event.deployment_status.state',
  'github.event.deployment_status.environment',
  // Labels are created by users with triage access: their names are maintainer text.
  'github.event.label.name',
  'github.event.pull_request.labels.*.name',
  'github.event.issue.labels.*.name',
];

/** Field names that are numbers, SHAs, timestamps, URLs, logins, booleans or enums wherever they appear. */
const SAFE_LEAF =
  /^(id|node_id|number|.*_id|sha|.*_sha|.*_at|.*_url|url|size|state|draft|merged|locked|private|fork|archived|additions|deletions|changed_files|commits|comments|review_comments|login|type|author_association|action|conclusion|status|event|run_attempt|run_number|head_sha|base_sha|full_name|visibility|default|count|total_count|maintainer_can_modify|mergeable|rebaseable|mergeable_state|site_admin|active_lock_reason|ref_type|pusher_type)$/;

export type ContextTrust =
  | { kind: 'untrusted'; confidence: Confidence; why: string }
  | { kind: 'safe' }
  /** Not on either list and not an event payload field: the caller decides (taint through env, steps, inputs...). */
  | { kind: 'other' };

export function matchesPattern(segments: string[], pattern: string): boolean {
  const p = pattern.split('.');
  if (p.length !== segments.length) return false;
  return p.every((s, i) => s === '*' || segments[i] === '*' || s === segments[i]);
}

/** A pattern matching `segments` or one of its prefixes (so `github.event.pull_request.title.foo` is still the title). */
function matchesPrefix(segments: string[], patterns: string[]): boolean {
  for (let n = segments.length; n >= 2; n--) {
    const head = segments.slice(0, n);
    if (patterns.some((p) => matchesPattern(head, p))) return true;
  }
  return false;
}

const UNTRUSTED_EXACT = new Set(UNTRUSTED_CONTEXT_PATTERNS.filter((p) => !p.includes('*')));
const SAFE_EXACT = new Set(SAFE_CONTEXT_PATTERNS.filter((p) => !p.includes('*')));

/** Classifies a context path (lower-cased segments) by the documented lists. */
export function classifyContext(segments: string[]): ContextTrust {
  const path = segments.join('.');
  if (UNTRUSTED_EXACT.has(path) || matchesPrefix(segments, UNTRUSTED_CONTEXT_PATTERNS)) {
    return { kind: 'untrusted', confidence: 'high', why: `${path} can be set by an outsider` };
  }
  if (SAFE_EXACT.has(path) || SAFE_CONTEXT_PATTERNS.some((p) => matchesPattern(segments, p))) return { kind: 'safe' };
  if (segments[0] !== 'github') return { kind: 'other' };
  if (segments[1] !== 'event') return { kind: 'safe' };
  const leaf = segments[segments.length - 1];
  if (SAFE_LEAF.test(leaf)) return { kind: 'safe' };
  return { kind: 'untrusted', confidence: 'medium', why: `${path} is event data not known to be safe` };
}
