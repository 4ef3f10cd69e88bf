// Hooks over every script line of a GitLab CI configuration: the global and `default:` scripts once per file, then
// each job's own lines (a template's lines are checked where they are written, not in every job that extends it).
import type { AnalysisContext } from '../../engine/context';
import type { Rule } from '../../engine/rule';
import type { GitlabJob, GitlabScript } from '../../model/gitlab/pipeline';

export function everyGitlabScript(
  check: (script: GitlabScript, ctx: AnalysisContext, job: GitlabJob | undefined) => void,
): Pick<Rule, 'pipeline' | 'gitlabJob'> {
  return {
    pipeline(p, ctx) {
      for (const s of p.globalScripts) check(s, ctx, undefined);
    },
    gitlabJob(job, _p, ctx) {
      for (const s of job.scripts) check(s, ctx, job);
    },
  };
}
