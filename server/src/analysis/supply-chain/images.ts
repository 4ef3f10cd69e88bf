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
