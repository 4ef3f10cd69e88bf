import { defineRule } from '../../engine/rule';
import { effective, type EffectiveJob } from '../../model/gitlab/pipeline';
import { mergeRequestTrigger } from '../../analysis/gitlab';

/** docker:dind, docker:27.3.1-dind, registry.example.com/docker:${DOCKER_VERSION}-dind… */
const DIND = /(?:^|\/)docker:[^\s@]*dind\b/i;
/** GitLab.com's hosted runners: a fresh VM per job, so a privileged container reaches nothing that outlives the job. */
const HOSTED_RUNNER_TAG = /^saas-/;

export default defineRule({
  meta: {
    id: 'gitlab-dind-in-merge-requests',
    title: 'Privileged docker-in-docker on self-managed runners in merge-request pipelines',
    description:
      'A job with a `docker:dind` service (which needs a privileged runner) runs in merge-request pipelines on runners chosen by tags, so merge-request code runs with root on the runner host.',
    severity: 'low',
    confidence: 'medium',
    category: 'least-privilege',
    aliases: ['privileged-dind'],
    appliesTo: ['gitlab'],
    fixable: false,
    docs: {
      risk: "docker:dind only works on a runner configured with `privileged = true`, and a privileged container can take over its host. When that runner is a long-lived self-managed machine, code from a merge request (a Developer's branch, or a fork's merge request that a maintainer runs in this project) can stay on it and read the jobs that run there later: protected-branch and deploy jobs with their protected CI/CD variables, and the runner's own token.",
      severity:
        "Low. The author of a merge request also writes the configuration its pipeline runs, so this file's `services:` do not open the hole: they show that a privileged runner with these tags serves merge-request code. The fix is in the runner's settings, and the file cannot show whether the runner is ephemeral (a fresh VM per job, as GitLab.com's hosted runners are: `saas-*` tags are not reported) or shared with protected jobs. Jobs without `tags:` are not reported (on GitLab.com they run on hosted runners), nor jobs that run only in branch, tag or scheduled pipelines.",
      remediation:
        'Mark the privileged runner "protected" (Settings → CI/CD → Runners) so it only runs jobs for protected branches and tags, and give merge-request jobs an unprivileged or ephemeral runner; or build images without a privileged daemon (BuildKit rootless, buildah, kaniko-style builders). Keep deploy and protected jobs off runners that run merge-request code.',
      vulnerableExample:
        'build-image:\n  tags: [docker-privileged]\n  image: docker:27.3.1\n  services:\n    - docker:27.3.1-dind\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n  script:\n    - docker build -t app .\n',
      safeExample:
        'build-image:\n  tags: [docker-privileged]\n  image: docker:27.3.1\n  services:\n    - docker:27.3.1-dind\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n  script:\n    - docker build -t app .\n',
      references: [
        'https://docs.gitlab.com/ci/docker/using_docker_build/#use-docker-in-docker',
        'https://docs.gitlab.com/runner/security/#usage-of-docker-executor',
        'https://docs.gitlab.com/ci/runners/configure_runners/#prevent-runners-from-revealing-sensitive-information',
      ],
    },
  },
  gitlabJob(job, p, ctx) {
    if (job.hidden) return;
    const e = effective(job, p);
    const dind = [...e.services, ...e.images].map((name) => substitute(name, e)).find((name) => DIND.test(name));
    if (!dind) return;
    const how = mergeRequestTrigger(e);
    const tags = e.tags.filter((t) => !HOSTED_RUNNER_TAG.test(t));
    if (!how || !tags.length) return;
    ctx.report({
      message: `Job '${job.name}' runs ${dind} (which needs a privileged runner) in merge-request pipelines (${how}) on runners tagged ${tags.join(', ')}: merge-request code gets root on that runner's host. Protect the privileged runner or build without a privileged daemon.`,
      span: job.keySpan,
    });
  },
});

/** `$NAME`/`${NAME}` from the job's variables (images are often `${DOCKER_DIND_IMAGE}`), one level. */
function substitute(name: string, e: EffectiveJob): string {
  return name.replace(/\$\{?([A-Za-z_]\w*)\}?/g, (whole, v: string) => e.variables.get(v) ?? whole);
}
