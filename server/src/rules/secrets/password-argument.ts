import { defineRule } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import type { GitlabScript } from '../../model/gitlab/pipeline';
import { everyGitlabScript } from '../_gitlab/scripts';

/** Registry logins that also read the password from stdin. */
const LOGIN =
  /(^|[\s;&|(])((?:docker|podman|buildah|skopeo|oras|crane auth|helm registry) login)\b([^\n;&|]*?)\s(-p|--password)(?:\s+|=)("\$\{?[A-Za-z_][A-Za-z0-9_]*\}?"|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)(?=[\s;&|]|$)/gm;

export default defineRule({
  meta: {
    id: 'password-argument',
    title: 'Password passed as a command-line argument',
    description: 'A registry login passes the password with `-p`/`--password` instead of `--password-stdin`.',
    severity: 'low',
    confidence: 'high',
    category: 'secrets',
    aliases: ['secret-in-argument'],
    appliesTo: ['gitlab'],
    fixable: true,
    fixSafety:
      'Unsafe: `--password-stdin` reads the password from standard input, so the command must be one that supports it and nothing else may use stdin in that pipeline; review the rewritten command.',
    docs: {
      risk: "An argument is visible to every process on the machine (`ps`, /proc) for as long as the command runs, and ends up in shell traces; on shared runners other jobs' processes may see it. docker warns about it on every run.",
      remediation:
        'Pipe the secret on standard input: `echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"`. The quick-fix rewrites the login that way.',
      vulnerableExample:
        'build:\n  script:\n    - docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"\n',
      safeExample:
        'build:\n  script:\n    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"\n',
      references: ['https://docs.docker.com/reference/cli/docker/login/#password-stdin'],
    },
  },
  ...everyGitlabScript(check),
});

function check(script: GitlabScript, ctx: AnalysisContext): void {
  const span = script.line.span;
  const source = ctx.text.slice(span.start, span.end);
  const editable = (script.line.node as { type?: string }).type !== 'QUOTE_DOUBLE';
  for (const m of source.matchAll(LOGIN)) {
    const commandStart = span.start + m.index! + m[1].length;
    const flagStart = commandStart + m[2].length + m[3].length;
    const end = span.start + m.index! + m[0].length;
    const value = m[5].startsWith('"') ? m[5] : `"${m[5]}"`;
    ctx.report({
      message: `${m[2]} gets the password as ${m[4]}: other processes on the runner can read it from the command line. Use --password-stdin.`,
      span: { start: flagStart + 1, end },
      fixes: editable
        ? [
            {
              title: 'Pass the password on stdin (--password-stdin)',
              safety: 'unsafe',
              isPreferred: true,
              edits: [
                { span: { start: commandStart, end: commandStart }, newText: `echo ${value} | ` },
                { span: { start: flagStart, end }, newText: ' --password-stdin' },
              ],
            },
          ]
        : [],
    });
  }
}
