// Container images a workflow or action runs: job `container:`, `services:`, `docker://` step uses and Docker
// actions' `runs.image`. Each with where its text sits, so a fix can pin it by digest.
import type { Span } from '../../text/span';
import type { Service, Workflow } from '../../model/workflow';
import type { ActionMetadata } from '../../model/action';
import type { ScalarValue } from '../../model/common';

export interface ImageRef {
  /** Registry host and repository, e.g. `ghcr.io/owner/app` or `node` (Docker Hub). */
  name: string;
  tag?: string;
  digest?: string;
}

/** `ghcr.io/o/app:1.2@sha256:…` -> parts; undefined for text that is not an image reference. */
export function parseImageRef(ref: string): ImageRef | undefined {
  const m = /^([a-z0-9][a-z0-9._\-/:]*?)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$/i.exec(ref.trim());
  if (!m || !m[1] || m[1].endsWith('/') || m[1].endsWith(':')) return undefined;
  // A host with a port (`localhost:5000/app`) keeps its colon in the name.
  return { name: m[1], tag: m[2], digest: m[3] };
}

export interface ImageSite {
  /** The image text as written (after `docker://` for uses). */
  image: string;
  /** Where `image` sits in the source (inside quotes); undefined when the value is escaped and cannot be edited. */
  imageSpan?: Span;
  /** The whole value, for the finding's range. */
  span: Span;
  where: string;
  /** The service this image runs, for `services:` images (it sees only its own env, not the job's secrets). */
  service?: Service;
}

function site(text: string, value: ScalarValue, where: string, prefix = ''): ImageSite | undefined {
  const image = value.text.slice(prefix.length).trim();
  if (!value.text.startsWith(prefix) || !image || value.expressions.length > 0 || image.includes('${{'))
    return undefined;
  const source = text.slice(value.span.start, value.span.end);
  const inner = source.indexOf(prefix + image);
  const start = inner === -1 ? undefined : value.span.start + inner + prefix.length;
  return {
    image,
    imageSpan: start === undefined ? undefined : { start, end: start + image.length },
    span: value.span,
    where,
  };
}

/** Every container image of a workflow or action, in source order. */
export function imageSites(model: Workflow | ActionMetadata, text: string): ImageSite[] {
  const out: ImageSite[] = [];
  const push = (s: ImageSite | undefined) => s && out.push(s);
  if (model.kind === 'workflow') {
    for (const job of model.jobs) {
      if (job.container?.image) push(site(text, job.container.image, `job '${job.id}' container`));
      for (const svc of job.services)
        if (svc.image) {
          const found = site(text, svc.image, `service '${svc.id}' of job '${job.id}'`);
          push(found && { ...found, service: svc });
        }
      for (const step of job.steps)
        if (step.uses?.kind === 'docker')
          push(site(text, usesValue(step.uses.raw, step.uses.span), `step uses`, 'docker://'));
    }
  } else {
    if (model.image?.text.startsWith('docker://')) push(site(text, model.image, 'the action image', 'docker://'));
    for (const step of model.steps)
      if (step.uses?.kind === 'docker')
        push(site(text, usesValue(step.uses.raw, step.uses.span), 'step uses', 'docker://'));
  }
  return out;
}

function usesValue(raw: string, span: Span): ScalarValue {
  return { text: raw, span, node: undefined as never, expressions: [] };
}

/** The namespace of an image name: its first path segment, or the second after a registry host (`ghcr.io/ns/app`). */
export function imageNamespace(name: string): string | undefined {
  const segments = name.toLowerCase().split('/');
  if (segments.length < 2) return undefined;
  // A first segment with a dot or a port is a registry host (ghcr.io, quay.io, localhost:5000).
  const host = /[.:]/.test(segments[0]) || segments[0] === 'localhost';
  return host ? (segments.length > 2 ? segments[1] : undefined) : segments[0];
}

/** An image name with a namespace (`ns/app`, `ghcr.io/ns/app`), optionally quoted, at the start of a value. */
const IMAGE_NAME = /^["']?((?:[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?\/)?[a-z0-9][\w.-]*\/[a-z0-9][\w./-]*)(?=[:@"']|$)/i;
/** First segments of slash-separated values that are not image namespaces (platforms, git refs). */
const NOT_NAMESPACES = new Set(['linux', 'windows', 'darwin', 'refs']);
const PUSH_COMMAND =
  /\b(?:docker|podman)\s+(?:image\s+)?push\s+(\S+)|\b(?:docker|podman|buildah)\b[^\n]*?(?:--tag|\s-t)[\s=]+(\S+)/g;
const TAGS_KEY = /^(\s*)(?:-\s+)?(?:tags|images)\s*[:=]\s*(.*)$/;

/**
 * The namespaces (lower case) a workflow text publishes images to: `docker push x`, `docker build --tag x`, and the
 * `tags:`/`images:` values of the build and metadata actions (inline, comma-separated or a block of lines).
 */
export function publishedImageNamespaces(text: string): Set<string> {
  const names: string[] = [];
  if (!/\b(?:docker|podman)\s+(?:image\s+)?push\b|build-push-action|metadata-action|--push\b|\bpush:\s*true/.test(text))
    return new Set();
  for (const m of text.matchAll(PUSH_COMMAND)) names.push(m[1] ?? m[2]);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const key = TAGS_KEY.exec(lines[i]);
    if (!key) continue;
    const values = [key[2]];
    // A block scalar (`tags: |`) or an empty value continues on the lines indented deeper than the key.
    if (/^[|>][-+]?\s*$|^$/.test(key[2].trim()))
      for (let j = i + 1; j < lines.length && (lines[j].trim() === '' || lines[j].search(/\S/) > key[1].length); j++)
        values.push(lines[j]);
    for (const value of values) names.push(...value.split(/[,\s]+/).map((v) => v.replace(/^(?:-|type=\w+,?)/, '')));
  }
  const namespaces = new Set<string>();
  for (const name of names) {
    const image = IMAGE_NAME.exec(name.trim())?.[1];
    const namespace = image ? imageNamespace(image) : undefined;
    if (namespace && !NOT_NAMESPACES.has(namespace)) namespaces.add(namespace);
  }
  return namespaces;
}
