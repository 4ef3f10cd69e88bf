// The low-value secrets knowledge validates against its schema, and the loader matches names as workflows spell them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import schema from '../../schemas/low-value-secrets.schema.json';
import {
  LOW_VALUE_SECRETS_KB,
  isLowValueWriteScope,
  isUploadOnlySecret,
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
  assert.equal(isUploadOnlySecret('CODECOV_TOKEN'), true);
  assert.equal(isUploadOnlySecret('codecov_token'), true);
  assert.equal(isUploadOnlySecret('PYPI_API_TOKEN'), false);
  assert.equal(isUploadOnlySecret('TURBO_TOKEN'), false);
  assert.equal(isUploadOnlySecret('constructor'), false);
});

test('only scopes that report CI results are low-value write scopes', () => {
  assert.equal(isLowValueWriteScope('checks'), true);
  assert.equal(isLowValueWriteScope('contents'), false);
  const kb = structuredClone(LOW_VALUE_SECRETS_KB) as { lowValueScopes: Array<Record<string, unknown>> };
  kb.lowValueScopes[0].scope = 'contents';
  assert.equal(validate(kb), false);
});
