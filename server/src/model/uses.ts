// `uses:` references: owner/repo[/path]@ref, ./local, docker://image, and reusable workflows.
import type { Span } from '../text/span';

export interface UsesRef {
  raw: string;
  span: Span;
  kind: 'action' | 'local' | 'docker' | 'reusable-workflow' | 'local-reusable-workflow';
  /** owner/repo lower-cased, for knowledge-base look-ups (undefined for local and docker). */
  repo?: string;
  owner?: string;
  name?: string;
  /** Sub-path inside the repository (e.g. `init` for github/codeql-action/init). */
  path?: string;
  /** owner/repo[/path] lower-cased, without the ref: the key actions are known by. */
  slug?: string;
  ref?: string;
  /** The ref is a full 40-hex commit SHA (or a docker digest). */
  pinned: boolean;
  /** For docker://: the image. */
  image?: string;
}

const SHA = /^[0-9a-f]{40}$/i;

export function parseUses(raw: string, span: Span): UsesRef {
  const trimmed = raw.trim();
  if (trimmed.startsWith('docker://')) {
    const image = trimmed.slice('docker://'.length);
    return { raw, span, kind: 'docker', image, pinned: /@sha256:[0-9a-f]{64}$/i.test(image) };
  }
  // `$/…` names a path in the calling repository the way `./…` does: never a third party's code.
  if (trimmed.startsWith('./') || trimmed.startsWith('.\\') || trimmed.startsWith('$/')) {
    const isWorkflow = /\.github\/workflows\/[^/]+\.ya?ml$/.test(trimmed);
    return { raw, span, kind: isWorkflow ? 'local-reusable-workflow' : 'local', path: trimmed, pinned: true };
  }
  const at = trimmed.lastIndexOf('@');
  const target = at === -1 ? trimmed : trimmed.slice(0, at);
  const ref = at === -1 ? undefined : trimmed.slice(at + 1);
  const parts = target.split('/');
  const owner = parts[0];
  const name = parts[1];
  const path = parts.slice(2).join('/') || undefined;
  const isWorkflow = !!path && /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path);
  const repo = owner && name ? `${owner}/${name}`.toLowerCase() : undefined;
  return {
    raw,
    span,
    kind: isWorkflow ? 'reusable-workflow' : 'action',
    owner,
    name,
    repo,
    path,
    slug: target.toLowerCase(),
    ref,
    pinned: !!ref && SHA.test(ref),
  };
}
