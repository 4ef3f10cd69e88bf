import { defineRule } from '../../engine/rule';
import { type Confidence, type Severity } from '../../analysis/levels';
import type { AnalysisContext } from '../../engine/context';
import type { Step } from '../../model/workflow';
import type { Span } from '../../text/span';
import {
  actionTaint,
  taintSeverity,
  describeTaint,
  expressionTaints,
  envFileSinks,
  lineTaint,
  minConfidence,
  scriptLines,
  workflowTaint,
  type Taint,
  type TaintScope,
} from '../../analysis/taint';
import { describeReach, gatedReach, type Reach } from '../../analysis/triggers';
import { passedByVisibleCaller, type CalleeSink, type SinkHit } from '../../analysis/callee-flow';
import type { Job, Workflow } from '../../model/workflow';
import { callSiteOf, reportThroughCall, type CallSite } from '../_untrusted-input/through-calls';

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
      risk: 'Lines written to $GITHUB_ENV become environment variables of every later step; $GITHUB_PATH entries are searched for commands first. A value with a newline (an issue body, a commit message) can add its own line: `LD_PRELOAD=`, `BASH_ENV=`, `NODE_OPTIONS=--require ...` or a PATH directory the attacker fills, turning the next step into their code. Written to $GITHUB_OUTPUT, the same text adds or overrides step outputs that later steps may trust. Values that cannot contain a newline (branch names, titles) are reported at lower confidence. The write is followed through the script: a variable derived from the text (`S=$(echo "$BODY" | head -n 20)`, `read`, `for`, a pwsh `$s = $env:BODY`, a cmd `set S=%BODY%`) and an unquoted heredoc (`cat >> $GITHUB_ENV <<EOF`) count; a derived $GITHUB_OUTPUT write is reported where a later step uses the output.',
      remediation:
        'Do not forward untrusted text through these files. Pass it to the step that needs it with `env:` directly, or validate it first (e.g. `[[ "$BRANCH" =~ ^[A-Za-z0-9._/-]+$ ]]`). A quoted heredoc (`<<\'EOF\'`) writes its text as is. When a multi-line value is unavoidable, use a random heredoc delimiter (`EOF_$(openssl rand -hex 8)`) and never write to $GITHUB_PATH from untrusted data.',
      severity:
        "Same rules as template-injection: attacker text a visible caller passes into a local callee that writes it is reported at the caller's `with:` entry with the path into the callee; callee inputs with no visible caller are low, dispatch inputs are low, `pull_request` is low.",
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

  job(job, wf, ctx) {
    reportCalls(job, undefined, wf, ctx);
  },

  step(step, job, wf, ctx) {
    const t = workflowTaint(wf, ctx);
    for (const w of writes(step, t.stepScope(step), ctx.text, job))
      if (!passedByVisibleCaller(w.taint)) report(ctx, w, gatedReach(wf, job, t.reachOf(job, step)));
    reportCalls(job, step, wf, ctx);
  },

  actionStep(step, action, ctx) {
    const scope = actionTaint(action, ctx).stepScope(step);
    for (const w of writes(step, scope, ctx.text)) if (!passedByVisibleCaller(w.taint)) report(ctx, w, 'action');
    const site = callSiteOf(undefined, step, scope, 'action');
    if (site) reportCallSite(ctx, site);
  },
});

interface Write {
  span: Span;
  file: string;
  taint: Taint;
  /** Where a script variable took the tainted text, first hop first. */
  related?: Array<{ span: Span; message: string }>;
}

