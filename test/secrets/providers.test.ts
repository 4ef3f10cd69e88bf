// Every provider format of the table is detected in a real workflow through the engine, with high confidence, the
// provider named, and the value masked in the message. Sample tokens are generated here (random, seeded), not real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROVIDERS } from '../../server/src/analysis/secrets/providers';
import { analyzeText, ofRule } from '../helpers';

let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const UPPER_NUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const r = (n: number, alphabet = ALNUM) =>
  Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');

/** One plausible sample per provider id. */
const SAMPLES: Record<string, () => string> = {
  'aws-access-key-id': () => 'AKIA' + r(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'),
  'gcp-service-account-key': () => `{"type": "service_account", "private_key_id": "${r(40, HEX)}"}`,
  'gcp-api-key': () => 'AIza' + r(35),
  'google-oauth-client-secret': () => 'GOCSPX-' + r(28),
  'azure-storage-connection-string': () =>
    `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${r(86)}==;EndpointSuffix=core.windows.net`,
  'azure-client-secret': () => r(3) + '8Q~' + r(34),
  'azure-sas-token': () =>
    `https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01&sig=${r(44)}%3D`,
  'digitalocean-token': () => 'dop_v1_' + r(64, HEX),
  'heroku-api-key': () => 'HRKU-AA' + r(58),
  'flyio-token': () => 'fo1_' + r(43),
  'github-pat-classic': () => 'ghp_' + r(36),
  'github-pat-fine-grained': () => `github_pat_${r(22)}_${r(59)}`,
  'github-oauth-token': () => 'gho_' + r(36),
  'github-app-token': () => 'ghs_' + r(36),
  'github-refresh-token': () => 'ghr_' + r(76),
  'gitlab-token': () => 'glpat-' + r(20),
  'npm-token': () => 'npm_' + r(36),
  'pypi-token': () => 'pypi-AgEIcHlwaS5vcmc' + r(60),
  'dockerhub-token': () => 'dckr_pat_' + r(27),
  'rubygems-api-key': () => 'rubygems_' + r(48, HEX),
  'nuget-api-key': () => 'oy2' + r(43, 'abcdefghijklmnopqrstuvwxyz0123456789'),
  'sonarqube-token': () => 'sqp_' + r(40, HEX),
  'buildkite-token': () => 'bkua_' + r(40, HEX),
  'postman-api-key': () => `PMAK-${r(24, HEX)}-${r(34, HEX)}`,
  'slack-token': () => `xoxb-${r(11, '0123456789')}-${r(12, '0123456789')}-${r(24)}`,
  'slack-app-token': () => `xapp-1-${r(11, UPPER_NUM)}-${r(13, '0123456789')}-${r(64, HEX)}`,
  'slack-webhook': () => `https://hooks.slack.com/services/T${r(8, UPPER_NUM)}/B${r(8, UPPER_NUM)}/${r(24)}`,
  'discord-webhook': () => `https://discord.com/api/webhooks/${r(18, '0123456789')}/${r(68)}`,
  'teams-webhook': () =>
    `https://acme.webhook.office.com/webhookb2/${uuid()}@${uuid()}/IncomingWebhook/${r(32, HEX)}/${uuid()}`,
  'telegram-bot-token': () => `${r(10, '0123456789')}:AA${r(33)}`,
  'stripe-live-key': () => 'sk_live_' + r(32),
  'stripe-test-key': () => 'sk_test_' + r(32),
  'twilio-api-key': () => 'SK' + r(32, HEX),
  'sendgrid-api-key': () => `SG.${r(22)}.${r(43)}`,
  'mailgun-api-key': () => 'key-' + r(32, HEX),
  'mailchimp-api-key': () => r(32, HEX) + '-us12',
  'hubspot-token': () => `pat-na1-${uuid()}`,
  'shopify-token': () => 'shpat_' + r(32, HEX),
  'salesforce-access-token': () => `00D${r(15)}!${r(96)}`,
  'square-token': () => 'EAAA' + r(60),
  'figma-token': () => 'figd_' + r(40),
  'linear-api-key': () => 'lin_api_' + r(40),
  'notion-token': () => `ntn_${r(11, '0123456789')}${r(35)}`,
  'atlassian-api-token': () => 'ATATT3' + r(186),
  'contentful-token': () => 'CFPAT-' + r(43),
  'openai-api-key': () => `sk-proj-${r(40)}T3BlbkFJ${r(40)}`,
  'anthropic-api-key': () => `sk-ant-api03-${r(93)}AA`,
  'huggingface-token': () => 'hf_' + r(34, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'),
  'groq-api-key': () => 'gsk_' + r(52),
  'replicate-token': () => 'r8_' + r(37),
  'vault-token': () => 'hvs.' + r(90),
  'doppler-token': () => 'dp.st.' + r(43),
  'terraform-cloud-token': () => `${r(14)}.atlasv1.${r(67)}`,
  'pulumi-token': () => 'pul-' + r(40, HEX),
  'databricks-token': () => 'dapi' + r(32, HEX),
  'grafana-token': () => `glsa_${r(32)}_${r(8, HEX)}`,
  'sentry-token': () => 'sntryu_' + r(64, HEX),
  'cloudflare-origin-ca-key': () => `v1.0-${r(24, HEX)}-${r(146, HEX)}`,
  'newrelic-key': () => 'NRAK-' + r(27, UPPER_NUM),
  'dynatrace-token': () => `dt0c01.${r(24, UPPER_NUM)}.${r(64, UPPER_NUM)}`,
  'supabase-token': () => 'sbp_' + r(40, HEX),
  'planetscale-token': () => 'pscale_tkn_' + r(43),
  'age-secret-key': () => 'AGE-SECRET-KEY-1' + r(58, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L'),
  'private-key': () => `-----BEGIN RSA PRIVATE KEY-----\\n${r(64)}\\n${r(64)}\\n-----END RSA PRIVATE KEY-----`,
};

function uuid(): string {
  return `${r(8, HEX)}-${r(4, HEX)}-${r(4, HEX)}-${r(4, HEX)}-${r(12, HEX)}`;
}

test('the table covers at least 40 providers, each with a sample here', () => {
  assert.ok(
    new Set(PROVIDERS.map((p) => p.provider)).size >= 40,
    `${new Set(PROVIDERS.map((p) => p.provider)).size} providers`,
  );
  assert.deepEqual(
    PROVIDERS.map((p) => p.id).filter((id) => !SAMPLES[id]),
    [],
  );
});

for (const provider of PROVIDERS) {
  test(`${provider.id}: detected with high confidence and masked`, () => {
    const sample = SAMPLES[provider.id]();
    // A neutral name: the shape alone must be enough. Double quotes keep JSON and `\n` samples one scalar.
    const text = `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./build.sh\n        env:\n          SETTING_VALUE: ${JSON.stringify(sample)}\n`;
    const found = ofRule(analyzeText(text), 'hardcoded-credential');
    assert.equal(found.length, 1, `one finding for ${provider.id}`);
    assert.equal(found[0].properties?.provider, provider.id);
    assert.equal(found[0].confidence, 'high');
    const longestRun = (sample.match(/[A-Za-z0-9]{12,}/g) ?? []).sort((a, b) => b.length - a.length)[0];
    const random = (longestRun ?? sample).slice(2, 8);
    assert.ok(!found[0].message.includes(random), 'the message shows no part of the random body');
    assert.equal(found[0].fixes[0]?.edits[0]?.newText.startsWith('${{ secrets.'), true);
  });
}

test('placeholders with a provider prefix are not credentials', () => {
  const text = [
    'on: push',
    'env:',
    '  A: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    '  B: AKIAIOSFODNN7EXAMPLE',
    '  C: sk_live_0000000000000000000000000000',
    '  D: npm_abcdefghijklmnopqrstuvwxyz0123456789',
    '  E: xoxb-not-a-real-token-this-will-not-work',
    'jobs: {}',
    '',
  ].join('\n');
  assert.deepEqual(
    ofRule(analyzeText(text), 'hardcoded-credential').map((f) => f.message),
    [],
  );
});
