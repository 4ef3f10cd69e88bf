// "Move to secret store" for every configured store, applied with fixAll (the editor's "fix all") on one workflow
// with a script credential and an input credential in the same job: the exact result, valid YAML, nothing left,
// one fetch step per job, and the value in no fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG, type FlowguardConfig, type SecretStoreConfig } from '../../server/src/engine/config';
import { parseYaml } from '../../server/src/yaml/parse';
import { analyzeText, FIXTURES, ofRule, fixFile } from '../helpers';

const dir = join(FIXTURES, 'hardcoded-credential', 'stores');
const input = readFileSync(join(dir, 'input.yml'), 'utf8');
const PLANTED = ['b3CXlMaXZjljENUhJduRHHJEYXg4JdpmrcXgGCJb', 'sMehGAkWvj7FAc9QeWJKY40u'];
const withStore = (secretStore: SecretStoreConfig): FlowguardConfig => ({ ...DEFAULT_CONFIG, secretStore });

for (const provider of ['github', 'vault', '1password', 'aws', 'gcp', 'azure'] as const) {
  test(`${provider}: fix all gives ${provider}.fixed.yml`, () => {
    const config = withStore({ provider });
    const result = fixFile({ path: 'input.yml', text: input, config }, { ruleIds: ['hardcoded-credential'] });
    assert.equal(result.text, readFileSync(join(dir, `${provider}.fixed.yml`), 'utf8'));
    assert.deepEqual(parseYaml(result.text).problems, []);
    assert.deepEqual(ofRule(analyzeText(result.text, 'input.yml', config), 'hardcoded-credential'), []);
    for (const value of PLANTED) assert.ok(!result.text.includes(value));
    assert.deepEqual(result.applied.flatMap((a) => a.secretsToCreate).sort(), ['API_TOKEN', 'SLACK_WEBHOOK_URL']);
    // One fetch step serves the job.
    const ids = [...result.text.matchAll(/^\s+id: (\S+)$/gm)].map((m) => m[1]);
    assert.equal(ids.length, new Set(ids).size, 'no duplicated step id');
  });
}

test('store settings fill the fetch step: Vault URL, role and path template', () => {
  const config = withStore({
    provider: 'vault',
    vaultUrl: 'https://vault.example.com',
    vaultRole: 'ci-deploy',
    pathTemplate: 'kv/data/app/{name} token',
  });
  const result = fixFile({ path: 'input.yml', text: input, config }, { ruleIds: ['hardcoded-credential'] });
  assert.match(result.text, /url: https:\/\/vault\.example\.com\n/);
  assert.match(result.text, /role: ci-deploy\n/);
  assert.match(
    result.text,
    /kv\/data\/app\/api-token token \| API_TOKEN ;\n\s+kv\/data\/app\/slack-webhook-url token \| SLACK_WEBHOOK_URL\n/,
  );
});

test('an existing fetch step earlier in the job is extended, not duplicated', () => {
  const text = input.replace(
    '      - uses: actions/checkout@v4\n',
    '      - uses: actions/checkout@v4\n      - id: op\n        uses: 1password/load-secrets-action@v2\n        env:\n          OP_SERVICE_ACCOUNT_TOKEN: ${{ secrets.OP_SERVICE_ACCOUNT_TOKEN }}\n          DB_URL: op://CI/db/url\n',
  );
  const result = fixFile(
    { path: 'input.yml', text, config: withStore({ provider: '1password', onePasswordVault: 'Deploy' }) },
    { ruleIds: ['hardcoded-credential'] },
  );
  assert.equal((result.text.match(/load-secrets-action/g) ?? []).length, 1);
  assert.match(
    result.text,
    /DB_URL: op:\/\/CI\/db\/url\n {10}API_TOKEN: op:\/\/Deploy\/api-token\/credential\n {10}SLACK_WEBHOOK_URL: op:\/\/Deploy\/slack-webhook-url\/credential\n/,
  );
});

test('placements that run before any step (job env) fall back to GitHub secrets and say why', () => {
  const text =
    'on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      API_TOKEN: 9f8e7d6c5b4a39281706f5e4d3c2b1a0\n    steps:\n      - run: ./deploy.sh\n';
  const [finding] = ofRule(analyzeText(text, 'w.yml', withStore({ provider: 'aws' })), 'hardcoded-credential');
  assert.match(
    finding.fixes[0].title,
    /secrets\.API_TOKEN .*AWS Secrets Manager cannot be read before the job's steps run/,
  );
});

test('fixes carry the secret name and a Store Secret follow-up, never the value', () => {
  for (const finding of ofRule(analyzeText(input, 'input.yml'), 'hardcoded-credential')) {
    const fix = finding.fixes[0];
    assert.equal(fix.followUp?.command, 'flowguard.storeSecret');
    assert.ok(fix.secretsToCreate?.length === 1);
    const serialized = JSON.stringify(finding);
    for (const value of PLANTED)
      assert.ok(!serialized.includes(value), 'the finding and its fixes do not contain the value');
  }
});
