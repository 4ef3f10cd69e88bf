// Class 7 (fixes re-parse everywhere): the language server checks every code action's edit as the CLI checks what it
// writes (fixes/apply.ts checkFix): quick-fixes, fix-all and lazily resolved pins never produce invalid YAML nor leave
// their finding. Fixes inside flow mappings and quoted `run:` scalars are written in the scalar's quoting, and the
// shell quoting of a secret fix follows the decoded script (checked by running bash on it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { CodeAction, TextEdit as LspTextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient } from '../lsp/client';
import { pathToUri } from '../../server/src/lsp/paths';
import { fixAllKind } from '../../server/src/protocol';
import { analyze } from '../../server/src/engine/analyze';
import { applyEdits } from '../../server/src/fixes/edits';
import { parseYaml, mapGet, seqItems, scalarString } from '../../server/src/yaml/parse';
import { tempRepo, writeFiles } from './helpers';

const SECRET = 'ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d';
const PATH = '.github/workflows/deploy.yml';
const TEXT = `on: push
permissions: {}
jobs:
  deploy:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: make
        env: { TOKEN: ${SECRET} }
      - { run: "curl -u admin:${SECRET} https://flow.example.com" }
      - run: 'curl -u admin:${SECRET} https://single.example.com'
      - run: "curl -H 'Authorization: token ${SECRET}' https://double.example.com"
`;

const lineOf = (needle: string) => TEXT.slice(0, TEXT.indexOf(needle)).split('\n').length - 1;
const apply = (text: string, edits: LspTextEdit[]) =>
  TextDocument.applyEdits(TextDocument.create('file:///x.yml', 'yaml', 1, text), edits);
const yamlProblems = (text: string) => parseYaml(text).problems.map((p) => p.message);
const credentialLines = (text: string) =>
  analyze({ path: PATH, text })
    .findings.filter((f) => f.ruleId === 'hardcoded-credential')
    .map((f) => text.slice(0, f.span.start).split('\n').length - 1);

async function session(t: Parameters<typeof tempRepo>[0]) {
  const repo = tempRepo(t);
  writeFiles(repo, { [PATH]: TEXT });
  const client = LspClient.start();
  t.after(() => void client.shutdown());
  await client.initialize(pathToUri(repo), {}, {});
  const uri = pathToUri(join(repo, PATH));
  client.open(uri, TEXT);
  await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'hardcoded-credential'));
  const actionsAt = (line: number, only?: string[]) =>
    client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line, character: 0 }, end: { line, character: 200 } },
      context: { diagnostics: [], only },
    });
  return { uri, actionsAt };
}

test('a fix that would break the YAML (a secret in a flow-mapping env) is not offered by the server', async (t) => {
  const line = lineOf('env: { TOKEN');
  // The core's fix there writes `${{ }}` into a flow mapping: invalid YAML. The server must not send it.
  const core = analyze({ path: PATH, text: TEXT }).findings.find(
    (f) => f.ruleId === 'hardcoded-credential' && TEXT.slice(0, f.span.start).split('\n').length - 1 === line,
  );
  assert.ok(
    core?.fixes.some((fix) => yamlProblems(applyEdits(TEXT, fix.edits)).length > 0),
    'the core fix breaks',
  );
  const { uri, actionsAt } = await session(t);
  const actions = await actionsAt(line, ['quickfix']);
  const fixes = actions.filter((a) => a.kind === 'quickfix' && a.edit);
  for (const a of fixes) assert.deepEqual(yamlProblems(apply(TEXT, a.edit!.changes![uri])), [], a.title);
  assert.ok(!fixes.some((a) => /secret store/i.test(a.title)), fixes.map((a) => a.title).join(', '));

  // Fix-all over the category applies the good fixes and leaves the breaking one out.
  const [all] = await actionsAt(0, [fixAllKind('secrets')]);
  assert.ok(all?.edit, 'fix-all is offered');
  const fixed = apply(TEXT, all.edit.changes![uri]);
  assert.deepEqual(yamlProblems(fixed), []);
  assert.deepEqual(credentialLines(fixed), [line], 'only the flow-mapping env value is left');
});

for (const [name, needle] of [
  ['a flow-mapping step', 'flow.example.com'],
  ['a single-quoted run: scalar', 'single.example.com'],
] as const)
  test(`the secret fix inside ${name} is valid YAML and removes the finding`, async (t) => {
    const line = lineOf(needle);
    const { uri, actionsAt } = await session(t);
    const fix = (await actionsAt(line, ['quickfix'])).find((a) => a.kind === 'quickfix' && a.isPreferred);
    assert.ok(fix?.edit, 'a fix is offered');
    const fixed = apply(TEXT, fix.edit.changes![uri]);
    assert.deepEqual(yamlProblems(fixed), []);
    const fixedLine = fixed.split('\n').findIndex((l) => l.includes(needle));
    assert.ok(!fixed.split('\n')[fixedLine].includes(SECRET), fixed);
    assert.ok(!credentialLines(fixed).includes(fixedLine), 'the finding is gone');
    assert.equal(credentialLines(fixed).length, credentialLines(TEXT).length - 1, 'the others are left');
  });

test('a secret fix inside a double-quoted run: quotes for the decoded script: bash expands the variable', async (t) => {
  const { uri, actionsAt } = await session(t);
  const fix = (await actionsAt(lineOf(`token ${SECRET}`), ['quickfix'])).find(
    (a) => a.kind === 'quickfix' && a.isPreferred,
  );
  assert.ok(fix?.edit, 'a fix is offered');
  const fixed = apply(TEXT, fix.edit.changes![uri]);
  assert.deepEqual(yamlProblems(fixed), []);
  const steps = seqItems(mapGet(mapGet(mapGet(parseYaml(fixed).doc?.contents, 'jobs'), 'deploy'), 'steps'));
  const step = steps.find((s) => scalarString(mapGet(s, 'run'))?.includes('double.example.com'));
  const script = scalarString(mapGet(step, 'run'))!;
  const name = Object.keys((mapGet(step, 'env') as { toJSON(): Record<string, string> }).toJSON())[0];
  assert.ok(!script.includes(SECRET) && script.includes(name), script);
  // curl is a shell function here: the test sees the arguments the script would pass.
  const run = spawnSync('bash', ['-c', `curl() { printf '%s\\n' "$@"; }\n${script}`], {
    env: { PATH: process.env.PATH, [name]: 'expanded-value' },
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.stdout.split('\n').slice(0, 3), [
    '-H',
    'Authorization: token expanded-value',
    'https://double.example.com',
  ]);
});
