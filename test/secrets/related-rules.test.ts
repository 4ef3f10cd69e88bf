// The related secrets rules on cases the table-driven fixture test does not cover.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';
import { applyEdits } from '../../server/src/fixes/edits';
import { analyzeText, ofRule, fixFile } from '../helpers';

const caller =
  'on: push\njobs:\n  release:\n    uses: ./.github/workflows/publish.yml\n    secrets: inherit   # all of them\n';
const callee =
  'on:\n  workflow_call:\n    secrets:\n      NPM_TOKEN:\n        required: true\njobs:\n  p:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n          SLACK: ${{ secrets.SLACK_WEBHOOK }}\n          GH: ${{ secrets.GITHUB_TOKEN }}\n';

test('secrets-inherit: with the local callee readable, the fix passes exactly the secrets it declares or uses', () => {
  const readFile = (p: string) => (p === '.github/workflows/publish.yml' ? callee : undefined);
  const result = analyze({ path: 'ci.yml', text: caller, readFile });
  const [finding] = ofRule(result, 'secrets-inherit');
  assert.match(finding.message, /uses NPM_TOKEN, SLACK_WEBHOOK/);
  const fixed = applyEdits(caller, finding.fixes[0].edits);
  assert.equal(
    fixed,
    'on: push\njobs:\n  release:\n    uses: ./.github/workflows/publish.yml\n    secrets:\n      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n      SLACK_WEBHOOK: ${{ secrets.SLACK_WEBHOOK }}   # all of them\n',
  );
  assert.deepEqual(ofRule(analyze({ path: 'ci.yml', text: fixed, readFile }), 'secrets-inherit'), []);
});

test('secrets-inherit: a callee that uses no secret loses the line; an unreadable or remote callee gets no fix', () => {
  const none = analyze({
    path: 'ci.yml',
    text: caller,
    readFile: () => 'on: workflow_call\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
  });
  assert.equal(
    applyEdits(caller, ofRule(none, 'secrets-inherit')[0].fixes[0].edits),
    'on: push\njobs:\n  release:\n    uses: ./.github/workflows/publish.yml\n',
  );
  assert.deepEqual(ofRule(analyzeText(caller), 'secrets-inherit')[0].fixes, []);
});

test('secrets-in-workflow-env: env.NAME in a step env is rewritten; steps that may read it get it; others nothing', () => {
  const text =
    'on: push\nenv:\n  TOKEN: ${{ secrets.TOKEN }}\n  GH_TOKEN: ${{ secrets.BOT_TOKEN }}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: curl -d x https://example.com\n        env:\n          AUTH: ${{ env.TOKEN }}\n      - run: gh issue comment 1 --body hi\n      - run: make release\n      - run: echo done\n';
  const fixed = fixFile({ path: 'w.yml', text }, { ruleIds: ['secrets-in-workflow-env'] }).text;
  assert.equal(
    fixed,
    'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: curl -d x https://example.com\n        env:\n          AUTH: ${{ secrets.TOKEN }}\n' +
      // gh reads GH_TOKEN without naming it; make runs the repository's code, which may read either.
      '      - env:\n          GH_TOKEN: ${{ secrets.BOT_TOKEN }}\n        run: gh issue comment 1 --body hi\n' +
      '      - env:\n          TOKEN: ${{ secrets.TOKEN }}\n          GH_TOKEN: ${{ secrets.BOT_TOKEN }}\n        run: make release\n' +
      '      - run: echo done\n',
  );
});

test('secret-echo: piping into a consumer, masking, and GITHUB_ENV are not leaks; encoded printing is', () => {
  const wf = (line: string) =>
    `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          KEY: \${{ secrets.KEY }}\n        run: |\n          ${line}\n`;
  for (const ok of [
    'echo "$KEY" | docker login -u u --password-stdin',
    'echo "::add-mask::$KEY"',
    'echo "K=$KEY" >> "$GITHUB_ENV"',
    'echo "$KEY" > ~/.netrc',
    'echo "$KEY" | base64 -d -o key.p12 && rm key.p12 || true',
  ]) {
    const found = ofRule(analyzeText(wf(ok)), 'secret-echo').filter((f) => f.properties?.kind !== 'file');
    assert.deepEqual(
      found.map((f) => f.message),
      [],
      ok,
    );
  }
  assert.equal(ofRule(analyzeText(wf('echo "$KEY" | base64 -w0')), 'secret-echo')[0]?.severity, 'high');
  assert.equal(
    ofRule(analyzeText(wf('printf %s "${{ secrets.KEY }}" | rev')), 'secret-echo')[0]?.properties?.kind,
    'encoded',
  );
});

test('long-lived-cloud-credentials: static keys for AWS, GCP, Azure and registry publishing, not OIDC or S3-compatible stores', () => {
  const found = ofRule(
    analyzeText(
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: azure/login@v2\n        with:\n          creds: ${{ secrets.AZURE_CREDENTIALS }}\n      - run: gem push x.gem\n        env:\n          GEM_HOST_API_KEY: ${{ secrets.RUBYGEMS }}\n      - run: cargo publish\n        env:\n          CARGO_REGISTRY_TOKEN: ${{ secrets.CRATES }}\n',
    ),
    'long-lived-cloud-credentials',
  );
  assert.deepEqual(
    found.map((f) => f.message.split(',')[0]),
    [
      'azure/login is given an Azure service-principal secret (creds)',
      'GEM_HOST_API_KEY holds a RubyGems API key',
      'CARGO_REGISTRY_TOKEN holds a crates.io token',
    ],
  );
  assert.match(found[0].message, /OIDC: azure\/login with client-id/);
});

test('overprovisioned-secrets: every form of the whole context', () => {
  const found = ofRule(
    analyzeText(
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n        env:\n          A: ${{ toJSON(secrets) }}\n          B: ${{ secrets[format('{0}_TOKEN', matrix.name)] }}\n          C: ${{ secrets.NAMED }}\n",
    ),
    'overprovisioned-secrets',
  );
  assert.equal(found.length, 2);
});
