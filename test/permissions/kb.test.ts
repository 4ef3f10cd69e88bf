// The actions knowledge base: every data file validates against schemas/actions-kb.schema.json, and look-ups work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import schema from '../../schemas/actions-kb.schema.json';
import { KB_FILES, lookupAction, knownActionSlugs, needsOf } from '../../server/src/knowledge/actions-kb';

test('every knowledge-base file validates against the schema', () => {
  const validate = new Ajv({ allErrors: true }).compile(schema);
  for (const [name, data] of Object.entries(KB_FILES)) {
    assert.ok(validate(data), `${name}.json: ${JSON.stringify(validate.errors)}`);
  }
});

test('the schema rejects a malformed entry', () => {
  const validate = new Ajv().compile(schema);
  assert.equal(
    validate({ actions: { 'a/b': { token: 'none', scopes: { contents: { level: 'admin', reason: 'x y' } } } } }),
    false,
  );
  assert.equal(validate({ actions: { 'A/B': { token: 'none', scopes: {} } } }), false);
  assert.equal(
    validate({
      actions: {
        'a/b': { token: 'none', scopes: { administration: { level: 'write', reason: 'not a token scope' } } },
      },
    }),
    false,
  );
});

test('no action is described twice across files', () => {
  const seen = new Set<string>();
  for (const data of Object.values(KB_FILES)) {
    for (const slug of Object.keys(data.actions)) {
      assert.ok(!seen.has(slug), `${slug} appears twice`);
      seen.add(slug);
    }
  }
  assert.equal(knownActionSlugs().length, seen.size);
});

test('look-ups ignore case; actions that need no token are known entries with no scopes', () => {
  assert.deepEqual(lookupAction('Actions/Cache')?.scopes, {});
  assert.equal(lookupAction('actions/cache')?.token, 'none');
  assert.equal(lookupAction('nobody/nothing'), undefined);
  assert.deepEqual(
    needsOf(lookupAction('actions/labeler')!).map((n) => `${n.scope}:${n.need.level}`),
    ['contents:read', 'pull-requests:write'],
  );
});

test('an action whose token input defaults to github.token names that input', () => {
  for (const slug of knownActionSlugs()) {
    const e = lookupAction(slug)!;
    if (e.token !== 'none' && e.token.default === 'github.token')
      assert.ok(e.token.inputs?.length, `${slug} names its token input`);
  }
});
