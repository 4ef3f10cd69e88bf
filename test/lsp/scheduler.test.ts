// The analysis scheduler and the document store, without the protocol: real documents through the real engine (and
// the real worker when dist/ is built). What matters: a superseded, cancelled or closed analysis never hands on a
// result, and the last version always wins.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import type { FactRecords } from '../../server/src/analysis/supply-chain/facts';
import { DocumentStore } from '../../server/src/lsp/documentStore';
import {
  AnalysisScheduler,
  EDIT_DEBOUNCE_MS,
  WORKER_THRESHOLD,
  type Snapshot,
  type Target,
} from '../../server/src/lsp/scheduler';
import { ROOT } from '../helpers';

const URI = 'file:///repo/.github/workflows/ci.yml';
const TARGET: Target = { relPath: '.github/workflows/ci.yml', config: DEFAULT_CONFIG, kind: 'workflow' };
const SCRIPT = join(ROOT, 'dist', 'analysisWorker.cjs');

const workflow = (expr: string) =>
  `on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "\${{ ${expr} }}"\n`;

/** A workflow of at least `size` characters, every job with one template injection. */
/** `run` is each filler job's script: injected by default; plain text where a test needs one finding of its own. */
function bigWorkflow(size: number, run = 'echo "${{ github.event.issue.title }}"'): string {
  let text = 'on: pull_request_target\njobs:\n';
  for (let i = 0; text.length < size; i++)
    text += `  j${i}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${run}\n`;
  return text;
}

interface Published {
  version: number;
  snapshot?: Snapshot;
  stopped?: string;
}

