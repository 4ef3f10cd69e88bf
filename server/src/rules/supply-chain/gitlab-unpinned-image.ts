import { defineRule } from '../../engine/types';
import type { AnalysisContext } from '../../engine/context';
import type { GitlabImage } from '../../model/gitlab/pipeline';
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
    for (const img of p.globalImages) check(img, ctx);
  },
  gitlabJob(job, _p, ctx) {
    for (const img of job.images) check(img, ctx);
  },
});

function check(img: GitlabImage, ctx: AnalysisContext): void {
  const pin = imagePinning(img.name.text);
  if (pin.kind === 'digest' || pin.kind === 'variable') return;
  const what = img.key === 'image' ? 'Image' : 'Service image';
  if (pin.kind === 'latest') {
    // An individual's Docker Hub image (`someone/tool`) floating at latest is one account away from your secrets;
    // official library images and vendor registries are reported at low.
    const personal = /^[a-z0-9_-]+\/[^/]+$/i.test(img.name.text.split(':')[0]);
    ctx.report({
      message: `${what} ${img.name.text} ${pin.tag ? 'is at :latest' : 'has no tag'}: every run takes whatever ${personal ? 'the account owner' : 'the publisher'} pushed last. Use an exact version and pin its digest.`,
      span: img.name.span,
      severity: personal ? 'medium' : 'low',
    });
    return;
  }
  ctx.report({
    message: `${what} ${img.name.text} is not pinned by digest: the tag can be moved. Pin it as ${img.name.text}@sha256:<digest>.`,
    span: img.name.span,
    severity: 'low',
  });
}
