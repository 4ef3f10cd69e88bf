import { type Fix } from '../../engine/types';
import { defineRule, everyCondition } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import { findExpressions, parseExpression } from '../../expressions/parse';
import type { ScalarValue } from '../../model/common';
import type { Workflow } from '../../model/workflow';
import { outsiderReachable, workflowReach } from '../../analysis/triggers';

export default defineRule({
  meta: {
    id: 'unsound-condition',
    title: 'Condition that is always true',
    description:
      'An if: mixes ${{ }} with other text (or a block scalar adds a newline), so GitHub sees a non-empty string and the condition is always true.',
    severity: 'high',
    confidence: 'high',
    category: 'untrusted-input',
    aliases: ['unsound-condition', 'always-true-condition', 'if-cond'],
    appliesTo: ['workflow', 'action'],
    fixable: true,
    fixSafety:
      'Always unsafe: the condition was always true, so any fix changes when the job or step runs; that is the intent, but check that the condition now says what was meant.',
    docs: {
      risk: 'GitHub evaluates `if:` as an expression only when the whole value is one `${{ }}` (or has none). `if: ${{ a }} && ${{ b }}` is interpolated into the string `false && false`, and `if: |` followed by `${{ x }}` keeps a trailing newline: both are non-empty strings, which are truthy, so the guarded job or step always runs. When the condition was meant to keep outsiders, forks or the wrong event away from secrets or a write token, that protection is silently gone.',
      remediation:
        "Write the condition as one expression: `if: ${{ a && b }}` or `if: a && b`, and use `|-` / `>-` (or a plain scalar) instead of `|` / `>`. The quick-fix does that when the rewrite is mechanical (the text around the expressions is operators and literals, or the only problem is the block scalar's trailing newline).",
      severity:
        'High only when the always-true condition guards something privileged (secrets, a write token, a deployment) that outsiders can reach; medium for privileged steps on collaborator-only triggers; low when it guards nothing privileged.',
      vulnerableExample:
        'on: pull_request_target\njobs:\n  deploy:\n    if: ${{ github.event.pull_request.head.repo.fork }} == false\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./deploy.sh\n',
      safeExample:
        'on: pull_request_target\njobs:\n  deploy:\n    if: ${{ github.event.pull_request.head.repo.fork == false }}\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./deploy.sh\n',
      references: [
        'https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/evaluate-expressions-in-workflows-and-actions#about-expressions',
        'https://github.com/actions/runner/issues/1173',
      ],
    },
  },

  ...everyCondition(check),
});

function check(cond: ScalarValue, wf: Workflow | undefined, ctx: AnalysisContext): void {
  const value = cond.text;
  if (!value.includes('${{')) return;
  const exprs = findExpressions(value);
  if (exprs.length === 1 && exprs[0].span.start === 0 && exprs[0].span.end === value.length) return;
  const blockHeader = /^[|>]/.test(ctx.text.slice(cond.span.start, cond.span.end));
  const why =
    blockHeader && exprs.length === 1 && value.trim() === value.slice(exprs[0].span.start, exprs[0].span.end)
      ? 'the block scalar keeps a trailing newline after the expression'
      : 'text outside ${{ }} turns the condition into a string';
  const privileged = wf
    ? guardsPrivileged(wf, cond, ctx.text)
    : /\bsecrets\.(?!GITHUB_TOKEN\b)\w+/i.test(ctx.text) || DEPLOYS.test(ctx.text)
      ? 'a composite action step that handles secrets or deploys'
      : undefined;
  // An always-true guard matters when what it guards holds secrets, a write token or deploys.
  const severity = !privileged ? 'low' : !wf || outsiderReachable(workflowReach(wf)) ? 'high' : 'medium';
  const fix = blockHeader ? chompFix(cond, exprs.length, value, ctx.text) : combineFix(cond, value, exprs);
  ctx.report({
    message: `This condition is always true: ${why}, and any non-empty string is truthy.${fix ? '' : ' Rewrite it as a single ${{ }} expression.'}${privileged ? ` It guards ${privileged}.` : ' (Low: it guards no secret, write permission or deployment.)'}`,
    span: cond.span,
    severity,
    fixes: fix ? [fix] : [],
  });
}

