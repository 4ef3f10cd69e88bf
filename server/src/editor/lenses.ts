// Code lenses computed from an analysis result (shown above workflow lines by editors that support them).
// Above each job: what its GITHUB_TOKEN needs ("needs: contents: read, pull-requests: write"); clicking applies the
// "Narrow permissions" fix through the client's flowguard.narrowPermissions command.
import { computeWorkflowPermissions, formatScopes, type PermissionsOptions } from '../analysis/permissions/index';
import { narrowPermissionsFix } from '../fixes/permissions';
import type { AnalysisResult } from '../engine/analyze';
import type { Span } from '../text/span';

export interface Lens {
  span: Span;
  title: string;
  /** A client command to run when the lens is clicked; a lens without one is informational. */
  command?: { command: string; args: unknown[] };
}

/** The client command that applies the least-privilege fixes to the active file. */
export const NARROW_PERMISSIONS_COMMAND = 'flowguard.narrowPermissions';

/** Lenses for one file: one per job of a workflow. Empty when the model is not at hand (analyzed in a worker). */
export function codeLenses(result: AnalysisResult, options: PermissionsOptions = {}): Lens[] {
  const wf = result.model;
  if (!wf || wf.kind !== 'workflow') return [];
  const perms = computeWorkflowPermissions(wf, options);
  // The client's command applies the least-privilege quick-fixes, so the lens is clickable when one is on offer.
  const canNarrow =
    !!narrowPermissionsFix(wf, options, perms) &&
    result.findings.some((f) => f.fixes.some((x) => x.title.startsWith('Narrow permissions')));
  return perms.jobs.map((jp) => {
    const unknown = jp.unknown.length ? ` · ${jp.unknown.length} step(s) not understood` : '';
    const title = `needs: ${formatScopes(jp.required)}${unknown}`;
    return {
      span: jp.job.idSpan,
      title,
      command: canNarrow ? { command: NARROW_PERMISSIONS_COMMAND, args: [] } : undefined,
    };
  });
}