/** Tainted writes of one step to the environment files (or github-script's core.exportVariable/addPath/setOutput). */
function writes(step: Step, scope: TaintScope, text: string, job?: Job): Write[] {
  const out: Write[] = [];
  if (step.run && FILES.test(step.run.text)) {
    for (const line of scriptLines(step.run, text)) {
      const m = FILES.exec(line.line);
      if (!m) continue;
      const taint = lineTaint(line, scope);
      if (!taint) continue;
      // Point at the written text, without the line's indentation.
      const indent = line.line.length - line.line.trimStart().length;
      out.push({
        span: { start: line.start + indent, end: line.end },
        file: (m[1] ?? m[2] ?? m[3]).toUpperCase(),
        taint,
      });
    }
  }
  // Writes the line reader cannot see: a variable the script derived from tainted text, a heredoc body. Outputs are
  // left to the steps that use them (taint follows them to a sink there).
  const lineWrites = out.length;
  if (step.run)
    for (const sink of envFileSinks(step, job, scope, text)) {
      if (sink.kind !== 'env-file' || sink.file === 'GITHUB_OUTPUT') continue;
      if (out.slice(0, lineWrites).some((w) => w.span.start <= sink.span.start && sink.span.start < w.span.end))
        continue;
      const lineStart = Math.max(text.lastIndexOf('\n', sink.span.start - 1) + 1, step.run.span.start);
      const lineEnd = text.indexOf('\n', sink.span.start);
      const line = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
      const span = { start: lineStart + line.length - line.trimStart().length, end: lineStart + line.trimEnd().length };
      out.push({ span, file: sink.file!, taint: sink.taint, related: sink.related });
    }
  if (step.uses?.slug === 'actions/github-script') {
    const script = step.with?.entries.find((e) => e.name === 'script')?.value;
    if (!script || !/core\.(exportVariable|addPath|setOutput)\s*\(/.test(script.text)) return out;
    for (const expr of script.expressions) {
      const line = text.slice(
        text.lastIndexOf('\n', expr.span.start) + 1,
        text.indexOf('\n', expr.span.end) === -1 ? undefined : text.indexOf('\n', expr.span.end),
      );
      const fn = /core\.(exportVariable|addPath|setOutput)\s*\(/.exec(line);
      const hit = fn ? expressionTaints(expr, scope)[0] : undefined;
      if (fn && hit)
        out.push({
          span: expr.span,
          file: fn[1] === 'addPath' ? 'GITHUB_PATH' : fn[1] === 'setOutput' ? 'GITHUB_OUTPUT' : 'GITHUB_ENV',
          taint: hit.taint,
        });
    }
  }
  return out;
}

/** Text this workflow (or composite action) passes into a local callee that writes it to an environment file: reported at the `with:` entry. */
function reportCalls(job: Job, step: Step | undefined, wf: Workflow, ctx: AnalysisContext): void {
  const t = workflowTaint(wf, ctx);
  const site = callSiteOf(job, step, step ? t.stepScope(step) : t.jobScope(job), t.reachOf(job, step));
  if (site) reportCallSite(ctx, site);
}

function reportCallSite(ctx: AnalysisContext, site: CallSite): void {
  const sinks = (s: Step, _job: unknown, scope: TaintScope, text: string): SinkHit[] =>
    writes(s, scope, text).map((w) => ({ span: w.span, what: `$${w.file}`, taint: w.taint }));
  reportThroughCall(
    ctx,
    site,
    sinks,
    rateWrite,
    'there a newline in it defines environment variables, PATH entries or outputs for later steps. Pass a value that cannot carry attacker text, or validate it in the callee before writing it.',
  );
}

function rateWrite(entering: Taint, sink: CalleeSink, reach: Reach | 'action') {
  const last = sink.hops[sink.hops.length - 1];
  return levels(entering, /\$(GITHUB_\w+)$/.exec(last)?.[1] ?? 'GITHUB_ENV', reach);
}

function levels(
  taint: Taint,
  file: string,
  reach: Reach | 'action',
): { severity: Severity; confidence: Confidence; multiline: boolean } {
  const multiline = MULTILINE.test(taint.origin) || MULTILINE.test(taint.via ?? '');
  let severity: Severity = taintSeverity(taint, reach);
  if (file === 'GITHUB_OUTPUT') severity = LOWER[severity];
  if (!multiline && file !== 'GITHUB_PATH') severity = LOWER[severity];
  const confidence: Confidence =
    multiline || file === 'GITHUB_PATH' ? taint.confidence : minConfidence(taint.confidence, 'low');
  return { severity, confidence, multiline };
}

function report(ctx: AnalysisContext, write: Write, reach: Reach | 'action'): void {
  const { span, file, taint, related } = write;
  const { severity, confidence, multiline } = levels(taint, file, reach);
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
    ...(related?.length ? { related } : {}),
    properties: { file, context: taint.origin },
  });
}
