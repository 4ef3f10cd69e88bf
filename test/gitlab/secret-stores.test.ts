// "Move to secret store" on GitLab CI for every style: a masked, protected CI/CD variable of the same name, or a job
// `secrets:` entry read with an `id_tokens` token. Exact results (test/fixtures/hardcoded-credential/gitlab-stores),
// valid YAML, nothing left to report, and the value in no fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG, type FlowguardConfig, type SecretStoreConfig } from '../../server/src/engine/config';
import { parseYaml } from '../../server/src/yaml/parse';
import { analyzeText, FIXTURES, fixFile, ofRule } from '../helpers';

const dir = join(FIXTURES, 'hardcoded-credential', 'gitlab-stores');
const input = readFileSync(join(dir, 'input.yml'), 'utf8');
const PLANTED = ['Qm7vX2pL9sT4wZ8rK3nBc5Df', 'Hk3pQ8vZr2Lm9Tx4Wn7Ys1Bc6Df0Gj5K'];

for (const style of ['variable', 'vault', 'gcp_secret_manager', 'azure_key_vault', 'aws_secrets_manager'] as const) {
  test(`${style}: fix all gives ${style}.fixed.yml`, () => {
    const secretStore: SecretStoreConfig = {
      provider: 'github',
      gitlab: { style, idTokenAudience: 'https://vault.example.com' },
    };
    const config: FlowguardConfig = { ...DEFAULT_CONFIG, secretStore };
    const result = fixFile({ path: '.gitlab-ci.yml', text: input, config }, { ruleIds: ['hardcoded-credential'] });
    assert.equal(result.text, readFileSync(join(dir, `${style}.fixed.yml`), 'utf8'));
    assert.deepEqual(parseYaml(result.text).problems, []);
    assert.deepEqual(ofRule(analyzeText(result.text, '.gitlab-ci.yml', config), 'hardcoded-credential'), []);
    for (const value of PLANTED) assert.ok(!result.text.includes(value));
    assert.deepEqual(result.applied.flatMap((a) => a.secretsToCreate).sort(), ['DEPLOY_API_KEY', 'SENTRY_AUTH_TOKEN']);
  });
}

test('provider vault picks the Vault style; the CI/CD-variable fix carries the store command without the value', () => {
  const config: FlowguardConfig = { ...DEFAULT_CONFIG, secretStore: { provider: 'vault' } };
  const findings = ofRule(analyzeText(input, '.gitlab-ci.yml', config), 'hardcoded-credential');
  const job = findings.find((f) => f.properties?.key === 'DEPLOY_API_KEY')!;
  assert.match(job.fixes[0].title, /HashiCorp Vault/);
  const global = findings.find((f) => f.properties?.key === 'SENTRY_AUTH_TOKEN')!;
  assert.match(global.fixes[0].title, /masked, protected CI\/CD variable/, 'global variables cannot take secrets:');
  assert.equal(global.fixes[0].followUp?.command, 'flowguard.storeGitlabVariable');
  assert.ok(!JSON.stringify(global.fixes).includes(PLANTED[0]));
});
