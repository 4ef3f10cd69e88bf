import { defineRule } from '../../engine/rule';
import { type Confidence, type Severity } from '../../analysis/levels';
import type { AnalysisContext } from '../../engine/context';
import type { Step } from '../../model/workflow';
import {
  actionTaint,
  taintSeverity,
  describeTaint,
  expressionTaints,
  lineTaint,
  minConfidence,
  scriptLines,
  workflowTaint,
  type Taint,
  type TaintScope,
} from '../../analysis/taint';
import { describeReach, type Reach } from '../../analysis/triggers';

const FILES =
  /\$\{?(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT)\b|\$env:(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT)\b|%(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT)%/i;
/** Values that can hold a newline, which is what lets one write add a second, attacker-chosen variable. */
const MULTILINE = /(body|message|description|\.from|outputs|inputs)/;
const LOWER: Record<Severity, Severity> = { high: 'medium', medium: 'low', low: 'low', info: 'info' };

export default defineRule({
  meta: {
    id: 'github-env',
    title: 'Untrusted data written to GITHUB_ENV, GITHUB_PATH or GITHUB_OUTPUT',
    description:
      'A step writes attacker-controllable text into $GITHUB_ENV, $GITHUB_PATH or $GITHUB_OUTPUT, where it can define environment variables, PATH entries or outputs for later steps.',
    severity: 'high',
    confidence: 'high',
    category: 'untrusted-input',
    aliases: ['github-env', 'github_env', 'env-injection'],
    appliesTo: ['workflow', 'action'],
    fixable: false,
    docs: {
      risk: 'Lines written to $GITHUB_ENV become environment variables of every later step; $GITHUB_PATH entries are searched for commands first. A value with a newline (an issue body, a commit message) can add its own line: `LD_PRELOAD=`, `BASH_ENV=`, `NODE_OPTIONS=--require ...` or a PATH directory the attacker fills, turning the next step into their code. Written to $GITHUB_OUTPUT, the same text adds or overrides step outputs that later steps may trust. Values that cannot contain a newline (branch names, titles) are reported at lower confidence.',
      remediation:
        'Do not forward untrusted text through these files. Pass it to the step that needs it with `env:` directly, or validate it first (e.g. `[[ "$BRANCH" =~ ^[A-Za-z0-9._/-]+$ ]]`). When a multi-line value is unavoidable, use a random heredoc delimiter (`EOF_$(openssl rand -hex 8)`) and never write to $GITHUB_PATH from untrusted data.',
      severity:
        'Same rules as template-injection: callee inputs follow the visible callers (low when none is visible), dispatch inputs are low, `pull_request` is low.',
      vulnerableExample:
        'on: issues\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          BODY: ${{ github.event.issue.body }}\n        run: echo "ISSUE_BODY=$BODY" >> "$GITHUB_ENV"\n',
      safeExample:
        'on: issues\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          BODY: ${{ github.event.issue.body }}\n        run: ./triage.sh "$BODY"\n',
      references: [
        'https://securitylab.github.com/research/github-actions-untrusted-input/',
        'https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions#environment-files',
      ],
    },
  },

  step(step, job, wf, ctx) {
    const t = workflowTaint(wf, ctx);
    check(step, t.stepScope(step), t.reachOf(job, step), ctx);
  },

  actionStep(step, action, ctx) {
    check(step, actionTaint(action, ctx).stepScope(step), 'action', ctx);
  },
});

function check(step: Step, scope: TaintScope, reach: Reach | 'action', ctx: AnalysisContext): void {
  if (step.run && FILES.test(step.run.text)) {
    for (const line of scriptLines(step.run, ctx.text)) {
      const m = FILES.exec(line.line);
      if (!m) continue;
      const taint = lineTaint(line, scope);
      if (!taint) continue;
      // Point at the written text, without the line's indentation.
      const indent = line.line.length - line.line.trimStart().length;
      report(ctx, { start: line.start + indent, end: line.end }, (m[1] ?? m[2] ?? m[3]).toUpperCase(), taint, reach);
    }
  }
  if (step.uses?.slug === 'actions/github-script') {
    const script = step.with?.entries.find((e) => e.name === 'script')?.value;
    if (!script || !/core\.(exportVariable|addPath|setOutput)\s*\(/.test(script.text)) return;
    for (const expr of script.expressions) {
      const line = ctx.text.slice(
        ctx.text.lastIndexOf('\n', expr.span.start) + 1,
        ctx.text.indexOf('\n', expr.span.end) === -1 ? undefined : ctx.text.indexOf('\n', expr.span.end),
      );
      const fn = /core\.(exportVariable|addPath|setOutput)\s*\(/.exec(line);
      const hit = fn ? expressionTaints(expr, scope)[0] : undefined;
      if (fn && hit)
        report(
          ctx,
          expr.span,
          fn[1] === 'addPath' ? 'GITHUB_PATH' : fn[1] === 'setOutput' ? 'GITHUB_OUTPUT' : 'GITHUB_ENV',
          hit.taint,
          reach,
        );
    }
  }
}

function report(
  ctx: AnalysisContext,
  span: { start: number; end: number },
  file: string,
  taint: Taint,
  reach: Reach | 'action',
): void {
  const multiline = MULTILINE.test(taint.origin) || MULTILINE.test(taint.via ?? '');
  let severity: Severity = taintSeverity(taint, reach);
  if (file === 'GITHUB_OUTPUT') severity = LOWER[severity];
  if (!multiline && file !== 'GITHUB_PATH') severity = LOWER[severity];
  const confidence: Confidence =
    multiline || file === 'GITHUB_PATH' ? taint.confidence : minConfidence(taint.confidence, 'low');
  const effect =
    file === 'GITHUB_PATH'
      ? 'an attacker-chosen directory is searched first for every later command'
      : file === 'GITHUB_ENV'
        ? 'a newline in it defines any environment variable (LD_PRELOAD, BASH_ENV, NODE_OPTIONS) for later steps'
        : 'a newline in it sets other outputs later steps may trust';
  ctx.report({
    message: `${describeTaint(taint)} is written to $${file}: ${effect}.${multiline ? '' : ' It is unlikely to contain a newline, so confidence is lower.'} (${taint.source === 'event' ? describeReach(taint.reach ?? reach) : taint.source === 'dispatch-input' ? 'only users with write access can dispatch it' : `${taint.caller ? `passed by ${taint.caller}, ` : ''}it depends on what callers pass`})`,
    span,
    severity,
    confidence,
    properties: { file, context: taint.origin },
  });
}
