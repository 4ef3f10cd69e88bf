// Hover on GitLab CI: on a job's key, what the job does once templates are applied (so `extends:` chains and
// `!reference` tags can be read in place); on an include, whether it is pinned.
import { effective, type GitlabPipeline } from '../model/gitlab/pipeline';
import { humanGate, includePinning } from '../analysis/gitlab';
import type { Span } from '../text/span';

export function gitlabHover(p: GitlabPipeline, offset: number): { markdown: string; span: Span } | undefined {
  const inside = (s: Span) => s.start <= offset && offset <= s.end;
  const job = p.jobs.find((j) => inside(j.keySpan));
  if (job) {
    const e = effective(job, p);
    const gate = humanGate(e);
    const lines = [
      `**GitLab ${job.hidden ? 'template' : 'job'} \`${job.name}\`**${job.extends.length ? ` extends ${job.extends.map((x) => `\`${x}\``).join(', ')}` : ''}`,
      `- Environment: ${e.environment?.name ? `\`${e.environment.name}\`${e.environment.action ? ` (${e.environment.action})` : ''}` : 'none'}`,
      `- Gate: ${gate === 'manual' ? 'manual' : gate === 'tags' ? 'tags only' : 'none (runs automatically)'}${e.resourceGroup ? `, resource group \`${e.resourceGroup}\`` : ''}`,
      `- Images: ${[...e.images, ...e.services].map((i) => `\`${i}\``).join(', ') || 'runner default'}`,
      `- Secrets: ${e.secrets.map((s) => `\`${s}\``).join(', ') || 'none'}; ID tokens: ${e.idTokens.map((s) => `\`${s}\``).join(', ') || 'none'}`,
      `- Script lines: ${e.scripts.length}`,
    ];
    if (e.unresolved.length)
      lines.push(
        `- Defined outside what Flowguard can read (remote or project includes): ${e.unresolved.map((u) => `\`${u}\``).join(', ')}`,
      );
    return { markdown: lines.join('\n'), span: job.keySpan };
  }
  const inc = [...p.includes, ...p.jobs.flatMap((j) => j.triggerIncludes)].find((i) => inside(i.target.span));
  if (inc) {
    const pin = includePinning(inc);
    return {
      markdown: `**include: ${inc.kind}** \`${inc.target.text}\`${inc.ref ? ` at \`${inc.ref.text}\`` : ''}\n\n${pin.pinned ? 'Pinned: the content cannot change under this pipeline.' : `Not pinned (${pin.detail}): pin a commit SHA.`}`,
      span: inc.target.span,
    };
  }
  return undefined;
}
