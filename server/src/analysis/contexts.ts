// Which expression contexts an outsider controls. Paths are lower-case; `*` matches one segment.
// Kept as explicit lists (dangerous and known-safe) so each decision is documented and testable.

/** Contexts whose value an outsider can choose (titles, bodies, branch names, commit messages, ...). */
export const UNTRUSTED_CONTEXT_PATTERNS: string[] = [
  'github.head_ref',
  'github.event.pull_request.title',
  'github.event.pull_request.body',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.head.label',
  'github.event.pull_request.head.repo.default_branch',
  'github.event.issue.title',
  'github.event.issue.body',
  'github.event.comment.body',
  'github.event.review.body',
  'github.event.review_comment.body',
  'github.event.discussion.title',
  'github.event.discussion.body',
  'github.event.pages.*.page_name',
  'github.event.commits.*.message',
  'github.event.commits.*.author.email',
  'github.event.commits.*.author.name',
  'github.event.head_commit.message',
  'github.event.head_commit.author.email',
  'github.event.head_commit.author.name',
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.head_commit.message',
  'github.event.workflow_run.head_commit.author.email',
  'github.event.workflow_run.head_commit.author.name',
  'github.event.workflow_run.pull_requests.*.head.ref',
];

export function matchesPattern(segments: string[], pattern: string): boolean {
  const p = pattern.split('.');
  if (p.length !== segments.length) return false;
  return p.every((s, i) => s === '*' || segments[i] === '*' || s === segments[i]);
}

export function isUntrustedContext(segments: string[]): boolean {
  return UNTRUSTED_CONTEXT_PATTERNS.some((p) => matchesPattern(segments, p));
}
