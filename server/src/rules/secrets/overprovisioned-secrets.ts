import { defineRule } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import { documentExpressions } from '../../analysis/secrets/usage';
import { runsOutsiderCode } from '../../analysis/token-exposure';
import type { Span } from '../../text/span';

/** Per file: the spans of the workflow's jobs in which code an outsider controls runs (set before document hooks). */
const OUTSIDER_CODE_JOBS = new WeakMap<AnalysisContext, Span[]>();

export default defineRule({
  meta: {
    id: 'overprovisioned-secrets',
    title: 'Every secret handed over at once',
    description:
      'An expression passes the whole secrets context (toJSON(secrets), secrets[<computed>]) instead of the secrets the step needs.',
    severity: 'medium',
    confidence: 'medium',
    category: 'secrets',
    aliases: ['overprovisioned-secrets'],
    appliesTo: ['workflow', 'action'],
    fixable: false,
    docs: {
      risk: '`toJSON(secrets)` puts every secret of the repository, organization and environment into one value; a computed index `secrets[matrix.name]` makes any of them reachable. A step that only needs one token then holds all of them, and anything it runs (a compromised action, an injected script) can take them all. GitHub also cannot know which secrets are used, so they are all loaded into the runner.',
      remediation:
        'Reference each secret the step needs by name: `${{ secrets.NPM_TOKEN }}`. For a matrix, map the entries to explicit secrets in the matrix itself or use one step per secret.',
      severity:
        "Default confidence lowered from high to medium. The whole context (`toJSON(secrets)`) is low: in both judged corpus samples (docs/precision, seeds 2026 and 4242) its only medium finding was a workflow whose purpose is to export every secret to a secrets manager, which cannot be written any other way; a computed index (`secrets[matrix.pat]`) is medium only in a job where code an outsider controls runs (a pull request's head checked out and run, a triggering run's artifacts, a path to the job's token), and low elsewhere (independent blind re-judge, seed 9090: its one medium finding, in a job only collaborators start, was judged false).",
      vulnerableExample:
        'jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./configure.sh\n        env:\n          ALL_SECRETS: ${{ toJSON(secrets) }}\n',
      safeExample:
        'jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./configure.sh\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n',
      references: [
        'https://docs.zizmor.sh/audits/#overprovisioned-secrets',
        'https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions',
      ],
    },
  },

  workflow(wf, ctx) {
    OUTSIDER_CODE_JOBS.set(
      ctx,
      wf.jobs.filter((job) => runsOutsiderCode(ctx, wf, job)).map((job) => job.span),
    );
  },
  document(ctx) {
    const outsiderJobs = OUTSIDER_CODE_JOBS.get(ctx) ?? [];
    for (const expr of documentExpressions(ctx)) {
      for (const ref of expr.contexts) {
        if (ref.segments[0] !== 'secrets') continue;
        const whole = ref.segments.length === 1;
        const computed = ref.segments.length === 2 && ref.segments[1] === '*';
        if (!whole && !computed) continue;
        const outsiderCode = outsiderJobs.some((s) => s.start <= ref.span.start && ref.span.end <= s.end);
        ctx.report({
          message: whole
            ? `${ref.enclosingFunctions.includes('tojson') ? 'toJSON(secrets)' : 'The whole secrets context'} hands every secret to this place: reference only the secrets it needs, by name.`
            : `${ctx.slice(ref.span)} picks a secret by a computed name, so every secret is reachable here: reference the secrets by name.${outsiderCode ? '' : ' (Low: no code an outsider controls runs in this job; defence in depth.)'}`,
          span: ref.span,
          // Handing over the whole context is how a secrets export is written; a computed index never needs to be, and
          // matters most where code an outsider controls can read what the step was given.
          severity: whole || !outsiderCode ? 'low' : undefined,
          properties: { expression: ctx.slice(expr.span) },
        });
      }
    }
  },
});
