// Worker thread entry (dist/analysisWorker.cjs): analyzes large documents and scans workspaces off the server's main
// thread. One job per worker; the server cancels a job by terminating its worker.
import { parentPort } from 'node:worker_threads';
import { analyzeText, withoutModel } from './analysis';
import { scan } from './scan';
import type { WorkerReply, WorkerRequest } from './workerJobs';

const port = parentPort;
if (port) {
  port.on('message', (msg: WorkerRequest) => {
    try {
      if (msg.type === 'analyze') {
        port.postMessage({ type: 'analyzed', analysis: withoutModel(analyzeText(msg.req)) } satisfies WorkerReply);
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
