import { type Fix } from '../../engine/types';
import { defineRule } from '../../engine/rule';
import type { UsesRef } from '../../model/uses';
import type { AnalysisContext } from '../../engine/context';
import { everyUses, isRemoteUse } from '../_supply-chain/hooks';
import { mostSpecificTag, parseVersion } from '../../analysis/supply-chain/versions';
import { commentVersion, isFullSha, rewriteRef, trailingComment } from '../../analysis/supply-chain/uses-text';

export default defineRule({
  meta: {
    id: 'ref-version-mismatch',
    title: 'Pinned commit does not match its version comment',
    description:
      'A SHA pin carries a `# vX.Y.Z` comment naming a tag that does not point at the pinned commit (online: resolved through the GitHub API).',
    severity: 'medium',
    confidence: 'high',
    category: 'supply-chain',
    aliases: ['ref-version-mismatch'],
    appliesTo: ['workflow', 'action'],
    fixable: true,
    fixSafety:
      'Safe when only the version comment is corrected (the commit that runs is unchanged); unsafe when the commit is changed to match the comment, since different code then runs.',
    docs: {
      risk: 'Reviewers and update tools (Dependabot, Renovate) read the comment, not the SHA. A comment that names another version hides what really runs: an old release with known bugs, or a commit an attacker slipped in behind a familiar version number.',
      remediation:
        'Either correct the comment to the tag that points at the pinned commit, or pin the commit the commented tag names (the fix offers both; the second changes the code that runs). Only checked with `--online` or in a trusted workspace in VS Code.',
      vulnerableExample: 'steps:\n  - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.2.2\n',
      safeExample: 'steps:\n  - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n',
      references: ['https://docs.github.com/en/rest/repos/repos#list-repository-tags'],
    },
  },
  ...everyUses(check),
});

function check(uses: UsesRef, ctx: AnalysisContext): void {
  if (!ctx.facts || !isRemoteUse(uses, ctx) || !uses.ref || !isFullSha(uses.ref)) return;
  const comment = trailingComment(ctx.text, uses);
  const named = commentVersion(comment?.text);
  const version = named ? parseVersion(named) : undefined;
  if (!named || !version) return;
  const sha = uses.ref.toLowerCase();
  const tags = ctx.facts.tagsAt(uses.repo, sha);
  if (tags === undefined) return;
  const same = (t: string) => t.replace(/^v/i, '') === named.replace(/^v/i, '');
  if (tags.some(same)) return;
  // `# v4` on a commit tagged v4.2.2: the major tag moved on since, the comment still names the right series.
  const inSeries = (t: string) => {
    const v = parseVersion(t);
    return !!v && v.length > version.length && version.every((p, i) => v[i] === p);
  };
  if (version.length < 3 && tags.some(inSeries)) return;
  const tagCommit = ctx.facts.commitOf(uses.repo, named);
  if (tagCommit === undefined || tagCommit?.toLowerCase() === sha) return;
  const actual = mostSpecificTag(tags.filter((t) => parseVersion(t)));
  const fixes: Fix[] = [];
  if (actual) {
    const edits = rewriteRef(ctx.text, uses, uses.ref, actual);
    if (edits.length)
      fixes.push({ title: `Correct the comment to ${actual}`, safety: 'safe', isPreferred: true, edits });
  }
  if (tagCommit) {
    const edits = rewriteRef(ctx.text, uses, tagCommit, named);
    if (edits.length)
      fixes.push({ title: `Pin the commit ${named} names (${tagCommit.slice(0, 12)})`, safety: 'unsafe', edits });
  }
  ctx.report({
    message:
      `${uses.slug}: the comment says ${named}, but ` +
      (tagCommit
        ? `${named} points at ${tagCommit.slice(0, 12)}, not the pinned ${sha.slice(0, 12)}`
        : `${uses.repo} has no tag ${named}`) +
      (actual ? `; the pinned commit is ${actual}.` : '; no version tag points at the pinned commit.'),
    span: comment ? { start: uses.span.start, end: comment.span.end } : uses.span,
    // An exact version that names another commit is a clear lie; a floating one may have been right when written.
    severity: version.length === 3 ? 'medium' : 'low',
    properties: { action: uses.slug, sha, comment: named, tags },
    fixes,
  });
}
