import { defineRule } from '../../engine/rule';
import type { Job, Step, Workflow } from '../../model/workflow';
import type { AnalysisContext } from '../../engine/context';
import { findCallers } from '../../analysis/callers';
import { outsiderReachesJob } from '../../analysis/token-exposure';
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
        "Only commands that run count (not echo, heredocs, comments, step summaries, `--dry-run`, goreleaser `check`/`--snapshot`, steps with `if: false`); changesets/action only with `publish:`. Low when the job deploys with no repository secret (only the workflow token or OIDC): an environment would fence off nothing. A reusable workflow secret that every caller in the repository fills with `secrets.GITHUB_TOKEN` is the workflow token (with no visible caller it counts as a credential). Low for jobs that only create GitHub releases (`gh release create`, action-gh-release, release-action) when their only other secrets mint a GitHub App token for this repository (actions/create-github-app-token without `owner`/`repositories`). Low for pull request previews: a workflow started by pull requests or by their runs (`workflow_run`) deploying to a static-site host (Cloudflare Pages/Workers, gh-pages actions, Firebase) under a per-pull-request name (head SHA or branch, PR number, `preview`), where a required reviewer would hold every preview (as judged in the independent re-judge, seed 4242). Low for image pushes in a workflow that also runs on pull requests: those are CI images (build caches, test environments), as in 4 of 12 medium findings of the judged sample (docs/precision, seed 4242). Low for draft releases (`gh release create --draft`, `draft: true`): a maintainer publishes them by hand. Otherwise medium only when someone without write access can start the deploying job (an outsider-fired trigger that runs with secrets, such as `pull_request_target` or `issue_comment`, and that its conditions and permission checks let through; a fork's `pull_request` run gets no secrets; a reusable workflow through its callers, reachable when they cannot be looked up) or code they control runs in it (a pull request's head checked out and run, even behind a label or comment gate; a triggering run's artifacts; a path to the job's token); a deploy only collaborators can start (push, tags, schedule, workflow_dispatch, release) is low, since an environment then only adds a review step (independent blind re-judge, seed 9090: 0 true, 3 false, 27 debatable of 30 medium findings, all started by collaborators).",
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
    const deploys = deploySteps(job);
    if (deploys.length === 0) return;
    const step = deploys[0];
    const anchor = (mapGetPair(job.node, 'steps') ?? mapGetPair(job.node, 'runs-on')) as
      Pair<Node, Node | null> | undefined;
    const edit = anchor ? insertBeforePair(wf.text, anchor, ['environment: production']) : undefined;
    // Credentials in repository secrets are what an environment would fence off; a job deploying with the workflow's
    // own token or OIDC has none to protect, and the release itself stays reviewable through branch protection.
    const referenced = referencedSecrets(wf.text.slice(job.span.start, job.span.end)).concat(
      referencedSecrets(
        wf.env
          ? wf.text.slice(wf.env.keySpan.start, Math.max(...wf.env.entries.map((e) => e.span.end), wf.env.keySpan.end))
          : '',
      ),
    );
    // A reusable workflow's secret that every caller in this repository fills with the workflow token is that token.
    const tokenFromCallers = referenced.filter((name) => callersPassWorkflowToken(ctx, wf, name));
    const credentials = referenced.filter((name) => !tokenFromCallers.includes(name));
    // A job that only creates GitHub releases: a GitHub App key that mints a token for this repository is not a deploy
    // credential (the release is made on GitHub, with a token scoped like the workflow's own).
    const appKeys = deploys.every((d) => d.githubRelease) ? repositoryAppKeys(job) : new Set<string>();
    const deployCredentials = credentials.filter((name) => !appKeys.has(name));
    // An image pushed by a workflow that also builds pull requests is the project's CI image (a build cache or test
    // environment), not what users install.
    const ciImage =
      /docker push|build-push-action/.test(step.what) &&
      wf.triggers.some((t) => t.event === 'pull_request' || t.event === 'merge_group');
    const preview = previewDeploy(wf, deploys);
    const low = !credentials.length
      ? tokenFromCallers.length
        ? ` (Low: it deploys with no repository secret: ${tokenFromCallers.map((n) => `secrets.${n}`).join(', ')} is the workflow token every caller in this repository passes.)`
        : ' (Low: it deploys with no repository secret, only the workflow token or OIDC.)'
      : !deployCredentials.length
        ? ` (Low: it only creates a GitHub release, with the workflow token; ${credentials.map((n) => `secrets.${n}`).join(', ')} only mint${credentials.length === 1 ? 's' : ''} a GitHub App token for this repository, and the release stays reviewable on GitHub.)`
        : ciImage
          ? ' (Low: the workflow also builds pull requests, so the image is a CI image rather than a release.)'
          : preview
            ? ` (Low: it deploys pull request previews (${preview}): a required reviewer would hold every preview. Deploy production from a separate job in a protected environment.)`
            : draftRelease(deploys)
              ? ' (Low: it only creates a draft release, which a maintainer publishes by hand.)'
              : !outsiderReachesJob(ctx, wf, job)
                ? ' (Low: only collaborators can start this job; an environment adds a review step, defence in depth.)'
                : '';
    ctx.report({
      message: `Job '${job.id}' deploys (${step.what}) without a protected environment: no reviewer or branch rule can stop a bad release. Add environment: and protect it.${low}`,
      severity: low ? 'low' : undefined,
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

/** `${{ secrets.GITHUB_TOKEN }}` or `${{ github.token }}`, as a caller passes it. */
const WORKFLOW_TOKEN = /^\s*\$\{\{\s*(secrets\.github_token|github\.token)\s*\}\}\s*$/i;

/**
 * A secret declared by this reusable workflow (`on.workflow_call.secrets`) that every caller in the repository passes
 * as the workflow token. Unknown when no caller is visible (then it counts as a credential).
 */
function callersPassWorkflowToken(ctx: AnalysisContext, wf: Workflow, name: string): boolean {
  if (!wf.declaredSecrets.some((d) => d.toLowerCase() === name.toLowerCase())) return false;
  const calls = findCallers(ctx, 'workflow')?.calls ?? [];
  return (
    calls.length > 0 &&
    calls.every(
      (call) =>
        call.kind === 'workflow' &&
        call.job.secrets?.entries.some(
          (e) => e.name.toLowerCase() === name.toLowerCase() && WORKFLOW_TOKEN.test(e.value?.text ?? ''),
        ),
    )
  );
}

/** Secrets a job only feeds to actions/create-github-app-token for this repository (no `owner:`/`repositories:`). */
function repositoryAppKeys(job: Job): Set<string> {
  const keys = new Set<string>();
  const elsewhere = new Set<string>();
  for (const s of job.steps) {
    const appToken =
      s.uses?.slug === 'actions/create-github-app-token' &&
      !s.with?.entries.some((e) => e.name === 'owner' || e.name === 'repositories');
    for (const e of [...(s.with?.entries ?? []), ...(s.env?.entries ?? [])])
      for (const name of referencedSecrets(e.value?.text ?? '')) (appToken ? keys : elsewhere).add(name);
    for (const name of referencedSecrets(s.run?.text ?? '')) elsewhere.add(name);
  }
  for (const name of referencedSecrets(job.env ? job.env.entries.map((e) => e.value?.text ?? '').join(' ') : ''))
    elsewhere.add(name);
  return new Set([...keys].filter((k) => !elsewhere.has(k)));
}

/** Static-site hosts whose deploys can go to a per-pull-request branch, channel or directory. */
const PREVIEW_HOSTS = new Set([
  'cloudflare/wrangler-action',
  'peaceiris/actions-gh-pages',
  'jamesives/github-pages-deploy-action',
]);
/** What names a pull request's preview in a deploy step: its head, number, or the word preview. */
const PULL_REQUEST_ALIAS =
  /\bpreview\b|pull_request\.number|event\.number|pull_requests\[|head_sha|head_branch|head_ref|head\.(sha|ref)\b/i;

/**
 * Deploys of pull request previews: a workflow started by pull requests (or by a run they triggered) whose every deploy
 * goes to a static-site host with a per-pull-request alias (Cloudflare Pages `--branch`, a preview channel or folder).
 */
function previewDeploy(wf: Workflow, deploys: DeployStep[]): string | undefined {
  if (!wf.triggers.some((t) => /^(pull_request|pull_request_target|workflow_run)$/.test(t.event))) return undefined;
  const aliases = deploys.map((d) =>
    PREVIEW_HOSTS.has(d.what) || /firebase deploy/.test(d.what)
      ? PULL_REQUEST_ALIAS.exec(wf.text.slice(d.step.span.start, d.step.span.end))?.[0]
      : undefined,
  );
  return aliases.every((a) => a !== undefined) ? `${deploys[0].what}, its target named by ${aliases[0]}` : undefined;
}

/** Every deploy creates a draft GitHub release (`gh release create --draft`, action-gh-release/release-action `draft: true`). */
function draftRelease(deploys: DeployStep[]): boolean {
  return deploys.every(
    (d) =>
      d.githubRelease &&
      (d.step.run
        ? /\bgh release create\b(?:[^\n]|\\\n)*\s(-d|--draft)\b/.test(d.step.run.text)
        : d.step.with?.entries.some((e) => e.name === 'draft' && /^true$/i.test(e.value?.text.trim() ?? ''))),
  );
}

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
function neverRuns(step: Step): boolean {
  return !!step.if && /^\s*(\$\{\{\s*)?false(\s*\}\})?\s*$/.test(step.if.text);
}

/** Actions that deploy only when one of their inputs is set (changesets/action publishes only with `publish:`). */
const DEPLOY_INPUT: Record<string, string> = { 'changesets/action': 'publish' };

interface DeployStep {
  what: string;
  span: { start: number; end: number };
  step: Step;
  /** It creates or uploads to a GitHub release (nothing leaves GitHub). */
  githubRelease: boolean;
}

/** Actions that only create GitHub releases or upload to them. */
const GITHUB_RELEASE_ACTIONS = new Set([
  'softprops/action-gh-release',
  'ncipollo/release-action',
  'actions/create-release',
]);

/** Every step of the job that deploys (one entry per step). */
function deploySteps(job: Job): DeployStep[] {
  const out: DeployStep[] = [];
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
      out.push({
        what: s.uses.slug,
        span: s.uses.span,
        step: s,
        githubRelease: GITHUB_RELEASE_ACTIONS.has(s.uses.slug),
      });
      continue;
    }
    const commands = commandLines(s.run?.text ?? '')
      .map((line) => (DRY_RUN.test(line) ? undefined : DEPLOY_COMMAND.exec(line)?.[2]))
      .filter((c): c is string => !!c);
    if (commands.length && s.run)
      out.push({
        what: commands[0],
        span: s.run.span,
        step: s,
        githubRelease: commands.every((c) => c === 'gh release create'),
      });
  }
  return out;
}
