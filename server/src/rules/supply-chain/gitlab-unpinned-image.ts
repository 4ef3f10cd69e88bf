import { defineRule } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import { effective, type GitlabImage, type GitlabJob, type GitlabPipeline } from '../../model/gitlab/pipeline';
import { imagePinning } from '../../analysis/gitlab';

export default defineRule({
  meta: {
    id: 'gitlab-unpinned-image',
    title: 'Job image not pinned',
    description: 'An `image:` or `services:` entry without a tag, at `:latest`, or at a tag without a digest.',
    severity: 'medium',
    confidence: 'high',
    category: 'supply-chain',
    aliases: ['unpinned-image'],
    appliesTo: ['gitlab'],
    fixable: false,
    docs: {
      risk: "The job runs inside the image with the pipeline's CI/CD variables and job token. Without a tag (or with `:latest`) every run takes whatever was pushed last; a tag is mutable too. Whoever can push to that repository, or take over the publisher's account, runs code in your pipeline.",
      remediation:
        'Use an exact version and pin the digest: `image: node:20.11.1@sha256:<digest>`. Let a dependency bot update the pins.',
      vulnerableExample: 'test:\n  image: node\n  script: [npm test]\n',
      safeExample:
        'test:\n  image: node:20.11.1@sha256:0d9f2e4b8f6c8f4a5c1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708\n  script: [npm test]\n',
      references: [
        'https://docs.gitlab.com/ci/yaml/#image',
        'https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier',
      ],
    },
  },
  pipeline(p, ctx) {
    for (const img of p.globalImages) check(img, false, ctx);
  },
  gitlabJob(job, p, ctx) {
    for (const img of job.images) check(img, holdsSecrets(job, p), ctx);
  },
});

/** A variable named like a credential other than GitLab's own job-scoped ones. */
const SECRET_REFERENCE =
  /\$\{?(?!CI_)[A-Z0-9_]*(TOKEN|PASSWORD|PASSWD|SECRET|API_KEY|PRIVATE_KEY|ACCESS_KEY)[A-Z0-9_]*\}?/;

/** The job reads credentials beyond its job token: `secrets:`, `id_tokens:`, or credential variables in its scripts. */
function holdsSecrets(job: GitlabJob, p: GitlabPipeline): boolean {
  const e = effective(job, p);
  return e.secrets.length > 0 || e.idTokens.length > 0 || e.scripts.some((s) => SECRET_REFERENCE.test(s));
}

function check(img: GitlabImage, secrets: boolean, ctx: AnalysisContext): void {
  const pin = imagePinning(img.name.text);
  if (pin.kind === 'digest' || pin.kind === 'variable') return;
  const what = img.key === 'image' ? 'Image' : 'Service image';
  if (pin.kind === 'latest') {
    // A Docker Hub account's image (`someone/tool`) floating at latest in a job that holds credentials is one account
    // away from them; official library images, vendor registries and jobs without credentials are reported at low.
    const personal = /^[a-z0-9_-]+\/[^/]+$/i.test(img.name.text.split(':')[0]);
    ctx.report({
      message: `${what} ${img.name.text} ${pin.tag ? 'is at :latest' : 'has no tag'}: every run takes whatever ${personal ? 'the account owner' : 'the publisher'} pushed last${personal && secrets ? ", and the job's credentials are in reach" : ''}. Use an exact version and pin its digest.`,
      span: img.name.span,
      severity: personal && secrets ? 'medium' : 'low',
    });
    return;
  }
  ctx.report({
    message: `${what} ${img.name.text} is not pinned by digest: the tag can be moved. Pin it as ${img.name.text}@sha256:<digest>.`,
    span: img.name.span,
    severity: 'low',
  });
}
