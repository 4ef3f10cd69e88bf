// `npm run bench`: performance over ../shared/corpus. `node --import tsx bench/run.ts [section-filter]`.
// Add a measurement with section(name, fn) in a file of your own under bench/ and import it below.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RULES } from '../server/src/rules/index';
import { CATEGORIES } from '../server/src/engine/types';
import { analyzeText } from '../server/src/lsp/analysis';
import { DEFAULT_CONFIG } from '../server/src/engine/config';
import { EDIT_DEBOUNCE_MS, FAST_ANALYSIS_MS, WORKER_THRESHOLD } from '../server/src/lsp/scheduler';
import { pathToUri } from '../server/src/lsp/paths';
import { AnalysisWorker } from '../server/src/lsp/workerJobs';
import { LspClient } from '../test/lsp/client';
import { CORPUS, loadCorpus, ms, ROOT, runSections, section, stats, timeEngine, type CorpusFile } from './lib';
import { registerUntrustedInputBench } from './untrusted-input';
import { registerSecretsBench } from './secrets';
import { registerGitlabBench } from './gitlab';
import { registerEditorLatencyBench } from './editor-latency';
import { registerScanFloorBench } from './scan-floor';
import { registerHostileSetBench } from './hostile-set';

const corpus = loadCorpus();
if (!corpus) {
  console.log(`bench: corpus not found at ../shared/corpus (relative to the repository); nothing to measure.`);
  process.exit(0);
}
const files: CorpusFile[] = corpus;
const largest = [...files].sort((a, b) => b.text.length - a.text.length).slice(0, 5);
console.log(
  `bench: ${files.length} workflow/action files from ../shared/corpus, ${(files.reduce((n, f) => n + f.text.length, 0) / 1024 / 1024).toFixed(1)} MB`,
);

