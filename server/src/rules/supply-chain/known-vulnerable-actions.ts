import { type Fix } from '../../engine/types';
import { defineRule } from '../../engine/rule';
import { type Severity } from '../../analysis/levels';
import type { UsesRef } from '../../model/uses';
import type { AnalysisContext } from '../../engine/context';
import { bundledAdvisoriesFor, ADVISORIES_UPDATED, type Advisory } from '../../knowledge/supply-chain';
import { everyUses, isRemoteUse } from '../_supply-chain/hooks';
import { inRange, mostSpecificTag, parseVersion, type Version } from '../../analysis/supply-chain/versions';
import { commentVersion, isFullSha, rewriteRef, trailingComment } from '../../analysis/supply-chain/uses-text';

export default defineRule({
  meta: {
    id: 'known-vulnerable-actions',
    title: 'Action version with a known vulnerability',
    description:
      "An action's version (its tag, or the version comment of a SHA pin) falls in the range of a reviewed GitHub security advisory, or the pin names a commit known to be malicious.",
    severity: 'high',
    confidence: 'high',
    category: 'supply-chain',
    aliases: ['known-vulnerable-actions'],
    appliesTo: ['workflow', 'action'],
    fixable: true,
    fixSafety:
      "Unsafe: upgrading to the first patched version can change the action's inputs, outputs and behavior; read its release notes before merging.",
    docs: {
      risk: 'The workflow runs a release with a published vulnerability (command injection, secrets written to logs, arbitrary file writes) or a commit an attacker pushed when the action was compromised. Anyone who reads the advisory knows how to exploit it.',
      remediation:
        "Upgrade to the advisory's first patched version (the fix does it, pinned to its commit when the online resolver knows it), and read the advisory: some incidents also require rotating the secrets the workflow exposed. Offline, Flowguard uses the snapshot bundled in `server/src/knowledge/supply-chain/advisories.json` (`npm run update-advisories` refreshes it); online it asks `GET /advisories?ecosystem=actions`.",
      vulnerableExample: 'steps:\n  - uses: tj-actions/changed-files@v45\n',
      safeExample: 'steps:\n  - uses: tj-actions/changed-files@v46.0.1\n',
      references: [
        'https://github.com/advisories/GHSA-mrrh-fwg8-r2c3',
        'https://github.com/advisories?query=ecosystem%3Aactions',
      ],
    },
  },
  ...everyUses(check),
});

const SEVERITY: Record<string, Severity> = {
  critical: 'high',
  high: 'high',
  medium: 'medium',
  moderate: 'medium',
  low: 'low',
};

function check(uses: UsesRef, ctx: AnalysisContext): void {
  if (!isRemoteUse(uses, ctx) || !uses.ref) return;
  const advisories = ctx.facts?.advisories(uses.repo) ?? bundledAdvisoriesFor(uses.repo);
  if (advisories.length === 0) return;
  const pinnedSha = isFullSha(uses.ref) ? uses.ref.toLowerCase() : undefined;
  const named = pinnedSha ? versionOfPin(uses, pinnedSha, ctx) : uses.ref;
  const version = named ? parseVersion(named) : undefined;
  const hits = advisories.filter(
    (a) =>
      (pinnedSha && a.compromisedCommits?.some((c) => c.package.toLowerCase() === uses.repo && c.sha === pinnedSha)) ||
      // A compromise advisory (tags moved to an attacker's commit) spares a SHA pin to any other commit: the pinned
      // code never changed. Only tag refs, which were moved, fall in its version range.
      (version &&
        !(pinnedSha && a.compromisedCommits?.length) &&
        a.vulnerabilities.some(
          (v) => v.package.toLowerCase() === uses.repo && inRange(version, v.vulnerableVersionRange),
        )),
  );
  if (hits.length === 0) return;
  const patched = firstPatched(hits, uses.repo);
  const fix = patched ? upgradeFix(uses, patched, named, ctx) : undefined;
  const ids = hits.map((a) => [a.ghsaId, a.cveId].filter(Boolean).join('/')).join(', ');
  const source = ctx.facts?.advisories(uses.repo)
    ? 'GitHub advisory database'
    : `bundled advisories of ${ADVISORIES_UPDATED}`;
  ctx.report({
    message:
      `${uses.slug}@${named ?? uses.ref.slice(0, 12)} is affected by ${ids}: ${hits[0].summary}.` +
      (patched
        ? ` Upgrade to ${patched} or later.`
        : ' No patched version: remove it or pin a commit from before the incident.') +
      ` (${source})`,
    span: uses.span,
    severity: worst(hits),
    properties: { action: uses.slug, version: named, advisories: hits.map((a) => a.ghsaId), firstPatched: patched },
    fixes: fix ? [fix] : [],
  });
}

/** A SHA pin's version: the most specific tag at the commit (online), else its comment. */
function versionOfPin(uses: UsesRef & { repo: string }, sha: string, ctx: AnalysisContext): string | undefined {
  const tags = ctx.facts?.tagsAt(uses.repo, sha)?.filter((t) => parseVersion(t));
  return (tags?.length ? mostSpecificTag(tags) : undefined) ?? commentVersion(trailingComment(ctx.text, uses)?.text);
}

function worst(hits: Advisory[]): Severity {
  const order: Severity[] = ['high', 'medium', 'low'];
  return order.find((s) => hits.some((a) => SEVERITY[a.severity] === s)) ?? 'high';
}

/** The highest first-patched version among the advisories that hit (one upgrade clears them all). */
function firstPatched(hits: Advisory[], repo: string): string | undefined {
  let best: { text: string; v: Version } | undefined;
  for (const a of hits)
    for (const v of a.vulnerabilities) {
      if (v.package.toLowerCase() !== repo || !v.firstPatchedVersion) continue;
      const parsed = parseVersion(v.firstPatchedVersion);
      if (parsed && (!best || compareVersions(parsed, best.v) > 0)) best = { text: v.firstPatchedVersion, v: parsed };
    }
  return best?.text;
}

function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/**
 * Upgrade to the patched release: a SHA pin stays a SHA pin (only when the resolver knows the patched tag's commit);
 * a tag stays a tag, written the way the current one is (`v46.0.1` for `v45`).
 */
function upgradeFix(
  uses: UsesRef & { repo: string },
  patched: string,
  current: string | undefined,
  ctx: AnalysisContext,
): Fix | undefined {
  const prefix = /^v/i.test(current ?? uses.ref ?? 'v') ? 'v' : '';
  const tag = `${prefix}${patched.replace(/^v/i, '')}`;
  const sha = ctx.facts?.commitOf(uses.repo, tag);
  let edits: ReturnType<typeof rewriteRef> | undefined;
  if (sha) edits = rewriteRef(ctx.text, uses, sha, tag);
  else if (!isFullSha(uses.ref)) edits = rewriteRef(ctx.text, uses, tag, undefined);
  if (!edits?.length) return undefined;
  return {
    title: sha ? `Upgrade ${uses.slug} to ${tag} (${sha.slice(0, 12)})` : `Upgrade ${uses.slug} to ${tag}`,
    // A new release may change inputs or behavior: review it.
    safety: 'unsafe',
    isPreferred: true,
    edits,
  };
}
