// Code lenses computed from an analysis result (shown above workflow lines by editors that support them).
// Above each job: what its GITHUB_TOKEN needs ("needs: contents: read, pull-requests: write"); clicking applies the
// least-privilege fixes (the adapter turns `action` into the client's narrow-permissions command).
import { computeWorkflowPermissions, formatScopes } from '../analysis/permissions/index';
import { ALL_RULES } from '../rules/index';
import type { AnalysisResult } from '../engine/analyze';
import type { Span } from '../text/span';

export interface Lens {
  span: Span;
  title: string;
  /** What clicking the lens does; a lens without one is informational. */
  action?: 'narrow-permissions';
}

const LEAST_PRIVILEGE_RULES = new Set(
  ALL_RULES.filter((r) => r.meta.category === 'least-privilege').map((r) => r.meta.id),
);

/**
 * Lenses for one file: one per job of a workflow. Empty when the model is not at hand (analyzed in a worker).
 * `permissions` should be computed with the repository reader the rules used, so the lens agrees with them.
 */
export function codeLenses(
  result: AnalysisResult,
  permissions = result.model?.kind === 'workflow' ? computeWorkflowPermissions(result.model) : undefined,
): Lens[] {
  if (result.model?.kind !== 'workflow' || !permissions) return [];
  // Clicking applies the least-privilege fixes, so the lens is clickable when one is on offer.
  const canNarrow = result.findings.some((f) => LEAST_PRIVILEGE_RULES.has(f.ruleId) && f.fixes.length > 0);
  return permissions.jobs.map((jp): Lens => {
    const unknown = jp.unknown.length ? ` · ${jp.unknown.length} step(s) not understood` : '';
    const lens: Lens = { span: jp.job.idSpan, title: `needs: ${formatScopes(jp.required)}${unknown}` };
    if (canNarrow) lens.action = 'narrow-permissions';
    return lens;
  });
}
