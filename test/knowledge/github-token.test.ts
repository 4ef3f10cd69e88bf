// The GITHUB_TOKEN knowledge validates against its schema, and the loader reads it as meant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import schema from '../../schemas/github-token.schema.json';
import {
  GH_SUBCOMMANDS,
  GITHUB_TOKEN_KB,
  REST_RESOURCE_SCOPES,
  TOKENLESS_COMMANDS,
} from '../../server/src/knowledge/github-token';
import { scopeForRestCall } from '../../server/src/analysis/permissions/rest';

const validate = new Ajv({ allErrors: true }).compile(schema);

test('github-token.json validates against schemas/github-token.schema.json', () => {
  assert.ok(validate(GITHUB_TOKEN_KB), JSON.stringify(validate.errors));
});

test('the schema rejects a scope the token does not have and a malformed gh entry', () => {
  const kb = () => structuredClone(GITHUB_TOKEN_KB) as Record<string, Record<string, unknown>>;
  const admin = kb();
  admin.restResources.hooks = 'administration';
  assert.equal(validate(admin), false);
  const noRead = kb();
  noRead.ghSubcommands.pr = { scope: 'pull-requests', write: ['merge'] };
  assert.equal(validate(noRead), false);
});

test('the loader builds look-ups that ignore object prototype names', () => {
  assert.equal(REST_RESOURCE_SCOPES.get('pulls'), 'pull-requests');
  assert.equal(REST_RESOURCE_SCOPES.get('constructor'), undefined);
  assert.ok(GH_SUBCOMMANDS.get('pr')?.write.has('merge'));
  assert.ok(GH_SUBCOMMANDS.get('pr')?.read.has('view'));
  assert.ok(TOKENLESS_COMMANDS.has('jq') && !TOKENLESS_COMMANDS.has('gh'));
  assert.deepEqual(scopeForRestCall('GET', '/repos/o/r/constructor'), {
    unknown: 'the /constructor API is not mapped to a scope',
  });
});
