import { type Fix } from '../../engine/types';
import { defineRule } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import type { Job } from '../../model/workflow';
import { columnOf, indentUnit, newlineOf, pairLinesSpan } from '../../fixes/edits';
import { secretsReadThroughInherit, type InheritedSecrets } from '../../fixes/secrets-inherit';

export default defineRule({
  meta: {
    id: 'secrets-inherit',
    title: 'Reusable workflow inherits every secret',
    description:
      "`secrets: inherit` passes all of the caller's secrets to a reusable workflow that may need one or none.",
    // Lowered from medium: judged hygiene (no concrete attack) in every sampled case, same-repository or same-organisation.
    severity: 'low',
    confidence: 'high',
    category: 'secrets',
    aliases: ['secrets-inherit'],
    appliesTo: ['workflow'],
    fixable: true,
    fixSafety:
      'Safe when Flowguard read the whole chain: the called workflow and every workflow it passes secrets on to with its own `secrets: inherit`; the list then holds every secret any of them declares or names, so each reads the same values as before. Unsafe (review) when a callee further down cannot be read (a remote workflow, a missing file), when a secret is looked up by a computed name (`secrets[...]`, `toJSON(secrets)`), or when a called job runs in an environment, whose secrets a passed repository secret of the same name could shadow. No fix when the called workflow itself cannot be read.',
    docs: {
      risk: 'With `secrets: inherit` the called workflow receives every repository, organization and environment secret the caller can read, including ones added later. A bug or an injection in the called workflow (or a compromised remote one) then reaches all of them.',
      remediation:
        'Pass the secrets the called workflow declares under `on.workflow_call.secrets`, by name. For a workflow in the same repository the quick-fix reads its declarations and writes the explicit mapping.',
      severity:
        'Low when the called workflow is in the same repository: it is reviewed and changed by the same people, so the list is hygiene rather than an exposure. The default was lowered from medium to low: in the judged corpus sample every case, including callees of the same organisation in other repositories, was hygiene with no concrete attack.',
      vulnerableExample: 'jobs:\n  release:\n    uses: ./.github/workflows/publish.yml\n    secrets: inherit\n',
      safeExample:
        'jobs:\n  release:\n    uses: ./.github/workflows/publish.yml\n    secrets:\n      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n',
      references: [
        'https://docs.zizmor.sh/audits/#secrets-inherit',
        'https://docs.github.com/en/actions/sharing-automations/reusing-workflows#passing-inputs-and-secrets-to-a-reusable-workflow',
      ],
    },
  },

  job(job, _wf, ctx) {
    const inherit = job.secretsInherit;
    if (!job.uses || !inherit || inherit.text !== 'inherit') return;
    const declared = job.uses.kind === 'local-reusable-workflow' ? declaredSecrets(ctx, job.uses.path!) : undefined;
    const fix = declared ? explicitSecretsFix(ctx, job, declared) : undefined;
    // A callee in this repository is reviewed and changed by the same people as the caller: hygiene, not an exposure.
    const sameRepository = job.uses.kind === 'local-reusable-workflow' || job.uses.raw.trim().startsWith('$/');
    ctx.report({
      message:
        `Job ${job.id} passes every secret to ${job.uses.raw}` +
        (declared
          ? `, which uses ${declared.length ? declared.join(', ') : 'none'}: pass ${declared.length ? 'only those' : 'none'}.`
          : ': pass only the secrets it declares (on.workflow_call.secrets), by name.') +
        (sameRepository ? ' (Low: the called workflow is in this repository, under the same review.)' : ''),
      severity: sameRepository ? 'low' : undefined,
      span: inherit.span,
      fixes: fix ? [fix] : [],
      properties: { callee: job.uses.raw, declared },
    });
  },
});

/** The secrets a local reusable workflow reads, through its own `secrets: inherit` calls too, when the adapter can read it. */
function declaredSecrets(ctx: AnalysisContext, path: string): string[] | undefined {
  return chainOf(ctx, path)?.names;
}

function chainOf(ctx: AnalysisContext, path: string): InheritedSecrets | undefined {
  const readFile = ctx.readFile;
  return readFile ? ctx.cached(`secrets-inherit:${path}`, () => secretsReadThroughInherit(readFile, path)) : undefined;
}

/**
 * Safe only when the whole chain of callees was read: a callee that cannot be followed, a secret looked up by a
 * computed name, or a called job in an environment (whose secrets a passed repository secret could shadow) need review.
 */
function explicitSecretsFix(ctx: AnalysisContext, job: Job, declared: string[]): Fix | undefined {
  const chain = chainOf(ctx, job.uses!.path!);
  const doubts = [...(chain?.unknown ?? []), ...(chain?.environments ?? []).map((e) => `${e} runs in an environment`)];
  const safety = doubts.length ? 'unsafe' : 'safe';
  const review = doubts.length ? ` (review: ${doubts.slice(0, 2).join('; ')})` : '';
  const pair = job.secretsInherit
    ? (job.node as { items: Array<{ key: unknown; value: unknown }> }).items.find(
        (p) => (p.value as { range?: number[] })?.range?.[0] === job.secretsInherit!.span.start,
      )
    : undefined;
  if (declared.length === 0) {
    const lines = pair ? pairLinesSpan(ctx.text, pair as never) : undefined;
    return lines
      ? {
          title: `Remove secrets: inherit (the called workflow uses no secrets)${review}`,
          safety,
          isPreferred: true,
          edits: [{ span: lines, newText: '' }],
        }
      : undefined;
  }
  const keyStart = ctx.text.lastIndexOf('secrets', job.secretsInherit!.span.start);
  const pad = ' '.repeat(columnOf(ctx.text, keyStart) + indentUnit(ctx.text));
  const nl = newlineOf(ctx.text);
  const newText = declared.map((n) => `${nl}${pad}${n}: \${{ secrets.${n} }}`).join('');
  // Replace ` inherit` (from the colon) so no trailing space is left behind.
  const colon = ctx.text.lastIndexOf(':', job.secretsInherit!.span.start);
  return {
    title: `Pass only ${declared.join(', ')}${review}`,
    safety,
    isPreferred: true,
    edits: [{ span: { start: colon + 1, end: job.secretsInherit!.span.end }, newText }],
  };
}
