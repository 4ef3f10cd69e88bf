import { defineRule } from '../../engine/rule';
import type { Span } from '../../text/span';
import type { AnalysisContext } from '../../engine/context';
import { everyGitlabScript } from '../_gitlab/scripts';

// Every repetition is bounded (one command is at most a few hundred characters): an unbounded `[^\n|;&]*` after each
// `curl` of a megabyte-long line made the scan quadratic.
const FETCH = String.raw`(?:curl|wget)\b[^\n|;&]{0,1000}`;
const SHELL = String.raw`(?:sudo\s+(?:-\S+\s+)*)?(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*(?:bash|sh|zsh|dash|ksh|fish)\b(?!\s+-c\b)`;
/** Interpreters reading a program from standard input (`python3 -`), not code given with -c/-e (stdin is data then). */
const INTERPRETER = String.raw`(?:sudo\s+(?:-\S+\s+)*)?(?:python3?|perl|ruby|node|pwsh|powershell)\b(?![^\n|;&]{0,1000}\s-[ceE]\b)`;

/** Ways a script runs what it downloads, unverified. */
const PATTERNS: Array<{ re: RegExp; how: string }> = [
  {
    re: new RegExp(String.raw`\b${FETCH}\|\s*(?:${SHELL}|${INTERPRETER})`, 'g'),
    how: 'pipes a download into an interpreter',
  },
  {
    re: /\b(?:bash|sh|zsh)\s+<\(\s*(?:curl|wget)\b[^\n)]{0,1000}\)/g,
    how: 'runs a download through process substitution',
  },
  { re: /\b(?:bash|sh|zsh)\s+-c\s+["']?\$\(\s*(?:curl|wget)\b[^\n)]{0,1000}\)/g, how: 'runs a download with sh -c' },
  {
    re: /\b(?:iex|Invoke-Expression)\b[^\n]{0,1000}?\b(?:iwr|irm|Invoke-WebRequest|Invoke-RestMethod|DownloadString)\b[^\n]{0,1000}/gi,
    how: 'evaluates a download with Invoke-Expression',
  },
  {
    re: /\b(?:iwr|irm|Invoke-WebRequest|Invoke-RestMethod)\b[^\n|;]{0,1000}\|\s*(?:iex|Invoke-Expression)\b/gi,
    how: 'pipes a download into Invoke-Expression',
  },
  {
    re: /\bpip3?\s+install\b[^\n;&|]{0,1000}?\s(?:https?:\/\/|git\+https?:\/\/)(?![^\s'"]*(?:#sha256=|@[0-9a-f]{40}\b))[^\s'"]+/g,
    how: 'installs a Python package from a URL without a hash',
  },
];

const URL = /\bhttps?:\/\/([^\s"'`/)]+)/;

export default defineRule({
  meta: {
    id: 'unverified-script-exec',
    title: 'Downloaded script run without verification',
    description:
      'A script runs code it downloads without checking it: `curl … | sh`, `bash <(curl …)`, `iex (iwr …)`, `pip install` from a URL.',
    severity: 'low',
    confidence: 'high',
    category: 'supply-chain',
    // curl-pipe-shell: this rule's GitLab CI id before the two dialects shared it (suppressions and config still use it).
    aliases: ['curl-pipe-shell', 'curl-bash', 'pipe-to-shell', 'unverified_script_exec'],
    appliesTo: ['workflow', 'action', 'gitlab'],
    fixable: false,
    docs: {
      risk: "Whatever the server returns runs in the job, with its token and secrets (on GitLab CI: the job's CI/CD variables and `CI_JOB_TOKEN`), and nothing records what ran: a compromised download site or CDN, or a changed script at a moving URL (a branch on raw.githubusercontent.com), takes over the build. It is a dependency without a pin. Over plain HTTP anyone on the network path can do it (insecure-transport reports that part).",
      remediation:
        'Download to a file, verify it against a checksum (or signature) kept in the repository, then run it: `curl -fsSLo install.sh https://…/v1.2.3/install.sh && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh`. Prefer a versioned URL, a package manager with a lock file, or a pinned setup action. No automatic fix: the checksum has to come from a source you trust.',
      vulnerableExample: 'steps:\n  - run: curl -fsSL https://get.example.com/install.sh | sh\n',
      safeExample:
        'steps:\n  - run: |\n      curl -fsSLo install.sh https://get.example.com/v1.2.3/install.sh\n      echo "$INSTALL_SHA256  install.sh" | sha256sum -c -\n      sh install.sh\n',
      references: [
        'https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions',
      ],
    },
  },
  step(step, _job, _wf, ctx) {
    if (step.run) check(step.run.span, ctx, "the job's token and secrets");
  },
  actionStep(step, _action, ctx) {
    if (step.run) check(step.run.span, ctx, "the job's token and secrets");
  },
  ...everyGitlabScript((script, ctx) => check(script.line.span, ctx, "the job's CI/CD variables and CI_JOB_TOKEN")),
});

/** The project's own files on its GitLab instance (`$CI_PROJECT_URL/-/raw/…`, the API of `$CI_PROJECT_ID`). */
const OWN_GITLAB_PROJECT = /\$\{?CI_(?:PROJECT_URL|PROJECT_ID|PROJECT_PATH)\b/;

function check(span: Span, ctx: AnalysisContext, holds: string): void {
  const source = ctx.text.slice(span.start, span.end);
  const taken = new DisjointSpans();
  for (const { re, how } of PATTERNS) {
    re.lastIndex = 0;
    for (const m of source.matchAll(re)) {
      const start = span.start + m.index!;
      const end = start + m[0].trimEnd().length;
      if (!taken.add(start, end)) continue;
      const host = URL.exec(m[0])?.[1];
      // The repository's own scripts (raw.githubusercontent.com/<this repo>/…) are its own code, not a third party's.
      const own = ctx.repository && /raw\.githubusercontent\.com\/([^/\s]+\/[^/\s]+)\//i.exec(m[0])?.[1]?.toLowerCase();
      if ((own && own === ctx.repository) || OWN_GITLAB_PROJECT.test(m[0])) continue;
      ctx.report({
        message: `This script ${how}${host ? ` from ${host}` : ''}: whatever the server returns runs with ${holds}. Download it, verify a checksum you keep in the repository, then run it.`,
        span: { start, end },
        properties: { host },
      });
    }
  }
}

/**
 * Spans already reported, sorted and disjoint: an overlap test is a binary search, so a script with a hundred
 * thousand downloads is not quadratic (a linear scan per match took minutes on a 9.5 MB workflow).
 */
class DisjointSpans {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  /** Adds [start, end) unless it overlaps a span already there; false when it does. */
  add(start: number, end: number): boolean {
    // The first span ending after `start`: the only one that can overlap from the left.
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] <= start) lo = mid + 1;
      else hi = mid;
    }
    if (lo < this.starts.length && this.starts[lo] < end) return false;
    this.starts.splice(lo, 0, start);
    this.ends.splice(lo, 0, end);
    return true;
  }
}
