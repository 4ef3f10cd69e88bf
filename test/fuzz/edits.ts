// Random edit sequences through the real document store and analysis scheduler (the language server's units, without
// the protocol): whatever the timing, the last version is analyzed and published, and nothing stale is published.
import fc from 'fast-check';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { DocumentStore } from '../../server/src/lsp/documentStore';
import { AnalysisScheduler, type Target } from '../../server/src/lsp/scheduler';
import { hostileCase } from './hostile';

const URI = 'file:///repo/.github/workflows/ci.yml';
const TARGET: Target = { relPath: '.github/workflows/ci.yml', config: DEFAULT_CONFIG, kind: 'workflow' };

export interface Edit {
  text: string;
  /** Pause before the edit (ms): 0 is a burst, longer lets analyses finish or debounces fire in between. */
  pauseMs: number;
}

export function editSequence(seeds: readonly string[]): fc.Arbitrary<Edit[]> {
  const edit = fc.record({
    text: hostileCase(seeds).map((c) => c.text),
    pauseMs: fc.constantFrom(0, 0, 1, 5, 30, 90),
  });
  return fc.array(edit, { minLength: 1, maxLength: 8 });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Plays the edits; returns what went wrong, or undefined. */
export async function checkEditSequence(edits: readonly Edit[], settleMs = 15_000): Promise<string | undefined> {
  const store = new DocumentStore();
  const problems: string[] = [];
  const published: number[] = [];
  const scheduler = new AnalysisScheduler({
    target: () => Promise.resolve(TARGET),
    current: (uri) => store.get(uri),
    done: (doc, snapshot, stopped) => {
      const current = store.get(doc.uri)?.version;
      if (snapshot && snapshot.version !== current)
        problems.push(`published version ${snapshot.version} while ${current} is current`);
      if (!snapshot) problems.push(`version ${doc.version} published no analysis (${stopped ?? 'no target'})`);
      published.push(snapshot?.version ?? -1);
    },
    log: () => {},
  });
  try {
    let version = 1;
    const first = store.open({ textDocument: { uri: URI, languageId: 'yaml', version, text: edits[0].text } });
    scheduler.schedule(first, 0);
    for (const edit of edits.slice(1)) {
      if (edit.pauseMs) await sleep(edit.pauseMs);
      const doc = store.change({
        textDocument: { uri: URI, version: ++version },
        contentChanges: [{ text: edit.text }],
      })!;
      scheduler.edited(doc);
    }
    const finalText = edits[edits.length - 1].text;
    const deadline = Date.now() + settleMs;
    while (scheduler.lastSnapshot(URI)?.version !== version && Date.now() < deadline) await sleep(5);
    const last = scheduler.lastSnapshot(URI);
    if (last?.version !== version) problems.push(`version ${version} was never analyzed (last: ${last?.version})`);
    else if (last.text !== finalText) problems.push('the last snapshot is not of the last text');
    if (published[published.length - 1] !== version)
      problems.push(`last published ${published[published.length - 1]}, expected ${version}`);
    return problems.length ? problems.join('; ') : undefined;
  } finally {
    scheduler.dispose();
  }
}
