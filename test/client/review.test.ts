// The review's data (server/src/analysis/review.ts) and its rendering (client/src/reviewReport.ts), on real YAML
// through the real engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';
import { ALL_RULES } from '../../server/src/rules/index';
import { reviewFacts, referencedSecrets } from '../../server/src/analysis/review';
import { buildChecklist, type ChecklistFinding, type RuleSummary } from '../../client/src/checklistModel';
import { escapeHtml, renderReviewHtml, renderReviewMarkdown, type ReviewDocument } from '../../client/src/reviewReport';
import { LineIndex } from '../../server/src/text/lines';

const WORKFLOW = `name: "<img src=x onerror=alert(1)>"
on:
  pull_request_target:
  schedule:
    - cron: '0 3 * * *'
permissions: write-all
concurrency: ci-\${{ github.ref }}
jobs:
  build:
    runs-on: ubuntu-latest
    environment: production
    timeout-minutes: 15
    steps:
      - uses: actions/checkout@v4
      - uses: evil/<script>@0123456789abcdef0123456789abcdef01234567
      - run: echo "\${{ github.event.pull_request.title }}" && echo \${{ secrets.DEPLOY_TOKEN }} \${{ secrets['NPM_TOKEN'] }}
  call:
    uses: org/repo/.github/workflows/reusable.yml@main
    secrets: inherit
`;
const PATH = '.github/workflows/ci.yml';

function reviewOf(text: string) {
  const result = analyze({ path: PATH, text });
  assert.ok(result.model, 'the workflow parses');
  return { result, facts: reviewFacts(result.model) };
}

test('review facts: triggers with who can fire them, permissions, secrets, actions, jobs', () => {
  const { facts } = reviewOf(WORKFLOW);
  assert.equal(facts.kind, 'workflow');
  assert.deepEqual(
    facts.triggers.map((t) => [t.event, t.privileged, t.line]),
    [
      ['pull_request_target', true, 2],
      ['schedule', false, 3],
    ],
  );
  assert.match(facts.triggers[0].whoCanFire, /fork/);
  assert.deepEqual(facts.permissions, [{ scope: 'workflow', granted: 'write-all', line: 5 }]);
  const build = facts.jobPermissions?.find((j) => j.job === 'build');
  assert.equal(build?.granted, 'write-all');
  assert.match(build?.needed ?? '', /^(none|contents: read)$/, 'checkout needs at most contents: read');
  assert.deepEqual(facts.secrets, ['DEPLOY_TOKEN', 'NPM_TOKEN']);
  assert.equal(facts.secretsInherited, true);
  assert.deepEqual(
    facts.actions.map((a) => [a.uses, a.pinned, a.firstParty]),
    [
      ['actions/checkout@v4', false, true],
      ['evil/<script>@0123456789abcdef0123456789abcdef01234567', true, false],
      ['org/repo/.github/workflows/reusable.yml@main', false, false],
    ],
  );
  assert.deepEqual(
    facts.jobs.map((j) => [j.id, j.environment, j.timeoutMinutes, j.concurrency]),
    [
      ['build', 'production', '15', false],
      ['call', undefined, undefined, false],
    ],
  );
  assert.equal(facts.workflowConcurrency, true);
});

test('review facts of a composite action list its actions and secrets', () => {
  const text =
    'name: a\nruns:\n  using: composite\n  steps:\n    - uses: docker://alpine:3\n    - run: echo ${{ secrets.X }}\n      shell: bash\n';
  const result = analyze({ path: 'action.yml', text });
  const facts = reviewFacts(result.model!);
  assert.equal(facts.kind, 'action');
  assert.deepEqual(
    facts.actions.map((a) => [a.uses, a.kind, a.pinned]),
    [['docker://alpine:3', 'docker', false]],
  );
  assert.deepEqual(facts.secrets, ['X']);
});

test('referencedSecrets ignores text outside expressions', () => {
  assert.deepEqual(referencedSecrets('run: echo secrets.NOT_ME ${{ secrets.me }}'), ['ME']);
});

function documentFor(text: string): ReviewDocument {
  const { result, facts } = reviewOf(text);
  const lines = new LineIndex(text);
  const uri = 'file:///ws/.github/workflows/ci.yml';
  const findings: ChecklistFinding[] = result.findings.map((f) => ({
    uri,
    ruleId: f.ruleId,
    message: f.message,
    severity: f.severity,
    range: { start: lines.positionAt(f.span.start), end: lines.positionAt(f.span.end) },
  }));
  const rules: RuleSummary[] = ALL_RULES.map((r) => ({ ...r.meta }));
  return {
    title: 'Security review',
    scope: 'Workspace',
    generatedAt: '2026-01-01T00:00:00Z',
    checklist: buildChecklist(rules, findings),
    findings,
    rules,
    files: [{ uri, label: PATH, facts }],
    notes: [],
  };
}

test('review HTML escapes every workflow value and allows only nonce scripts and styles', () => {
  const doc = documentFor(WORKFLOW);
  assert.ok(doc.findings.length >= 2, 'the workflow has findings');
  const html = renderReviewHtml(doc, 'N0NCE', 'vscode-resource:');
  assert.ok(!html.includes('<img src=x'), 'the workflow name is escaped');
  assert.ok(!html.includes('evil/<script>'), 'the action reference is escaped');
  assert.ok(html.includes(escapeHtml('evil/<script>@0123456789abcdef0123456789abcdef01234567')));
  assert.match(html, /Content-Security-Policy" content="default-src 'none';[^"]*script-src 'nonce-N0NCE'/);
  assert.doesNotMatch(html, /https?:\/\/(?!www\.w3)/, 'nothing remote is referenced');
  const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
  assert.deepEqual(scripts, [' nonce="N0NCE"']);
  for (const finding of doc.findings)
    assert.ok(html.includes(escapeHtml(finding.message)), `finding shown: ${finding.ruleId}`);
  assert.match(html, /Least privilege<\/a><\/td><td>\d+<\/td><td>\d+ high/);
});

test('review Markdown lists the checklist, findings and facts with values escaped', () => {
  const md = renderReviewMarkdown(documentFor(WORKFLOW));
  assert.match(md, /^# Security review/);
  assert.match(md, /\| Fail \| Least privilege \|/);
  assert.ok(
    md.includes('- pull\\_request\\_target (privileged): Anyone who can open a pull request, including from forks'),
  );
  assert.ok(md.includes('Secrets referenced: DEPLOY\\_TOKEN, NPM\\_TOKEN (and `secrets: inherit`)'));
  assert.ok(!md.includes('<script>'), 'angle brackets from the workflow are escaped');
  assert.ok(md.includes('evil/\\<script\\>@0123456789abcdef0123456789abcdef01234567: pinned, third-party'));
  assert.match(md, /- job build: granted write-all; needs (none|contents: read)/);
});
