// long-lived-cloud-credentials on GitLab CI: a static AWS key pair, Google service-account key or Azure client secret
// handed to a job (through `variables:` or the script), where the job could exchange an `id_tokens` JWT for
// short-lived credentials instead.
import type { AnalysisContext } from '../../engine/context';
import type { Rule } from '../../engine/rule';
import type { Span } from '../../text/span';
import {
  effective,
  type GitlabJob,
  type GitlabPipeline,
  type GitlabScript,
  type GitlabVariable,
} from '../../model/gitlab/pipeline';
import { mergeRequestTrigger } from '../../analysis/gitlab';
import { scanProviders } from '../../analysis/secrets/scan';
import { scriptOffsets } from './scripts';

interface Cloud {
  what: string;
  /** The OIDC route on GitLab, with the audience the provider expects. */
  instead: string;
}

const AWS: Cloud = {
  what: 'a static AWS access key',
  instead:
    'id_tokens with aud: sts.amazonaws.com, exchanged by `aws sts assume-role-with-web-identity` for an IAM role that trusts your GitLab instance as an OIDC provider',
};
const GCP: Cloud = {
  what: 'a Google Cloud service-account key',
  instead:
    'id_tokens with aud set to your workload identity pool provider (https://iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>) and a credential configuration from `gcloud iam workload-identity-pools create-cred-config`',
};
const AZURE: Cloud = {
  what: 'an Azure service-principal secret',
  instead:
    'id_tokens with aud: api://AzureADTokenExchange and `az login --service-principal --federated-token "$ID_TOKEN"` (a federated credential on the app registration; Terraform: ARM_USE_OIDC=true, ARM_OIDC_TOKEN)',
};

/** Variables holding the static credential. GOOGLE_APPLICATION_CREDENTIALS is not one: it may name a WIF config. */
const VARIABLES: Array<{ name: RegExp; cloud: Cloud }> = [
  { name: /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)$/, cloud: AWS },
  {
    name: /^(GOOGLE_APPLICATION_CREDENTIALS_JSON|GCP_SA_KEY|GCLOUD_SERVICE_KEY|GOOGLE_CREDENTIALS|GCP_SERVICE_ACCOUNT_KEY|GOOGLE_CLOUD_KEYFILE_JSON)$/,
    cloud: GCP,
  },
  { name: /^(AZURE_CLIENT_SECRET|ARM_CLIENT_SECRET|AZURE_CREDENTIALS)$/, cloud: AZURE },
];

