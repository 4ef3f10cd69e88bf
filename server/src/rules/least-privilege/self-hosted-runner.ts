import { defineRule } from '../../engine/rule';
import { conditionalReach, describeReach, outsiderReachable, type Reach } from '../../analysis/triggers';
import type { Job } from '../../model/workflow';
import type { ScalarValue } from '../../model/common';

/** Labels that only exist on runners someone operates themselves. */
const SELF_HOSTED = /^self-hosted$/i;

export default defineRule({
  meta: {
    id: 'self-hosted-runner',
    title: 'Self-hosted runner reachable by outsiders',
    description:
      'A job runs on a self-hosted runner in a workflow that any GitHub user can trigger (fork pull requests, comments, issues...).',
    severity: 'high',
    confidence: 'medium',
    category: 'least-privilege',
    aliases: ['self-hosted-runner', 'pr_runs_on_self_hosted', 'self-hosted-runners'],
    appliesTo: ['workflow'],
    fixable: false,
    docs: {
      risk: "Self-hosted runners are usually persistent machines inside a network. A workflow outsiders can trigger lets them run code there (a fork pull request's build, or an injection in a comment-triggered job): they can keep a foothold, read credentials and caches other jobs leave on the machine, and reach internal services. GitHub recommends never using self-hosted runners with public repositories.",
      remediation:
        'Use GitHub-hosted runners for workflows outsiders can trigger; if a self-hosted runner is required, make it ephemeral (one job per fresh VM), require approval for fork pull requests, and restrict the runner group to specific workflows.',
      severity: 'One finding per runner label per workflow; the other jobs on the same runner are related locations.',
      vulnerableExample:
        'on: pull_request\njobs:\n  test:\n    runs-on: [self-hosted, linux]\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n',
      safeExample:
        'on: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n',
      references: [
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#self-hosted-runner-security',
        'https://docs.zizmor.sh/audits/#self-hosted-runner',
      ],
    },
  },

  workflow(wf, ctx) {
    // One runner label is one cause: the jobs sharing it are one finding, the others related locations.
    const byLabel = new Map<string, Array<{ job: Job; label: ScalarValue; reach: Reach }>>();
    for (const job of wf.jobs) {
      const label = job.runsOn.find((r) => SELF_HOSTED.test(r.text.trim()));
      if (!label) continue;
      const reach = conditionalReach(wf, [job.if?.text]);
      if (!outsiderReachable(reach)) continue;
      const key = job.runsOn.map((r) => r.text.trim()).join(',');
      byLabel.set(key, [...(byLabel.get(key) ?? []), { job, label, reach }]);
    }
    for (const jobs of byLabel.values()) {
      const [first, ...rest] = jobs;
      const ids = jobs.map((j) => `'${j.job.id}'`).join(', ');
      ctx.report({
        message: `${jobs.length === 1 ? 'Job' : 'Jobs'} ${ids} ${jobs.length === 1 ? 'runs' : 'run'} on a self-hosted runner and ${describeReach(first.reach)}: outsiders get to run code on that machine. Use a GitHub-hosted or ephemeral runner.`,
        span: first.label.span,
        severity: 'high',
        related: rest.map((j) => ({ span: j.label.span, message: `job '${j.job.id}' runs on the same runner` })),
        properties: { trigger: [...new Set(wf.triggers.map((t) => t.event))], jobs: jobs.map((j) => j.job.id) },
      });
    }
  },
});
