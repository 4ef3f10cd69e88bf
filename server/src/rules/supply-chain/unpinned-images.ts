import { type Fix } from '../../engine/types';
import { defineRule } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import type { Service, Workflow } from '../../model/workflow';
import type { ActionMetadata } from '../../model/action';
import {
  imageNamespace,
  imageSites,
  parseImageRef,
  publishedImageNamespaces,
  type ImageSite,
} from '../../analysis/supply-chain/images';
import { jobStake, whyNoStake } from '../_supply-chain/stake';

export default defineRule({
  meta: {
    id: 'unpinned-images',
    title: 'Container image not pinned by digest',
    description:
      'A job container, service or `docker://` action names an image by a tag (or none, meaning `latest`) instead of its content digest.',
    severity: 'low',
    confidence: 'high',
    category: 'supply-chain',
    aliases: ['unpinned-images'],
    appliesTo: ['workflow', 'action'],
    fixable: true,
    fixSafety:
      'Safe: the image is pinned to the digest its tag names today, so the same image runs; only later retagging no longer reaches the job.',
    docs: {
      risk: "Image tags move: whoever can push to the image's repository decides what the job runs, with its token and secrets. `latest` (or no tag) changes on every push; a version tag usually stays, but the registry does not guarantee it.",
      severity:
        "Low, always: a mutable image tag is hygiene unless its publisher is untrusted, and a workflow cannot show who publishes an image (a maintainer's company or personal namespace looks like a stranger's, and official vendor and Docker Hub library images are built by the vendor the job already trusts). Independent re-judges of the floating-tag findings this rule used to report at medium/high agreed: 0 of 10 true in docs/precision seed 9090 (all debatable: the maintainers' own images, rclone/rclone, library images) and 6 of 10 in seed 4242. The message still says what a moved tag would get: it notes when the job holds no secret or write permission, a service container whose own env holds no secret (it never sees the job's secrets), an image in the repository's own namespace (its owner or name, or a namespace the repository's workflows push images to: `docker push`, `--tag`, the `tags:`/`images:` of the build and metadata actions), and composite actions (the caller's job decides). Raise it per repository with `.flowguard.yml` where images from outside publishers run with secrets.",
      remediation:
        'Pin the digest and keep the tag in a comment: `image: node@sha256:<digest> # 20.11`. With `--online` (or in a trusted workspace in VS Code) the fix asks the registry (OCI distribution API, anonymous token for Docker Hub and GHCR) for the digest the tag names today.',
      vulnerableExample: 'jobs:\n  test:\n    container: node:latest\n',
      safeExample:
        'jobs:\n  test:\n    container: node@sha256:1b2a8ba8c5e3c8e9a1c6b1dd0e2fb4a8a5f6ca4e0c8b7f1a2b3c4d5e6f708192 # 20.11\n',
      references: [
        'https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier',
      ],
    },
  },
  workflow(wf, ctx) {
    check(wf, ctx);
  },
  action(action, ctx) {
    check(action, ctx);
  },
});

function check(model: Workflow | ActionMetadata, ctx: AnalysisContext): void {
  for (const site of imageSites(model, ctx.text)) {
    const ref = parseImageRef(site.image);
    if (!ref || ref.digest) continue;
    const floating = !ref.tag || ref.tag === 'latest';
    // What a moved tag gets: a job holding no secret or write token gives it only the runner (a composite action's
    // stake is its caller's job); an image in the repository's own namespace is published by the same people.
    const job =
      model.kind === 'workflow'
        ? model.jobs.find((j) => j.span.start <= site.span.start && site.span.start < j.span.end)
        : undefined;
    // A service container gets only its own env, never the job's secrets or token.
    const stake = site.service
      ? serviceStake(site.service)
      : job && model.kind === 'workflow'
        ? jobStake(job, model, ctx)
        : undefined;
    const own = ownNamespace(ref.name, ctx.repository) ?? publishedBySelf(ref.name, ctx);
    const lowered = !stake
      ? site.service
        ? ' (Low: a service container sees only its own env, which holds no secret.)'
        : ` (Low: ${job && model.kind === 'workflow' ? whyNoStake(job, model, ctx) : "in a composite action the caller's job decides what a moved tag gets"}.)`
      : own
        ? ` (Low: ${own}.)`
        : '';
    ctx.report({
      message:
        (floating
          ? `${site.where}: image ${site.image} ${ref.tag ? 'uses the latest tag' : 'has no tag (latest)'}, which changes on every push. Pin its digest.`
          : `${site.where}: image ${site.image} is pinned to a tag, which its publisher can move. Pin its digest and keep the tag in a comment.`) +
        (floating ? lowered : ''),
      span: site.span,
      // At most low: who publishes an image cannot be read from its name (a maintainer's own namespace looks like a
      // stranger's), and a mutable tag from a trusted publisher is hygiene (independent re-judges: 0/10 and 6/10 true).
      severity: 'low',
      properties: { image: site.image },
      fixes: pinImage(site, ref.name, ref.tag ?? 'latest', ctx),
    });
  }
}

