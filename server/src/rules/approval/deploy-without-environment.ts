import { defineRule } from '../../engine/rule';
import type { Job } from '../../model/workflow';
import { insertBeforePair } from '../../fixes/edits';
import { mapGetPair, type Node, type Pair } from '../../yaml/parse';
import { gitlabDeployWithoutEnvironment } from '../_gitlab/deploy-without-environment';

/** Commands that release or deploy something outside the repository. */
const DEPLOY_COMMAND =
  /(^|[\s;&|(])(npm publish|yarn (npm )?publish|pnpm publish|twine upload|cargo publish|gem push|docker push|terraform apply|kubectl (apply|rollout|set image)|helm (upgrade|install)|firebase deploy|vercel (deploy )?--prod|netlify deploy --prod|aws (s3 sync|ecs update-service|lambda update-function-code|cloudformation deploy)|az (webapp|functionapp) deploy|gcloud (run|app|functions) deploy|gh release create|dotnet nuget push|mvn deploy|gradle publish)\b/;
const DRY_RUN = /--dry-run\b|--snapshot\b|--skip[=\s]+publish|\bnpm pack\b/;
/** Actions whose purpose is to publish or deploy. */
const DEPLOY_ACTIONS = new Set([
  'pypa/gh-action-pypi-publish',
  'docker/build-push-action',
  'softprops/action-gh-release',
  'azure/webapps-deploy',
  'aws-actions/amazon-ecs-deploy-task-definition',
  'google-github-actions/deploy-cloudrun',
  'cloudflare/wrangler-action',
  'peaceiris/actions-gh-pages',
  'jamesives/github-pages-deploy-action',
  'actions/deploy-pages',
  'ncipollo/release-action',
  'goreleaser/goreleaser-action',
  'changesets/action',
]);

export default defineRule({
  meta: {
    id: 'deploy-without-environment',
    title: 'Deployment without a protected environment',
    description:
      'A job publishes or deploys without an `environment:`, so no required reviewer, wait timer or branch rule can stop it.',
    severity: 'medium',
    confidence: 'medium',
    category: 'approval',
    aliases: [],
    appliesTo: ['workflow', 'gitlab'],
    fixable: true,
    fixSafety:
      'Always unsafe: the environment must exist (and be protected) in the repository settings, and its protection rules (reviewers, branch policies) change when and whether the job runs.',
    docs: {
      risk: 'Publishing packages, pushing images or changing production are the highest-impact things a workflow does. Without a protected environment, anyone who can push to a branch or tag that triggers the workflow (or a compromised step) releases without a human looking, and the deploy credentials sit in repository secrets reachable by every workflow.',
      remediation:
        "Run the job in an environment (`environment: production`) configured with required reviewers and deployment branch/tag rules, and move the deploy credentials into that environment's secrets. The quick-fix adds `environment: production`; create and protect it in the repository settings.",
      vulnerableExample:
        'on:\n  push:\n    tags: ["v*"]\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm publish\n',
      safeExample:
        'on:\n  push:\n    tags: ["v*"]\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    environment: npm\n    steps:\n      - run: npm publish\n',
      references: [
        'https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment',
      ],
    },
  },
  gitlabJob: gitlabDeployWithoutEnvironment,
  job(job, wf, ctx) {
    if (job.environment || job.uses) return;
    const step = deployStep(job);
    if (!step) return;
    const anchor = (mapGetPair(job.node, 'steps') ?? mapGetPair(job.node, 'runs-on')) as
      Pair<Node, Node | null> | undefined;
    const edit = anchor ? insertBeforePair(wf.text, anchor, ['environment: production']) : undefined;
    ctx.report({
      message: `Job '${job.id}' deploys (${step.what}) without a protected environment: no reviewer or branch rule can stop a bad release. Add environment: and protect it.`,
      span: job.idSpan,
      related: [{ span: step.span, message: 'deploys here' }],
      fixes: edit
        ? [
            {
              title: 'Run in environment "production" (then protect it in Settings → Environments)',
              safety: 'unsafe',
              isPreferred: true,
              edits: [edit],
            },
          ]
        : [],
    });
  },
});

function deployStep(job: Job): { what: string; span: { start: number; end: number } } | undefined {
  for (const s of job.steps) {
    if (s.uses?.slug && DEPLOY_ACTIONS.has(s.uses.slug)) {
      // build-push-action only deploys when it pushes.
      if (
        s.uses.slug === 'docker/build-push-action' &&
        !s.with?.entries.some((e) => e.name === 'push' && /^(true|\$\{\{)/.test(e.value?.text ?? ''))
      )
        continue;
      // goreleaser in snapshot/build mode publishes nothing.
      const args = s.with?.entries.find((e) => e.name === 'args')?.value?.text ?? '';
      if (DRY_RUN.test(args) || /^\s*build\b/.test(args)) continue;
      return { what: s.uses.slug, span: s.uses.span };
    }
    for (const line of s.run?.text.split('\n') ?? []) {
      const m = DEPLOY_COMMAND.exec(line);
      if (m && s.run && !DRY_RUN.test(line)) return { what: m[2], span: s.run.span };
    }
  }
  return undefined;
}
