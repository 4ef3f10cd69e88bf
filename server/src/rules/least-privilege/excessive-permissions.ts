import { defineRule, type Fix } from '../../engine/types';
import type { Permissions } from '../../model/common';
import type { Workflow } from '../../model/workflow';
import { columnOf, indentUnit, insertBeforePair, newlineOf } from '../../fixes/edits';
import { mapGetPair, type Node, type Pair } from '../../yaml/parse';

/** Triggers that run with a write token and secrets in the base repository's context while outsiders can fire them. */
const PRIVILEGED_TRIGGERS = new Set(['pull_request_target', 'issue_comment', 'workflow_run']);

export default defineRule({
  meta: {
    id: 'excessive-permissions',
    title: 'Excessive GITHUB_TOKEN permissions',
    description: 'The workflow or a job grants the GITHUB_TOKEN more than it needs: write-all, or no permissions block on a privileged trigger.',
    severity: 'high',
    confidence: 'high',
    category: 'least-privilege',
    aliases: ['excessive-permissions', 'permissions'],
    appliesTo: ['workflow'],
    fixable: true,
    docs: {
      risk:
        'Every job gets a GITHUB_TOKEN. With `write-all`, or with no `permissions:` block where the repository default is read-write, any step (and any action it runs) can push code, publish releases and packages, or approve pull requests. When a step is compromised (an injected command, a hijacked action tag) the token turns that into a repository takeover.',
      remediation:
        'Declare `permissions: {}` or `contents: read` at the workflow level, then grant each job only the scopes it uses. The quick-fix replaces `write-all` with `contents: read` (a safe start) or inserts a read-only block before `jobs:`.',
      vulnerableExample: 'on: pull_request_target\npermissions: write-all\njobs:\n  label:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/labeler@v5\n',
      safeExample: 'on: pull_request_target\npermissions:\n  contents: read\njobs:\n  label:\n    runs-on: ubuntu-latest\n    permissions:\n      pull-requests: write\n    steps:\n      - uses: actions/labeler@v5\n',
      references: ['https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#modifying-the-permissions-for-the-github_token'],
    },
  },

  workflow(wf, ctx) {
    if (wf.permissions?.kind === 'write-all') {
      ctx.report({
        message: 'permissions: write-all gives every job write access to the whole repository. Grant only the scopes each job uses (start with contents: read).',
        span: wf.permissions.valueSpan,
        fixes: [replaceWriteAll(wf.text, wf.permissions)],
      });
    }
    const privileged = wf.triggers.filter((t) => PRIVILEGED_TRIGGERS.has(t.event));
    const everyJobDeclares = wf.jobs.length > 0 && wf.jobs.every((j) => j.permissions);
    if (!wf.permissions && privileged.length > 0 && !everyJobDeclares) {
      const jobsPair = mapGetPair(wf.root, 'jobs') as Pair<Node, Node | null> | undefined;
      const edit = jobsPair ? insertBeforePair(wf.text, jobsPair, ['permissions:', ' '.repeat(indentUnit(wf.text)) + 'contents: read', '']) : undefined;
      ctx.report({
        message: `No permissions: block on a workflow triggered by ${privileged.map((t) => t.event).join(', ')}: jobs run with the repository's default token, which may be read-write, while outsiders can trigger them. Declare contents: read and grant more per job.`,
        span: privileged[0].span,
        severity: 'medium',
        fixes: edit ? [{ title: 'Add a read-only permissions block', safety: 'unsafe', edits: [edit], isPreferred: true }] : [],
      });
    }
  },

  job(job, wf: Workflow, ctx) {
    if (job.permissions?.kind === 'write-all') {
      ctx.report({
        message: `Job '${job.id}' grants permissions: write-all. Grant only the scopes this job uses.`,
        span: job.permissions.valueSpan,
        fixes: [replaceWriteAll(wf.text, job.permissions)],
      });
    }
  },
});

function replaceWriteAll(text: string, perms: Permissions): Fix {
  const nl = newlineOf(text);
  const col = columnOf(text, perms.keySpan.start) + indentUnit(text);
  return {
    title: 'Replace write-all with contents: read',
    safety: 'unsafe',
    isPreferred: true,
    // From just after the colon, so no trailing space is left behind `permissions:`.
    edits: [{ span: { start: text.indexOf(':', perms.keySpan.end) + 1, end: perms.valueSpan.end }, newText: `${nl}${' '.repeat(col)}contents: read` }],
  };
}
