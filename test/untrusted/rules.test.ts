// Focused behavior of the untrusted-input rules beyond their fixtures: what lowers or removes a finding, and why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, ofRule, fixFile } from '../helpers';
import { analyze } from '../../server/src/engine/analyze';

const of = (rule: string, text: string, path = 'wf.yml') => ofRule(analyzeText(text, path), rule);

// The job holds a secret, so running the pull request's code there is worth the full severity.
const prt = (jobHead: string, steps: string) => `on: pull_request_target
permissions: {}
env:
  NPM_TOKEN: \${{ secrets.NPM_TOKEN }}
jobs:
  t:
    runs-on: ubuntu-latest
${jobHead}    steps:
${steps}`;

const headCheckout = `      - uses: actions/checkout@v4
        with:
          ref: \${{ github.event.pull_request.head.sha }}
`;

test('untrusted-checkout: checkout + build is high, points at the checkout and relates the build step', () => {
  const text = prt('', `${headCheckout}      - run: make test\n`);
  const [f] = of('untrusted-checkout', text);
  assert.equal(f.severity, 'high');
  assert.equal(text.slice(f.span.start, f.span.end), '${{ github.event.pull_request.head.sha }}');
  assert.equal(text.slice(f.related![0].span.start, f.related![0].span.end), 'make');
});

test('untrusted-checkout: a label gate or an environment lowers to medium and says why', () => {
  const labeled = of(
    'untrusted-checkout',
    prt(
      "    if: contains(github.event.pull_request.labels.*.name, 'safe to test')\n",
      `${headCheckout}      - run: npm ci\n`,
    ),
  );
  assert.equal(labeled[0].severity, 'medium');
  assert.match(labeled[0].message, /Lowered: a label gates the job/);
  const env = of('untrusted-checkout', prt('    environment: external\n', `${headCheckout}      - run: npm ci\n`));
  assert.equal(env[0].severity, 'medium');
  assert.match(env[0].message, /protected environment/);
});

test('untrusted-checkout: severity and message follow what the job holds (secrets, write token, runner)', () => {
  const bare = (permissions: string, runsOn = 'ubuntu-latest') => `on: pull_request_target
${permissions}
jobs:
  t:
    runs-on: ${runsOn}
    steps:
${headCheckout}      - run: npm ci
`;
  const [readOnly] = of('untrusted-checkout', bare('permissions:\n  contents: read'));
  assert.equal(readOnly.severity, 'medium');
  assert.match(readOnly.message, /no secret and a read-only token/);
  assert.doesNotMatch(readOnly.message, /secrets and token/);
  const [writes] = of('untrusted-checkout', bare('permissions:\n  pull-requests: write'));
  assert.equal(writes.severity, 'high');
  assert.match(writes.message, /a GITHUB_TOKEN with pull-requests: write/);
  // No permissions block: the repository's default token, which may write.
  assert.equal(of('untrusted-checkout', bare(''))[0].severity, 'high');
  const [grouped] = of('untrusted-checkout', bare('permissions:\n  contents: read', '\n      group: aws-g4dn-2xlarge'));
  assert.equal(grouped.severity, 'high');
  assert.match(grouped.message, /runner 'aws-g4dn-2xlarge', which is not a GitHub-hosted label/);
  const [labeled] = of(
    'untrusted-checkout',
    bare('permissions:\n  contents: read').replace(
      '    runs-on',
      "    if: contains(github.event.pull_request.labels.*.name, 'ok')\n    runs-on",
    ),
  );
  assert.equal(labeled.severity, 'low');
  assert.match(labeled.message, /Low: nothing beyond the runner to steal/);
});

test('untrusted-checkout: merged pull requests and same-repository-only jobs are not reported', () => {
  assert.deepEqual(
    of(
      'untrusted-checkout',
      prt('    if: github.event.pull_request.merged == true\n', `${headCheckout}      - run: make\n`),
    ),
    [],
  );
  assert.deepEqual(
    of(
      'untrusted-checkout',
      prt(
        '    if: github.event.pull_request.head.repo.full_name == github.repository\n',
        `${headCheckout}      - run: make\n`,
      ),
    ),
    [],
  );
});

