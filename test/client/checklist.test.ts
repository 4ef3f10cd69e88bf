// The checklist's grouping and states, and the suppression comment the checklist inserts, on real engine findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';
import { CATEGORIES } from '../../server/src/engine/types';
import { ALL_RULES } from '../../server/src/rules/index';
import { LineIndex } from '../../server/src/text/lines';
import {
  buildChecklist,
  describeCounts,
  shortSummary,
  stateOf,
  type ChecklistFinding,
  type RuleSummary,
} from '../../client/src/checklistModel';
import { suppressionEdit } from '../../server/src/lsp/codeActions';
import { applyEdits } from '../../server/src/fixes/edits';

const RULES: RuleSummary[] = ALL_RULES.map((r) => ({ ...r.meta }));
// write-all is high where any user's comment becomes shell code next to the token.
const VULNERABLE =
  'on: issue_comment\npermissions: write-all\njobs:\n  build:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: curl http://example.com/x.sh | sh\n      - run: gh issue comment 1 --body "${{ github.event.comment.body }}"\n        env:\n          GH_TOKEN: ${{ github.token }}\n';

function findingsOf(text: string, uri: string): ChecklistFinding[] {
  const lines = new LineIndex(text);
  return analyze({ path: '.github/workflows/a.yml', text }).findings.map((f) => ({
    uri,
    ruleId: f.ruleId,
    message: f.message,
    severity: f.severity,
    range: { start: lines.positionAt(f.span.start), end: lines.positionAt(f.span.end) },
  }));
}

test('every category is listed in order with its rules, and findings sit under their rule', () => {
  const findings = findingsOf(VULNERABLE, 'file:///a.yml');
  assert.ok(
    findings.some((f) => f.ruleId === 'excessive-permissions') &&
      findings.some((f) => f.ruleId === 'insecure-transport'),
  );
  const checklist = buildChecklist(RULES, findings);
  assert.deepEqual(
    checklist.map((c) => c.category),
    [...CATEGORIES],
  );
  assert.equal(
    checklist.reduce((n, c) => n + c.rules.length, 0),
    RULES.length,
    'each rule appears once',
  );
  assert.equal(
    checklist.reduce((n, c) => n + c.total, 0),
    findings.length,
    'each finding appears once',
  );
  const leastPrivilege = checklist.find((c) => c.category === 'least-privilege')!;
  assert.equal(leastPrivilege.state, 'fail');
  assert.equal(leastPrivilege.rules[0].rule.id, 'excessive-permissions', 'rules with findings come first');
  assert.equal(checklist.find((c) => c.category === 'approval')!.state, 'pass');
});

test('active-file filtering keeps only that file', () => {
  const findings = [...findingsOf(VULNERABLE, 'file:///a.yml'), ...findingsOf(VULNERABLE, 'file:///b.yml')];
  const onlyB = buildChecklist(RULES, findings, 'file:///b.yml');
  const uris = new Set(onlyB.flatMap((c) => c.rules.flatMap((r) => r.findings.map((f) => f.uri))));
  assert.deepEqual([...uris], ['file:///b.yml']);
  assert.equal(
    onlyB.reduce((n, c) => n + c.total, 0),
    findings.length / 2,
  );
});

test('findings of a rule the client does not know are kept', () => {
  const checklist = buildChecklist(RULES, [
    {
      uri: 'file:///a.yml',
      ruleId: 'from-a-newer-server',
      message: 'm',
      severity: 'low',
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
    },
  ]);
  const audit = checklist.find((c) => c.category === 'audit')!;
  assert.ok(audit.rules.some((r) => r.rule.id === 'from-a-newer-server' && r.findings.length === 1));
  assert.equal(audit.state, 'warn');
});

test('states: fail on high/medium, warn on low/info, unchecked without rules', () => {
  assert.equal(stateOf({ high: 0, medium: 1, low: 0, info: 0 }, 1), 'fail');
  assert.equal(stateOf({ high: 0, medium: 0, low: 0, info: 2 }, 1), 'warn');
  assert.equal(stateOf({ high: 0, medium: 0, low: 0, info: 0 }, 1), 'pass');
  assert.equal(stateOf({ high: 0, medium: 0, low: 0, info: 0 }, 0), 'unchecked');
  assert.equal(describeCounts({ high: 2, medium: 0, low: 1, info: 0 }), '2 high, 1 low');
});

/** What flowguard/suppress answers for the client's "Suppress with a reason": the comment with the reason. */
function suppressWithReason(text: string, ruleId: string, reason: string): string {
  const finding = analyze({ path: '.github/workflows/a.yml', text }).findings.find((f) => f.ruleId === ruleId)!;
  const edit = suppressionEdit(text, new LineIndex(text), finding, undefined, reason)!;
  return applyEdits(text, [edit]);
}

test('a suppression with a reason silences the finding and is not itself reported', () => {
  const text = suppressWithReason(VULNERABLE, 'excessive-permissions', 'legacy\nbot needs it');
  assert.equal(
    text.split('\n')[1],
    'permissions: write-all # flowguard: ignore[excessive-permissions] legacy bot needs it',
  );
  const result = analyze({ path: '.github/workflows/a.yml', text });
  assert.ok(
    !result.findings.some((f) => f.ruleId === 'excessive-permissions' || f.ruleId === 'unjustified-suppression'),
    result.findings.map((f) => f.ruleId).join(),
  );
  assert.equal(result.suppressed, 1);
});

test('a line that already has a comment keeps it; the suppression follows it', () => {
  const before =
    'on: push\npermissions: write-all # set by the org template\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: echo\n';
  const text = suppressWithReason(before, 'excessive-permissions', 'org template');
  assert.equal(
    text.split('\n')[1],
    'permissions: write-all # set by the org template # flowguard: ignore[excessive-permissions] org template',
  );
  const result = analyze({ path: '.github/workflows/a.yml', text });
  assert.ok(!result.findings.some((f) => f.ruleId === 'excessive-permissions'));
  assert.equal(result.suppressed, 1);
});

test('tree descriptions are a short start of the message, cut at a word; short messages stay whole', () => {
  const long =
    "Job 'a' has no timeout-minutes: it may run (and hold its token and secrets) for 6 hours. Set a timeout.";
  const short = shortSummary(long);
  assert.ok(short.length <= 61, short);
  assert.ok(long.startsWith(short.replace(/…$/, '')), short);
  assert.equal(short, "Job 'a' has no timeout-minutes: it may run (and hold its…");
  const words = shortSummary(
    'Action actions/checkout is pinned to a branch or tag which can be moved by its owner at any time',
  );
  assert.match(words, /…$/);
  assert.ok(!/\s…$/.test(words) && words.length <= 61, words);
  assert.equal(shortSummary('Plain http download.'), 'Plain http download.');
});
