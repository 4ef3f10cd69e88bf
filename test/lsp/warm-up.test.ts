// The language server's JIT warm-up (server/src/lsp/warmUp.ts): what it analyzes, that it never breaks start-up, and
// that the editor can turn it off. Its effect on latency is measured in bench/editor-latency.ts, not asserted here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { analyzeText } from '../../server/src/lsp/analysis';
import { pathToUri } from '../../server/src/lsp/paths';
import { MAX_WARM_UP_MS, WARM_UP_MS, warmUp, warmUpBudget, warmUpSamples } from '../../server/src/lsp/warmUp';
import { ALL_RULES } from '../../server/src/rules/index';
import { LspClient } from './client';

test('the samples are every rule example, plus one workflow holding all workflow examples’ jobs', () => {
  const samples = warmUpSamples();
  const examples = ALL_RULES.flatMap((r) => [r.meta.docs.vulnerableExample, r.meta.docs.safeExample]).filter(Boolean);
  assert.equal(samples.length, examples.length + 1);
  for (const text of examples) assert.ok(samples.some((s) => s.text === text));

  const [assembled] = samples;
  const jobsOf = (text: string) => Object.keys((parse(text) as { jobs?: object } | null)?.jobs ?? {}).length;
  const workflowJobs = samples
    .slice(1)
    .filter((s) => s.kind === 'workflow')
    .reduce((n, s) => n + jobsOf(s.text), 0);
  assert.equal(assembled.kind, 'workflow');
  assert.equal(jobsOf(assembled.text), workflowJobs);
  const { result } = analyzeText({ ...assembled, config: DEFAULT_CONFIG });
  assert.deepEqual(result.ruleErrors, [], 'every rule runs on the assembled workflow');
  assert.ok(result.findings.some((f) => f.ruleId === 'template-injection'));
});

test('warmUp analyzes at least once and never throws; a zero budget does nothing', () => {
  const warm = warmUp(1);
  assert.equal(warm.error, undefined);
  assert.ok(warm.analyses > 0);
  assert.deepEqual(warmUp(0), { analyses: 0, ms: 0 });
});

test('a client’s warmUpMs is a budget within 0..MAX_WARM_UP_MS; anything else gets the default', () => {
  assert.equal(warmUpBudget(undefined), WARM_UP_MS);
  assert.equal(warmUpBudget('500'), WARM_UP_MS);
  assert.equal(warmUpBudget(Number.NaN), WARM_UP_MS);
  assert.equal(warmUpBudget(0), 0);
  assert.equal(warmUpBudget(-1), 0);
  assert.equal(warmUpBudget(120), 120);
  assert.equal(warmUpBudget(1e9), MAX_WARM_UP_MS);
  assert.equal(warmUpBudget(Number.POSITIVE_INFINITY), MAX_WARM_UP_MS);
});

test('the server warms up before answering initialize, says so, and still publishes the right diagnostics', async () => {
  const text =
    'on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n';
  const logs = (c: LspClient) =>
    c.notifications
      .filter((n) => n.method === 'window/logMessage')
      .map((n) => (n.params as { message: string }).message)
      .filter((m) => m.startsWith('JIT warm-up'));

  const warmed = LspClient.start();
  const cold = LspClient.start();
  try {
    await warmed.initialize(null);
    await cold.initialize(null, {}, { warmUpMs: 0 });
    for (const client of [warmed, cold]) {
      const uri = pathToUri('/tmp/flowguard-warm-up/.github/workflows/ci.yml');
      client.open(uri, text);
      const published = await client.diagnostics(uri);
      assert.deepEqual(
        published.diagnostics.map((d) => d.code).filter((c) => c === 'template-injection'),
        ['template-injection'],
      );
    }
    const [line] = await warmed.waitFor(() => (logs(warmed).length ? logs(warmed) : undefined), 5000, 'warm-up log');
    assert.match(line, /^JIT warm-up: [1-9]\d* analyses of rule examples in \d+ ms$/);
    assert.deepEqual(logs(cold), [], 'warmUpMs: 0 turns it off');
  } finally {
    await Promise.all([warmed.shutdown(), cold.shutdown()]);
  }
});
