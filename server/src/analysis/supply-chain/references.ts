// What an online adapter must resolve for one analyzed file: the remote actions it uses and the images it runs.
import type { UsesRef } from '../../model/uses';
import type { ActionMetadata } from '../../model/action';
import type { Workflow } from '../../model/workflow';
import type { GitlabPipeline } from '../../model/gitlab/pipeline';

type ModelOfFile = Workflow | ActionMetadata | GitlabPipeline;
import { imageSites, parseImageRef } from './images';
import { commentVersion, isFullSha, trailingComment } from './uses-text';
import type { RemoteReferences } from './facts';

export function remoteReferences(model: ModelOfFile | undefined, text: string): RemoteReferences {
  const refs: RemoteReferences = { actions: [], images: [] };
  if (!model) return refs;
  const seen = new Set<string>();
  const add = (uses: UsesRef | undefined) => {
    if (!uses?.repo || !uses.ref || (uses.kind !== 'action' && uses.kind !== 'reusable-workflow')) return;
    if (uses.raw.includes('${{')) return;
    const comment = commentVersion(trailingComment(text, uses)?.text);
    const key = `${uses.repo}@${uses.ref}#${comment ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    refs.actions.push({ repo: uses.repo, ref: uses.ref, pinned: isFullSha(uses.ref), comment });
  };
  if (model.kind === 'workflow')
    for (const job of model.jobs) {
      add(job.uses);
      for (const step of job.steps) add(step.uses);
    }
  else if (model.kind === 'action') for (const step of model.steps) add(step.uses);
  if (model.kind !== 'gitlab')
    for (const s of imageSites(model, text)) {
      const ref = parseImageRef(s.image);
      if (ref && !ref.digest) refs.images.push(`${ref.name}:${ref.tag ?? 'latest'}`);
    }
  refs.images = [...new Set(refs.images)];
  return refs;
}

/** Every remote action use of a model, for rules that look at them all. */
export function remoteUses(model: ModelOfFile | undefined): UsesRef[] {
  const out: UsesRef[] = [];
  if (!model) return out;
  if (model.kind === 'workflow') {
    for (const job of model.jobs) for (const u of [job.uses, ...job.steps.map((s) => s.uses)]) if (u) out.push(u);
  } else if (model.kind === 'action') for (const s of model.steps) if (s.uses) out.push(s.uses);
  return out.filter((u) => u.kind === 'action' || u.kind === 'reusable-workflow');
}
