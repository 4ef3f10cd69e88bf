// Rule hooks that call `check` on every `uses:` of a workflow (jobs and steps) or composite action.
import type { AnalysisContext } from '../../engine/context';
import type { Rule } from '../../engine/rule';
import type { UsesRef } from '../../model/uses';

export function everyUses(
  check: (uses: UsesRef, ctx: AnalysisContext) => void,
): Pick<Rule, 'job' | 'step' | 'actionStep'> {
  return {
    job(job, _wf, ctx) {
      if (job.uses) check(job.uses, ctx);
    },
    step(step, _job, _wf, ctx) {
      if (step.uses) check(step.uses, ctx);
    },
    actionStep(step, _action, ctx) {
      if (step.uses) check(step.uses, ctx);
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
