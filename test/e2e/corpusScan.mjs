// Measures the extension's first scan of the real-world corpus (../shared/corpus, never copied into the repo) in
// code-server, with the extension-host benchmark test/e2e/suite/corpus.ts. Skips with a message when it is absent.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runHostSuite } from './hostSuite.mjs';
import { repoRoot } from './setup.mjs';

export const corpusDir = path.resolve(repoRoot, '..', 'shared', 'corpus');

export async function runCorpusScan() {
  if (!existsSync(corpusDir)) return { skipped: 'no ../shared/corpus next to the repository' };
  return runHostSuite({ entry: 'corpus', folder: corpusDir });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  runCorpusScan()
    .then((result) => {
      if (result.skipped) console.log(`[e2e] corpus scan skipped: ${result.skipped}`);
      process.exit(result.skipped || result.code === 0 ? 0 : 1);
    })
    .catch((error) => {
      console.error(`[e2e] corpus scan failed: ${error.stack ?? error}`);
      process.exit(1);
    });
}
