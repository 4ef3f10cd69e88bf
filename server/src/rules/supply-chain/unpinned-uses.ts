import { defineRule } from '../../engine/rule';
import type { Fix } from '../../engine/types';
import { isTrustedAction, pinPolicy } from '../../engine/config';
import type { UsesRef } from '../../model/uses';
import type { AnalysisContext } from '../../engine/context';
import { everyUses, isRemoteUse, type UsesSite } from '../_supply-chain/hooks';
import { mostSpecificTag, parseVersion } from '../../analysis/supply-chain/versions';
import { isFullSha, rewriteRef } from '../../analysis/supply-chain/uses-text';
import { tagOnlyReason } from '../../knowledge/supply-chain';
import { jobStake, whyNoStake } from '../_supply-chain/stake';

/** Owners whose actions GitHub itself publishes: a moved tag there is a GitHub compromise, not a third party's. */
const FIRST_PARTY = new Set(['actions', 'github', 'dependabot']);

/** Owners the workflow names as its own (`github.repository == 'owner/repo'`, `github.repository_owner == 'owner'`). */
function ownOwners(text: string): Set<string> {
  const owners = new Set<string>();
  const own =
    /github\.repository(?:_owner)?\s*[!=]=\s*'([\w.-]+)(?:\/[\w.-]+)?'|'([\w.-]+)(?:\/[\w.-]+)?'\s*[!=]=\s*github\.repository(?:_owner)?\b/g;
  for (const m of text.matchAll(own)) owners.add((m[1] ?? m[2]).toLowerCase());
  return owners;
}

export default defineRule({
  meta: {
    id: 'unpinned-uses',
    title: 'Action not pinned to a commit',
    description:
      'A third-party action or reusable workflow is referenced by a tag or branch, which its owner (or whoever takes over the repository) can move.',
    severity: 'medium',
    confidence: 'low',
    category: 'supply-chain',
    aliases: ['unpinned-uses', 'github_action_from_unverified_creator_used'],
    appliesTo: ['workflow', 'action'],
    fixable: true,
    fixSafety:
      'Safe: the action is pinned to the commit its ref names today (resolved online), so the same code runs; the ref stays as a comment for update tools.',
    docs: {
      risk: 'Tags and branches are mutable. When an action repository is compromised, the attacker moves its tags to malicious code and every workflow that uses the tag runs it with its secrets and token (tj-actions/changed-files, March 2025: 23,000 repositories). A full commit SHA cannot be moved.',
      remediation:
        'Pin to the full 40-character commit SHA and keep the tag in a comment for readability and update tools: `uses: owner/action@<sha> # v4.2.1`. With `--online` (CLI) or in a trusted workspace (VS Code), the fix resolves the ref through the GitHub API and writes the commit and its most specific tag. `.flowguard.yml` `pinning:` sets the policy per pattern: `hash` (default), `ref` (tags allowed, e.g. `actions/*: ref`) or `any`; `trustedActions` are not checked. References to the repository itself (`./…`, its own reusable workflows) are never reported.',
      severity:
        "Local actions (`./`), same-repository reusable workflows and `$/` (the self-repository form of GitHub's actions lock file) are never reported. GitHub's own actions (actions/, github/, dependabot/) and actions of the repository's own owner (from the checkout's origin remote, or named in a `github.repository`/`github.repository_owner` condition) are low, and so are actions in jobs that hold nothing worth stealing, and in composite actions (the caller's job decides). Medium needs a stake, named in the message: a secret other than an upload-only one (coverage, benchmark and test-report tokens such as CODECOV_TOKEN, listed with their documented reach in server/src/knowledge/low-value-secrets.json), `secrets: inherit` to a remote reusable workflow, a GITHUB_TOKEN with a write scope (the scopes are named; `checks`/`statuses` alone only report CI results and do not count), or `id-token: write` that a step of the job uses (cloud login, trusted publishing, signing; an unused grant is excessive-permissions' concern). A publisher's documented branch ref is not exempt: pypa/gh-action-pypi-publish@release/v1 is what PyPA recommends, but whoever can move that branch (a compromised maintainer account or workflow) publishes with the job's OIDC token, the same stake as docker/login-action@v4 receiving a registry token, so it stays medium where the job publishes. Builders that must be referenced by a release tag (slsa-framework/slsa-github-generator, whose builders reject a commit ref; bazel-contrib's publish-to-bcr and release_ruleset workflows, whose attestations the Bazel Central Registry verifies against the tag) are not reported at a version tag. Default confidence lowered from high to low: in the judged corpus sample (docs/precision, seed 2026) 7 of 14 medium findings were true; 6 were actions of the repository's own organisation (or its own actions at main), now recognized from the repository's identity when the adapter knows it.",
      vulnerableExample: 'steps:\n  - uses: tj-actions/changed-files@v45\n',
      safeExample: 'steps:\n  - uses: tj-actions/changed-files@a284dc1814e3fd07f2e34267fc8f81227ed29fb8 # v45.0.7\n',
      references: [
        'https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions',
      ],
    },
  },
  ...everyUses(check),
});

