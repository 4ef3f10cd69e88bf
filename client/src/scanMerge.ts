// How a workspace scan's answer meets the findingsChanged notifications that arrived while it ran (no VS Code here,
// so the unit tests run it).
import type { FileFindings } from '../../server/src/protocol';

/**
 * The store after a scan: the scan's files, except where a notification newer than the scan's view of a file
 * arrived meanwhile; that one wins, whether it brought the file (created after the scan listed its folder) or
 * removed it (deleted after the scan read it).
 */
export function mergeScanAnswer(
  scanned: readonly FileFindings[],
  current: ReadonlyMap<string, FileFindings>,
  announcedDuringScan: ReadonlyMap<string, number>,
): Map<string, FileFindings> {
  const merged = new Map(scanned.map((file) => [file.uri, file]));
  for (const [uri, generation] of announcedDuringScan) {
    const fromScan = merged.get(uri);
    if (fromScan && fromScan.generation >= generation) continue;
    const announced = current.get(uri);
    if (announced) merged.set(uri, announced);
    else merged.delete(uri);
  }
  return merged;
}
