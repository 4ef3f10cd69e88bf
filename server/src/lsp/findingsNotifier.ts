// flowguard/findingsChanged bookkeeping: a per-URI generation counter (the client keeps the newest copy of a file's
// findings) and the last findings announced, so an unchanged result is not announced again.
// A removal goes out unless the last announcement for that file was already one: the client may hold a file this
// notifier never announced (a workspace scan's answer fills the client's store directly).
import type { FileFindings, FindingsChangedParams } from '../protocol';

/** What `announced` holds for a file last announced as removed (a findings signature is never empty). */
const REMOVED = '';

export class FindingsNotifier {
  private readonly generations = new Map<string, number>();
  /** The last announcement per file: its findings' signature, or REMOVED. */
  private readonly announced = new Map<string, string>();
  /** Files the client may hold: announced with findings, or in the last scan answer, and not removed since. */
  private held = new Set<string>();

  constructor(private readonly send: (params: FindingsChangedParams) => void) {}

  /** Announces a file's findings (undefined: the file is gone or no longer analyzed) unless they are unchanged. */
  notify(uri: string, findings: FileFindings | undefined): void {
    const signature = findings ? JSON.stringify([findings.kind, findings.problems, findings.findings]) : REMOVED;
    if (this.announced.get(uri) === signature) return;
    this.announced.set(uri, signature);
    if (findings) this.held.add(uri);
    else this.held.delete(uri);
    const generation = this.generation(uri) + 1;
    this.generations.set(uri, generation);
    this.send(findings ? { ...findings, generation } : { uri, generation, findings: [], problems: 0, removed: true });
  }

  generation(uri: string): number {
    return this.generations.get(uri) ?? 0;
  }

  /** The generations now: a scan that started here stamps its results with them. */
  snapshot(): ReadonlyMap<string, number> {
    return new Map(this.generations);
  }

  /** A workspace scan's answer replaced the client's whole store with these files: every next notify() is sent. */
  scanAnswered(uris: Iterable<string>): void {
    this.announced.clear();
    this.held = new Set(uris);
  }

  /** The files the client may be showing. */
  heldFiles(): string[] {
    return [...this.held];
  }
}
