// The secure templates the extension hands out (snippets, the welcome button's workflow, .flowguard.yml) checked
// with the real engine: a secure template must not produce a single finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { DEFAULT_CONFIG, parseConfig } from '../../server/src/engine/config';
import { parseYaml } from '../../server/src/yaml/parse';
import { configFromSchema, SECURE_CI_WORKFLOW } from '../../client/src/templates';
import { ROOT } from '../helpers';

interface Snippet {
  prefix: string[];
  description: string;
  body: string[];
}

const snippets = JSON.parse(readFileSync(join(ROOT, 'snippets', 'github-actions.json'), 'utf8')) as Record<
  string,
  Snippet
>;

/** What the editor inserts when every placeholder keeps its default: ${1:x} -> x, $0 -> '', \$ -> $. */
function expandSnippet(body: string[]): string {
  let text = body.join('\n');
  for (let i = 0; i < 5 && /\$\{\d+:[^{}]*\}/.test(text); i++) text = text.replace(/(?<!\\)\$\{\d+:([^{}]*)\}/g, '$1');
  return text.replace(/(?<!\\)\$\d+/g, '').replace(/\\\$/g, '$');
}

test('there are the five secure snippets', () => {
  assert.equal(Object.keys(snippets).length, 5);
  for (const [name, snippet] of Object.entries(snippets)) {
    assert.ok(snippet.prefix.length > 0 && snippet.description.length > 20, name);
  }
});

for (const [name, snippet] of Object.entries(snippets)) {
  test(`snippet "${name}" expands to a file with no finding`, () => {
    const text = expandSnippet(snippet.body);
    assert.ok(!text.includes('${1') && !text.includes('\\$'), 'all placeholders expanded');
    const isAction = /^runs:/m.test(text);
    const result = analyze({ path: isAction ? 'action.yml' : '.github/workflows/snippet.yml', text });
    assert.equal(result.kind, isAction ? 'action' : 'workflow');
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.ruleErrors, []);
    assert.deepEqual(
      result.findings.map((f) => `${f.ruleId}: ${f.message}`),
      [],
    );
  });
}

test('the welcome button workflow has no finding', () => {
  const result = analyze({ path: '.github/workflows/ci.yml', text: SECURE_CI_WORKFLOW });
  assert.equal(result.kind, 'workflow');
  assert.deepEqual(
    result.findings.map((f) => f.ruleId),
    [],
  );
});

test('the generated .flowguard.yml is valid and equals the defaults', () => {
  const text = configFromSchema();
  assert.deepEqual(parseYaml(text).problems, []);
  const { config, problems } = parseConfig(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(config, DEFAULT_CONFIG);
  assert.match(text, /^# minSeverity: high \| medium \| low \| info$/m, 'a setting without default is a comment');
  assert.match(text, /^secretStore:\n  provider: github\n  githubScope: repository$/m);
});
