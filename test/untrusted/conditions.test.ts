// Whether an if: can hold for a run: the event that started it, an outsider as the actor, the ref it is on.
// Real conditions from the corpus (pulumi, wasmtime, sveltejs, rust-lang/rustup), read by GitHub's own parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionsCanEverHold, conditionsCanHold } from '../../server/src/analysis/conditions';
import { jobEvents } from '../../server/src/analysis/triggers';
import { buildWorkflow } from '../../server/src/model/workflow';
import { parseYaml } from '../../server/src/yaml/parse';

const MEMBERS = `contains(fromJSON('["COLLABORATOR", "MEMBER", "OWNER"]'), github.event.comment.author_association) && github.event.issue.pull_request != ''`;
const LOGINS = `(github.event_name == 'issue_comment') && (('abrown' == github.event.comment.user.login) || ('cfallin' == github.event.comment.user.login))`;
const SVELTE = `github.event_name == 'workflow_dispatch' || (github.event.comment.body == '/autofix' && contains(fromJSON('["OWNER", "MEMBER", "COLLABORATOR"]'), github.event.comment.author_association))`;

test('an outsider cannot pass a member-role or fixed-login gate', () => {
  for (const cond of [MEMBERS, LOGINS, SVELTE])
    assert.equal(conditionsCanHold([cond], { event: 'issue_comment', outsider: true }), false, cond);
  // A member can, and so can anyone when the facts say nothing about the actor.
  assert.equal(conditionsCanHold([MEMBERS], { event: 'issue_comment' }), true);
  // workflow_dispatch is the other branch of sveltejs' condition.
  assert.equal(conditionsCanHold([SVELTE], { event: 'workflow_dispatch', outsider: true }), true);
});

test('gates outsiders pass are not gates', () => {
  const contributor = `contains(fromJSON('["MEMBER", "CONTRIBUTOR"]'), github.event.comment.author_association)`;
  const notBot = `github.event.comment.user.login != 'dependabot[bot]'`;
  const unparsable = `github.event.comment.author_association == 'OWNER' &&& (`;
  for (const cond of [contributor, notBot, unparsable, `\${{ ${MEMBERS} || true }}`])
    assert.equal(conditionsCanHold([cond], { event: 'issue_comment', outsider: true }), true, cond);
});

test("a step's ref condition that its job's condition excludes never holds", () => {
  const events = ['merge_group', 'pull_request', 'push', 'workflow_dispatch', 'schedule'];
  const prJob = `\${{ contains(fromJSON('["pull_request", "merge_group"]'), github.event_name) }}`;
  const mainJob = `\${{ github.event_name == 'push' && (github.ref_name == 'main' || startsWith(github.ref_name, 'release/')) }}`;
  const stableStep = `github.event_name == 'push' && github.ref == 'refs/heads/stable' && matrix.mode == 'release'`;
  assert.equal(conditionsCanEverHold(events, [prJob, stableStep]), false);
  assert.equal(conditionsCanEverHold(events, [mainJob, stableStep]), false);
  const stableJob = `\${{ github.event_name == 'push' && github.ref_name == 'stable' || github.event_name == 'schedule' }}`;
  assert.equal(conditionsCanEverHold(events, [stableJob, stableStep]), true);
  // A release branch satisfies the main job's startsWith.
  assert.equal(conditionsCanEverHold(events, [mainJob, `github.ref == 'refs/heads/release/1.28'`]), true);
  // No triggers known: nothing to rule out.
  assert.equal(conditionsCanEverHold([], [prJob, stableStep]), true);
});

test("on issue_comment the issue author's login or association is not the commenter's", () => {
  const issueAuthor = `github.event.issue.author_association == 'OWNER' || github.event.issue.user.login == 'alice'`;
  assert.equal(conditionsCanHold([issueAuthor], { event: 'issue_comment', outsider: true }), true);
  assert.equal(conditionsCanHold([issueAuthor], { event: 'issues', outsider: true }), false);
});

test('status functions parse, and a skipped need makes `needs.<id>.result == success` false', () => {
  // astral-sh/ruff release.yml: announce runs after a release gate that only workflow_dispatch starts.
  const announce = `\${{ always() && needs.host.result == 'success' && needs.release-gate.result == 'success' }}`;
  const skipped = new Set(['release-gate']);
  assert.equal(conditionsCanHold([announce], { event: 'pull_request', skippedNeeds: skipped }), false);
  assert.equal(conditionsCanHold([announce], { event: 'workflow_dispatch' }), true);
  const continues = `\${{ always() && (needs.release-gate.result == 'success' || needs.release-gate.result == 'skipped') }}`;
  assert.equal(conditionsCanHold([continues], { event: 'pull_request', skippedNeeds: skipped }), true);
  // Before status functions were known, `always() && github.event_name == 'push'` did not parse and might hold.
  assert.equal(conditionsCanHold([`always() && github.event_name == 'push'`], { event: 'pull_request' }), false);
});

test("a job that needs a dispatch-only job does not run on the workflow's other triggers", () => {
  const text = [
    'on: [pull_request, workflow_dispatch]',
    'jobs:',
    '  gate:',
    "    if: github.event_name == 'workflow_dispatch'",
    '    runs-on: ubuntu-latest',
    '    steps: [{ run: echo }]',
    '  announce:',
    '    needs: gate',
    "    if: always() && needs.gate.result == 'success'",
    '    runs-on: ubuntu-latest',
    '    steps: [{ run: echo }]',
    '  publish:',
    '    needs: announce',
    '    runs-on: ubuntu-latest',
    '    steps: [{ run: echo }]',
    '  report:',
    '    needs: publish',
    '    if: always()',
    '    runs-on: ubuntu-latest',
    '    steps: [{ run: echo }]',
  ].join('\n');
  const wf = buildWorkflow(parseYaml(text), '.github/workflows/release.yml')!;
  const job = (id: string) => wf.jobs.find((j) => j.id === id)!;
  assert.deepEqual(jobEvents(wf, job('publish')), ['workflow_dispatch']);
  assert.deepEqual(jobEvents(wf, job('report')), ['pull_request', 'workflow_dispatch']);
});
