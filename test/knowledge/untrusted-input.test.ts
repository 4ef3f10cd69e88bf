// The untrusted-input knowledge (sources and sinks) validates against its schema, and the loader reads it as meant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import schema from '../../schemas/untrusted-input.schema.json';
import {
  AI_AGENT_PROMPTS,
  CACHING_ACTIONS,
  INPUT_SINKS,
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
    broken(
      (kb) =>
        ((kb.inputSinks as unknown as unknown[])[0] = {
          action: 'Appleboy/SSH-Action',
          input: 'script',
          kind: 'shell',
          source: 'codeql',
        }),
    ),
    false,
    'slugs are lower-case',
  );
  assert.equal(
    broken(
      (kb) =>
        ((kb.inputSinks as unknown as unknown[])[0] = { action: 'a/b', input: 'x', kind: 'eval', source: 'codeql' }),
    ),
    false,
    'a sink is code, shell, args or template',
  );
  assert.equal(
    broken(
      (kb) =>
        ((kb.inputSinks as unknown as unknown[])[0] = {
          action: 'a/b',
          input: 'x',
          kind: 'shell',
          until: 'v2',
          source: 'codeql',
        }),
    ),
    false,
    'versions are bare numbers',
  );
  assert.equal(
    broken((kb) => ((kb.inputSinks as unknown as unknown[])[0] = { action: 'a/b', input: 'x', kind: 'shell' })),
    false,
    'every sink names its source',
  );
  assert.equal(
    broken(
      (kb) => (kb.taintedOutputs['a/b'] = [{ outputs: '*', kind: 'path', source: 'codeql' }] as unknown as string),
    ),
    false,
    'outputs are text, filenames or ref',
  );
  assert.equal(
    broken(
      (kb) => (kb.taintedOutputs['a/b'] = [{ outputs: 'all', kind: 'text', source: 'codeql' }] as unknown as string),
    ),
    false,
    'outputs are names, "*" or a pattern',
  );
  assert.equal(
    broken((kb) => ((kb.contexts as Record<string, string[]>).untrusted = ['GitHub.Head_Ref'])),
    false,
    'context paths are lower-case',
  );
  assert.equal(
    broken((kb) => (kb.cachingActions['a/b'] = { restores: 'input' } as unknown as string)),
    false,
    'a cache switched by an input names the input',
  );
  assert.equal(
    broken(
      (kb) =>
        (kb.cachingActions['a/b'] = {
          restores: 'input',
          input: 'cache',
          packageManagerCache: { offInput: 'x', byVersion: [{ since: '5', managers: ['bun'] }] },
        } as unknown as string),
    ),
    false,
    'setup-node caches npm, pnpm or yarn',
  );
  assert.equal(
    broken((kb) => (kb.cachingActions['a/b'] = { restores: 'always', offInput: { name: 'x' } } as unknown as string)),
    false,
    'an input turning a cache off lists the values that do',
  );
  assert.equal(
    broken((kb) => (kb.argumentTools.git = { separator: '-' } as unknown as string)),
    false,
    'a separator is -- or --end-of-options',
  );
  assert.equal(
    broken((kb) => delete kb.events),
    false,
  );
});

test('the loader turns patterns into regular expressions, keeps lists and "*", and groups sinks by action', () => {
  const [changedFiles] = TAINTED_OUTPUT_ACTIONS.get('tj-actions/changed-files')!;
  assert.ok(changedFiles.outputs instanceof RegExp);
  assert.ok(changedFiles.outputs.test('all_changed_files') && !changedFiles.outputs.test('any_changed'));
  assert.equal(changedFiles.kind, 'filenames');
  assert.equal(changedFiles.escapedSince, '41.0.0');
  assert.deepEqual(TAINTED_OUTPUT_ACTIONS.get('tj-actions/branch-names')![0].outputs, '*');
  assert.equal(TAINTED_OUTPUT_ACTIONS.get('tj-actions/branch-names')![0].kind, 'ref');
  assert.deepEqual(TAINTED_OUTPUT_ACTIONS.get('peter-evans/find-comment')![0].outputs, ['comment-body']);
  assert.deepEqual(
    TAINTED_OUTPUT_ACTIONS.get('8bitjonny/gh-get-current-pr')!.map((g) => g.kind),
    ['text', 'ref'],
  );
  assert.deepEqual(INPUT_SINKS.get('actions/github-script'), [
    { input: 'script', kind: 'code', language: 'javascript', source: 'codeql' },
  ]);
  assert.deepEqual(
    INPUT_SINKS.get('sonarsource/sonarqube-scan-action')!.map((s) => [s.kind, s.since, s.until]),
    [
      ['shell', '4.0.0', '5.3.1'],
      ['args', undefined, undefined],
    ],
  );
  assert.ok(AI_AGENT_PROMPTS.get('anthropics/claude-code-action')?.includes('prompt'));
  assert.equal(INPUT_SINKS.get('constructor'), undefined, 'no prototype look-ups');
});

test("every CodeQL sink from zizmor's list is in the knowledge base", () => {
  // ../shared/data/zizmor/codeql-injection-sinks.json (MIT) at the time of import, kept here so the test is offline.
  const codeql: Array<[string, string[]]> = [
    ['8398a7/action-slack', ['custom_payload']],
    ['actions/github-script', ['script']],
    ['appleboy/ssh-action', ['script']],
    ['azure/cli', ['inlinescript']],
    ['azure/powershell', ['inlinescript']],
    ['devorbitus/yq-action-output', ['cmd']],
    ['gautamkrishnar/blog-post-workflow', ['item_exec']],
    ['imjohnbo/issue-bot', ['body', 'linked-comments-previous-issue-text', 'linked-comments-new-issue-text']],
    ['lucasbento/auto-close-issues', ['issue-close-message']],
    ['mikefarah/yq', ['cmd']],
    ['roots/issue-closer-action', ['issue-close-message', 'pr-close-message']],
    ['sergeysova/jq-action', ['cmd']],
    ['skitionek/notify-microsoft-teams', ['overwrite']],
    ['tibdex/backport', ['body_template', 'head_template', 'labels_template', 'title_template']],
  ];
  for (const [action, inputs] of codeql)
    for (const input of inputs)
      assert.ok(
        INPUT_SINKS.get(action)?.some((s) => s.input === input && s.source === 'codeql'),
        `${action} ${input}`,
      );
});

test('caching defaults by version: setup-node caches its package manager from v5 (npm only from v6), setup-uv from v5', () => {
  const node = CACHING_ACTIONS.get('actions/setup-node')!.packageManagerCache!;
  assert.equal(node.offInput, 'package-manager-cache');
  assert.deepEqual(
    node.byVersion.map((r) => [r.since, r.until, [...r.managers].sort()]),
    [
      ['5', '6', ['npm', 'pnpm', 'yarn']],
      ['6', undefined, ['npm']],
    ],
  );
  assert.equal(CACHING_ACTIONS.get('astral-sh/setup-uv')!.defaultOnSince, '5');
  assert.ok(CACHING_ACTIONS.get('astral-sh/setup-uv')!.defaultReadBy?.includes('uv sync'));
  assert.deepEqual(CACHING_ACTIONS.get('ramsey/composer-install')!.offInput?.values, ['yes', 'true', '1']);
  assert.equal(CACHING_ACTIONS.get('ruby/setup-ruby')!.input, 'bundler-cache');
});
