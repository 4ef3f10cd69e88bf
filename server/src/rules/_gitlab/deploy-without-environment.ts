// deploy-without-environment on GitLab CI: a job that deploys or publishes with no `environment:` (so protected
// environments and their approvals cannot apply) and no human gate (manual, or tags only).
import type { AnalysisContext } from '../../engine/context';
import { effective, type GitlabJob, type GitlabPipeline } from '../../model/gitlab/pipeline';
import { deployCommand, humanGate } from '../../analysis/gitlab';
import { insertBeforePair } from '../../fixes/edits';
import { mapGetPair, type Node, type Pair } from '../../yaml/parse';

export function gitlabDeployWithoutEnvironment(job: GitlabJob, p: GitlabPipeline, ctx: AnalysisContext): void {
  if (job.hidden) return;
  const e = effective(job, p);
  // A template we cannot see may set the environment or the gate: say nothing rather than guess.
  if (e.environment || e.trigger || e.unresolved.length) return;
  const command = deployCommand(e);
  if (!command || humanGate(e)) return;
  const anchor = (mapGetPair(job.node, 'script') ??
    mapGetPair(job.node, 'stage') ??
    mapGetPair(job.node, 'extends')) as Pair<Node, Node | null> | undefined;
  // One deploy at a time comes with the environment (gitlab-deploy-without-resource-group would ask next).
  const lines = ['environment: production', ...(e.resourceGroup ? [] : ['resource_group: production'])];
  const edit = anchor ? insertBeforePair(ctx.text, anchor, lines) : undefined;
  ctx.report({
    message: `Job '${job.name}' deploys (${command}) without an environment: and without a manual or tag-only gate, so no protected environment or approval can stop it. Add environment: and protect it.`,
    span: job.keySpan,
    fixes: edit
      ? [
          {
            title:
              'Run in environment "production", one deploy at a time (then protect it in Settings → CI/CD → Protected environments)',
            safety: 'unsafe',
            isPreferred: true,
            edits: [edit],
          },
        ]
      : [],
  });
}