/** In a script: the credential set from a stored variable, or a CLI logging in with one. */
const SCRIPT: Array<{ re: RegExp; cloud: Cloud }> = [
  // `export AWS_ACCESS_KEY_ID=$AWS_AMI_ACCESS_KEY_ID`; not `$(…)`, which computes it (STS, instance metadata).
  { re: /\b(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY)=["']?\$(?!\()\{?[A-Za-z_]\w*\}?/g, cloud: AWS },
  { re: /\baws configure set aws_(?:access_key_id|secret_access_key)\s+["']?\$\{?[A-Za-z_]\w*/g, cloud: AWS },
  { re: /\bgcloud auth activate-service-account\b[^\n;&|]*--key-file\b/g, cloud: GCP },
  {
    re: /\$\{?(GOOGLE_APPLICATION_CREDENTIALS_JSON|GCP_SA_KEY|GCLOUD_SERVICE_KEY|GCP_SERVICE_ACCOUNT_KEY|GOOGLE_CLOUD_KEYFILE_JSON)\b\}?/g,
    cloud: GCP,
  },
  { re: /\b(ARM_CLIENT_SECRET|AZURE_CLIENT_SECRET)=["']?\$(?!\()\{?[A-Za-z_]\w*\}?/g, cloud: AZURE },
  { re: /\baz login\b[^\n;&|]*--service-principal\b[^\n;&|]*\s(?:-p|--password|--secret)[\s=]/g, cloud: AZURE },
];
/** Temporary credentials come with a session token; S3-compatible stores use AWS names but have no OIDC. */
const NOT_STATIC_AWS =
  /\bAWS_SESSION_TOKEN\b|--endpoint-url|\b(r2|minio|spaces|b2|wasabi|backblaze|scaleway|ovh|linode|garage)\b|endpoint/i;
const FEDERATED = /--federated-token\b|\bARM_USE_OIDC\b/;

export const gitlabLongLivedCredentials: Pick<Rule, 'pipeline' | 'gitlabJob'> = {
  pipeline(p, ctx) {
    const reach = mergeRequestReach(
      p.jobs.filter((j) => !j.hidden),
      p,
    );
    checkVariables(p.variables, [...p.globalScripts, ...p.jobs.flatMap((j) => j.scripts)], ctx, reach);
    checkScripts(p.globalScripts, ctx, reach);
  },
  gitlabJob(job, p, ctx) {
    const runs = job.hidden ? extendersOf(job, p) : [job];
    // A template no visible job extends is used from elsewhere (an including project): its reach is unknown.
    const reach = runs.length
      ? mergeRequestReach(runs, p)
      : 'no job in this file extends this template, so it may run in merge-request pipelines where it is included';
    checkVariables(job.variables, job.scripts, ctx, reach);
    checkScripts(job.scripts, ctx, reach);
  },
};

/**
 * Whether code other than the members' can run with the key: some of these jobs runs in merge-request pipelines,
 * where a merge request's code runs in this project with its variables (a fork's too, once a member runs it). Branch,
 * tag, scheduled and manual pipelines run only what members pushed, and a fork's own pipeline gets the fork's
 * variables. Undefined when none of them does.
 */
function mergeRequestReach(jobs: GitlabJob[], p: GitlabPipeline): string | undefined {
  for (const job of jobs) {
    const how = mergeRequestTrigger(effective(job, p));
    if (how)
      return `job '${job.name}' runs in merge-request pipelines (${how}), where a merge request's code runs with it`;
  }
  return undefined;
}

/** The visible jobs that extend a template, directly or through other templates. */
function extendersOf(template: GitlabJob, p: GitlabPipeline): GitlabJob[] {
  return p.jobs.filter((j) => !j.hidden && effective(j, p).templates.includes(template.name));
}

function checkVariables(
  variables: GitlabVariable[],
  scripts: GitlabScript[],
  ctx: AnalysisContext,
  reach: string | undefined,
): void {
  const scriptText = scripts.map((s) => s.line.text).join('\n');
  const names = variables.map((v) => v.name);
  for (const v of variables) {
    const value = v.value?.text;
    if (!value) continue;
    const cloud = VARIABLES.find((c) => c.name.test(v.name))?.cloud;
    // A reference to a stored CI/CD variable, or a real key written here (hardcoded-credential reports that too).
    if (!cloud || !(value.includes('$') || scanProviders(value).length > 0)) continue;
    if (cloud === AWS && (NOT_STATIC_AWS.test(value) || names.some((n) => NOT_STATIC_AWS.test(n)))) continue;
    if (cloud === AZURE && FEDERATED.test(scriptText)) continue;
    // The pair is reported once, on the key id.
    if (v.name === 'AWS_SECRET_ACCESS_KEY' && names.includes('AWS_ACCESS_KEY_ID')) continue;
    report(ctx, v.keySpan, cloud, `${v.name} holds ${cloud.what}`, reach);
  }
}

/** One finding per cloud for the scripts of one job (a key pair set on two lines is one credential). */
function checkScripts(scripts: GitlabScript[], ctx: AnalysisContext, reach: string | undefined): void {
  const all = scripts.map((s) => s.line.text).join('\n');
  const reported = new Set<Cloud>();
  for (const script of scripts) {
    const text = script.line.text;
    for (const { re, cloud } of SCRIPT) {
      if (reported.has(cloud)) continue;
      if (cloud === AWS && NOT_STATIC_AWS.test(all)) continue;
      if (cloud === AZURE && FEDERATED.test(all)) continue;
      re.lastIndex = 0;
      const m = re.exec(text);
      if (!m) continue;
      reported.add(cloud);
      const start = scriptOffsets(ctx, script)(m.index);
      report(ctx, { start, end: start + m[0].length }, cloud, `The script uses ${cloud.what}`, reach);
    }
  }
}

function report(ctx: AnalysisContext, span: Span, cloud: Cloud, what: string, reach: string | undefined): void {
  ctx.report({
    message: `${what}, which stays valid until revoked. Prefer ${cloud.instead}.${reach ? ` (${reach}.)` : " (Low: no job holding it runs in merge-request pipelines, so only members' code runs with this key; prefer OIDC, defence in depth.)"}`,
    severity: reach ? undefined : 'low',
    span,
    properties: { alternative: cloud.instead },
  });
}
