// Worker thread entry (dist/scanWorker.cjs) of `flowguard scan --jobs N`: scans the files the pool (cli/pool.ts)
// sends, one at a time, and answers with plain data.
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerMessage } from './pool';
import { FileScanner, type FileTask, type WorkerSetup } from './scan-file';

const port = parentPort;
if (port) {
  const scanner = new FileScanner(workerData as WorkerSetup);
  port.on('message', (msg: { index: number; task: FileTask }) => {
    port.postMessage({ index: msg.index, outcome: scanner.scan(msg.task) } satisfies WorkerMessage);
  });
}
