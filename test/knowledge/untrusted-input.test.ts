// The untrusted-input knowledge (sources and sinks) validates against its schema, and the loader reads it as meant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import schema from '../../schemas/untrusted-input.schema.json';
import {
  AI_AGENT_PROMPTS,
  EXECUTING_INPUTS,
  TAINTED_OUTPUT_ACTIONS,
  UNTRUSTED_INPUT_KB,
} from '../../server/src/knowledge/untrusted-input';

const compile = () => new Ajv({ allErrors: true }).addFormat('regex', true).compile(schema);

test('untrusted-input.json validates against schemas/untrusted-input.schema.json', () => {
  const validate = compile();
  assert.ok(validate(UNTRUSTED_INPUT_KB), JSON.stringify(validate.errors));
});

test('the schema rejects malformed entries', () => {
  const validate = compile();
  const valid = structuredClone(UNTRUSTED_INPUT_KB) as Record<string, Record<string, unknown>>;
  const broken = (patch: (kb: Record<string, Record<string, unknown>>) => void) => {
    const kb = structuredClone(valid);
    patch(kb);
    return validate(kb);
  };
  assert.equal(
    broken(() => {}),
    true,
  );
  assert.equal(
    broken((kb) => (kb.executingInputs['Appleboy/SSH-Action'] = ['script'])),
    false,
    'slugs are lower-case',
  );
  assert.equal(
    broken((kb) => (kb.taintedOutputs['a/b'] = 'all')),
    false,
    'outputs are names, "*" or a pattern',
  );
  assert.equal(
    broken((kb) => ((kb.contexts as Record<string, string[]>).untrusted = ['GitHub.Head_Ref'])),
    false,
    'context paths are lower-case',
  );
  assert.equal(
    broken((kb) => delete kb.events),
    false,
  );
});

test('the loader turns patterns into regular expressions and keeps lists and "*" as they are', () => {
  const changedFiles = TAINTED_OUTPUT_ACTIONS.get('tj-actions/changed-files');
  assert.ok(changedFiles instanceof RegExp);
  assert.ok(changedFiles.test('all_changed_files') && !changedFiles.test('any_changed'));
  assert.equal(TAINTED_OUTPUT_ACTIONS.get('tj-actions/branch-names'), '*');
  assert.deepEqual(TAINTED_OUTPUT_ACTIONS.get('peter-evans/find-comment'), ['comment-body']);
  assert.deepEqual(EXECUTING_INPUTS.get('actions/github-script'), ['script']);
  assert.ok(AI_AGENT_PROMPTS.get('anthropics/claude-code-action')?.includes('prompt'));
  assert.equal(EXECUTING_INPUTS.get('constructor'), undefined, 'no prototype look-ups');
});
