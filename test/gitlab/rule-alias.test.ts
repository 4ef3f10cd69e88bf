// GitLab's curl-pipe-shell became unverified-script-exec (one concept, one rule for both dialects). The old id stays
// an alias: suppression comments, .flowguard.yml and editor settings written with it must keep working.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { parseConfig } from '../../server/src/engine/config';
import { ALL_RULES } from '../../server/src/rules/index';
import { runCli, tempDir } from '../cli/helpers';

const PIPELINE = `stages: [build]

build:
  stage: build
  script:
    - curl -fsSL https://get.example.com/install.sh | bash
    - make
`;
const WORKFLOW = `on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: curl -fsSL https://get.example.com/install.sh | bash
`;
const KNOWN = new Set(ALL_RULES.flatMap((r) => [r.meta.id, ...r.meta.aliases]));
const ids = (r: ReturnType<typeof analyze>) => r.findings.map((f) => f.ruleId);
const configOf = (text: string) => {
  const { config, problems } = parseConfig(text, KNOWN);
  assert.deepEqual(problems, []);
  return config!;
};

describe('curl-pipe-shell is an alias of unverified-script-exec', () => {
  test('one rule reports the pipe in both dialects, under the shared id', () => {
    assert.equal(ALL_RULES.filter((r) => r.meta.id === 'curl-pipe-shell').length, 0, 'no second rule');
    const rule = ALL_RULES.find((r) => r.meta.id === 'unverified-script-exec')!;
    assert.ok(rule.meta.aliases.includes('curl-pipe-shell'));
    assert.deepEqual([...rule.meta.appliesTo].sort(), ['action', 'gitlab', 'workflow']);
    assert.deepEqual(ids(analyze({ path: '.gitlab-ci.yml', text: PIPELINE })), ['unverified-script-exec']);
    assert.deepEqual(ids(analyze({ path: '.github/workflows/a.yml', text: WORKFLOW })), ['unverified-script-exec']);
  });

  test('a suppression comment with the old id still suppresses, and is not reported as unused', () => {
    const text = PIPELINE.replace(
      '    - curl',
      '    # flowguard: ignore[curl-pipe-shell] the installer is fetched from our own mirror\n    - curl',
    );
    const result = analyze({ path: '.gitlab-ci.yml', text });
    assert.deepEqual(ids(result), []);
    assert.equal(result.suppressed, 1);
  });

  test('.flowguard.yml may turn the rule off or change its severity by the old id', () => {
    const off = configOf('rules:\n  curl-pipe-shell: off\n');
    assert.deepEqual(ids(analyze({ path: '.gitlab-ci.yml', text: PIPELINE, config: off })), []);
    assert.deepEqual(ids(analyze({ path: '.github/workflows/a.yml', text: WORKFLOW, config: off })), []);
    const high = configOf('rules:\n  curl-pipe-shell: high\n');
    assert.deepEqual(
      analyze({ path: '.gitlab-ci.yml', text: PIPELINE, config: high }).findings.map((f) => f.severity),
      ['high'],
    );
  });

  test('the CLI accepts a configuration written with the old id', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, '.gitlab-ci.yml'), PIPELINE);
    const scan = async () => {
      const r = await runCli(['scan', '.', '-f', 'json'], { cwd: dir });
      assert.ok(r.status === 0 || r.status === 1, r.stderr);
      return JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId) as string[];
    };
    assert.deepEqual(await scan(), ['unverified-script-exec']);
    writeFileSync(join(dir, '.flowguard.yml'), 'rules:\n  curl-pipe-shell: off\n');
    assert.deepEqual(await scan(), []);
  });
});