/** A scheduler over a real document store; `hold` makes target() wait until released (a slow settings answer). */
function harness(options: { workerScript?: string; fastAnalysisMs?: number; target?: () => Target } = {}) {
  const store = new DocumentStore();
  const published: Published[] = [];
  const held: Array<() => void> = [];
  let hold = false;
  const target = options.target ?? (() => TARGET);
  /** How many analyses have started (each asks for its target first). */
  let started = 0;
  const scheduler = new AnalysisScheduler({
    // The target is decided when the analysis starts (as the server's, with the online facts known then).
    target: () => {
      started++;
      const decided = target();
      return hold ? new Promise((resolve) => held.push(() => resolve(decided))) : Promise.resolve(decided);
    },
    current: (uri) => store.get(uri),
    done: (doc, snapshot, stopped) => published.push({ version: doc.version, snapshot, stopped }),
    workerScript: options.workerScript,
    fastAnalysisMs: options.fastAnalysisMs,
    log: () => {},
  });
  let version = 1;
  return {
    store,
    scheduler,
    published,
    open(text: string): TextDocument {
      version = 1;
      return store.open({ textDocument: { uri: URI, languageId: 'yaml', version, text } });
    },
    replace(text: string): TextDocument {
      return store.change({ textDocument: { uri: URI, version: ++version }, contentChanges: [{ text }] })!;
    },
    holdTargets(on: boolean) {
      hold = on;
    },
    /** Waits until `count` analyses have started. */
    started(count: number) {
      return until(() => started >= count, `${count} analyses started`);
    },
    /** Answers the waiting target() calls, and later ones at once. */
    release() {
      hold = false;
      for (const r of held.splice(0)) r();
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
/** Waits until `probe` holds (a hang-catching limit, not a timing assertion). */
async function until(probe: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!probe()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
const injected = (s: Snapshot | undefined) =>
  s?.analysis.result.findings
    .filter((f) => f.ruleId === 'template-injection')
    .map((f) => s.text.slice(f.span.start, f.span.end));

describe('document store', () => {
  test('applies incremental changes in order, answers by URI and by path, forgets closed documents', () => {
    const store = new DocumentStore();
    store.open({ textDocument: { uri: URI, languageId: 'yaml', version: 1, text: 'on: push\njobs: {}\n' } });
    const doc = store.change({
      textDocument: { uri: URI, version: 2 },
      contentChanges: [
        { range: { start: { line: 0, character: 4 }, end: { line: 0, character: 8 } }, text: 'pull_request' },
        { range: { start: { line: 1, character: 6 }, end: { line: 1, character: 8 } }, text: '{ a: 1 }' },
      ],
    })!;
    assert.equal(doc.version, 2);
    assert.equal(doc.getText(), 'on: pull_request\njobs: { a: 1 }\n');
    assert.equal(store.textOf('/repo/.github/workflows/ci.yml'), doc.getText());
    assert.equal(
      store.change({ textDocument: { uri: 'file:///other.yml', version: 2 }, contentChanges: [] }),
      undefined,
    );
    assert.equal(store.close({ textDocument: { uri: URI } })?.version, 2);
    assert.equal(store.get(URI), undefined);
    assert.deepEqual(store.all(), []);
  });
});

describe('analysis scheduler', () => {
  test('a superseded analysis never publishes: only the last version is handed on', async () => {
    const h = harness();
    h.holdTargets(true);
    h.scheduler.schedule(h.open(workflow('github.event.issue.title')), 0);
    await h.started(1); // version 1's analysis waits for its target
    h.scheduler.edited(h.replace(workflow('github.head_ref')));
    h.scheduler.edited(h.replace(workflow('github.event.comment.body')));
    await h.started(2); // version 3's too (version 2 was superseded before it started)
    h.release();
    await until(() => h.published.length > 0, 'a publication');
    await settle(); // anything else in flight would arrive now
    assert.deepEqual(
      h.published.map((p) => [p.version, injected(p.snapshot)]),
      [[3, ['${{ github.event.comment.body }}']]],
    );
    assert.equal(h.scheduler.lastSnapshot(URI)?.version, 3);
  });

  test('a document closed while its analysis waits publishes nothing', async () => {
    const h = harness();
    h.holdTargets(true);
    h.scheduler.schedule(h.open(workflow('github.event.issue.title')), 0);
    await h.started(1); // its analysis waits for its target
    h.scheduler.close(URI);
    h.store.close({ textDocument: { uri: URI } });
    h.release();
    await settle();
    assert.deepEqual(h.published, []);
    assert.equal(h.scheduler.lastSnapshot(URI), undefined);
  });

  test('an offline analysis still in flight when online facts arrive never publishes: the re-analysis does', async () => {
    const fixture = join(ROOT, 'test', 'fixtures', 'ref-version-mismatch');
    let facts: FactRecords | undefined;
    const h = harness({ target: () => ({ ...TARGET, facts }) });
    h.holdTargets(true);
    const doc = h.open(readFileSync(join(fixture, 'vulnerable.yml'), 'utf8'));
    h.scheduler.schedule(doc, 0);
    await h.started(1); // the offline analysis waits for its target
    // What the server does once the API answered: the same version again, with the facts.
    facts = JSON.parse(readFileSync(join(fixture, 'facts.json'), 'utf8')) as FactRecords;
    h.scheduler.schedule(doc, 0);
    await h.started(2);
    h.release();
    await until(() => h.published.length > 0, 'a publication');
    await settle(); // anything else in flight would arrive now
    assert.equal(h.published.length, 1, 'one publication');
    const mismatches = h.published[0].snapshot?.analysis.result.findings.filter(
      (f) => f.ruleId === 'ref-version-mismatch',
    );
    assert.equal(mismatches?.length, 2, 'it is the analysis with the facts');
  });

  // Whether an analysis is cheap depends on the machine: the threshold is set here so the policy itself is tested.
  test('a cheap document is analyzed at once on every edit', async () => {
    const h = harness({ fastAnalysisMs: Number.POSITIVE_INFINITY });
    h.scheduler.schedule(h.open(workflow('github.event.issue.title')), 0);
    await until(() => h.published.length === 1, 'version 1');
    for (const expr of ['github.head_ref', 'github.event.comment.body']) {
      const doc = h.replace(workflow(expr));
      assert.equal(h.scheduler.delayFor(doc), 0);
      h.scheduler.edited(doc);
      await until(() => h.published.some((p) => p.version === doc.version), `version ${doc.version}`);
    }
    assert.deepEqual(
      h.published.map((p) => [p.version, injected(p.snapshot)]),
      [
        [1, ['${{ github.event.issue.title }}']],
        [2, ['${{ github.head_ref }}']],
        [3, ['${{ github.event.comment.body }}']],
      ],
    );
  });

  test('a burst of edits that queued up while the server was busy costs one analysis, of its last version', async () => {
    const h = harness({ fastAnalysisMs: 0 });
    h.scheduler.schedule(h.open(workflow('github.event.issue.title')), 0);
    await until(() => h.published.length === 1, 'version 1');
    const burst = [
      h.replace(workflow('github.head_ref')),
      h.replace(workflow('github.event.comment.body')),
      h.replace(workflow('github.event.review.body')),
    ];
    assert.equal(h.scheduler.delayFor(burst[0]), 0, 'a costly document with nothing pending is analyzed at once');
    // Like vscode-jsonrpc, which handles one queued message per event-loop turn (setImmediate).
    await new Promise<void>((resolve) => {
      const next = () => {
        const doc = burst.shift();
        if (!doc) return resolve();
        h.scheduler.edited(doc);
        setImmediate(next);
      };
      setImmediate(next);
    });
    await until(() => h.published.some((p) => p.version === 4), 'version 4');
    await settle(); // anything else in flight would arrive now
    assert.deepEqual(
      h.published.map((p) => [p.version, injected(p.snapshot)]),
      [
        [1, ['${{ github.event.issue.title }}']],
        [4, ['${{ github.event.review.body }}']],
      ],
      'versions 2 and 3 were superseded before their analyses started',
    );
  });

  test('snapshot() answers code actions with the current version, analyzing a pending small document now', async () => {
    const h = harness();
    h.scheduler.schedule(h.open(workflow('github.event.issue.title')), 0);
    await settle();
    const doc = h.replace(workflow('github.head_ref'));
    const snapshot = await h.scheduler.snapshot(doc);
    assert.equal(snapshot?.version, 2);
    assert.deepEqual(injected(snapshot), ['${{ github.head_ref }}']);
  });

  test('a version analyzed for a code action right after its edit is published as is, not analyzed again', async () => {
    const h = harness();
    h.scheduler.schedule(h.open(workflow('github.event.issue.title')), 0);
    await until(() => h.published.length === 1, 'version 1');
    const doc = h.replace(workflow('github.head_ref'));
    h.scheduler.edited(doc);
    const forAction = await h.scheduler.snapshot(doc); // before the edit's own analysis starts
    await until(() => h.published.length === 2, 'version 2');
    assert.equal(h.published[1].snapshot, forAction);
  });

  test(
    'in the worker: a superseded job is cancelled, a costly one edited while it runs is debounced, the last version wins',
    { skip: !existsSync(SCRIPT) && 'dist/analysisWorker.cjs missing (npm run build)' },
    async () => {
      const h = harness({ workerScript: SCRIPT, fastAnalysisMs: 0 });
      const publishedVersion = (version: number) =>
        until(() => h.published.some((p) => p.version === version), `version ${version}`);
      try {
        // Plain filler jobs: the engine reports at most 200 findings per rule, and the late job's must be among them.
        const base = bigWorkflow(WORKER_THRESHOLD + 1000, 'echo hello');
        h.scheduler.schedule(h.open(base), 0);
        await h.started(1); // its job is posted once its target is known
        const second = h.replace(base + '# two\n');
        assert.equal(h.scheduler.delayFor(second), 0, 'no analysis finished yet: its cost is unknown');
        h.scheduler.edited(second);
        const last = h.replace(
          base + `  late:\n    runs-on: x\n    steps:\n      - run: echo "\${{ github.head_ref }}"\n`,
        );
        h.scheduler.edited(last);
        await publishedVersion(3);
        await new Promise((resolve) => setTimeout(resolve, 300)); // anything still in flight would arrive now
        assert.deepEqual(
          h.published.map((p) => p.version),
          [3],
          'versions 1 and 2 were superseded before their jobs finished',
        );
        const snapshot = h.published[0].snapshot!;
        assert.equal(snapshot.text, last.getText());
        assert.ok(injected(snapshot)!.includes('${{ github.head_ref }}'));

        const fourth = h.replace(base + '# four\n');
        h.scheduler.edited(fourth);
        // Once version 4's job runs (its analysis takes far longer than a poll), an edit waits for a quiet spell.
        await until(() => h.scheduler.delayFor(fourth) === EDIT_DEBOUNCE_MS, 'a debounce while the costly job runs');
        h.scheduler.edited(h.replace(base + '# five\n'));
        await publishedVersion(5);
        assert.deepEqual(
          h.published.map((p) => p.version),
          [3, 5],
        );
      } finally {
        h.scheduler.dispose();
      }
    },
  );
});
