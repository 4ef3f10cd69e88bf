import { type Fix } from '../../engine/types';
import { defineRule } from '../../engine/rule';
import type { UsesRef } from '../../model/uses';
import type { AnalysisContext } from '../../engine/context';
import { POPULAR_ACTIONS } from '../../knowledge/supply-chain';
import { knownActionSlugs } from '../../knowledge/actions-kb';
import { everyUses, isRemoteUse } from '../_supply-chain/hooks';

/** owner/repo of the popular actions (zizmor's list) and of every action the knowledge base describes. */
let targets: Set<string> | undefined;
function popularRepos(): Set<string> {
  targets ??= new Set(
    [...POPULAR_ACTIONS, ...knownActionSlugs()].map((s) => s.toLowerCase().split('/').slice(0, 2).join('/')),
  );
  return targets;
}

export default defineRule({
  meta: {
    id: 'typosquat-uses',
    title: 'Action name one typo away from a popular action',
    description:
      'An action repository whose owner/repo differs by one character (or two swapped ones) from a popular action: a likely typosquat.',
    severity: 'medium',
    confidence: 'medium',
    category: 'supply-chain',
    aliases: [],
    appliesTo: ['workflow', 'action'],
    fixable: true,
    fixSafety:
      'Unsafe: the fix names the popular action the reference is one letter away from, which is different code; confirm that action is the one intended.',
    docs: {
      risk: 'Attackers register names one keystroke away from popular actions (`actons/checkout`, `docker/login-acton`) and wait for a typo: the workflow then runs their code with its token and secrets, and the step still looks right at a glance.',
      remediation:
        "Check the name against the action you meant; the fix replaces it with the popular action it resembles (review the ref: the two repositories do not share tags or commits). Popular actions: zizmor's list (MIT) and Flowguard's knowledge base.",
      vulnerableExample: 'steps:\n  - uses: actoins/checkout@v4\n',
      safeExample: 'steps:\n  - uses: actions/checkout@v4\n',
      references: [
        'https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions',
      ],
    },
  },
  ...everyUses(check),
});

function check(uses: UsesRef, ctx: AnalysisContext): void {
  if (!isRemoteUse(uses, ctx)) return;
  const popular = popularRepos();
  if (popular.has(uses.repo)) return;
  const near = [...popular].find((p) => withinOneEdit(uses.repo, p));
  if (!near) return;
  const source = ctx.text.slice(uses.span.start, uses.span.end);
  const at = source.toLowerCase().indexOf(uses.repo);
  const fixes: Fix[] =
    at === -1
      ? []
      : [
          {
            title: `Use ${near}`,
            safety: 'unsafe',
            isPreferred: true,
            edits: [
              { span: { start: uses.span.start + at, end: uses.span.start + at + uses.repo.length }, newText: near },
            ],
          },
        ];
  ctx.report({
    message: `${uses.repo} is one typo away from the popular action ${near}: check that this is the action you meant.`,
    span: uses.span,
    properties: { action: uses.slug, resembles: near },
    fixes,
  });
}

/** Damerau-Levenshtein distance exactly 1 (one insertion, deletion, substitution or adjacent swap). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
