// template-injection quick-fixes, per script language: the expression moves to the step's env: and the script reads
// the variable the way its language does. Every case is a full round trip: fix, re-parse, re-analyze.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml } from '../../server/src/yaml/parse';
import { analyzeText, ofRule, fixFile } from '../helpers';

function fixed(text: string, ruleId = 'template-injection', path = 'wf.yml'): string {
  const result = fixFile({ path, text }, { ruleIds: [ruleId] });
  assert.deepEqual(parseYaml(result.text).problems, [], 'the fixed text is valid YAML');
  assert.deepEqual(ofRule(analyzeText(result.text, path), ruleId), [], 'no finding is left');
  return result.text;
}

const step = (lines: string) => `on: issues
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
${lines}`;

test('bash: double-quoted, single-quoted (whole and partial) and unquoted occurrences', () => {
  const text = step(`      - run: |
          echo "T: \${{ github.event.issue.title }}"
          echo '\${{ github.event.issue.title }}'
          echo 'pre \${{ github.event.issue.title }} post'
          echo \${{ github.event.issue.title }}
`);
  assert.equal(
    fixed(text),
    step(`      - env:
          ISSUE_TITLE: \${{ github.event.issue.title }}
        run: |
          echo "T: \${ISSUE_TITLE}"
          echo "\${ISSUE_TITLE}"
          echo 'pre '"\${ISSUE_TITLE}"' post'
          echo \${ISSUE_TITLE}
`),
  );
});

test('sh with an existing env: block keeps its comments and adds after the last entry', () => {
  const text = step(`      - shell: sh
        env:
          LANG: C # keep
        run: printf '%s' "\${{ github.event.issue.body }}" # trailing
`);
  assert.equal(
    fixed(text),
    step(`      - shell: sh
        env:
          LANG: C # keep
          ISSUE_BODY: \${{ github.event.issue.body }}
        run: printf '%s' "\${ISSUE_BODY}" # trailing
`),
  );
});

test('several different expressions in one step each get a variable; an existing entry with the same value is reused', () => {
  const text = step(`      - env:
          BODY: \${{ github.event.issue.body }}
        run: |
          echo "\${{ github.event.issue.title }}" "\${{ github.event.issue.body }}"
          echo "\${{ github.event.comment.body }}"
`);
  assert.equal(
    fixed(text),
    step(`      - env:
          BODY: \${{ github.event.issue.body }}
          ISSUE_TITLE: \${{ github.event.issue.title }}
          COMMENT_BODY: \${{ github.event.comment.body }}
        run: |
          echo "\${ISSUE_TITLE}" "\${BODY}"
          echo "\${COMMENT_BODY}"
`),
  );
});

test('${{ env.X }} of a tainted variable becomes a plain variable reference, with no new env entry', () => {
  const text = `on: issues
env:
  TITLE: \${{ github.event.issue.title }}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ env.TITLE }}"
`;
  assert.equal(fixed(text), text.replace('echo "${{ env.TITLE }}"', 'echo "${TITLE}"'));
});

test('pwsh (explicit, and the default shell on Windows runners): $env:NAME, braced before a name character', () => {
  const text = `on: issues
jobs:
  a:
    runs-on: windows-latest
    steps:
      - run: Write-Output "\${{ github.event.issue.title }}:x" \${{ github.event.issue.body }}
`;
  assert.equal(
    fixed(text),
    `on: issues
jobs:
  a:
    runs-on: windows-latest
    steps:
      - env:
          ISSUE_TITLE: \${{ github.event.issue.title }}
          ISSUE_BODY: \${{ github.event.issue.body }}
        run: Write-Output "\${env:ISSUE_TITLE}:x" $env:ISSUE_BODY
`,
  );
});

test('pwsh single-quoted literal: the whole literal becomes $env:NAME; partial literals get no fix', () => {
  const whole = step(`      - shell: pwsh
        run: Write-Output '\${{ github.event.issue.title }}'
`);
  assert.match(fixed(whole), /run: Write-Output \$env:ISSUE_TITLE\n/);
  const partial = step(`      - shell: pwsh
        run: |
          Write-Output 'T \${{ github.event.issue.title }}'
`);
  const [finding] = ofRule(analyzeText(partial), 'template-injection');
  assert.equal(finding.fixes.length, 0);
});

test('cmd uses %NAME%', () => {
  const text = step(`      - shell: cmd
        run: echo \${{ github.event.issue.title }}
`);
  assert.match(fixed(text), /run: echo %ISSUE_TITLE%\n/);
});

test('python: a whole string literal becomes os.environ[...] when os is imported; otherwise no fix', () => {
  const text = step(`      - shell: python
        run: |
          import os
          print("\${{ github.event.issue.title }}")
`);
  assert.match(fixed(text), /print\(os\.environ\["ISSUE_TITLE"\]\)/);
  const noImport = step(`      - shell: python
        run: print("\${{ github.event.issue.title }}")
`);
  assert.equal(ofRule(analyzeText(noImport), 'template-injection')[0].fixes.length, 0);
});

test('github-script: process.env in quotes, template literals and for toJSON(); unquoted code is marked unsafe', () => {
  const text = step(`      - uses: actions/github-script@v7
        with:
          script: |
            const title = '\${{ github.event.issue.title }}';
            const msg = \`Body: \${{ github.event.issue.body }}\`;
            const c = "by " + "x \${{ github.event.comment.body }}";
            const issue = \${{ toJSON(github.event.issue) }};
`);
  assert.equal(
    fixed(text),
    step(`      - uses: actions/github-script@v7
        env:
          ISSUE_TITLE: \${{ github.event.issue.title }}
          ISSUE_BODY: \${{ github.event.issue.body }}
          COMMENT_BODY: \${{ github.event.comment.body }}
          ISSUE: "\${{ toJSON(github.event.issue) }}"
        with:
          script: |
            const title = process.env.ISSUE_TITLE;
            const msg = \`Body: \${process.env.ISSUE_BODY}\`;
            const c = "by " + "x " + process.env.COMMENT_BODY + "";
            const issue = JSON.parse(process.env.ISSUE);
`),
  );
  const raw = step(`      - uses: actions/github-script@v7
        with:
          script: console.log(\${{ github.event.issue.title }})
`);
  assert.equal(ofRule(analyzeText(raw), 'template-injection')[0].fixes[0].safety, 'unsafe');
});

test('composite action run: with inputs.* gets the same fix', () => {
  const text = `name: a
runs:
  using: composite
  steps:
    - shell: bash
      run: echo "\${{ inputs.name }}"
`;
  assert.equal(
    fixed(text, 'template-injection', 'action.yml'),
    `name: a
runs:
  using: composite
  steps:
    - shell: bash
      env:
        INPUTS_NAME: \${{ inputs.name }}
      run: echo "\${INPUTS_NAME}"
`,
  );
});

test('a run: script written as a quoted YAML scalar is reported without a fix (its source is not the script)', () => {
  for (const run of [
    `'./build.sh \${{ github.event.issue.title }} \${{ inputs.v || '''' }}'`,
    `"./build.sh \\"\${{ github.event.issue.title }}\\""`,
  ]) {
    const text = `on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${run}\n`;
    const findings = ofRule(analyzeText(text), 'template-injection');
    assert.ok(findings.length > 0, run);
    assert.deepEqual(
      findings.flatMap((f) => f.fixes),
      [],
      run,
    );
    assert.equal(fixFile({ path: 'wf.yml', text }, { ruleIds: ['template-injection'] }).text, text);
  }
});
