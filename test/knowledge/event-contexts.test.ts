// The webhook context capabilities (generated from zizmor's CSV) validate against their schema and load as a tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import schema from '../../schemas/event-contexts.schema.json';
import { contextCapability, EVENT_CONTEXTS_KB } from '../../server/src/knowledge/event-contexts';

test('event-contexts.json validates against schemas/event-contexts.schema.json', () => {
  const validate = new Ajv({ allErrors: true }).compile(schema);
  assert.ok(validate(EVENT_CONTEXTS_KB), JSON.stringify(validate.errors));
  const broken = structuredClone(EVENT_CONTEXTS_KB) as { contexts: { github: Record<string, unknown> } };
  broken.contexts.github.sha = 'x';
  assert.equal(validate(broken), false, 'capabilities are a, s or f');
  const upper = structuredClone(EVENT_CONTEXTS_KB) as { contexts: { github: Record<string, unknown> } };
  upper.contexts.github.Head_Ref = 'a';
  assert.equal(validate(upper), false, 'segments are lower-case');
});

test('look-ups follow the tree: array indexes match `*`, a node keeps its own capability, no prototype keys', () => {
  assert.equal(contextCapability(['github', 'event', 'pull_request', 'title']), 'arbitrary');
  assert.equal(contextCapability(['github', 'event', 'pull_request', 'number']), 'fixed');
  assert.equal(contextCapability(['github', 'event', 'pull_request', 'labels', '3', 'name']), 'arbitrary');
  assert.equal(contextCapability(['github', 'event', 'pusher', 'email']), 'structured');
  assert.equal(contextCapability(['runner', 'os']), 'fixed');
  assert.equal(contextCapability(['github', 'event', 'constructor']), undefined);
  assert.equal(contextCapability(['github', 'event', 'pull_request', 'number', 'x']), undefined);
});
