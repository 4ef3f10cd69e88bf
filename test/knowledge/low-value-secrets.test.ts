// The low-value secrets knowledge validates against its schema, and the loader matches names as workflows spell them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import schema from '../../schemas/low-value-secrets.schema.json';
import {
  LOW_VALUE_SECRETS_KB,
  isLowValueWriteScope,
  isReportOnlySecret,
} from '../../server/src/knowledge/low-value-secrets';

const validate = new Ajv({ allErrors: true }).compile(schema);

test('low-value-secrets.json validates against schemas/low-value-secrets.schema.json', () => {
  assert.ok(validate(LOW_VALUE_SECRETS_KB), JSON.stringify(validate.errors));
});

test('the schema rejects an entry without a documented source or with a lower-case name', () => {
  const kb = () => structuredClone(LOW_VALUE_SECRETS_KB) as { uploadOnly: Array<Record<string, unknown>> };
  const noSource = kb();
  delete noSource.uploadOnly[0].source;
  assert.equal(validate(noSource), false);
  const lower = kb();
  lower.uploadOnly[0].name = 'codecov_token';
  assert.equal(validate(lower), false);
});

test('upload-only names match regardless of case; publishing tokens do not', () => {
  assert.equal(isReportOnlySecret('CODECOV_TOKEN'), true);
  assert.equal(isReportOnlySecret('codecov_token'), true);
  assert.equal(isReportOnlySecret('BENCHER_API_TOKEN'), true);
  assert.equal(isReportOnlySecret('PYPI_API_TOKEN'), false);
  assert.equal(isReportOnlySecret('TURBO_TOKEN'), false);
  assert.equal(isReportOnlySecret('constructor'), false);
});

test('chat incoming webhooks match by name; bot tokens and other webhooks do not', () => {
  for (const name of [
    'SLACK_WEBHOOK',
    'SLACK_NOTIFICATIONS_WEBHOOK_URL',
    'ci_errors_slack_webhook_url',
    'DISCORD_CONTRIBUTORS_WEBHOOK',
    'DISCORD_WEBHOOK_TOKEN',
    'MS_TEAMS_WEBHOOK_URI',
    'ARROW_ZULIP_WEBHOOK',
  ])
    assert.equal(isReportOnlySecret(name), true, name);
  for (const name of ['SLACK_BOT_TOKEN', 'SLACK', 'SLACKWEBHOOK_ADMIN_TOKEN', 'DEPLOY_WEBHOOK', 'SERGE_WEBHOOK_SECRET'])
    assert.equal(isReportOnlySecret(name), false, name);
});

test('the schema rejects a webhook pattern that does not say WEBHOOK', () => {
  const kb = structuredClone(LOW_VALUE_SECRETS_KB) as { notifyOnly: Array<Record<string, unknown>> };
  kb.notifyOnly[0].pattern = '^SLACK_';
  assert.equal(validate(kb), false);
});

test('only scopes that report CI results are low-value write scopes', () => {
  assert.equal(isLowValueWriteScope('checks'), true);
  assert.equal(isLowValueWriteScope('contents'), false);
  const kb = structuredClone(LOW_VALUE_SECRETS_KB) as { lowValueScopes: Array<Record<string, unknown>> };
  kb.lowValueScopes[0].scope = 'contents';
  assert.equal(validate(kb), false);
});
