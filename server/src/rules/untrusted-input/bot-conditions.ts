import { type Fix } from '../../engine/types';
import { defineRule } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import type { ScalarValue } from '../../model/common';
import type { Workflow } from '../../model/workflow';
import { conditionalReach, outsiderReachable } from '../../analysis/triggers';

const ACTOR = String.raw`github\.(?:actor|triggering_actor)|github\.event\.sender\.login|github\[['"](?:actor|triggering_actor)['"]\]`;
const BOT = String.raw`'[^']*(?:\[bot\]|dependabot|renovate)[^']*'`;
/** `actor == 'x[bot]'`, `'x[bot]' == actor`, and contains/startsWith/endsWith(actor, 'bot...') (literal in group 5). */
const SPOOFABLE = new RegExp(
  String.raw`(${ACTOR})\s*==\s*${BOT}|${BOT}\s*==\s*(${ACTOR})|(?:contains|startswith|endswith)\(\s*(${ACTOR})\s*,\s*(${BOT})\s*\)`,
  'gi',
);

/**
 * The exact login a partial bot match means: `startsWith(actor, 'dependabot')` -> dependabot[bot]. Rewriting only the
 * actor would leave a substring test on the author's login, which any account named e.g. `dependabot-x` passes.
 */
function exactBotLogin(literal: string): string | undefined {
  const text = literal.slice(1, -1).toLowerCase();
  const named = /^([a-z0-9-]+)\[bot\]$/.exec(text);
  if (named) return `${named[1]}[bot]`;
  if (text.includes('dependabot')) return 'dependabot[bot]';
  if (text.includes('renovate')) return 'renovate[bot]';
  return undefined;
}

/** For each trigger family, the login of the user who opened the thing, which a bot check should test instead. */
const AUTHOR_FOR: Record<string, string> = {
  pull_request: 'github.event.pull_request.user.login',
  pull_request_target: 'github.event.pull_request.user.login',
  pull_request_review: 'github.event.pull_request.user.login',
  pull_request_review_comment: 'github.event.pull_request.user.login',
};

export default defineRule({
  meta: {
    id: 'bot-conditions',
    title: 'Spoofable bot check',
    description:
      'A condition trusts github.actor (or triggering_actor / sender) being a bot such as dependabot[bot], which an outsider can arrange on events they cause.',
    severity: 'high',
    confidence: 'low',
    category: 'untrusted-input',
    aliases: ['bot-conditions', 'spoofable-bot-check'],
    appliesTo: ['workflow'],
    fixable: true,
    fixSafety:
      'Always unsafe: the rewritten condition checks the pull request author instead of the actor, which changes which runs pass it; that is the intent, but review it.',
    docs: {
      risk: "`github.actor` is whoever caused the latest event, not who wrote the pull request. An attacker can get a bot to act on their pull request or fork (for example by having Dependabot rebase a branch they control, or by triggering a re-run at the right moment), so `if: github.actor == 'dependabot[bot]'` lets their code through to auto-merge, secrets or a write token.",
      remediation:
        "Check who authored the change, e.g. `github.event.pull_request.user.login == 'dependabot[bot]'`, and for Dependabot also use `dependabot/fetch-metadata`. A substring or prefix test (`startsWith(github.actor, 'dependabot')`) becomes an exact comparison, since any account may be named like a bot (`dependabot-helper`); a test for any `[bot]` has no exact form and gets no fix. The quick-fix rewrites the check on pull request events.",
      severity:
        "Low on `pull_request` (and other fork-sandboxed events): a fork's run has no secrets and a read-only token, so a spoofed actor gains nothing. High where the guarded job runs privileged (pull_request_target, workflow_run, comments, reviews); low when the condition already lets forks through (the bot clause is OR'ed with a fork check) or the privileged runs come only from labels (the actor of a labeled event is the labeller, who needs triage access). Default confidence lowered from medium to low: both medium/high corpus findings in the judged sample were false or debatable (the condition already admitted forks, or the bot cannot be made to act on an outsider's pull request).",
      vulnerableExample:
        'on: pull_request_target\njobs:\n  automerge:\n    if: github.actor == \'dependabot[bot]\'\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh pr merge --auto "$PR"\n',
      safeExample:
        'on: pull_request_target\njobs:\n  automerge:\n    if: github.event.pull_request.user.login == \'dependabot[bot]\'\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh pr merge --auto "$PR"\n',
      references: [
        'https://docs.zizmor.sh/audits/#bot-conditions',
        'https://www.synacktiv.com/publications/github-actions-exploitation-dependabot',
      ],
    },
  },

  job(job, wf, ctx) {
    if (job.if) check(job.if, wf, ctx, [job.if.text]);
  },
  step(step, job, wf, ctx) {
    if (step.if) check(step.if, wf, ctx, [job.if?.text, step.if.text]);
  },
});

