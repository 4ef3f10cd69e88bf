// The persistent analysis worker (dist/analysisWorker.cjs): same results as the main thread, cancellation, time limit.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { analyzeText, editorData } from '../../server/src/lsp/analysis';
import { AnalysisWorker, JobCancelled } from '../../server/src/lsp/workerJobs';
import { ROOT } from '../helpers';

const SCRIPT = join(ROOT, 'dist', 'analysisWorker.cjs');
const skip = !existsSync(SCRIPT) && 'dist/analysisWorker.cjs missing (npm run build)';

const WORKFLOW = `on: pull_request_target
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event.pull_request.title }}"
`;

function slowWorkflow(): string {
  let text = 'on: push\njobs:\n';
  for (let i = 0; text.length < 3 * 1024 * 1024; i++)
    text += `  j${i}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "\${{ github.event.issue.title }}"\n`;
  return text;
}

const req = (text: string) => ({ relPath: '.github/workflows/a.yml', text, config: DEFAULT_CONFIG });
const shape = (findings: Array<{ ruleId: string; span: { start: number; end: number }; fixes: unknown[] }>) =>
  findings.map((f) => [f.ruleId, f.span.start, f.span.end, f.fixes.length]);

describe('analysis worker', { skip }, () => {
  test('gives the same findings as the main thread, without the YAML model, then the same lenses', async () => {
    const worker = new AnalysisWorker(SCRIPT, 60_000);
    try {
      const job = worker.analyze(req(WORKFLOW));
      const viaWorker = await job.promise;
      const here = analyzeText(req(WORKFLOW));
      assert.deepEqual(shape(viaWorker.result.findings), shape(here.result.findings));
      assert.ok(viaWorker.result.findings.some((f) => f.ruleId === 'template-injection'));
      assert.equal(viaWorker.result.model, undefined);
      const lenses = await job.lenses;
      assert.deepEqual(lenses, editorData(here.result).lenses);
      assert.equal(lenses.length, 1, 'one lens per job');
    } finally {
      worker.dispose();
    }
  });

  test('a cancelled queued job is dropped; a cancelled running job is abandoned and the worker replaced', async () => {
    const worker = new AnalysisWorker(SCRIPT, 120_000);
    try {
      const slow = worker.analyze(req(slowWorkflow()));
      const queued = worker.analyze(req(WORKFLOW));
      queued.cancel('superseded');
      await assert.rejects(queued.promise, (e) => e instanceof JobCancelled && e.message === 'superseded');
      await assert.rejects(queued.lenses, JobCancelled, 'no lenses either');
      await new Promise((r) => setTimeout(r, 200));
      slow.cancel('superseded');
      await assert.rejects(slow.promise, JobCancelled);
      // The slow document takes tens of seconds; the next job must not wait for it.
      const started = performance.now();
      const next = await worker.analyze(req(WORKFLOW)).promise;
      assert.ok(next.result.findings.length > 0);
      assert.ok(performance.now() - started < 20_000, `next job waited ${(performance.now() - started).toFixed(0)} ms`);
    } finally {
      worker.dispose();
    }
  });

  test('a job over the time limit is stopped and the worker keeps serving', async () => {
    const worker = new AnalysisWorker(SCRIPT, 60_000);
    try {
      await assert.rejects(
        worker.analyze(req(slowWorkflow()), 300).promise,
        (e) => e instanceof JobCancelled && /stopped after/.test(e.message),
      );
      assert.ok((await worker.analyze(req(WORKFLOW)).promise).result.findings.length > 0);
    } finally {
      worker.dispose();
    }
  });
});
