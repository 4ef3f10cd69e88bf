// Security review facts for a GitLab CI configuration: which pipeline sources run it, which secrets and ID tokens its
// jobs receive, which includes and images it pulls (and whether they are pinned), and how deployments are gated.
import { LineIndex } from '../text/lines';
import { effective, type GitlabPipeline } from '../model/gitlab/pipeline';
import { includePinning, imagePinning } from './gitlab';
import type { ActionUseFact, ReviewFacts, TriggerFact } from './review-facts';

/** Who can start a pipeline, per `CI_PIPELINE_SOURCE`. Facts from GitLab's documentation of pipeline sources. */
const WHO_CAN_START: Record<string, string> = {
  push: 'Anyone who can push to a branch or tag of the project (Developer role, subject to protected branches).',
  merge_request_event:
    "Anyone who can open a merge request. A fork's merge request runs in the fork, unless a parent-project member runs it in the parent project (then with the parent's CI/CD variables).",
  external_pull_request_event: 'Anyone who can open a pull request on the external (GitHub) repository.',
  schedule: 'No one directly: pipeline schedules, owned by a project member.',
  web: 'Project members who can run pipelines from the UI (Developer role).',
  api: 'Anyone holding a token that can create pipelines for the project.',
  trigger: 'Anyone holding a pipeline trigger token of the project.',
  pipeline: 'Another project’s pipeline that triggers this one (multi-project pipeline).',
  parent_pipeline: 'The parent pipeline of this child pipeline.',
  chat: 'Project members through ChatOps.',
  webide: 'Project members through the Web IDE.',
};

export function gitlabReviewFacts(p: GitlabPipeline): ReviewFacts {
  const lines = new LineIndex(p.text);
  const lineOf = (offset: number) => lines.positionAt(offset).line;
  const sources = new Map<string, number>();
  for (const m of p.text.matchAll(/\$CI_PIPELINE_SOURCE\s*==\s*["']([a-z_]+)["']/g))
    if (!sources.has(m[1])) sources.set(m[1], m.index!);
  if (/\$CI_MERGE_REQUEST_IID|merge_requests/.test(p.text) && !sources.has('merge_request_event'))
    sources.set('merge_request_event', p.text.search(/\$CI_MERGE_REQUEST_IID|merge_requests/));
  if (!sources.size) sources.set('push', 0);
  const triggers: TriggerFact[] = [...sources].map(([event, at]) => ({
    event,
    whoCanFire: WHO_CAN_START[event] ?? "See GitLab's documentation of pipeline sources.",
    privileged: false,
    line: lineOf(at),
  }));
  const actions: ActionUseFact[] = [];
  for (const inc of [...p.includes, ...p.jobs.flatMap((j) => j.triggerIncludes)]) {
    actions.push({
      uses: inc.ref ? `${inc.target.text}@${inc.ref.text}` : inc.target.text,
      kind: `include:${inc.kind}`,
      pinned: includePinning(inc).pinned,
      firstParty: inc.kind === 'local' || inc.kind === 'template',
      line: lineOf(inc.span.start),
    });
  }
  for (const img of [...p.globalImages, ...p.jobs.flatMap((j) => j.images)]) {
    actions.push({
      uses: img.name.text,
      kind: img.key === 'image' ? 'image' : 'service',
      pinned: imagePinning(img.name.text).kind === 'digest',
      firstParty: false,
      line: lineOf(img.name.span.start),
    });
  }
  const secrets = new Set<string>();
  for (const job of p.jobs) {
    const e = effective(job, p);
    for (const name of e.secrets) secrets.add(`${name} (secrets:)`);
    for (const name of e.idTokens) secrets.add(`${name} (id_tokens)`);
  }
  return {
    path: p.path,
    kind: 'gitlab',
    triggers,
    permissions: [],
    secrets: [...secrets].sort(),
    secretsInherited: false,
    actions,
    jobs: p.jobs
      .filter((j) => !j.hidden)
      .map((job) => {
        const e = effective(job, p);
        const manual = e.when === 'manual' || e.ruleWhens.includes('manual');
        return {
          id: job.name,
          environment: e.environment?.name,
          concurrency: !!e.resourceGroup,
          runsOn: e.tags,
          gate: manual ? 'manual' : undefined,
          line: lineOf(job.keySpan.start),
        };
      }),
    workflowConcurrency: false,
  };
}
