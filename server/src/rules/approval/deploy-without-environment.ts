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
      severity:
        'Only commands that run count (not echo, heredocs, comments, step summaries, `--dry-run`, goreleaser `check`/`--snapshot`, steps with `if: false`); changesets/action only with `publish:`. Low when the job deploys with no repository secret (only the workflow token or OIDC): an environment would fence off nothing. Low for image pushes in a workflow that also runs on pull requests: those are CI images (build caches, test environments), as in 4 of 12 medium findings of the judged sample (docs/precision, seed 4242).',
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
    // Credentials in repository secrets are what an environment would fence off; a job deploying with the workflow's
    // own token or OIDC has none to protect, and the release itself stays reviewable through branch protection.
    const credentials = referencedSecrets(wf.text.slice(job.span.start, job.span.end)).concat(
      referencedSecrets(
        wf.env
          ? wf.text.slice(wf.env.keySpan.start, Math.max(...wf.env.entries.map((e) => e.span.end), wf.env.keySpan.end))
          : '',
      ),
    );
    // An image pushed by a workflow that also builds pull requests is the project's CI image (a build cache or test
    // environment), not what users install.
    const ciImage =
      /docker push|build-push-action/.test(step.what) &&
      wf.triggers.some((t) => t.event === 'pull_request' || t.event === 'merge_group');
    ctx.report({
      message:
        `Job '${job.id}' deploys (${step.what}) without a protected environment: no reviewer or branch rule can stop a bad release. Add environment: and protect it.` +
        (!credentials.length
          ? ' (Low: it deploys with no repository secret, only the workflow token or OIDC.)'
          : ciImage
            ? ' (Low: the workflow also builds pull requests, so the image is a CI image rather than a release.)'
            : ''),
      severity: credentials.length && !ciImage ? undefined : 'low',
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

/** Secrets a job's text reads, except the workflow's own token. */
function referencedSecrets(text: string): string[] {
  return [...new Set([...text.matchAll(/\bsecrets\.([A-Za-z_]\w*)/g)].map((m) => m[1]))].filter(
    (n) => n.toUpperCase() !== 'GITHUB_TOKEN',
  );
}

/** Lines of a script that run as commands: not comments, heredoc bodies, echo/printf text or step summaries. */
function commandLines(script: string): string[] {
  const out: string[] = [];
  let heredocEnd: string | undefined;
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (heredocEnd !== undefined) {
      if (line === heredocEnd) heredocEnd = undefined;
      continue;
    }
    const heredoc = /<<-?\s*['"]?(\w+)['"]?/.exec(line);
    if (heredoc) heredocEnd = heredoc[1];
    if (!line || line.startsWith('#') || /^(echo|printf|cat)\b/.test(line) || /GITHUB_STEP_SUMMARY/.test(line))
      continue;
    out.push(line.replace(/\s#.*$/, ''));
  }
  return out;
}

/** A step that can never run (`if: false`). */
function neverRuns(step: Job['steps'][number]): boolean {
  return !!step.if && /^\s*(\$\{\{\s*)?false(\s*\}\})?\s*$/.test(step.if.text);
}

/** Actions that deploy only when one of their inputs is set (changesets/action publishes only with `publish:`). */
const DEPLOY_INPUT: Record<string, string> = { 'changesets/action': 'publish' };

function deployStep(job: Job): { what: string; span: { start: number; end: number } } | undefined {
  for (const s of job.steps) {
    if (neverRuns(s)) continue;
    if (s.uses?.slug && DEPLOY_ACTIONS.has(s.uses.slug)) {
      const input = DEPLOY_INPUT[s.uses.slug];
      if (input && !s.with?.entries.some((e) => e.name === input && e.value?.text.trim())) continue;
      // build-push-action only deploys when it pushes.
      if (
        s.uses.slug === 'docker/build-push-action' &&
        !s.with?.entries.some((e) => e.name === 'push' && /^(true|\$\{\{)/.test(e.value?.text ?? ''))
      )
        continue;
      // goreleaser in snapshot/build mode publishes nothing.
      const args = s.with?.entries.find((e) => e.name === 'args')?.value?.text ?? '';
      if (DRY_RUN.test(args) || /^\s*(build|check|healthcheck)\b/.test(args)) continue;
      return { what: s.uses.slug, span: s.uses.span };
    }
    for (const line of commandLines(s.run?.text ?? '')) {
      const m = DEPLOY_COMMAND.exec(line);
      if (m && s.run && !DRY_RUN.test(line)) return { what: m[2], span: s.run.span };
    }
  }
  return undefined;
}
