import { defineRule } from '../../engine/rule';
import { effective } from '../../model/gitlab/pipeline';
import { deployCommand } from '../../analysis/gitlab';
import { insertBeforePair } from '../../fixes/edits';
import { mapGetPair, type Node, type Pair } from '../../yaml/parse';

const PUBLISH = /publish|upload|push|mvn deploy/;

export default defineRule({
  meta: {
    id: 'gitlab-deploy-without-resource-group',
    title: 'Deployments can run concurrently',
    description:
      'A job deploys to an environment without `resource_group:`, so two pipelines can deploy at the same time.',
    severity: 'low',
    confidence: 'medium',
    category: 'runtime-safety',
    aliases: [],
    appliesTo: ['gitlab'],
    fixable: true,
    fixSafety:
      'Unsafe: adding `resource_group` makes runs of the deploy job wait for each other instead of overlapping, which changes when a deploy happens; review that serializing it is intended.',
    docs: {
      risk: 'Two pipelines (a retried one, two quick merges) can run the same deploy job at once: the older commit may finish last and overwrite the newer release, or two `terraform apply` runs interleave on the same state.',
      remediation:
        'Give the job `resource_group: <environment>` so GitLab runs one such job at a time, in pipeline order (`process_mode: oldest_first` on the group if order matters). The quick-fix adds `resource_group:` named after the environment.',
      vulnerableExample: 'deploy:\n  environment: production\n  script:\n    - kubectl apply -f k8s/\n',
      safeExample:
        'deploy:\n  environment: production\n  resource_group: production\n  script:\n    - kubectl apply -f k8s/\n',
      references: ['https://docs.gitlab.com/ci/resource_groups/'],
    },
  },
  gitlabJob(job, p, ctx) {
    if (job.hidden) return;
    const e = effective(job, p);
    if (!e.environment?.name || e.resourceGroup || e.unresolved.length) return;
    if (e.environment.action && e.environment.action !== 'start') return;
    const command = deployCommand(e);
    // Package uploads publish new immutable versions: two at once do not overwrite each other.
    if (!command || PUBLISH.test(command)) return;
    const group = /^[\w.-]+$/.test(e.environment.name) ? e.environment.name : 'deploy';
    const anchor = (mapGetPair(job.node, 'script') ?? mapGetPair(job.node, 'environment')) as
      Pair<Node, Node | null> | undefined;
    const edit = anchor ? insertBeforePair(ctx.text, anchor, [`resource_group: ${group}`]) : undefined;
    ctx.report({
      message: `Job '${job.name}' deploys (${command}) to ${e.environment.name} without resource_group: two pipelines can deploy at once and an older commit can land last.`,
      span: job.keySpan,
      fixes: edit
        ? [{ title: `Add resource_group: ${group}`, safety: 'unsafe', isPreferred: true, edits: [edit] }]
        : [],
    });
  },
});
