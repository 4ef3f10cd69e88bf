// Breakage class: template-injection's env fix must never change the argument count. Each case runs the script
// before (the value substituted into the text, as GitHub does) and after the fix (the value in the environment)
// under bash, and compares what the commands received.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { analyze } from '../../server/src/engine/analyze';
import { applyEdits } from '../../server/src/fixes/edits';
import { buildWorkflow } from '../../server/src/model/workflow';
import { parseYaml } from '../../server/src/yaml/parse';
import type { Fix } from '../../server/src/engine/types';
import { checkFileFixes, shellTools } from '../../scripts/fix-safety-check';

const hasBash = !spawnSync('bash', ['--version']).error;

function fixOf(text: string): { fix: Fix; fixed: string } {
  const findings = analyze({ path: '.github/workflows/x.yml', text }).findings.filter(
    (f) => f.ruleId === 'template-injection',
  );
  assert.ok(findings.length > 0, 'the injection is reported');
  const fix = findings[0].fixes[0];
  assert.ok(fix, 'the finding has a fix');
  return { fix, fixed: applyEdits(text, fix.edits) };
}

/** The first step's script and env after GitHub substituted `expr` with `value`. */
function runStep(text: string, expr: string, value: string): string {
  const wf = buildWorkflow(parseYaml(text), 'x.yml')!;
  const step = wf.jobs[0].steps[0];
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const e of step.env?.entries ?? []) env[e.name] = e.value!.text.split(expr).join(value);
  const script = step.run!.text.split(expr).join(value);
  const r = spawnSync('bash', ['-e', '-c', script], { env, encoding: 'utf8' });
  return r.stdout + r.stderr;
}

const COMMENT = '${{ github.event.comment.body }}';
const chatops = (run: string) => `on: issue_comment
permissions:
  issues: write
jobs:
  command:
    runs-on: ubuntu-latest
    steps:
      - run: ${run.replace(/\n/g, '\n          ')}
`;

test(
  'an unquoted expression in argument position stays unquoted: an empty value still gives no argument',
  { skip: !hasBash && 'bash not found' },
  () => {
    // Modelled on ChatOps workflows that pass a comment's words on to a script as arguments.
    const text = chatops(`printf '[%s]' start ${COMMENT} end`);
    const { fix, fixed } = fixOf(text);
    assert.match(fixed, /printf '\[%s\]' start \$\{COMMENT_BODY\} end/);
    for (const value of ['', 'deploy', '--force staging', '  spaced   words  '])
      assert.equal(
        runStep(fixed, COMMENT, value),
        runStep(text, COMMENT, value),
        `same arguments for ${JSON.stringify(value)}`,
      );
    // Quotes in the value were shell syntax before and are text now: the fix says so and is not applied as safe.
    assert.equal(fix.safety, 'unsafe');
    assert.match(fix.title, /unquoted to keep word splitting/);
  },
);

test('an expression run as a command is rewritten but never marked safe', () => {
  const { fix } = fixOf(chatops(COMMENT));
  assert.equal(fix.safety, 'unsafe');
  assert.match(fix.title, /run as a command/);
});

test(
  'quoted expressions (double, single, whole single, across lines) give the same text: safe',
  { skip: !hasBash && 'bash not found' },
  () => {
    const text = chatops(`|
printf '[%s]' "body: ${COMMENT}" '${COMMENT}' 'pre ${COMMENT} post'
jq -n --arg x 'a' '{
  "v": "${COMMENT}"
}' >/dev/null || true
echo "$(printf '%s' '${COMMENT}')"`);
    const { fix, fixed } = fixOf(text);
    assert.equal(fix.safety, 'safe');
    assert.match(
      fixed,
      /"v": "'"\$\{COMMENT_BODY\}"'"/,
      'a single-quoted string over several lines is still single-quoted',
    );
    assert.match(fixed, /printf '%s' "\$\{COMMENT_BODY\}"/, 'single quotes inside $( ) inside double quotes');
    for (const value of ['', 'hello', 'two  words', 'a*b'])
      assert.equal(
        runStep(fixed, COMMENT, value),
        runStep(text, COMMENT, value),
        `same output for ${JSON.stringify(value)}`,
      );
  },
);

test(
  'heredocs: an expanding heredoc reads the variable, a literal one gets no fix',
  { skip: !hasBash && 'bash not found' },
  () => {
    const expanding = chatops(`|
cat <<EOF
Comment: ${COMMENT}
EOF`);
    const { fix, fixed } = fixOf(expanding);
    assert.equal(fix.safety, 'safe');
    assert.match(fixed, /Comment: \$\{COMMENT_BODY\}\n/, 'no quotes are added inside the heredoc text');
    for (const value of ['', 'two  words'])
      assert.equal(runStep(fixed, COMMENT, value), runStep(expanding, COMMENT, value));
    const literal = chatops(`|
cat <<'EOF'
Comment: ${COMMENT}
EOF`);
    const findings = analyze({ path: '.github/workflows/x.yml', text: literal }).findings.filter(
      (f) => f.ruleId === 'template-injection',
    );
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].fixes, [], "in <<'EOF' the shell would print $NAME literally: no mechanical fix");
  },
);

test('moving an expression that a script keeps in a variable to env: leaves the later findings as they were', () => {
  // Modelled on caddyserver/caddy's release-proposal.yml: the input is trimmed into a variable that becomes a step
  // output, and later steps expand the output. The analysis follows `${{ inputs.version }}` through the variable as
  // it follows `$INPUTS_VERSION`, so the fix changes no later finding (it once made three appear).
  const text = `on:
  workflow_dispatch:
    inputs:
      version:
        required: true
permissions:
  contents: write
jobs:
  propose:
    runs-on: ubuntu-latest
    steps:
      - id: inputs
        run: |
          VERSION=$(echo "\${{ inputs.version }}" | xargs)
          echo "version=$VERSION" >> $GITHUB_OUTPUT
      - run: git tag "\${{ steps.inputs.outputs.version }}"
`;
  const verdicts = checkFileFixes({ path: '.github/workflows/release-proposal.yml', text }, shellTools(), {
    ruleIds: ['template-injection'],
  });
  const moved = verdicts.find((v) => v.title.startsWith('Move inputs.version'));
  assert.ok(moved, 'the expression in the assignment has an env fix');
  assert.equal(moved.safety, 'safe');
  assert.deepEqual(moved.problems, []);
});