const WRITE_SCOPE = /:\s*write\b|write-all/;
const DEPLOYS =
  /\b(npm|yarn|pnpm|cargo|poetry|uv|twine|gem|dotnet nuget|docker|gh release|goreleaser)\s+(publish|upload|push|release|create)\b|\bdeploy\b/i;

/** What privileged the condition guards (its job or step): secrets, a write token or a deployment; undefined if none. */
function guardsPrivileged(wf: Workflow, cond: ScalarValue, text: string): string | undefined {
  const job = wf.jobs.find((j) => j.span.start <= cond.span.start && cond.span.start < j.span.end);
  if (!job) return undefined;
  const step = job.steps.find((st) => st.span.start <= cond.span.start && cond.span.start < st.span.end);
  const guarded = text.slice((step ?? job).span.start, (step ?? job).span.end);
  const secret = /\bsecrets\.(?!GITHUB_TOKEN\b)\w+/i.exec(guarded);
  if (secret) return `a step or job that uses ${secret[0]}`;
  const permissions = job.permissions ?? wf.permissions;
  if (permissions && WRITE_SCOPE.test(text.slice(permissions.span.start, permissions.span.end)))
    return 'a job with a write token';
  if (DEPLOYS.test(guarded)) return 'a publish or deploy command';
  return undefined;
}

/** `|` / `>` (clip or keep) becomes `|-` / `>-` when the block holds exactly one expression. */
function chompFix(cond: ScalarValue, count: number, value: string, text: string): Fix | undefined {
  if (count !== 1 || !/^\$\{\{[\s\S]*\}\}\s*$/.test(value)) return undefined;
  const header = /^([|>])([+-]?)([1-9]?)([+-]?)/.exec(text.slice(cond.span.start, cond.span.end));
  if (!header) return undefined;
  const indent = header[3];
  return {
    title: `Strip the trailing newline (${header[1]}-)`,
    safety: 'unsafe',
    isPreferred: true,
    edits: [
      { span: { start: cond.span.start, end: cond.span.start + header[0].length }, newText: `${header[1]}-${indent}` },
    ],
  };
}

/** `${{ a }} && ${{ b }}` becomes `${{ a && b }}` when what lies between is operators and literals that still parse. */
function combineFix(cond: ScalarValue, value: string, exprs: ReturnType<typeof findExpressions>): Fix | undefined {
  let combined = '';
  let last = 0;
  for (const e of exprs) {
    combined += value.slice(last, e.span.start);
    const inner = e.inner.trim();
    combined += exprs.length === 1 || /^[\w.\-*[\]']+$/.test(inner) ? inner : `(${inner})`;
    last = e.span.end;
  }
  combined = (combined + value.slice(last)).trim();
  if (!combined || combined.includes('${{') || combined.includes('}}')) return undefined;
  // The shared parser knows no status functions (success(), failure()...), which are valid in if: conditions.
  const parsed = parseExpression(combined, 0);
  if (parsed.error && !/^Unrecognized function: '(success|failure|always|cancelled)'/i.test(parsed.error))
    return undefined;
  const newValue = `\${{ ${combined} }}`;
  // A plain scalar cannot hold `: ` or ` #`; double quotes can hold anything JSON escapes.
  const scalar = /: | #|^[!&*%@`]/.test(newValue) || /[\n"]/.test(newValue) ? JSON.stringify(newValue) : newValue;
  return {
    title: `Rewrite as one expression: ${newValue}`,
    safety: 'unsafe',
    isPreferred: true,
    edits: [{ span: cond.span, newText: scalar }],
  };
}
