// Worker thread entry (dist/scanWorker.cjs) of `flowguard scan --jobs N`: scans the files the pool (cli/pool.ts)
// sends, one at a time, and answers with plain data.
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerMessage } from './pool';
import { FileScanner, type FileTask, type WorkerSetup } from './scan-file';

const port = parentPort;
if (port) {
  const scanner = new FileScanner(workerData as WorkerSetup);
  port.on('message', (msg: { index: number; task: FileTask }) => {
    const outcome = scanner.scan(msg.task);
    port.postMessage({
      index: msg.index,
      outcome,
      heapBytes: getHeapStatistics().total_heap_size,
    } satisfies WorkerMessage);
  });
}
