import { defineRule } from '../../engine/rule';
import { insertBeforePair } from '../../fixes/edits';
import { mapGetPair, type Node, type Pair } from '../../yaml/parse';

export default defineRule({
  meta: {
    id: 'missing-timeout',
    title: 'Job without a timeout',
    description:
      'A job has no timeout-minutes, so a hung or abused run keeps its runner, token and secrets for up to 6 hours (self-hosted: up to 5 days).',
    severity: 'low',
    confidence: 'high',
    category: 'runtime-safety',
    aliases: ['job-timeout'],
    appliesTo: ['workflow'],
    fixable: true,
    fixSafety:
      "Always unsafe: a job that legitimately runs longer than the 30 minutes added would be cancelled. Check the job's usual duration first.",
    docs: {
      risk: "Without a timeout a stuck job, a cryptominer planted through an injection, or a deadlocked deploy runs for GitHub's default of 360 minutes, holding a runner, a live GITHUB_TOKEN and any cloud session it opened. A timeout is the cheapest kill switch.",
      remediation:
        'Set `timeout-minutes` on every job to a little more than its normal duration. The quick-fix inserts `timeout-minutes: 30` (edit the number) next to `runs-on`.',
      vulnerableExample: 'jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
      safeExample:
        'jobs:\n  build:\n    runs-on: ubuntu-latest\n    timeout-minutes: 30\n    steps:\n      - run: make\n',
    },
  },
  job(job, wf, ctx) {
    // Reusable-workflow calls cannot set a timeout; the callee's jobs do.
    if (job.uses || job.timeoutMinutes) return;
    const runsOn = mapGetPair(job.node, 'runs-on') as Pair<Node, Node | null> | undefined;
    const after = (mapGetPair(job.node, 'steps') ?? runsOn) as Pair<Node, Node | null> | undefined;
    const edit = after ? insertBeforePair(wf.text, after, ['timeout-minutes: 30']) : undefined;
    ctx.report({
      message: `Job '${job.id}' has no timeout-minutes: it may run (and hold its token and secrets) for 6 hours. Set a timeout a little above its normal duration.`,
      span: job.idSpan,
      fixes: edit ? [{ title: 'Add timeout-minutes: 30', safety: 'unsafe', isPreferred: true, edits: [edit] }] : [],
    });
  },
});
