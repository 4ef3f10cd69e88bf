// The vendor-actions knowledge validates against its schema, and owners match as workflows spell them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import schema from '../../schemas/vendor-actions.schema.json';
import { VENDOR_ACTIONS_KB, vendorOwner } from '../../server/src/knowledge/vendor-actions';

const validate = new Ajv({ allErrors: true }).compile(schema);

test('vendor-actions.json validates against schemas/vendor-actions.schema.json', () => {
  assert.ok(validate(VENDOR_ACTIONS_KB), JSON.stringify(validate.errors));
});

test('the schema rejects an entry without a why or with an upper-case owner', () => {
  const kb = () => structuredClone(VENDOR_ACTIONS_KB) as { owners: Array<Record<string, unknown>> };
  const noWhy = kb();
  delete noWhy.owners[0].why;
  assert.equal(validate(noWhy), false);
  const upper = kb();
  upper.owners[0].owner = 'Azure';
  assert.equal(validate(upper), false);
});

test('vendor owners match regardless of case; individuals and small organisations do not', () => {
  assert.match(vendorOwner('Azure') ?? '', /Microsoft/);
  assert.ok(vendorOwner('aws-actions'));
  assert.ok(vendorOwner('actions'));
  for (const owner of ['softprops', 'andelf', 'ilammy', 'tj-actions', 'constructor']) {
    assert.equal(vendorOwner(owner), undefined, owner);
  }
});