section('Engine throughput (analyze() per file, all rules, main thread)', () => {
  const t = timeEngine(files);
  return [
    {
      files: t.n,
      'files/s': t.filesPerSecond.toFixed(0),
      total: ms(t.total),
      p50: ms(t.p50),
      p95: ms(t.p95),
      max: ms(t.max),
      findings: t.findings,
      'rule errors': t.ruleErrors,
      'peak RSS': `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    },
  ];
});

section(
  'Engine cost per category (every 4th file; all rules vs all rules minus the category, interleaved, best of 3)',
  () => {
    const sample = files.filter((_, i) => i % 4 === 0);
    timeEngine(sample); // warm-up
    return CATEGORIES.map((category) => {
      const rules = ALL_RULES.filter((r) => r.meta.category === category);
      if (rules.length === 0) return { category, rules: 0, 'all rules': '-', without: '-', cost: '-' };
      const rest = ALL_RULES.filter((r) => r.meta.category !== category);
      // Interleaved runs so machine load and JIT drift affect both sides alike.
      let all = Infinity;
      let without = Infinity;
      for (let i = 0; i < 3; i++) {
        all = Math.min(all, timeEngine(sample, ALL_RULES, false).total);
        without = Math.min(without, timeEngine(sample, rest, false).total);
      }
      return {
        category,
        rules: rules.length,
        'all rules': ms(all),
        without: ms(without),
        cost: `${ms(all - without)} (${(((all - without) / all) * 100).toFixed(0)}%)`,
      };
    });
  },
);

section(
  `Main thread vs worker (server analyzes documents >= ${WORKER_THRESHOLD / 1000}K UTF-16 units in a worker)`,
  async () => {
    const script = join(ROOT, 'dist', 'analysisWorker.cjs');
    if (!existsSync(script)) {
      console.log('  dist/analysisWorker.cjs missing: run npm run build');
      return [];
    }
    const small = files.find((f) => f.text.length > 8000 && f.text.length < 10000) ?? files[0];
    const worker = new AnalysisWorker(script, 60_000);
    const coldStart = performance.now();
    await worker.analyze({ relPath: small.repoPath, text: small.text, config: DEFAULT_CONFIG }).promise;
    const cold = performance.now() - coldStart;
    const rows = [];
    for (const f of [small, ...largest.slice(0, 2)]) {
      const req = { relPath: f.repoPath, text: f.text, config: DEFAULT_CONFIG };
      const here: number[] = [];
      const inWorker: number[] = [];
      for (let i = 0; i < 5; i++) {
        let s = performance.now();
        analyzeText(req);
        here.push(performance.now() - s);
        s = performance.now();
        await worker.analyze(req).promise;
        inWorker.push(performance.now() - s);
      }
      rows.push({
        file: f.rel,
        KB: (f.text.length / 1024).toFixed(0),
        'main thread p50 (blocks)': ms(stats(here).p50),
        'warm worker p50 (does not block)': ms(stats(inWorker).p50),
        'worker cold start': ms(cold),
      });
    }
    worker.dispose();
    return rows;
  },
);

section('CLI end to end: flowguard scan ../shared/corpus --format json', () => {
  const cli = join(ROOT, 'dist', 'cli.cjs');
  if (!existsSync(cli)) {
    console.log('  dist/cli.cjs missing: run npm run build');
    return [];
  }
  const start = performance.now();
  const r = spawnSync(process.execPath, [cli, 'scan', CORPUS, '--format', 'json'], {
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  const wall = performance.now() - start;
  let findings: number | string = '-';
  try {
    findings = (JSON.parse(r.stdout) as { summary?: { findings?: number } }).summary?.findings ?? '-';
  } catch {
    findings = 'unparsed output';
  }
  return [
    {
      'exit code': r.status ?? `signal ${r.signal}`,
      wall: ms(wall),
      'files/s': ((files.length / wall) * 1000).toFixed(0),
      findings,
      'stderr lines': r.stderr.split('\n').filter(Boolean).length,
    },
  ];
});

section(
  `Language server over stdio: 5 largest corpus files (edits analysed at once; while a worker job over ${FAST_ANALYSIS_MS} ms of CPU runs, debounced ${EDIT_DEBOUNCE_MS} ms; worker from ${WORKER_THRESHOLD / 1000}K)`,
  async () => {
    const client = LspClient.start();
    const rows = [];
    try {
      await client.initialize(pathToUri(CORPUS));
      for (const f of largest) {
        const uri = pathToUri(f.abs);
        const seen = client.published.length;
        const opened = performance.now();
        client.open(uri, f.text);
        const first = await client.diagnostics(uri, () => true, 60_000, seen);
        const openLatency = first.receivedAt - opened;
        const edits: number[] = [];
        let lines = f.text.split('\n').length;
        for (let i = 0; i < 20; i++) {
          const before = client.published.length;
          const sent = performance.now();
          // Typing a comment at the end: a realistic edit that keeps the document valid.
          const version = client.change(uri, [
            {
              range: { start: { line: lines, character: 0 }, end: { line: lines, character: 0 } },
              text: `# edit ${i}\n`,
            },
          ]);
          lines++;
          const p = await client.diagnostics(uri, (x) => x.version === version, 60_000, before);
          edits.push(p.receivedAt - sent);
        }
        client.close(uri);
        const e = stats(edits);
        rows.push({
          file: f.rel,
          KB: (f.text.length / 1024).toFixed(0),
          diagnostics: first.diagnostics.length,
          'open->diagnostics': ms(openLatency),
          'edit->diagnostics p50': ms(e.p50),
          'edit p95': ms(e.p95),
        });
      }
      // Responsiveness while the largest file is being analyzed: hover on a small open document.
      const small = files.find((f) => f.text.length > 8000 && f.text.length < 10000) ?? files[0];
      const smallUri = pathToUri(small.abs);
      client.open(smallUri, small.text);
      await client.diagnostics(smallUri);
      const bigUri = pathToUri(largest[0].abs);
      client.open(bigUri, largest[0].text);
      const s = performance.now();
      await client.request('textDocument/hover', {
        textDocument: { uri: smallUri },
        position: { line: 0, character: 0 },
      });
      rows.push({
        file: `hover on ${small.rel} while ${largest[0].rel} is analyzed`,
        KB: (small.text.length / 1024).toFixed(0),
        diagnostics: '',
        'open->diagnostics': '',
        'edit->diagnostics p50': ms(performance.now() - s),
        'edit p95': '',
      });
    } finally {
      await client.shutdown();
    }
    return rows;
  },
);

registerEditorLatencyBench();
registerScanFloorBench(files);
registerHostileSetBench();
registerUntrustedInputBench(files);
registerSecretsBench(files);
registerGitlabBench();

await runSections(process.argv[2]);
