// The documented context lists: every dangerous entry is untrusted at high confidence, every safe entry is safe,
// the lists never overlap, and what is on neither list is judged conservatively.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyContext } from '../../server/src/analysis/contexts';
import { contextCapability } from '../../server/src/knowledge/event-contexts';
import { SAFE_CONTEXT_PATTERNS, UNTRUSTED_CONTEXT_PATTERNS } from '../../server/src/knowledge/untrusted-input';
import { conditionalReach, eventReach, workflowReach } from '../../server/src/analysis/triggers';
import { buildWorkflow } from '../../server/src/model/workflow';
import { parseYaml } from '../../server/src/yaml/parse';

const seg = (p: string) => p.toLowerCase().split('.');

test('every documented dangerous context is untrusted at high confidence, every safe one is safe', () => {
  for (const p of UNTRUSTED_CONTEXT_PATTERNS)
    assert.deepEqual(classifyContext(seg(p.replace(/\*/g, '0'))).kind, 'untrusted', p);
  for (const p of UNTRUSTED_CONTEXT_PATTERNS)
    assert.equal((classifyContext(seg(p)) as { confidence?: string }).confidence, 'high', p);
  for (const p of SAFE_CONTEXT_PATTERNS) assert.equal(classifyContext(seg(p.replace(/\*/g, 'x'))).kind, 'safe', p);
  const overlap = UNTRUSTED_CONTEXT_PATTERNS.filter((p) => SAFE_CONTEXT_PATTERNS.includes(p));
  assert.deepEqual(overlap, []);
});

test('fields below a dangerous context stay dangerous; unknown event fields are medium; other contexts are left to taint', () => {
  assert.equal(classifyContext(seg('github.event.pull_request.title.x')).kind, 'untrusted');
  assert.deepEqual(classifyContext(seg('github.event.issue.milestone.description')), {
    kind: 'untrusted',
    confidence: 'medium',
    why: "github.event.issue.milestone.description is free text in GitHub's webhook payload",
  });
  assert.deepEqual(classifyContext(seg('github.event.issue.nonexistent_field')), {
    kind: 'untrusted',
    confidence: 'medium',
    why: 'github.event.issue.nonexistent_field is event data not known to be safe',
  });
  assert.equal(classifyContext(seg('github.event.issue.milestone.number')).kind, 'safe');
  assert.equal(classifyContext(seg('github.event.pull_request.head.repo.html_url')).kind, 'safe');
  assert.equal(classifyContext(seg('github.run_id')).kind, 'safe');
  assert.equal(classifyContext(seg('steps.x.outputs.y')).kind, 'other');
});

test("the webhook schemas' capabilities: fixed fields are never tainted, structured ones are low confidence", () => {
  // Neither on the explicit lists nor caught by the safe leaf names: only the webhook schemas know these.
  assert.equal(classifyContext(seg('github.event.answer.reactions.+1')).kind, 'safe');
  assert.equal(classifyContext(seg('github.event.branches.0.protected')).kind, 'safe');
  assert.equal(classifyContext(seg('github.event.before')).kind, 'safe');
  assert.deepEqual(classifyContext(seg('github.event.pusher.email')), {
    kind: 'untrusted',
    confidence: 'low',
    why: 'github.event.pusher.email is constrained text (a URL, an email, a ref)',
  });
  // The explicit lists still decide first: a commit author's email is free text to git.
  assert.equal(
    (classifyContext(seg('github.event.commits.0.author.email')) as { confidence?: string }).confidence,
    'high',
  );
  // Fields of a free-form object (a dispatch's client_payload) are free text at any depth.
  assert.equal(contextCapability(seg('github.event.client_payload.a.b')), 'arbitrary');
  assert.equal(contextCapability(seg('github.event.no_such_thing')), undefined);
});

test('reach levels per event, the widest trigger wins, and conditions narrow it', () => {
  assert.equal(eventReach('pull_request_target'), 'outsider-privileged');
  assert.equal(eventReach('issue_comment'), 'outsider-privileged');
  assert.equal(eventReach('pull_request'), 'outsider');
  assert.equal(eventReach('workflow_call'), 'caller');
  assert.equal(eventReach('push'), 'maintainer');
  const wf = buildWorkflow(parseYaml('on: [push, pull_request, issue_comment]\njobs: {}\n'), 'x.yml')!;
  assert.equal(workflowReach(wf), 'outsider-privileged');
  assert.equal(conditionalReach(wf, ["github.event_name == 'pull_request'"]), 'outsider');
  assert.equal(conditionalReach(wf, ["github.event_name == 'push' && github.ref == 'refs/heads/main'"]), 'maintainer');
  assert.equal(conditionalReach(wf, ["github.event_name != 'push'"]), 'outsider-privileged');
});

test('a classification is the same when asked again (memoized), for long paths, and once the memo is full', () => {
  const paths = ['github.event.pull_request.title', 'github.event.issue.nonexistent_field', 'github.sha', 'env.x'];
  for (const p of paths) assert.deepEqual(classifyContext(seg(p)), classifyContext(seg(p)), p);
  const long = `github.event.pull_request.title.${'x'.repeat(300)}`;
  assert.deepEqual(classifyContext(seg(long)), {
    kind: 'untrusted',
    confidence: 'high',
    why: `${long.toLowerCase()} can be set by an outsider`,
  });
  // Past the memo's size bound (256 K characters of paths) the answers stay right.
  for (let i = 0; i < 5000; i++) classifyContext(seg(`github.event.issue.field_${i}_${'y'.repeat(100)}`));
  assert.equal(classifyContext(seg('github.event.comment.body')).kind, 'untrusted');
  assert.equal(classifyContext(seg('github.event.issue.field_1_id')).kind, 'safe');
});
