import { type Fix } from '../../engine/types';
import { defineRule } from '../../engine/rule';
import type { Confidence, Severity } from '../../analysis/levels';
import type { AnalysisContext } from '../../engine/context';
import type { Job, Step } from '../../model/workflow';
import {
  actionTaint,
  describeTaint,
  expressionTaints,
  taintSeverity,
  workflowTaint,
  type Taint,
  type TaintScope,
} from '../../analysis/taint';
import { describeReach, type Reach } from '../../analysis/triggers';
import { ARGUMENT_TOOLS, type OptionsSeparator } from '../../knowledge/untrusted-input';
import type { ExpressionOccurrence } from '../../expressions/parse';
import { posixCommands, scriptSource, stepLanguage, type Word, commandNameIndex } from '../../analysis/shell-words';

export default defineRule({
  meta: {
    id: 'argument-injection',
    title: 'Untrusted value passed where it can add command-line options',
    description:
      'An attacker-controllable value (a PR title, a branch name, changed file names...) held in an environment variable is passed as an argument to git, gh, curl, wget, tar, npm, pip, rsync, ssh, find or xargs with no `--` before it: a value starting with `-` becomes an option.',
    severity: 'medium',
    confidence: 'medium',
    category: 'untrusted-input',
    aliases: ['argument-injection', 'option-injection'],
    appliesTo: ['workflow', 'action'],
    fixable: true,
    fixSafety:
      "Unsafe: inserting `--` (git: `--end-of-options`, which needs git 2.24 or later) changes nothing for values that do not start with `-`, but a legitimate value that does is now read as an operand, and a self-hosted runner's older git rejects `--end-of-options`. Offered only when no later argument of the command is an option (they would become operands too) and the command supports a separator; otherwise the finding says how to make the value safe (prefix `./` to a path, validate a ref).",
    docs: {
      risk: 'Quoting a variable keeps it one argument, but the command still parses that argument: a branch named `--upload-pack=evil` for `git fetch origin "$BRANCH"`, a file named `--checkpoint-action=exec=sh x` for `tar`, `-oProxyCommand=...` for `ssh`, `--output=...` for `git diff` or `-exec` for `find` turn data into options that run commands or overwrite files, with the job\'s token and secrets. Moving `${{ }}` into `env:` (the template-injection fix) does not remove this.',
      remediation:
        'End the options before the value: `git checkout --end-of-options "$BRANCH"` (git uses `--` for paths), `gh pr checkout -- "$REF"`, `tar -xf archive -- "$FILE"`. For commands without a separator, prefix paths with `./` or validate the value (`[[ $BRANCH =~ ^[A-Za-z0-9._/][A-Za-z0-9._/-]*$ ]]`).',
      severity:
        'At most medium: which options a tool offers decides the impact, from writing a file to running a command. Medium when any GitHub user can trigger the workflow with secrets or a write token (pull_request_target, issue_comment, workflow_run...), low otherwise and for inputs whose callers are not visible. Branch names are low confidence: `git branch` refuses a name that starts with `-`, though a pushed ref is checked less strictly. A value right after an option (`-b "$BRANCH"`) is taken as that option\'s argument and is not reported.',
      vulnerableExample:
        'on: pull_request_target\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          TITLE: ${{ github.event.pull_request.title }}\n        run: git commit --allow-empty -m x && git tag "$TITLE"\n',
      safeExample:
        'on: pull_request_target\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          TITLE: ${{ github.event.pull_request.title }}\n        run: git commit --allow-empty -m x && git tag --end-of-options "$TITLE"\n',
      references: [
        'https://cwe.mitre.org/data/definitions/88.html',
        'https://sonarsource.github.io/argument-injection-vectors/',
      ],
    },
  },

  step(step, job, wf, ctx) {
    const taint = workflowTaint(wf, ctx);
    check(step, job, taint.stepScope(step), taint.reachOf(job, step), ctx);
  },

  actionStep(step, action, ctx) {
    check(step, undefined, actionTaint(action, ctx).stepScope(step), 'action', ctx);
  },
});

/** The runner sets it to the pull request's head branch on pull request events. */
const HEAD_REF_TAINT: Taint = { confidence: 'high', source: 'event', origin: 'github.head_ref', kind: 'ref' };

const SHELL_VAR = /^"?\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/;

function check(step: Step, job: Job | undefined, scope: TaintScope, reach: Reach | 'action', ctx: AnalysisContext) {
  const run = step.run;
  if (!run || !/\$/.test(run.text)) return;
  if (stepLanguage(step, job) !== 'posix') return;
  const source = scriptSource(ctx.text, run);
  if (!source) return;
  const exprAt = new Map(run.expressions.map((e) => [e.span.start, e]));
  for (const command of posixCommands(ctx.text, source.from, source.to))
    checkCommand(command, scope, exprAt, reach, ctx);
}

