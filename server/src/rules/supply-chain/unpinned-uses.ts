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
import { vendorOwner } from '../../knowledge/vendor-actions';
import { conditionsCanEverHold } from '../../analysis/conditions';
import { triggerNames } from '../../analysis/triggers';

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
        "Local actions (`./`), same-repository reusable workflows and `$/` (the self-repository form of GitHub's actions lock file) are never reported. Low: actions published by the vendor of the service they drive (GitHub's actions/, github/, dependabot/; docker/, aws-actions/, azure/, google-github-actions/, cloudflare/, hashicorp/, anthropics/, jetbrains-junie/, pypa/, astral-sh/, rust-lang/, ruby/, gradle/, goreleaser/ and others, each with its reason in server/src/knowledge/vendor-actions.json): moving their tag takes a compromise of a vendor the job already trusts, so pinning is reproducibility and defence in depth. Also low: actions of the repository's own owner (from the checkout's origin remote, or named in a `github.repository`/`github.repository_owner` condition); steps whose `if:` (with their job's) cannot hold for any of the workflow's triggers (a push-only step in a pull_request-only job never runs); steps that can reach nothing worth stealing; composite actions (the caller's job decides). Medium needs a stake the step can reach, named in the message: a secret in the workflow's or job's env, the step's own env or with, an earlier `uses:` step (login and credential actions persist it) or a later step (the action can alter the workspace that step uses, e.g. git hooks before a push), but not the env of an earlier `run:` step, which only that script sees; `secrets: inherit` to a remote reusable workflow; a GITHUB_TOKEN with a write scope (named; `checks`, `statuses`, `issues`, `pull-requests` and `discussions` alone reach only CI results and conversation: in the second blind judging of seed 9090, 12 findings whose only stake was such a scope were all hygiene); or `id-token: write` that a step of the job which can run on the triggers uses (a push-only cloud login in a pull_request job mints nothing). Secrets that only report or notify are no stake (server/src/knowledge/low-value-secrets.json): upload tokens of reporting services (CODECOV_TOKEN, BENCHER_API_TOKEN...) and chat incoming webhooks matched by name (SLACK_…WEBHOOK…, DISCORD_…WEBHOOK…, Teams, Zulip), which post to one channel and read nothing; bot and user tokens of the same services stay a stake. In the blind judging of seed 9090, the four medium findings whose only stake was such a secret (a Bencher token on a push-only benchmark job, a Slack webhook on a scheduled job) were all judged hygiene. Builders that must be referenced by a release tag (slsa-framework/slsa-github-generator, bazel-contrib's publish-to-bcr and release_ruleset) are not reported at a version tag. In the independent blind re-judge of docs/precision seed 9090 (three reviewers), medium findings were 9 true, 1 false, 20 debatable: the true ones were all actions of individuals or small organisations (andelf/nightly-release@main, softprops/action-gh-release, ilammy/setup-nasm, mad9000/actions-find-and-replace-string...) in jobs with write tokens or release secrets, which stay medium; the debatable ones were vendor actions, and the false one named a secret only an earlier step's env held. Confidence is low: in the seed 2026 sample 7 of 14 medium findings were true, 6 of the rest actions of the repository's own organisation.",
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
  const vendor = vendorOwner(owner) !== undefined;
  const sameOwner =
    owner === ctx.repository?.split('/')[0] ||
    ctx.cached('unpinned-uses/own-owners', () => ownOwners(ctx.text)).has(owner);
  const { job, wf, step } = site;
  // A step (or called workflow) whose if: cannot hold for any of the workflow's triggers never runs as written.
  const triggers = wf ? triggerNames(wf) : [];
  const neverRuns = job ? !conditionsCanEverHold(triggers, [job.if?.text, step?.if?.text]) : false;
  const stake = job && wf && !neverRuns ? jobStake(job, wf, ctx, step) : undefined;
  const what = uses.kind === 'reusable-workflow' ? 'Reusable workflow' : 'Action';
  const fix = uses.ref ? pinFix(uses, uses.ref, ctx) : undefined;
  const base = uses.ref
    ? `${what} ${uses.slug} is pinned to '${uses.ref}', which can be moved. Pin the full commit SHA and keep '${uses.ref}' in a comment.`
    : `${what} ${uses.slug} has no ref at all. Pin the full commit SHA.`;
  const why = vendor
    ? `published by ${uses.owner}, the vendor of the service this job already trusts; pin for reproducibility, defence in depth`
    : sameOwner
      ? `${uses.owner} is this repository's own owner, so the tag is under the same people's control`
      : neverRuns
        ? `its if: cannot hold for this workflow's triggers (${triggers.join(', ')}), so it never runs as written`
        : !stake
          ? job && wf
            ? whyNoStake(job, wf, ctx, step)
            : "in a composite action the caller's job decides what a moved tag gets"
          : undefined;
  ctx.report({
    message: why ? `${base} (Low: ${why}.)` : `${base} Whoever moves the tag gets ${stake}.`,
    span: uses.span,
    // A vendor's or the repository owner's actions are lower risk: moving their tags takes a compromise of a vendor the
    // job already trusts, or of the owner itself; and a step holding no secret or write token gives only the runner.
    severity: why ? 'low' : 'medium',
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
