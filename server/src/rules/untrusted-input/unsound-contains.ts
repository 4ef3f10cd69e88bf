import { type Fix } from '../../engine/types';
import { defineRule, everyCondition } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import type { ScalarValue } from '../../model/common';
import type { Workflow } from '../../model/workflow';
import { classifyContext } from '../../analysis/contexts';
import { outsiderReachable, workflowReach } from '../../analysis/triggers';

/** contains('literal', context.path): the literal is searched as a substring, not a list. */
const CONTAINS_LITERAL = /contains\(\s*'((?:[^']|'')*)'\s*,\s*([A-Za-z_][\w.\-*]*(?:\[[^\]]*\][\w.\-*]*)*)\s*\)/gi;
/** Refs and names a pusher (or, for head_ref, any fork) chooses freely. */
const REF_LIKE =
  /^(github\.(ref|ref_name|head_ref|base_ref)|github\.event\.(pull_request\.(head|base)\.ref|workflow_run\.head_branch)|env\.\w+|inputs\.\w+)$/i;

export default defineRule({
  meta: {
    id: 'unsound-contains',
    title: 'Substring check used as a list check',
    description:
      "contains('refs/heads/main refs/heads/release', github.ref) tests for a substring, which a crafted ref or branch name such as `main` or `refs/heads/mai` satisfies.",
    severity: 'medium',
    confidence: 'high',
    category: 'untrusted-input',
    aliases: ['unsound-contains', 'contains-string'],
    appliesTo: ['workflow', 'action'],
    fixable: true,
    fixSafety:
      'Always unsafe: a list comparison is stricter than the substring check it replaces, so values that matched by accident no longer do; that is the intent, but review the list.',
    docs: {
      risk: "When the first argument of `contains()` is a string, GitHub checks whether the second is a substring of it. `contains('refs/heads/main refs/heads/release', github.ref)` is also true for a branch named `main`, `heads/ma` or `refs/heads/release refs`, so a condition meant to allow only protected branches lets an attacker's branch or tag through to deployment secrets.",
      remediation:
        'Compare against a list: `contains(fromJSON(\'["refs/heads/main", "refs/heads/release"]\'), github.ref)`, or use `==` comparisons. The quick-fix writes the list form.',
      vulnerableExample:
        "on: push\njobs:\n  deploy:\n    if: contains('refs/heads/main refs/heads/release', github.ref)\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./deploy.sh\n",
      safeExample:
        'on: push\njobs:\n  deploy:\n    if: contains(fromJSON(\'["refs/heads/main", "refs/heads/release"]\'), github.ref)\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./deploy.sh\n',
      references: [
        'https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/evaluate-expressions-in-workflows-and-actions#contains',
        'https://docs.zizmor.sh/audits/#unsound-contains',
      ],
    },
  },

  ...everyCondition(check),
});

function check(cond: ScalarValue, wf: Workflow | undefined, ctx: AnalysisContext): void {
  const source = ctx.text.slice(cond.span.start, cond.span.end);
  // Inside a double-quoted YAML scalar the quotes could be escaped; the pattern only needs single-quoted literals.
  for (const m of source.matchAll(CONTAINS_LITERAL)) {
    const literal = m[1].replace(/''/g, "'");
    const context = m[2];
    const segments = context.toLowerCase().split('.');
    const refLike = REF_LIKE.test(context);
    const untrusted = classifyContext(segments).kind === 'untrusted';
    if (!refLike && !untrusted) continue;
    const items = literal.split(/[\s,|;]+/).filter(Boolean);
    const span = { start: cond.span.start + m.index!, end: cond.span.start + m.index! + m[0].length };
    const outsider = wf ? outsiderReachable(workflowReach(wf)) : true;
    const list = JSON.stringify(items).replace(/'/g, "''");
    const replacement = `contains(fromJSON('${list}'), ${context})`;
    const fix: Fix | undefined =
      items.length > 0
        ? {
            title: `Compare ${context} against a list`,
            safety: 'unsafe',
            isPreferred: true,
            edits: [{ span, newText: source.startsWith('"') ? replacement.replace(/["\\]/g, '\\$&') : replacement }],
          }
        : undefined;
    ctx.report({
      message: `contains() with a string first argument is a substring test: any ${context} that is part of '${literal.slice(0, 60)}' passes (e.g. '${items[0]?.slice(0, Math.max(1, Math.ceil((items[0]?.length ?? 2) / 2))) ?? ''}'). Use a list: contains(fromJSON('[...]'), ${context}).`,
      span,
      severity: untrusted && outsider ? 'high' : 'medium',
      confidence: items.length > 1 || untrusted ? 'high' : 'medium',
      fixes: fix ? [fix] : [],
    });
  }
}
