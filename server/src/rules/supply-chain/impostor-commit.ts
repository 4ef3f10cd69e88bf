import { type Fix } from '../../engine/types';
import { defineRule } from '../../engine/rule';
import type { UsesRef } from '../../model/uses';
import type { AnalysisContext } from '../../engine/context';
import { everyUses, isRemoteUse } from '../_supply-chain/hooks';
import { commentVersion, isFullSha, rewriteRef, trailingComment } from '../../analysis/supply-chain/uses-text';

export default defineRule({
  meta: {
    id: 'impostor-commit',
    title: 'Pinned commit is not in the action repository',
    description:
      "A SHA pin names a commit that no branch or tag of the named repository contains: GitHub serves fork commits under the parent's name (online).",
    severity: 'high',
    confidence: 'high',
    category: 'supply-chain',
    aliases: ['impostor-commit'],
    appliesTo: ['workflow', 'action'],
    fixable: true,
    fixSafety:
      'Unsafe: the fix replaces the commit with one reachable from the named repository, which may be different code from what ran before; review the diff between the two commits.',
    docs: {
      risk: "GitHub stores a repository and its forks together, so `owner/action@<sha>` runs a commit pushed to any fork of owner/action. Anyone can fork a popular action, push a malicious commit and propose a pin to it that looks like the real action's.",
      remediation:
        "Pin a commit from the action's own history: the commit its release tag names. The fix re-pins to the commit the SHA's version comment names, when there is one. Checked with `--online` (compare API against the default branch and tags).",
      vulnerableExample: 'steps:\n  - uses: actions/checkout@<commit pushed to a fork> # v4\n',
      safeExample: 'steps:\n  - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n',
      references: ['https://www.chainguard.dev/unchained/what-the-fork-imposter-commits-in-github-actions-and-ci-cd'],
    },
  },
  ...everyUses(check),
});

function check(uses: UsesRef, ctx: AnalysisContext): void {
  if (!ctx.facts || !isRemoteUse(uses, ctx) || !uses.ref || !isFullSha(uses.ref)) return;
  if (ctx.facts.reachable(uses.repo, uses.ref.toLowerCase()) !== false) return;
  const named = commentVersion(trailingComment(ctx.text, uses)?.text);
  const real = named ? ctx.facts.commitOf(uses.repo, named) : undefined;
  const fixes: Fix[] = [];
  if (named && real) {
    const edits = rewriteRef(ctx.text, uses, real, named);
    if (edits.length)
      fixes.push({
        title: `Pin the commit ${named} names (${real.slice(0, 12)})`,
        safety: 'unsafe',
        isPreferred: true,
        edits,
      });
  }
  ctx.report({
    message: `${uses.slug}@${uses.ref.slice(0, 12)} is not on any branch or tag of ${uses.repo}: it comes from a fork and is not the action's code.`,
    span: uses.span,
    properties: { action: uses.slug, sha: uses.ref },
    fixes,
  });
}
