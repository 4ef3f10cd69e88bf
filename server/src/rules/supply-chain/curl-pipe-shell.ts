import { defineRule } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import type { GitlabScript } from '../../model/gitlab/pipeline';

const PIPE =
  /\b(curl|wget)\b[^\n|;&]*?((?:https?:)?\/\/[^\s"'|;&]+|\$\{?[A-Za-z_]\w*\}?)[^\n|;&]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(sh|bash|zsh|dash|ksh|python3?)\b/g;

export default defineRule({
  meta: {
    id: 'curl-pipe-shell',
    title: 'Downloaded script piped into a shell',
    description: 'A script runs whatever a URL serves (`curl … | sh`) without checking it first.',
    severity: 'low',
    confidence: 'high',
    category: 'supply-chain',
    aliases: ['curl-bash', 'pipe-to-shell', 'unverified_script_exec'],
    appliesTo: ['gitlab'],
    fixable: false,
    docs: {
      risk: 'The job runs code nobody reviewed, with its CI/CD variables and job token: whoever controls the URL (or a branch it points at, or the server) controls the job. Plain HTTP lets anyone on the path do it.',
      remediation:
        'Download a versioned file, check it against a known SHA-256 (`echo "<sha256>  install.sh" | sha256sum -c`), then run it; or install from a package manager or an image that already has the tool.',
      vulnerableExample: 'setup:\n  script:\n    - curl -sSL https://example.com/install.sh | bash\n',
      safeExample:
        'setup:\n  script:\n    - curl -sSLo install.sh https://example.com/v1.2.3/install.sh\n    - echo "1f0c…  install.sh" | sha256sum -c\n    - bash install.sh\n',
    },
  },
  pipeline(p, ctx) {
    for (const s of p.globalScripts) check(s, ctx);
  },
  gitlabJob(job, _p, ctx) {
    for (const s of job.scripts) check(s, ctx);
  },
});

function check(script: GitlabScript, ctx: AnalysisContext): void {
  const span = script.line.span;
  const source = ctx.text.slice(span.start, span.end);
  for (const m of source.matchAll(PIPE)) {
    const start = span.start + m.index!;
    const http = /^http:/i.test(m[2]);
    ctx.report({
      message: `${m[1]} output is piped into ${m[3]}: the job runs whatever ${m[2]} serves${http ? ', over plain HTTP' : ''}, unchecked. Download a fixed version and verify its checksum first.`,
      span: { start, end: start + m[0].length },
      severity: http ? 'medium' : 'low',
    });
  }
}
