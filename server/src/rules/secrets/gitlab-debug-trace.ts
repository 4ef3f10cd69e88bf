import { defineRule } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import type { GitlabVariable } from '../../model/gitlab/pipeline';
import { pairLinesSpan } from '../../fixes/edits';
import { mapPairs, type Node, type Pair } from '../../yaml/parse';

export default defineRule({
  meta: {
    id: 'gitlab-debug-trace',
    title: 'Debug tracing prints every variable',
    description: '`CI_DEBUG_TRACE` (or, at low severity, `CI_DEBUG_SERVICES`) is set to true in the configuration.',
    severity: 'medium',
    confidence: 'high',
    category: 'secrets',
    aliases: ['ci-debug-trace', 'debug_enabled'],
    appliesTo: ['gitlab'],
    fixable: true,
    fixSafety:
      'Safe: only the `CI_DEBUG_TRACE`/`CI_DEBUG_SERVICES` variable is removed, so every command runs as before; the job log simply stops printing variable values.',
    docs: {
      risk: 'With debug tracing on, the job log shows every command with its expanded arguments and the values of all CI/CD variables, masked ones included where they are transformed. Anyone who can read job logs (on a public project: everyone) reads the secrets.',
      remediation:
        'Remove the variable from the configuration. To debug one run, set it when running the pipeline manually, on a private project, and delete the job log afterwards. The quick-fix removes the setting.',
      vulnerableExample: 'variables:\n  CI_DEBUG_TRACE: "true"\n',
      safeExample: 'variables:\n  GIT_DEPTH: "10"\n',
      references: ['https://docs.gitlab.com/ci/variables/variables_troubleshooting/#enable-debug-logging'],
    },
  },
  pipeline(p, ctx) {
    for (const v of p.variables) check(v, p.variablesPair, ctx);
  },
  gitlabJob(job, _p, ctx) {
    for (const v of job.variables) check(v, job.variablesPair, ctx);
  },
});

function check(v: GitlabVariable, variablesPair: Pair<Node, Node | null> | undefined, ctx: AnalysisContext): void {
  if (v.name !== 'CI_DEBUG_TRACE' && v.name !== 'CI_DEBUG_SERVICES') return;
  if (v.value?.text.trim().toLowerCase() !== 'true') return;
  const only = mapPairs(variablesPair?.value).length === 1;
  const span = pairLinesSpan(ctx.text, only && variablesPair ? variablesPair : v.pair);
  const trace = v.name === 'CI_DEBUG_TRACE';
  ctx.report({
    message: trace
      ? `CI_DEBUG_TRACE is true: job logs show every command with expanded values and the job's variables, secrets included. Remove it from the configuration.`
      : `CI_DEBUG_SERVICES is true: service containers' logs go into the job log, with whatever configuration and credentials they print. Remove it once the service problem is solved.`,
    span: v.span,
    severity: trace ? 'medium' : 'low',
    fixes: span
      ? [{ title: `Remove ${v.name}`, safety: 'safe', isPreferred: true, edits: [{ span, newText: '' }] }]
      : [],
  });
}
