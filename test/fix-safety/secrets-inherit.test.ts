// Breakage class: the explicit list that replaces `secrets: inherit` must include what the callee passes on through
// its own `secrets: inherit` calls; when any callee in the chain cannot be read, the fix is not safe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';
import { applyEdits } from '../../server/src/fixes/edits';

// Modelled on release pipelines: release.yml -> build.yml (declares nothing, inherits on) -> sign.yml (reads the key).
const release = `on:
  push:
    tags: ['v*']
jobs:
  build:
    uses: ./.github/workflows/build.yml
    secrets: inherit
`;
const build = (signUses: string) => `on: workflow_call
jobs:
  compile:
    runs-on: ubuntu-latest
    steps:
      - run: make dist
        env:
          SENTRY_AUTH_TOKEN: \${{ secrets.SENTRY_AUTH_TOKEN }}
  sign:
    needs: compile
    uses: ${signUses}
    secrets: inherit
`;
const sign = `on:
  workflow_call:
    secrets:
      SIGNING_KEY:
        required: true
jobs:
  sign:
    runs-on: ubuntu-latest
    steps:
      - run: ./sign.sh
        env:
          KEY: \${{ secrets.SIGNING_KEY }}
          PASSPHRASE: \${{ secrets.SIGNING_PASSPHRASE }}
`;

function inheritFix(files: Record<string, string>) {
  const readFile = (p: string) => files[p];
  const finding = analyze({ path: '.github/workflows/release.yml', text: release, readFile }).findings.find(
    (f) => f.ruleId === 'secrets-inherit',
  );
  assert.ok(finding, 'secrets: inherit is reported');
  return finding.fixes[0];
}

test('the explicit list follows the callee’s own secrets: inherit calls, and is safe when the whole chain was read', () => {
  const fix = inheritFix({
    '.github/workflows/build.yml': build('./.github/workflows/sign.yml'),
    '.github/workflows/sign.yml': sign,
  });
  assert.equal(fix.safety, 'safe');
  const fixed = applyEdits(release, fix.edits);
  for (const name of ['SENTRY_AUTH_TOKEN', 'SIGNING_KEY', 'SIGNING_PASSPHRASE'])
    assert.match(fixed, new RegExp(`\\n      ${name}: \\$\\{\\{ secrets\\.${name} \\}\\}`), `${name} is passed`);
});

test('a remote or unreadable callee further down the chain makes the fix unsafe, and says which', () => {
  const remote = inheritFix({ '.github/workflows/build.yml': build('acme/shared/.github/workflows/sign.yml@v2') });
  assert.equal(remote.safety, 'unsafe');
  assert.match(remote.title, /acme\/shared\/\.github\/workflows\/sign\.yml@v2/);
  const missing = inheritFix({ '.github/workflows/build.yml': build('./.github/workflows/sign.yml') });
  assert.equal(missing.safety, 'unsafe');
});

test('a secret looked up by a computed name, or a called job in an environment, makes the fix unsafe', () => {
  const computed = inheritFix({
    '.github/workflows/build.yml': `on: workflow_call
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
        env:
          TOKEN: \${{ secrets[format('{0}_TOKEN', github.ref_name)] }}
`,
  });
  assert.equal(computed.safety, 'unsafe');
  const environment = inheritFix({
    '.github/workflows/build.yml': `on: workflow_call
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: ./deploy.sh
        env:
          TOKEN: \${{ secrets.DEPLOY_TOKEN }}
`,
  });
  assert.equal(environment.safety, 'unsafe');
  assert.match(environment.title, /environment/);
});
