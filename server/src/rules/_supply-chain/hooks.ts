// Rule hooks that call `check` on every `uses:` of a workflow (jobs and steps) or composite action.
import type { AnalysisContext } from '../../engine/context';
import type { Rule } from '../../engine/rule';
import type { UsesRef } from '../../model/uses';
import type { Job, Step, Workflow } from '../../model/workflow';

/** Where a `uses:` sits: its job and workflow (both undefined in a composite action), and its step (not for a job's `uses:`). */
export interface UsesSite {
  job?: Job;
  wf?: Workflow;
  step?: Step;
}

export function everyUses(
  check: (uses: UsesRef, ctx: AnalysisContext, site: UsesSite) => void,
): Pick<Rule, 'job' | 'step' | 'actionStep'> {
  return {
    job(job, wf, ctx) {
      if (job.uses) check(job.uses, ctx, { job, wf });
    },
    step(step, job, wf, ctx) {
      if (step.uses) check(step.uses, ctx, { job, wf, step });
    },
    actionStep(step, _action, ctx) {
      if (step.uses) check(step.uses, ctx, {});
    },
  };
}

/** A use of another repository's action or reusable workflow (not local, not docker, not an expression, not our own repository). */
export function isRemoteUse(uses: UsesRef, ctx: AnalysisContext): uses is UsesRef & { repo: string; slug: string } {
  if (uses.kind !== 'action' && uses.kind !== 'reusable-workflow') return false;
  if (!uses.repo || !uses.slug || uses.raw.includes('${{')) return false;
  // The repository's own reusable workflows and actions, named by owner/repo, are local code.
  return !(ctx.repository && uses.repo === ctx.repository);
}
