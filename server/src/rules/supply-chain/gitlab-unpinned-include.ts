import { defineRule } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import type { GitlabInclude } from '../../model/gitlab/pipeline';
import { includePinning } from '../../analysis/gitlab';

export default defineRule({
  meta: {
    id: 'gitlab-unpinned-include',
    title: 'Included CI configuration not pinned',
    description:
      'An `include:` (or `trigger: include:`) of a remote URL, another project without a commit `ref:`, or a component at `~latest` or a branch.',
    severity: 'medium',
    confidence: 'high',
    category: 'supply-chain',
    aliases: ['unpinned-include', 'gitlab-unpinned-component'],
    appliesTo: ['gitlab'],
    fixable: false,
    docs: {
      risk: "An include is code that runs with the pipeline's CI/CD variables, protected variables on protected branches and `CI_JOB_TOKEN`. A remote URL, another project's default branch or a component at `~latest` can change under you: whoever can push there (or take over the host) changes what your pipeline runs, with no review on your side.",
      remediation:
        'Pin project includes with `ref:` set to a full commit SHA, components with `@<commit SHA>` (or at least an exact released version), and give remote includes an `integrity:` hash (GitLab 17.9+) or copy the file into the repository. Let a dependency bot update the pins.',
      vulnerableExample:
        "include:\n  - project: 'my-group/ci-templates'\n    file: '/deploy.yml'\n  - component: $CI_SERVER_FQDN/my-group/components/scan@~latest\n",
      safeExample:
        "include:\n  - project: 'my-group/ci-templates'\n    ref: 5b0f3c1e4d2a9876543210fedcba9876543210ab\n    file: '/deploy.yml'\n  - component: $CI_SERVER_FQDN/my-group/components/scan@1.4.2\n",
      references: [
        'https://docs.gitlab.com/ci/yaml/#include',
        'https://docs.gitlab.com/ci/components/#component-versions',
        'https://docs.gitlab.com/ci/yaml/includes/#use-integrity-to-verify-remote-includes',
      ],
    },
  },
  pipeline(p, ctx) {
    for (const inc of p.includes) check(inc, ctx);
  },
  gitlabJob(job, _p, ctx) {
    for (const inc of job.triggerIncludes) check(inc, ctx);
  },
});

function check(inc: GitlabInclude, ctx: AnalysisContext): void {
  const pin = includePinning(inc);
  if (pin.pinned || pin.how === 'unknown') return;
  const where = inc.trigger ? `Child pipeline of job '${inc.trigger}' includes` : 'Includes';
  const plainHttp = inc.kind === 'remote' && /^http:\/\//i.test(inc.target.text);
  // A remote path naming a version is still mutable, but someone meant it to stay put.
  const versionedUrl = inc.kind === 'remote' && /\/v?\d+(\.\d+)*[^/]*\//.test(inc.target.text);
  ctx.report({
    message:
      pin.how === 'tag'
        ? `${where} ${inc.kind} ${inc.target.text} at ${pin.detail}: a tag can be moved. Pin a commit SHA for a fixed version.`
        : `${where} ${inc.kind} ${inc.target.text} with ${pin.detail}${plainHttp ? ', over plain HTTP' : ''}: whoever can change it changes what this pipeline runs, with its CI/CD variables. Pin it to a commit SHA${inc.kind === 'remote' ? ' or add integrity:' : ''}.`,
    span: inc.target.span,
    // project: and component: come from the same GitLab instance, under its access control and audit log; a remote URL
    // is outside both. Unversioned remote content is medium, plain HTTP high, the rest low.
    severity: plainHttp ? 'high' : inc.kind === 'remote' && !versionedUrl && pin.how !== 'tag' ? 'medium' : 'low',
  });
}
