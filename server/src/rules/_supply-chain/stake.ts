// What a moved tag (of an action or an image) would get in a job: its secrets or a write token.
import type { Job, Workflow } from '../../model/workflow';

/** The job's first secret other than the workflow token, or 'a write token'; undefined when neither is visible. */
export function jobStake(job: Job, wf: Workflow, text: string): string | undefined {
  const secret = /\bsecrets\.(?!GITHUB_TOKEN\b)(\w+)/i.exec(text.slice(job.span.start, job.span.end));
  if (secret) return `the job's secret ${secret[1]}`;
  const permissions = job.permissions ?? wf.permissions;
  if (permissions && /:\s*write\b|write-all/.test(text.slice(permissions.span.start, permissions.span.end)))
    return 'a write token';
  return undefined;
}
