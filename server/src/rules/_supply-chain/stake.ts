// What a moved tag (of an action or an image) would get in a job: its secrets or a write token.
import type { Job, Workflow } from '../../model/workflow';

/** The job's first secret other than the workflow token, a write token, or an OIDC token; undefined when none is visible. */
export function jobStake(job: Job, wf: Workflow, text: string): string | undefined {
  const secret = /\bsecrets\.(?!GITHUB_TOKEN\b)(\w+)/i.exec(text.slice(job.span.start, job.span.end));
  if (secret) return `the job's secret ${secret[1]}`;
  const permissions = job.permissions ?? wf.permissions;
  if (!permissions) return undefined;
  if (permissions.kind === 'write-all') return 'a write token';
  const writes = permissions.scopes.filter((s) => s.level === 'write').map((s) => s.scope);
  // id-token: write mints OIDC tokens; it grants no write access to the repository.
  if (writes.some((s) => s !== 'id-token')) return 'a write token';
  if (writes.length) return "the job's OIDC token (id-token: write) and any cloud role that trusts it";
  return undefined;
}