/** The first secret a service's own env passes it, as the stake of a moved image tag. */
function serviceStake(service: Service): string | undefined {
  const secret = (service.env?.entries ?? [])
    .map((e) => /\bsecrets\.(\w+)/.exec(e.value?.text ?? '')?.[1])
    .find((name) => name && name.toUpperCase() !== 'GITHUB_TOKEN');
  return secret ? `the service's secret ${secret}` : undefined;
}

/** Why the image's namespace is the repository's own: its owner or name (`diffusers/x` in huggingface/diffusers). */
function ownNamespace(name: string, repository: string | undefined): string | undefined {
  const namespace = imageNamespace(name);
  if (!repository || !namespace) return undefined;
  const [owner, repo] = repository.toLowerCase().split('/');
  return namespace === owner || namespace === repo
    ? `${namespace} is this repository's own image namespace`
    : undefined;
}

/** Workflows read for the namespaces they publish to: a repository has tens. */
const MAX_PUBLISHER_FILES = 200;

/**
 * Why the image's namespace is one this repository's workflows push images to (this file, or another workflow when
 * the adapter can read the repository): the same people publish it.
 */
function publishedBySelf(name: string, ctx: AnalysisContext): string | undefined {
  const namespace = imageNamespace(name);
  if (!namespace) return undefined;
  const publishers = ctx.cached('unpinned-images/published', () => {
    const found = new Map<string, string>();
    const add = (text: string, where: string) => {
      for (const ns of publishedImageNamespaces(text)) if (!found.has(ns)) found.set(ns, where);
    };
    add(ctx.text, 'this workflow');
    const dir = '.github/workflows';
    for (const file of (ctx.readFile?.list?.(dir) ?? [])
      .filter((f) => /\.ya?ml$/i.test(f))
      .slice(0, MAX_PUBLISHER_FILES)) {
      const text = ctx.readFile?.(`${dir}/${file}`);
      if (text) add(text, `${dir}/${file}`);
    }
    return found;
  });
  const where = publishers.get(namespace);
  return where ? `${namespace} is an image namespace ${where} publishes to` : undefined;
}

function pinImage(site: ImageSite, name: string, tag: string, ctx: AnalysisContext): Fix[] {
  const digest = ctx.facts?.imageDigest(`${name}:${tag}`);
  if (!digest || !site.imageSpan) return [];
  const lineEnd = ctx.text.indexOf('\n', site.span.end);
  const rest = ctx.text.slice(site.span.end, lineEnd === -1 ? ctx.text.length : lineEnd);
  // `name@digest # tag` when a comment fits at the end of the line; `name:tag@digest` (tag kept, ignored) otherwise.
  const commentFits = /^[ \t]*\r?$/.test(rest);
  const edits = [
    { span: site.imageSpan, newText: commentFits ? `${name}@${digest}` : `${name}:${tag}@${digest}` },
    ...(commentFits ? [{ span: { start: site.span.end, end: site.span.end }, newText: ` # ${tag}` }] : []),
  ];
  // The digest is the image the tag names today: same image, but it will no longer change under the workflow.
  return [{ title: `Pin ${name}:${tag} to ${digest.slice(0, 19)}…`, safety: 'safe', isPreferred: true, edits }];
}
