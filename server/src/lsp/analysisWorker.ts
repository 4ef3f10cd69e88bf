// Worker thread entry (dist/analysisWorker.cjs): analyzes large documents and scans workspaces off the server's main
// thread. One job per worker; the server cancels a job by terminating its worker. An analysis is answered in two
// messages: the findings first (the diagnostics wait for nothing else), then the lenses.
import { parentPort } from 'node:worker_threads';
import { analyzeText, diskReader, editorData, withoutModel } from './analysis';
import { scan } from './scan';
import type { WorkerReply, WorkerRequest } from './workerJobs';

const port = parentPort;
if (port) {
  port.on('message', (msg: WorkerRequest) => {
    try {
      if (msg.type === 'analyze') {
        const reader = diskReader(msg.req);
        const analysis = analyzeText(msg.req, reader);
        port.postMessage({ type: 'analyzed', analysis: withoutModel(analysis) } satisfies WorkerReply);
        // The permissions point into the YAML model: only the lenses cross.
        port.postMessage({ type: 'lenses', lenses: editorData(analysis.result, reader).lenses } satisfies WorkerReply);
      } else {
        let lastReport = 0;
        const out = scan(msg.req, (done, total) => {
          // Throttled: thousands of files must not flood the channel.
          const now = Date.now();
          if (done === total || now - lastReport > 100) {
            lastReport = now;
            port.postMessage({ type: 'progress', done, total } satisfies WorkerReply);
          }
        });
        port.postMessage({ type: 'scanned', ...out } satisfies WorkerReply);
      }
    } catch (err) {
      port.postMessage({ type: 'error', message: (err as Error).stack ?? String(err) } satisfies WorkerReply);
    }
  });
}