test('untrusted-checkout: a checkout into a sub-directory counts as executed only when a step works there', () => {
  const sub = `      - uses: actions/checkout@v4
        with:
          ref: \${{ github.event.pull_request.head.sha }}
          path: pr
`;
  const notRun = of('untrusted-checkout', prt('', `${sub}      - run: make lint ARGS=-folder=pr\n`));
  assert.equal(notRun[0].severity, 'low');
  assert.equal(notRun[0].confidence, 'low');
  assert.equal(of('untrusted-checkout', prt('', `${sub}      - run: cd pr && npm ci\n`))[0].severity, 'high');
  assert.equal(
    of('untrusted-checkout', prt('', `${sub}      - working-directory: pr\n        run: npm ci\n`))[0].severity,
    'high',
  );
});

test('untrusted-checkout: gh pr checkout / git fetch pull/N/head in a comment workflow, run in the same script', () => {
  const text = `on: issue_comment
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - run: |
          git fetch origin pull/\${{ github.event.issue.number }}/head:pr
          git checkout pr
          ./build.sh
`;
  const [f] = of('untrusted-checkout', text);
  assert.equal(f.severity, 'high');
  assert.match(text.slice(f.span.start, f.span.end), /^git fetch origin pull\//);
  assert.deepEqual(of('untrusted-checkout', text.replace('on: issue_comment', 'on: pull_request')), []);
});

test('untrusted-checkout: an earlier permission check or a needed gate job lowers to medium', () => {
  const text = `on: issue_comment
jobs:
  gate:
    runs-on: ubuntu-latest
    steps:
      - run: gh api "repos/$R/collaborators/$U/permission" --jq .permission
  test:
    needs: gate
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: refs/pull/\${{ github.event.issue.number }}/head
      - run: pytest
`;
  assert.equal(of('untrusted-checkout', text)[0].severity, 'medium');
});

test('github-env: multi-line sources are high on privileged triggers; single-line ones are lowered', () => {
  const wf = (expr: string, file = 'GITHUB_ENV') => `on: issues
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - env:
          V: \${{ ${expr} }}
        run: echo "X=$V" >> "$${file}"
`;
  const body = of('github-env', wf('github.event.issue.body'));
  assert.equal(body[0].severity, 'high');
  const title = of('github-env', wf('github.event.issue.title'));
  assert.equal(title[0].severity, 'medium');
  assert.equal(title[0].confidence, 'low');
  assert.equal(of('github-env', wf('github.event.issue.title', 'GITHUB_PATH'))[0].severity, 'high');
  assert.deepEqual(of('github-env', wf('github.event.issue.number')), []);
});

test('github-env: core.exportVariable in github-script', () => {
  const text = `on: issue_comment
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/github-script@v7
        with:
          script: core.exportVariable('BODY', \`\${{ github.event.comment.body }}\`)
`;
  assert.equal(of('github-env', text).length, 1);
});

test('unsound-condition: status functions combine; prose around an expression gets no fix', () => {
  const text = `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - if: \${{ success() }} || \${{ failure() }}
        run: echo
`;
  assert.match(
    fixFile({ path: 'wf.yml', text }, { ruleIds: ['unsound-condition'] }).text,
    /if: \$\{\{ \(success\(\)\) \|\| \(failure\(\)\) \}\}/,
  );
  const prose = of(
    'unsound-condition',
    text.replace('${{ success() }} || ${{ failure() }}', 'run when ${{ success() }}'),
  );
  assert.equal(prose.length, 1);
  assert.equal(prose[0].fixes.length, 0);
});

test('unsound-condition: high only when it guards something privileged an outsider can reach', () => {
  const wf = (on: string, run = 'echo') =>
    `on: ${on}\njobs:\n  a:\n    if: \${{ true }} && \${{ false }}\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${run}\n`;
  const secret = './deploy.sh\n        env:\n          TOKEN: ${{ secrets.DEPLOY_TOKEN }}';
  assert.equal(of('unsound-condition', wf('push', secret))[0].severity, 'medium');
  assert.equal(of('unsound-condition', wf('pull_request_target', secret))[0].severity, 'high');
  const plain = of('unsound-condition', wf('pull_request_target'));
  assert.equal(plain[0].severity, 'low');
  assert.match(plain[0].message, /guards no secret/);
});

test('bot-conditions: only outsider-reachable jobs, and not when the job is limited to same-repository PRs', () => {
  const wf = (cond: string) =>
    `on: pull_request_target\njobs:\n  a:\n    if: ${cond}\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n`;
  assert.equal(of('bot-conditions', wf("github.actor == 'dependabot[bot]'")).length, 1);
  assert.equal(of('bot-conditions', wf("${{ 'dependabot[bot]' == github.triggering_actor }}")).length, 1);
  assert.deepEqual(
    of(
      'bot-conditions',
      wf("github.actor == 'dependabot[bot]' && github.event.pull_request.head.repo.full_name == github.repository"),
    ),
    [],
  );
  assert.deepEqual(of('bot-conditions', wf("github.actor != 'dependabot[bot]'")), []);
});

test('unsound-contains: an outsider-controlled context is high; a list first argument is fine', () => {
  const wf = (cond: string) =>
    `on: pull_request_target\njobs:\n  a:\n    if: ${cond}\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n`;
  assert.equal(of('unsound-contains', wf("contains('main release', github.head_ref)"))[0].severity, 'high');
  assert.deepEqual(of('unsound-contains', wf('contains(fromJSON(\'["main"]\'), github.head_ref)')), []);
  assert.deepEqual(of('unsound-contains', wf("contains('opened synchronize', github.event.action)")), []);
});

test('artifact-poisoning: unzip over the workspace after an API download counts as extraction', () => {
  const text = `on:
  workflow_run:
    workflows: [CI]
    types: [completed]
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/github-script@v7
        with:
          script: |
            const a = await github.rest.actions.listWorkflowRunArtifacts({ owner: 'o', repo: 'r', run_id: 1 });
      - run: unzip pr.zip
      - run: cat ./NR
`;
  const [f] = of('artifact-poisoning', text);
  assert.equal(f.severity, 'low');
  assert.match(f.message, /extracts them into the workspace/);
  assert.equal(of('artifact-poisoning', text.replace('cat ./NR', './NR.sh'))[0].severity, 'high');
});

test('cache-poisoning: snapshot and dry-run builds do not count as publishing; setup-go caches by default since v4', () => {
  const wf = (run: string, go = 'v5') =>
    `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@${go}\n      - run: ${run}\n`;
  assert.equal(of('cache-poisoning', wf('goreleaser release --clean')).length, 1);
  assert.deepEqual(of('cache-poisoning', wf('goreleaser release --snapshot --clean')), []);
  assert.deepEqual(of('cache-poisoning', wf('npm publish --dry-run')), []);
  assert.deepEqual(of('cache-poisoning', wf('goreleaser release --clean', 'v3')), []);
});

test('cache-poisoning: setup-node caches on its own what package.json names (v5: npm, pnpm, yarn; v6: npm only)', () => {
  const wf = (ref: string, install = 'npm ci', extra = '') =>
    `on:\n  release:\n    types: [published]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@${ref}${extra}\n      - run: ${install} && npm publish\n`;
  const found = (text: string, packageJson: string | undefined) => {
    const readFile = (p: string) => (p === 'package.json' ? packageJson : undefined);
    const result = analyze({ path: 'wf.yml', text, readFile });
    assert.deepEqual(result.ruleErrors, []);
    return result.findings.filter((f) => f.ruleId === 'cache-poisoning').map((f) => [f.severity, f.message]);
  };
  const yarn = '{"packageManager": "yarn@4.5.0"}';
  const npm = '{"devEngines": {"packageManager": {"name": "npm", "version": "^10"}}}';
  // v5 caches yarn too; v6 only npm; a SHA pin is read through its version comment.
  assert.equal(found(wf('v5', 'yarn install --immutable'), yarn).length, 1);
  assert.match(found(wf('v5'), yarn)[0][1], /restores the yarn cache \(automatic from v5/);
  assert.deepEqual(found(wf('v6', 'yarn install --immutable'), yarn), []);
  assert.deepEqual(found(wf('a0853c24544627f65ddf259abe73b1d18a591444 # v4.4.0'), yarn), []);
  assert.equal(found(wf('a0853c24544627f65ddf259abe73b1d18a591444 # v5.0.0'), yarn).length, 1);
  // npm's own cache under npm ci stays lockfile-verified, as with an explicit cache: npm (the severity is policy's).
  assert.match(found(wf('v6'), npm)[0][1], /lockfile-verified cache/);
  assert.doesNotMatch(found(wf('v6', 'npm install'), npm)[0][1], /lockfile-verified/);
  // Turned off, no package manager named, or package.json unreadable: nothing restored.
  assert.deepEqual(found(wf('v6', 'npm install', '\n        with:\n          package-manager-cache: false'), npm), []);
  assert.deepEqual(found(wf('v6', 'npm install'), '{"name": "x"}'), []);
  assert.deepEqual(found(wf('v6', 'npm install'), '{not json'), []);
  assert.deepEqual(found(wf('v6', 'npm install'), undefined), []);
});

test('ai-agent-untrusted-trigger: codex opened to everyone is reported; an author_association gate removes it', () => {
  const wf = (cond: string) => `on: issue_comment
permissions:
  contents: read
jobs:
  a:
${cond}    runs-on: ubuntu-latest
    steps:
      - uses: openai/codex-action@v1
        with:
          allow-users: "*"
          sandbox: danger-full-access
`;
  const [f] = of('ai-agent-untrusted-trigger', wf(''));
  assert.equal(f.severity, 'high');
  assert.deepEqual(
    of('ai-agent-untrusted-trigger', wf("    if: github.event.comment.author_association == 'OWNER'\n")),
    [],
  );
});

test('self-hosted-runner: a job limited to push events is not outsider-reachable', () => {
  const text = `on: [push, pull_request]\njobs:\n  a:\n    if: github.event_name == 'push'\n    runs-on: [self-hosted]\n    steps:\n      - run: make\n  b:\n    runs-on: self-hosted\n    steps:\n      - run: make\n`;
  const found = of('self-hosted-runner', text);
  assert.equal(found.length, 1);
  assert.match(found[0].message, /Job 'b'/);
});

test('template-injection in a composite action: an anchored script is reported at each alias, the anchor related', () => {
  const text = `name: greet
description: Greets
runs:
  using: composite
  steps:
    - shell: bash
      run: &say echo "\${{ github.event.pull_request.title }}"
    - shell: bash
      run: *say
`;
  const found = of('template-injection', text, 'action.yml');
  assert.deepEqual(
    found.map((f) => [
      text.slice(f.span.start, f.span.end),
      f.related?.map((r) => text.slice(r.span.start, r.span.end)),
    ]),
    [
      ['${{ github.event.pull_request.title }}', undefined],
      ['*say', ['${{ github.event.pull_request.title }}']],
    ],
  );
});

test('merge keys (<<:) are not resolved in GitHub workflows: GitHub Actions does not support them', () => {
  const text = `on: issues
permissions: {}
x-step: &step
  run: echo "\${{ github.event.issue.title }}"
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - <<: *step
        name: merged
`;
  // The anchored mapping itself is no step either: nothing runs the text.
  assert.deepEqual(of('template-injection', text), []);
  assert.deepEqual(analyzeText(text, 'wf.yml').ruleErrors, []);
});

test('dangerous-triggers is a note on the trigger key', () => {
  const text = 'on:\n  workflow_run:\n    workflows: [CI]\njobs: {}\n';
  const [f] = of('dangerous-triggers', text);
  assert.equal(f.severity, 'info');
  assert.equal(text.slice(f.span.start, f.span.end), 'workflow_run');
});

test('template-injection: a script reused through an alias is reported at the alias, the anchor related, no fix', () => {
  const text = `on: issues
permissions: {}
x-greet: &greet echo "\${{ github.event.issue.title }}"
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: *greet
      - run: &own echo "\${{ github.event.issue.body }}"
`;
  const [alias, anchored] = of('template-injection', text);
  assert.equal(text.slice(alias.span.start, alias.span.end), '*greet');
  assert.equal(text.slice(alias.related![0].span.start, alias.related![0].span.end), '${{ github.event.issue.title }}');
  assert.deepEqual(alias.fixes, []);
  // The anchored text is also used where it stands; rewriting it would change every alias of it.
  assert.equal(text.slice(anchored.span.start, anchored.span.end), '${{ github.event.issue.body }}');
  assert.deepEqual(anchored.fixes, []);
});
