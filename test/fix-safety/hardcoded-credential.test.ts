// Breakage classes of "Move to secret store": in a reusable workflow the secret must be declared under
// on.workflow_call.secrets and passed by the callers (named when the workflows folder can be listed); a test
// database password shared with a service container of the job gets no fix at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';
import { applyEdits } from '../../server/src/fixes/edits';
import { buildWorkflow } from '../../server/src/model/workflow';
import { parseYaml } from '../../server/src/yaml/parse';

// Modelled on reusable deploy workflows called by a release workflow of the same repository.
const DEPLOY = '.github/workflows/deploy.yml';
const deploy = (on: string) => `on:
${on}
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: ./scripts/deploy.sh "$ENVIRONMENT"
        env:
          ENVIRONMENT: production
          DEPLOY_TOKEN: 9f8e7d6c5b4a39281706f5e4d3c2b1a0
      - run: echo done
`;
const release = `on:
  push:
    tags: ['v*']
jobs:
  ship:
    uses: ./.github/workflows/deploy.yml
`;

function moveFix(text: string, readFile?: Parameters<typeof analyze>[0]['readFile']) {
  const finding = analyze({ path: DEPLOY, text, readFile }).findings.find((f) => f.ruleId === 'hardcoded-credential');
  assert.ok(finding, 'the credential is reported');
  return finding.fixes[0];
}

test('in a reusable workflow the secret is declared under on.workflow_call.secrets, and the callers are named', () => {
  const files: Record<string, string> = { '.github/workflows/release.yml': release, 'README.md': '' };
  const readFile = Object.assign((p: string) => files[p], {
    list: (dir: string) => (dir === '.github/workflows' ? ['release.yml', 'deploy.yml'] : []),
  });
  const text = deploy(`  workflow_call:
    inputs:
      environment:
        type: string
        required: true`);
  const fix = moveFix(text, readFile);
  assert.equal(fix.safety, 'unsafe');
  assert.match(fix.title, /declared under on\.workflow_call\.secrets: \.github\/workflows\/release\.yml must pass it/);
  const fixed = applyEdits(text, fix.edits);
  const wf = buildWorkflow(parseYaml(fixed), DEPLOY)!;
  assert.deepEqual(wf.declaredSecrets, ['DEPLOY_TOKEN']);
  assert.match(fixed, /secrets:\n {6}DEPLOY_TOKEN:\n {8}required: true\njobs:/);
  // The reference is only on the step that uses it.
  assert.equal(fixed.split('secrets.DEPLOY_TOKEN').length - 1, 1);
  assert.deepEqual(parseYaml(fixed).problems, []);
});

test('every form of the workflow_call trigger gets the declaration; a list of events gets no fix', () => {
  for (const on of [
    '  workflow_call:',
    '  workflow_call:\n    secrets:\n      OTHER:\n        required: false',
    '  push:\n  workflow_call: {}',
  ]) {
    const text = deploy(on);
    const fix = moveFix(text);
    assert.match(fix.title, /every calling workflow must pass it/);
    const fixed = applyEdits(text, fix.edits);
    assert.deepEqual(parseYaml(fixed).problems, [], on);
    assert.ok(buildWorkflow(parseYaml(fixed), DEPLOY)!.declaredSecrets.includes('DEPLOY_TOKEN'), on);
  }
  const scalar = deploy('').replace('on:\n\n', 'on: workflow_call\n');
  const fixed = applyEdits(scalar, moveFix(scalar).edits);
  assert.deepEqual(buildWorkflow(parseYaml(fixed), DEPLOY)!.declaredSecrets, ['DEPLOY_TOKEN']);
  const list = deploy('').replace('on:\n\n', 'on: [push, workflow_call]\n');
  assert.equal(moveFix(list), undefined, 'on: [..] cannot be extended with a minimal edit');
});

test('a test-database password shared with a service container of the job is never moved to a secret', () => {
  // Modelled on integration-test jobs: the steps connect to the postgres service with its literal password.
  const text = `on: push
jobs:
  integration:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: Xk9mP2vQ7rT4wZ8n
        ports: ['5432:5432']
    steps:
      - uses: actions/checkout@v4
      - run: npm run test:integration
        env:
          DATABASE_URL: postgres://postgres:Xk9mP2vQ7rT4wZ8n@localhost:5432/test
          PGPASSWORD: Xk9mP2vQ7rT4wZ8n
`;
  const findings = analyze({ path: '.github/workflows/ci.yml', text }).findings.filter(
    (f) => f.ruleId === 'hardcoded-credential',
  );
  assert.ok(findings.length > 0, 'the literal is still reported');
  for (const f of findings) assert.deepEqual(f.fixes, [], `no fix for ${f.properties?.key}`);
  // Without the service the same literal is an ordinary credential and gets its fix.
  const alone = text.replace(/    services:[\s\S]*?ports: \['5432:5432'\]\n/, '');
  assert.ok(
    analyze({ path: '.github/workflows/ci.yml', text: alone }).findings.some(
      (f) => f.ruleId === 'hardcoded-credential' && f.fixes.length > 0,
    ),
  );
});