/** The tainted value a word starts with: a shell variable or a `${{ }}` expression (GitHub pastes it in first). */
function taintOf(
  word: Word,
  scope: TaintScope,
  exprAt: ReadonlyMap<number, ExpressionOccurrence>,
): { label: string; taint: Taint } | undefined {
  const quoted = word.text.startsWith('"') ? 1 : 0;
  const expr = exprAt.get(word.start + quoted);
  if (expr) {
    const hits = expressionTaints(expr, scope);
    const best = hits.find((h) => h.taint.confidence === 'high') ?? hits[0];
    return best ? { label: `\${{ ${expr.inner.trim()} }}`, taint: best.taint } : undefined;
  }
  const m = SHELL_VAR.exec(word.text);
  if (!m) return undefined;
  const name = m[1] ?? m[2];
  const lower = name.toLowerCase();
  const taint = scope.env.get(lower) ?? (lower === 'github_head_ref' ? HEAD_REF_TAINT : undefined);
  return taint ? { label: `$${name}`, taint } : undefined;
}

function checkCommand(
  words: Word[],
  scope: TaintScope,
  exprAt: ReadonlyMap<number, ExpressionOccurrence>,
  reach: Reach | 'action',
  ctx: AnalysisContext,
): void {
  const k = commandNameIndex(words);
  if (k >= words.length) return;
  const tool = words[k].text.replace(/^.*\//, '');
  const known = ARGUMENT_TOOLS.get(tool);
  if (!known) return;
  const args = words.slice(k + 1);
  // The first operand, skipping the value of a short global option (`git -C dir tag`).
  const subcommand = known.subcommands
    ? args.find((w, i) => !w.text.startsWith('-') && !/^-[A-Za-z]$/.test(args[i - 1]?.text ?? ''))?.text
    : undefined;
  const separator: OptionsSeparator | undefined =
    (subcommand && known.subcommandSeparators && Object.hasOwn(known.subcommandSeparators, subcommand)
      ? known.subcommandSeparators[subcommand]
      : undefined) ?? known.separator;
  // `tar czf NAME FILE`: bundled letters take the following words as values; skip one word per letter (at worst a miss).
  const optionValues = known.oldStyleOptions && args[0] && !args[0].text.startsWith('-') ? args[0].text.length : 0;
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (i <= optionValues && optionValues > 0) continue;
    if (word.text === '--' || word.text === '--end-of-options') return;
    const previous = args[i - 1]?.text;
    // Right after an option it is most likely that option's value (`-b "$BRANCH"`, `-m "$TITLE"`).
    if (previous && /^-/.test(previous) && !previous.includes('=')) continue;
    const hit = taintOf(word, scope, exprAt);
    if (!hit) continue;
    report(word, hit, subcommand ? `${tool} ${subcommand}` : tool, separator, args.slice(i + 1), reach, ctx);
    return;
  }
}

const CAP: Record<Severity, Severity> = { high: 'medium', medium: 'medium', low: 'low', info: 'info' };

function report(
  word: Word,
  hit: { label: string; taint: Taint },
  tool: string,
  separator: OptionsSeparator | undefined,
  rest: Word[],
  reach: Reach | 'action',
  ctx: AnalysisContext,
): void {
  const { taint } = hit;
  const severity = CAP[taintSeverity(taint, reach)];
  // Branch names rarely start with `-`; backslash-escaped outputs keep a leading `-` but break most option values.
  const confidence: Confidence = taint.kind === 'ref' || taint.shellEscaped ? 'low' : taint.confidence;
  const laterOption = rest.some((w) => w.text.startsWith('-'));
  const fix: Fix | undefined =
    separator && !laterOption
      ? {
          title: `Insert ${separator} before ${hit.label} so ${tool} reads it as an operand`,
          safety: 'unsafe',
          isPreferred: true,
          edits: [{ span: { start: word.start, end: word.start }, newText: `${separator} ` }],
        }
      : undefined;
  const advice = separator
    ? `Put ${separator} before it${laterOption ? ' (and move the options after it before that)' : ''}.`
    : `${tool.split(' ')[0]} has no end-of-options marker: prefix a path with ./ or validate the value first.`;
  const what = taint.kind === 'ref' ? 'a branch name' : taint.kind === 'filenames' ? 'file names' : 'free text';
  ctx.report({
    message: `${hit.label} holds ${describeTaint(taint)}, ${what}, and is passed to ${tool} with no end of options before it: a value starting with - becomes an option. ${advice} (${describeReach(taint.reach ?? reach)})`,
    span: { start: word.start, end: word.start + word.text.length },
    severity,
    confidence,
    fixes: fix ? [fix] : [],
    properties: { context: taint.origin, via: taint.via, tool: tool.split(' ')[0] },
  });
}
