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

/** Maps an offset into a script string (the scalar's value) to a document offset. */
export type OffsetMap = (valueOffset: number) => number;

/**
 * A block scalar's value has its indentation removed, so each value line is found again in the source, in order.
 * An offset on a line that cannot be found (folded or escaped text) maps to the start of the scalar.
 */
export function scriptOffsets(ctx: AnalysisContext, script: GitlabScript): OffsetMap {
  const { span, text: value } = script.line;
  const raw = ctx.slice(span);
  const lineStarts: Array<[number, number]> = [];
  let valueAt = 0;
  let rawAt = 0;
  for (const line of value.split('\n')) {
    const found = line ? raw.indexOf(line, rawAt) : -1;
    lineStarts.push([valueAt, found]);
    if (found >= 0) rawAt = found + line.length;
    valueAt += line.length + 1;
  }
  return (offset) => {
    let best: [number, number] = [0, -1];
    for (const entry of lineStarts) if (entry[0] <= offset) best = entry;
    return best[1] < 0 ? span.start : span.start + best[1] + (offset - best[0]);
  };
}
