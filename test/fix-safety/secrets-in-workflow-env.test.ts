// Breakage class: moving a workflow-level secret to the steps that use it. A step whose command is dynamic
// (`run: ${{ matrix.cmd }}`) may read any variable, so it keeps the secret; a GitHub token is not copied onto
// third-party actions that the knowledge base says do not read it from the environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';
import { applyEdits } from '../../server/src/fixes/edits';
import { buildWorkflow } from '../../server/src/model/workflow';
import { parseYaml } from '../../server/src/yaml/parse';

// Modelled on matrix-driven check workflows that run one command per matrix entry.
const text = `on:
  push:
    branches: [main]
env:
  CODECOV_TOKEN: \${{ secrets.CODECOV_TOKEN }}
  GH_TOKEN: \${{ secrets.BOT_PAT }}
jobs:
  checks:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        cmd: ['npm run lint', './scripts/upload-coverage.sh']
    steps:
      - uses: actions/checkout@v4
      - run: \${{ matrix.cmd }}
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "v1" > VERSION
      - uses: peter-evans/create-pull-request@v6
        with:
          token: \${{ secrets.BOT_PAT }}
      - run: gh release create v1
`;

function fixFor(variable: string): string {
  const finding = analyze({ path: '.github/workflows/checks.yml', text }).findings.find(
    (f) => f.ruleId === 'secrets-in-workflow-env' && f.properties?.variable === variable,
  );
  assert.ok(finding, `${variable} is reported`);
  return applyEdits(text, finding.fixes[0].edits);
}

const stepEnv = (fixed: string) =>
  buildWorkflow(parseYaml(fixed), 'x.yml')!.jobs.flatMap((j) =>
    j.steps.map(
      (s) => `${j.id}:${s.uses?.slug ?? s.run?.text.trim()}:${(s.env?.entries ?? []).map((e) => e.name).join(',')}`,
    ),
  );

test('a step whose command comes from the matrix keeps the secret', () => {
  const fixed = fixFor('CODECOV_TOKEN');
  assert.ok(stepEnv(fixed).includes('checks:${{ matrix.cmd }}:CODECOV_TOKEN'), stepEnv(fixed).join('\n'));
  assert.doesNotMatch(fixed, /^env:\n  CODECOV_TOKEN/m, 'it leaves the workflow env');
});

test('a GitHub token goes to gh, not to an action that takes its token as an input', () => {
  const envs = stepEnv(fixFor('GH_TOKEN'));
  assert.ok(envs.includes('release:gh release create v1:GH_TOKEN'), envs.join('\n'));
  assert.ok(envs.includes('release:peter-evans/create-pull-request:'), 'not copied onto create-pull-request');
});
