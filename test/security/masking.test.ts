// Class 2: no planted secret in any output. The redactor is built from every secret the analysis sees: values whose
// finding is suppressed, filtered by --min-severity or whose rule is off; key-named values in files that do not
// parse; credentials in `docker://user:pass@` and `environment.url`; the review's facts. The CLI runs in-process
// (the real `flowguard` entry point with captured output) over a repository written by the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../../server/src/cli/run';
import { handleReview } from '../../server/src/lsp/review';
import { pathToUri } from '../../server/src/lsp/paths';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { analyze } from '../../server/src/engine/analyze';
import { defineRule } from '../../server/src/engine/rule';
import { ALL_RULES } from '../../server/src/rules/index';
import { analysisDiagnostics, maskedRuleErrors } from '../../server/src/lsp/diagnostics';
import { LineIndex } from '../../server/src/text/lines';
import { RULE_ERROR_CODE } from '../../server/src/protocol';
import { tempRepo, writeFiles } from './helpers';

const GH_TOKEN = 'ghp_' + 'R7mK2pQ9xW4vL8nT3bY6cF1hJ5dS0gA2eZ7u';
const API_TOKEN = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const URL_PASSWORD = 'Zx9Kq2Lm8Np4Rt6Vw3';
const ENV_PASSWORD = 'Hq7Wd3Rk9Tz2Lp5Mx8';
const AWS_SECRET = 'k8Jd92LmQz7Xw4Rt1Vb6Np3Yh5Gc0Fs2Ae9Ui4Oo';
const PLANTED = [GH_TOKEN, API_TOKEN, URL_PASSWORD, ENV_PASSWORD, AWS_SECRET];

const WORKFLOW = `name: deploy ${GH_TOKEN}
on: push
permissions: {}
jobs:
  deploy:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    environment:
      name: prod
      url: https://deploy:${ENV_PASSWORD}@deploy.example.com/
    steps:
      - uses: docker://robot:${URL_PASSWORD}@registry.example.com/tool:1.0
      - run: make
        env:
          API_TOKEN: ${API_TOKEN} # flowguard: ignore[hardcoded-credential] rotated test value
          TITLE: \${{ github.event.issue.title }}
      - run: echo "\${{ github.event.issue.title }}"
`;
// Not valid YAML (a tab in the indentation after a flow mapping left open): only the key says what the value is.
const BROKEN = `on: push
jobs:
  b:
    env: {
      AWS_SECRET_ACCESS_KEY: ${AWS_SECRET}
\t  x: [
`;

async function scan(cwd: string, args: string[]): Promise<{ status: unknown; out: string }> {
  let out = '';
  const io = {
    cwd,
    env: {},
    stdout: (s: string) => (out += s),
    stderr: (s: string) => (out += s),
    stdoutIsTTY: false,
  };
  const status = await runCli(['scan', ...args], io);
  return { status, out };
}

function assertNoSecret(text: string, where: string): void {
  for (const secret of PLANTED) assert.ok(!text.includes(secret), `${where} prints ${secret.slice(0, 4)}…`);
}

const setups: Array<[string, Record<string, string>, string[]]> = [
  ['suppressed', {}, []],
  ['filtered by --min-severity', {}, ['--min-severity', 'high']],
  ['rule turned off', { '.flowguard.yml': 'rules:\n  hardcoded-credential: "off"\n' }, []],
];

for (const [name, extra, args] of setups)
  test(`no planted secret in text, JSON or SARIF output (${name})`, async (t) => {
    const repo = tempRepo(t);
    writeFiles(repo, { '.github/workflows/deploy.yml': WORKFLOW, '.github/workflows/broken.yml': BROKEN, ...extra });
    for (const format of ['text', 'json', 'sarif']) {
      const r = await scan(repo, ['--format', format, ...args, '.']);
      assert.notEqual(r.status, 0);
      assertNoSecret(r.out, `${format} (${name})`);
      if (format === 'text') assert.match(r.out, /AWS_SECRET_ACCESS_KEY/, 'the broken file’s frame is shown');
    }
  });

test('credentials in docker:// uses and environment.url are reported (masked)', async (t) => {
  const repo = tempRepo(t);
  writeFiles(repo, { '.github/workflows/deploy.yml': WORKFLOW });
  const r = await scan(repo, ['--format', 'json', '.']);
  const findings = JSON.parse(r.out).findings as Array<{ ruleId: string; range: { start: { line: number } } }>;
  const lines = findings.filter((f) => f.ruleId === 'hardcoded-credential').map((f) => f.range.start.line);
  assert.ok(lines.includes(10), `environment.url: ${lines}`);
  assert.ok(lines.includes(12), `docker:// uses: ${lines}`);
});

test('security review facts (webview and Markdown export) never carry a secret', async (t) => {
  const repo = tempRepo(t);
  writeFiles(repo, { '.github/workflows/deploy.yml': WORKFLOW });
  const uri = pathToUri(join(repo, '.github/workflows/deploy.yml'));
  const review = await handleReview(
    { uris: [uri], sarif: true },
    { openText: () => undefined, configFor: async () => DEFAULT_CONFIG },
    () => false,
  );
  assert.ok(review.files[0].facts, 'facts were computed');
  assertNoSecret(JSON.stringify(review), 'the review');
});

test('a rule crash quoting the file: the server log line and the error diagnostic are masked', () => {
  // A rule that throws with the line it choked on in its message (and so in its stack).
  const quoting = defineRule({
    meta: { ...ALL_RULES[0].meta, id: 'quoting-rule' },
    workflow(ctx) {
      throw new Error(`cannot read ${ctx.text.split('\n').find((l) => l.includes('url:'))}`);
    },
  });
  const result = analyze({ path: '.github/workflows/deploy.yml', text: WORKFLOW, rules: [...ALL_RULES, quoting] });
  assert.equal(result.ruleErrors.length, 1);
  assert.ok(result.ruleErrors[0].message.includes(ENV_PASSWORD), 'the raw error holds the secret');
  const logged = maskedRuleErrors(WORKFLOW, result);
  assert.match(logged[0].message, /cannot read +url: https:\/\/deploy:\*+5Mx8@/, 'masked, not dropped');
  assertNoSecret(JSON.stringify(logged), 'the rule error log');
  const analysis = { result, lenses: [], durationMs: 0, cpuMs: 0 };
  const diagnostics = analysisDiagnostics('file:///deploy.yml', new LineIndex(WORKFLOW), analysis, 1);
  assert.ok(diagnostics.some((d) => d.code === RULE_ERROR_CODE && /quoting-rule failed/.test(String(d.message))));
  assertNoSecret(JSON.stringify(diagnostics), 'the diagnostics');
});
