// cache-poisoning's fix removes a setup action's cache input: safe when the input only caches, and an emptied
// `with:` goes with it; ruby/setup-ruby's bundler-cache also installs the gems, so removing it is unsafe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';
import { applyEdits } from '../../server/src/fixes/edits';
import { parseYaml } from '../../server/src/yaml/parse';

// Modelled on gem and npm release workflows triggered by tags.
const release = (setup: string, publish: string) => `on:
  push:
    tags: ['v*']
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
${setup}
      - run: ${publish}
`;

function fixOf(text: string) {
  const finding = analyze({ path: '.github/workflows/release.yml', text }).findings.find(
    (f) => f.ruleId === 'cache-poisoning',
  );
  assert.ok(finding, 'the cache is reported');
  return finding.fixes[0];
}

test('removing the only input of with: removes with: too, and the fix is safe for a cache-only input', () => {
  const text = release(
    '      - uses: actions/setup-node@v4\n        with:\n          cache: npm',
    'npm ci && npm publish',
  );
  const fix = fixOf(text);
  assert.equal(fix.safety, 'safe');
  const fixed = applyEdits(text, fix.edits);
  assert.match(fixed, /- uses: actions\/setup-node@v4\n {6}- run: npm ci/);
  assert.deepEqual(parseYaml(fixed).problems, []);
});

test("ruby/setup-ruby's bundler-cache also runs bundle install: removing it is unsafe and says so", () => {
  const fix = fixOf(
    release(
      '      - uses: ruby/setup-ruby@v1\n        with:\n          bundler-cache: true',
      'bundle exec rake release',
    ),
  );
  assert.equal(fix.safety, 'unsafe');
  assert.match(fix.title, /bundle install/);
});
