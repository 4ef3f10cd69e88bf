// What a moved tag (of an action or an image) would get in a job: its secrets, a write-scoped token, or an OIDC token
// the job uses to publish or reach a cloud. Secrets that only upload reports or post to a chat channel are no stake.
import type { AnalysisContext } from '../../engine/context';
import type { Job, Step, Workflow } from '../../model/workflow';
import { isLowValueWriteScope, isReportOnlySecret } from '../../knowledge/low-value-secrets';
import { workflowPermissionsFor } from '../../analysis/permissions';
import { referencedSecrets } from '../../analysis/secrets/names';
import { conditionsCanEverHold } from '../../analysis/conditions';
import { triggerNames } from '../../analysis/triggers';

/** Names that usually hold a credential, preferred when the message names one secret among several. */
const CREDENTIAL_NAME = /TOKEN|PAT\b|PASSWORD|PASSPHRASE|SECRET|PRIVATE|CERT|WEBHOOK|CREDENTIAL|_KEY\b|^KEY\b/i;

/** Names that usually hold an identifier kept out of logs (tenant, client, account), named only when nothing else is. */
const IDENTIFIER_NAME = /(?:^|_)(?:ID|USERNAME|USER|REGION|PROJECT|ACCOUNT|PATH)$/i;

/**
 * The job's text a step can reach secrets through: the workflow's env, and the job minus the `env:` of earlier `run:`
 * steps (passed to that one script only) and minus other steps whose if: never holds for the workflow's triggers.
 * Later steps count (the step can alter the workspace they use, such as git hooks before a push), and so do earlier
 * `uses:` steps (login and credential actions persist what they are given).
 */
function reachableText(job: Job, wf: Workflow, ctx: AnalysisContext, step: Step | undefined): string {
  const workflowEnv = (wf.env?.entries ?? []).map((e) => e.value?.text ?? '').join('\n');
  const triggers = triggerNames(wf);
  const unreachable: Array<[number, number]> = [];
  for (const other of step ? job.steps.filter((s) => s.index !== step.index) : []) {
    const envRange = other.env?.pair.value?.range;
    if (!conditionsCanEverHold(triggers, [job.if?.text, other.if?.text]))
      unreachable.push([other.span.start, other.span.end]);
    else if (step && other.index < step.index && other.run && envRange) unreachable.push([envRange[0], envRange[1]]);
  }
  let text = '';
  let from = job.span.start;
  for (const [start, end] of unreachable) {
    text += ctx.text.slice(from, start);
    from = end;
  }
  return `${workflowEnv}\n${text}${ctx.text.slice(from, job.span.end)}`;
}

/**
 * The most valuable thing the job holds, in words for a message; undefined when it holds nothing worth stealing.
 * With `step`, only what that step can reach (see reachableText).
 */
export function jobStake(job: Job, wf: Workflow, ctx: AnalysisContext, step?: Step): string | undefined {
  const jobText = ctx.text.slice(job.span.start, job.span.end);
  if (job.uses && /^\s*secrets:\s*inherit\b/m.test(jobText)) return "all the repository's secrets (secrets: inherit)";
  const reachable = reachableText(job, wf, ctx, step);
  const secrets = referencedSecrets(reachable).filter(
    (name) => name.toUpperCase() !== 'GITHUB_TOKEN' && !isReportOnlySecret(name),
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
  // Only a step that can run on the workflow's triggers mints a token (a push-only cloud login in a pull_request job never does).
  const triggers = triggerNames(wf);
  const running = job.steps.filter((s) => conditionsCanEverHold(triggers, [job.if?.text, s.if?.text]));
  const oidc = workflowPermissionsFor(ctx, wf)
    .jobs.find((j) => j.job === job)
    ?.needs.find(
      (n) => n.scope === 'id-token' && running.some((s) => s.span.start <= n.span.start && n.span.end <= s.span.end),
    );
  return oidc ? `the job's OIDC token (id-token: write), which it uses: ${oidc.reason}` : undefined;
}

/** Why the job holds nothing worth stealing, and what a moved tag gets instead (jobStake found nothing). */
export function whyNoStake(job: Job, wf: Workflow, ctx: AnalysisContext, step?: Step): string {
  const reachable = reachableText(job, wf, ctx, step);
  const unreachable = step && jobStake(job, wf, ctx) !== undefined;
  const reportOnly = referencedSecrets(reachable).filter(isReportOnlySecret);
  const permissions = job.permissions ?? wf.permissions;
  const writes = permissions?.kind === 'map' ? permissions.scopes.filter((s) => s.level === 'write') : [];
  const idToken = writes.some((s) => s.scope === 'id-token');
  const reporting = writes.filter((s) => isLowValueWriteScope(s.scope)).map((s) => `${s.scope}: write`);
  const beyond = reporting.length
    ? ` beyond ${reporting.join(', ')}, which reaches only CI results and issue or pull request conversation`
    : '';
  return [
    unreachable
      ? `the job's secrets are only in earlier run steps' env or in steps that never run, out of this step's reach, and it has no write-scoped token${beyond}`
      : reportOnly.length
        ? `the job's only secrets upload reports or post chat notifications (${reportOnly.join(', ')}) and it has no write-scoped token${beyond}`
        : `the job holds no secret or write-scoped token${beyond}`,
    idToken ? 'no step uses its id-token: write' : '',
    reportOnly.length || reporting.length
      ? 'a moved tag gets the runner and at most a way to post false reports, comments or messages'
      : 'a moved tag gets only the runner',
  ]
    .filter(Boolean)
    .join('; ');
}