function check(cond: ScalarValue, wf: Workflow, ctx: AnalysisContext, conditions: Array<string | undefined>): void {
  const reach = conditionalReach(wf, conditions);
  if (!outsiderReachable(reach)) return;
  const source = ctx.text.slice(cond.span.start, cond.span.end);
  const events = [...new Set(wf.triggers.map((t) => t.event))];
  const moot = mootReason(source, wf, ctx.text);
  const authors = new Set(events.map((e) => AUTHOR_FOR[e]));
  const author = authors.size === 1 ? [...authors][0] : undefined;
  for (const m of source.matchAll(SPOOFABLE)) {
    const actor = m[1] ?? m[2] ?? m[3];
    const start = cond.span.start + m.index! + m[0].indexOf(actor);
    const span = { start, end: start + actor.length };
    // A contains/startsWith/endsWith test becomes an exact comparison; a test for any '[bot]' has no exact form.
    const login = m[4] ? exactBotLogin(m[4]) : undefined;
    const callSpan = { start: cond.span.start + m.index!, end: cond.span.start + m.index! + m[0].length };
    const fix: Fix | undefined =
      author && (!m[4] || login)
        ? {
            title: `Check the pull request author (${author}) instead of ${actor}`,
            safety: 'unsafe',
            isPreferred: true,
            edits: [m[4] ? { span: callSpan, newText: `${author} == '${login}'` } : { span, newText: author }],
          }
        : undefined;
    ctx.report({
      message:
        `${actor} is whoever caused the latest event, not the author: an outsider can make a bot the actor on ${events.join('/')} events. Check ${author ?? 'the author of the pull request or comment'} instead${m[4] ? (login ? `, and compare it exactly with '${login}': any account may be named like a bot` : ", and compare it exactly with the bot's login: any account may be named like a bot") : ''}.` +
        (reach !== 'outsider-privileged'
          ? " (Low: a fork's pull_request run has no secrets and a read-only token, so a spoofed actor gains nothing.)"
          : moot
            ? ` (Low: ${moot}.)`
            : ''),
      span,
      // Only privileged events (pull_request_target, workflow_run, comments, reviews) hand the spoofer secrets or write access.
      severity: reach === 'outsider-privileged' && !moot ? 'high' : 'low',
      fixes: fix ? [fix] : [],
    });
  }
}

/** A condition that already admits forks: `head_repository.full_name != github.repository`, `head.repo.fork`. */
const ADMITS_FORKS =
  /head_repository\.full_name\s*!=\s*github\.repository|github\.repository\s*!=\s*github\.event\.\w+\.head_repository\.full_name|head\.repo\.full_name\s*!=\s*github\.repository|head\.repo\.fork\s*(==\s*true)?\s*(\|\||\)|$)/;

/**
 * Why spoofing the actor gains nothing here, if it does not: the condition lets forks in anyway (the bot clause is
 * OR'ed with it), or the only privileged events are labels, whose actor is the labeller (who needs triage access).
 */
function mootReason(condition: string, wf: Workflow, text: string): string | undefined {
  if (ADMITS_FORKS.test(condition) && /\|\|/.test(condition))
    return "the condition already lets forks' runs through, so a spoofed actor gets nothing more";
  // Events the condition itself names (`github.event_name == 'pull_request_target'`) are the only ones it runs on.
  const named = [...condition.matchAll(/github\.event_name\s*==\s*'(\w+)'/g)].map((m) => m[1]);
  const privileged = wf.triggers.filter(
    (t) => t.event !== 'pull_request' && t.event !== 'push' && (named.length === 0 || named.includes(t.event)),
  );
  const labelsOnly =
    privileged.length > 0 &&
    privileged.every((t) => {
      if (t.event !== 'pull_request_target' && t.event !== 'issues') return false;
      const config = t.config as { range?: number[] } | undefined;
      const types = config?.range
        ? /types:\s*(\[[^\]]*\]|(?:\s*-\s*\w+)+)/.exec(text.slice(config.range[0], config.range[1]))
        : null;
      return !!types && /^[\s[\]\-,]*(?:(?:labeled|unlabeled)[\s\]\-,]*)+$/.test(types[1]);
    });
  return labelsOnly
    ? 'the privileged runs come from labels, and whoever labels (the actor) needs triage access'
    : undefined;
}