function check(uses: UsesRef, ctx: AnalysisContext, site: UsesSite): void {
  if (!isRemoteUse(uses, ctx) || isFullSha(uses.ref) || isTrustedAction(ctx.config, uses.slug)) return;
  const policy = pinPolicy(ctx.config, uses.slug);
  if (policy === 'any' || (policy === 'ref' && uses.ref)) return;
  // A few builders must be referenced by their release tag: a commit pin would break them, so there is nothing to fix.
  if (uses.ref && uses.repo && parseVersion(uses.ref) && tagOnlyReason(uses.repo)) return;
  const owner = (uses.owner ?? '').toLowerCase();
  const firstParty = FIRST_PARTY.has(owner);
  const sameOwner =
    owner === ctx.repository?.split('/')[0] ||
    ctx.cached('unpinned-uses/own-owners', () => ownOwners(ctx.text)).has(owner);
  const stake = site.job && site.wf ? jobStake(site.job, site.wf, ctx) : undefined;
  const what = uses.kind === 'reusable-workflow' ? 'Reusable workflow' : 'Action';
  const fix = uses.ref ? pinFix(uses, uses.ref, ctx) : undefined;
  const base = uses.ref
    ? `${what} ${uses.slug} is pinned to '${uses.ref}', which can be moved. Pin the full commit SHA and keep '${uses.ref}' in a comment.`
    : `${what} ${uses.slug} has no ref at all. Pin the full commit SHA.`;
  ctx.report({
    message:
      sameOwner && !firstParty
        ? `${base} (Low: ${uses.owner} is this repository's own owner, so the tag is under the same people's control.)`
        : firstParty || stake
          ? `${base}${stake ? ` Whoever moves the tag gets ${stake}.` : ''}`
          : `${base} (Low: ${site.job && site.wf ? whyNoStake(site.job, site.wf, ctx) : "in a composite action the caller's job decides what a moved tag gets"}.)`,
    span: uses.span,
    // GitHub's own and the repository owner's actions are lower risk: moving their tags takes a compromise of GitHub or
    // of the owner itself; and a job holding no secret or write token gives a moved tag only the runner.
    severity: firstParty || sameOwner || !stake ? 'low' : 'medium',
    properties: { action: uses.slug, repo: uses.repo, ref: uses.ref },
    fixes: fix ? [fix] : [],
  });
}

/** Pin to the commit the ref names now (resolved by the online adapter), with its most specific tag as comment. */
function pinFix(uses: UsesRef & { repo: string }, ref: string, ctx: AnalysisContext): Fix | undefined {
  const sha = ctx.facts?.commitOf(uses.repo, ref);
  if (!sha) return undefined;
  const tags = ctx.facts?.tagsAt(uses.repo, sha) ?? [];
  const comment = mostSpecificTag(parseVersion(ref) ? [...tags, ref] : tags) ?? ref;
  const edits = rewriteRef(ctx.text, uses, sha, comment);
  if (edits.length === 0) return undefined;
  // The commit is the one the ref names today: the workflow runs the same code, and the ref can no longer move.
  return { title: `Pin ${uses.slug} to ${sha.slice(0, 12)} (${comment})`, safety: 'safe', isPreferred: true, edits };
}
