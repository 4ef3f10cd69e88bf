// What a moved tag (of an action or an image) would get in a job: its secrets, a write-scoped token, or an OIDC token
// the job uses to publish or reach a cloud. Upload-only secrets (coverage, benchmark reports) are no stake.
import type { AnalysisContext } from '../../engine/context';
import type { Job, Workflow } from '../../model/workflow';
import { isLowValueWriteScope, isUploadOnlySecret } from '../../knowledge/low-value-secrets';
import { workflowPermissionsFor } from '../../analysis/permissions';

/** Names that usually hold a credential, preferred when the message names one secret among several. */
const CREDENTIAL_NAME = /TOKEN|PAT\b|PASSWORD|PASSPHRASE|SECRET|PRIVATE|CERT|WEBHOOK|CREDENTIAL|_KEY\b|^KEY\b/i;

/** Names that usually hold an identifier kept out of logs (tenant, client, account), named only when nothing else is. */
const IDENTIFIER_NAME = /(?:^|_)(?:ID|USERNAME|USER|REGION|PROJECT|ACCOUNT|PATH)$/i;

/** The most valuable thing the job holds, in words for a message; undefined when it holds nothing worth stealing. */
export function jobStake(job: Job, wf: Workflow, ctx: AnalysisContext): string | undefined {
  const jobText = ctx.text.slice(job.span.start, job.span.end);
  if (job.uses && /^\s*secrets:\s*inherit\b/m.test(jobText)) return "all the repository's secrets (secrets: inherit)";
  const secrets = [...new Set([...jobText.matchAll(/\bsecrets\.(\w+)/g)].map((m) => m[1]))].filter(
    (name) => name.toUpperCase() !== 'GITHUB_TOKEN' && !isUploadOnlySecret(name),
  );
  const secret =
    secrets.find((name) => CREDENTIAL_NAME.test(name)) ??
    secrets.find((name) => !IDENTIFIER_NAME.test(name)) ??
    secrets[0];
  if (secret) return `the job's secret ${secret}`;
  const permissions = job.permissions ?? wf.permissions;
  if (!permissions) return undefined;
  if (permissions.kind === 'write-all') return 'a GITHUB_TOKEN with write-all';
  const writes = permissions.scopes.filter((s) => s.level === 'write').map((s) => s.scope);
  const repositoryWrites = writes.filter((s) => s !== 'id-token' && !isLowValueWriteScope(s));
  if (repositoryWrites.length) return `a GITHUB_TOKEN with ${repositoryWrites.map((s) => `${s}: write`).join(', ')}`;
  if (!writes.length) return undefined;
  // id-token: write mints OIDC tokens: worth stealing only where something (a cloud role, a registry's trusted
  // publishing) accepts this job's tokens, which shows in the job using it; a called workflow is given it to use.
  if (job.uses) return "the job's OIDC token (id-token: write), which the called workflow is given";
  const oidc = workflowPermissionsFor(ctx, wf)
    .jobs.find((j) => j.job === job)
    ?.needs.find((n) => n.scope === 'id-token');
  return oidc ? `the job's OIDC token (id-token: write), which it uses: ${oidc.reason}` : undefined;
}

/** Why the job holds nothing worth stealing, and what a moved tag gets instead (jobStake found nothing). */
export function whyNoStake(job: Job, wf: Workflow, ctx: AnalysisContext): string {
  const jobText = ctx.text.slice(job.span.start, job.span.end);
  const uploadOnly = [...new Set([...jobText.matchAll(/\bsecrets\.(\w+)/g)].map((m) => m[1]))].filter(
    isUploadOnlySecret,
  );
  const permissions = job.permissions ?? wf.permissions;
  const writes = permissions?.kind === 'map' ? permissions.scopes.filter((s) => s.level === 'write') : [];
  const idToken = writes.some((s) => s.scope === 'id-token');
  const reporting = writes.filter((s) => isLowValueWriteScope(s.scope)).map((s) => `${s.scope}: write`);
  const beyond = reporting.length ? ` beyond ${reporting.join(', ')}, which only reports CI results` : '';
  return [
    uploadOnly.length
      ? `the job's only secrets are upload-only (${uploadOnly.join(', ')}) and it has no write-scoped token${beyond}`
      : `the job holds no secret or write-scoped token${beyond}`,
    idToken ? 'no step uses its id-token: write' : '',
    uploadOnly.length || reporting.length
      ? 'a moved tag gets the runner and at most a way to post false reports'
      : 'a moved tag gets only the runner',
  ]
    .filter(Boolean)
    .join('; ');
}
