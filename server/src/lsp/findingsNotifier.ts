// flowguard/findingsChanged bookkeeping: a per-URI generation counter (the client keeps the newest copy of a file's
// findings) and the last findings announced, so an unchanged result is not announced again.
import type { FileFindings, FindingsChangedParams } from '../protocol';

export class FindingsNotifier {
  private readonly generations = new Map<string, number>();
  private readonly announced = new Map<string, string>();

  constructor(private readonly send: (params: FindingsChangedParams) => void) {}

  /** Announces a file's findings (undefined: the file is gone or no longer analyzed) unless they are unchanged. */
  notify(uri: string, findings: FileFindings | undefined): void {
    const signature = findings ? JSON.stringify([findings.kind, findings.problems, findings.findings]) : '';
    if ((this.announced.get(uri) ?? '') === signature) return;
    if (signature) this.announced.set(uri, signature);
    else this.announced.delete(uri);
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

  /** The next notify() for `uri` is sent whatever it says (the client replaced its copy from elsewhere). */
  forget(uri: string): void {
    this.announced.delete(uri);
  }
}
