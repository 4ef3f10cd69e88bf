// A rule: metadata plus hooks over the model, called by the engine with the file's AnalysisContext.
import type { AnalysisContext } from './context';
import type { RuleMeta } from './types';
import type { Workflow, Job, Step } from '../model/workflow';
import type { ActionMetadata } from '../model/action';
import type { ScalarValue } from '../model/common';
import type { GitlabJob, GitlabPipeline } from '../model/gitlab/pipeline';

/**
 * A rule: metadata plus hooks. The engine walks the model once and calls each hook where it applies;
 * a rule never walks the tree itself.
 */
export interface Rule {
  meta: RuleMeta;
  workflow?(wf: Workflow, ctx: AnalysisContext): void;
  job?(job: Job, wf: Workflow, ctx: AnalysisContext): void;
  step?(step: Step, job: Job, wf: Workflow, ctx: AnalysisContext): void;
  action?(action: ActionMetadata, ctx: AnalysisContext): void;
  /** Called with each composite action step. */
  actionStep?(step: Step, action: ActionMetadata, ctx: AnalysisContext): void;
  /** GitLab CI: called once per configuration file, then once per job (hidden templates included). */
  pipeline?(pipeline: GitlabPipeline, ctx: AnalysisContext): void;
  gitlabJob?(job: GitlabJob, pipeline: GitlabPipeline, ctx: AnalysisContext): void;
  /** Called once per file after the model hooks (text-level checks, suppressions). */
  document?(ctx: AnalysisContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** Hooks calling `check` on every `if:` condition: of jobs and steps in workflows, of composite action steps. */
export function everyCondition(
  check: (condition: ScalarValue, wf: Workflow | undefined, ctx: AnalysisContext) => void,
): Pick<Rule, 'job' | 'step' | 'actionStep'> {
  return {
    job(job, wf, ctx) {
      if (job.if) check(job.if, wf, ctx);
    },
    step(step, _job, wf, ctx) {
      if (step.if) check(step.if, wf, ctx);
    },
    actionStep(step, _action, ctx) {
      if (step.if) check(step.if, undefined, ctx);
    },
  };
}
