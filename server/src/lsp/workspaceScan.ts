// Workspace scan (flowguard/workspaceFindings): every workflow and action under the roots, analyzed in a worker thread
// (inline when unbundled, in tests under tsx), merged with the open documents' own analyses of their editor text.
// Knows nothing of the protocol connection: the server passes progress and cancellation in.
import type { FileFindings, WorkspaceFindingsResult } from '../protocol';
import type { FindingsNotifier } from './findingsNotifier';
import { scan, type ScanRequest } from './scan';
import type { Snapshot } from './scheduler';
import { summarize } from './summaries';
import { runWorkerJob } from './workerJobs';

export const SCAN_TIMEOUT_MS = 10 * 60_000;

export interface OpenDocument {
  uri: string;
  version: number;
  /** Its last completed analysis, whatever its version. */
  latest?: Snapshot;
}

export interface ScanHost {
  workerScript?: string;
  notifier: FindingsNotifier;
  /** The open documents when the scan finishes (the scan skips their paths: `req.skip`). */
  openDocuments(): OpenDocument[];
}

export interface RunningScan {
  promise: Promise<WorkspaceFindingsResult>;
  cancel(): void;
}

export function startWorkspaceScan(
  host: ScanHost,
  req: ScanRequest,
  onProgress: (done: number, total: number) => void,
): RunningScan {
  const started = Date.now();
  const generationsAtStart = host.notifier.snapshot();
  type Scanned = { files: FileFindings[]; scanned: number };
  const job = host.workerScript
    ? runWorkerJob<Scanned>(host.workerScript, { type: 'scan', req }, SCAN_TIMEOUT_MS, onProgress)
    : undefined;
  const scanned: Promise<Scanned> = job ? job.promise : new Promise((resolve) => resolve(scan(req, onProgress)));
  const promise = scanned.then((out): WorkspaceFindingsResult => {
    // Scanned files carry the generation from before the scan read them: a findingsChanged sent meanwhile (a file
    // changed on disk) has a higher one, and the client keeps it over the older scanned copy.
    for (const f of out.files) f.generation = generationsAtStart.get(f.uri) ?? 0;
    // Open documents count with their editor text: the last analysis even if an edit is still being analyzed, and
    // that analysis is then announced whatever it finds (the client replaces its store with this answer).
    const open = host.openDocuments();
    for (const doc of open) {
      const snapshot = doc.latest;
      if (snapshot)
        out.files.push(
          summarize(doc.uri, snapshot.text, snapshot.analysis, host.notifier.generation(doc.uri), snapshot.lines),
        );
    }
    // The client replaces its store with this answer, so what was announced before no longer tells what it holds.
    host.notifier.scanAnswered(out.files.map((f) => f.uri));
    return { files: out.files, scanned: out.scanned + open.length, durationMs: Date.now() - started };
  });
  return { promise, cancel: () => job?.cancel() };
}
