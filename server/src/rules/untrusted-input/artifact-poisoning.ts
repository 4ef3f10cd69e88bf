import { defineRule } from '../../engine/rule';
import { type Severity } from '../../analysis/levels';
import { type Span } from '../../text/span';
import { artifactDownloadOf, executesWorkspace, OWN_RUNS_ONLY, UNZIP_HERE } from '../../analysis/untrusted-code';

export default defineRule({
  meta: {
    id: 'artifact-poisoning',
    title: 'Artifacts from an untrusted run are extracted or executed',
    description:
      "A workflow_run workflow downloads the triggering run's artifacts (which a fork pull request controls) and extracts them over the workspace or executes code after them.",
    severity: 'high',
    confidence: 'medium',
    category: 'untrusted-input',
    aliases: ['artifact-poisoning', 'untrusted-artifact'],
    appliesTo: ['workflow'],
    fixable: false,
    docs: {
      risk: "A `workflow_run` workflow runs with secrets and a write token after a workflow that fork pull requests can trigger, and that workflow's artifacts contain whatever the pull request put there. Extracted into the workspace they can replace scripts, `package.json`, lockfiles or config that a later step runs; read into outputs or `$GITHUB_ENV` they inject text. Downloaded into a dedicated directory and treated as data, they are safe.",
      remediation:
        'Download into a dedicated directory (`path: ${{ runner.temp }}/artifacts`), never into the workspace; validate what you read (e.g. that a PR number is a number); do not execute anything that came from the artifact, and do not check out and build code after extracting it.',
      severity:
        "High only when the artifacts land where later code runs (the workspace) and a later step runs code; either half alone (a dedicated directory read as data, or an extraction with nothing run after) is low. Jobs limited to the base repository's own push runs are not reported.",
      vulnerableExample:
        'on:\n  workflow_run:\n    workflows: [CI]\n    types: [completed]\njobs:\n  report:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/download-artifact@v4\n        with:\n          run-id: ${{ github.event.workflow_run.id }}\n          github-token: ${{ github.token }}\n      - run: npm ci && npm run report\n',
      safeExample:
        'on:\n  workflow_run:\n    workflows: [CI]\n    types: [completed]\njobs:\n  report:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/download-artifact@v4\n        with:\n          run-id: ${{ github.event.workflow_run.id }}\n          github-token: ${{ github.token }}\n          path: ${{ runner.temp }}/artifacts\n      - run: jq . "$RUNNER_TEMP/artifacts/results/report.json"\n',
      references: [
        'https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/',
        'https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#workflow_run',
      ],
    },
  },

  job(job, wf, ctx) {
    if (!wf.triggers.some((t) => t.event === 'workflow_run')) return;
    // Runs of the base repository's own pushes (or schedules) carry no fork's files.
    if (OWN_RUNS_ONLY.test(job.if?.text ?? '')) return;
    for (let i = 0; i < job.steps.length; i++) {
      const download = artifactDownloadOf(job.steps[i], ctx.text);
      if (!download) continue;
      let overWorkspace = download.overWorkspace;
      let execution: { span: Span; what: string } | undefined;
      for (let j = i + 1; j < job.steps.length && !execution; j++) {
        const later = job.steps[j];
        if (later.run && UNZIP_HERE.test(later.run.text)) overWorkspace = true;
        execution = executesWorkspace(later, ctx.text);
      }
      // Downloaded to a dedicated path and never executed, artifacts are data: the documented safe pattern.
      if (!overWorkspace && !execution) continue;
      // Only files that land where later code runs can change what runs; either half alone is data handling to review.
      const severity: Severity = overWorkspace && execution ? 'high' : 'low';
      const where = overWorkspace ? 'extracts them into the workspace' : 'keeps them out of the workspace';
      ctx.report({
        message: `This step ${download.what} and ${where}${execution ? `; a later step ${execution.what}` : ''}. A fork pull request controls those files: ${overWorkspace ? 'they can replace code or config that runs here with secrets. Download to a dedicated path and treat the content as data.' : 'validate what you read and never execute it.'}${severity === 'low' ? (overWorkspace ? ' (Low: no later step runs code from the workspace.)' : ' (Low: the files stay in their own directory, read as data.)') : ''}`,
        span: download.span,
        severity,
        confidence: overWorkspace ? 'medium' : 'low',
        related: execution
          ? [{ span: execution.span, message: `runs after the artifacts were extracted: ${execution.what}` }]
          : undefined,
        properties: { overWorkspace, executes: !!execution },
      });
    }
  },
});
