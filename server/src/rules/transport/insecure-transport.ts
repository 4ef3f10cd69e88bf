import { defineRule } from '../../engine/rule';
import type { Step } from '../../model/workflow';
import type { AnalysisContext } from '../../engine/context';
import type { GitlabVariable } from '../../model/gitlab/pipeline';

/** Commands and settings that turn off TLS verification or fetch over plain HTTP. */
const PATTERNS: Array<{ re: RegExp; message: string }> = [
  {
    re: /\bgit\s+config\b[^\n]*\bhttp\.sslVerify\s+(false|0)\b/gi,
    message: 'git TLS verification is turned off (http.sslVerify false).',
  },
  {
    re: /\bNODE_TLS_REJECT_UNAUTHORIZED\s*=\s*['"]?0/g,
    message: 'NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS verification for every Node.js request in this step.',
  },
  {
    re: /\b(pip|pip3)\s+install\b[^\n]*--trusted-host\b/g,
    message: 'pip --trusted-host accepts an unverified or plain-HTTP package index.',
  },
  {
    re: /\bnpm\s+config\s+set\s+strict-ssl\s+false\b/g,
    message: 'npm strict-ssl is turned off: packages can be replaced in transit.',
  },
];

export default defineRule({
  meta: {
    id: 'insecure-transport',
    title: 'Unencrypted or unverified transfer',
    description: 'A script downloads over plain HTTP or turns off TLS certificate verification.',
    severity: 'medium',
    confidence: 'high',
    category: 'transport',
    aliases: ['insecure-commands-transport'],
    appliesTo: ['workflow', 'action', 'gitlab'],
    fixable: true,
    fixSafety: 'Always unsafe: the server may not serve https at the same address, or may serve something else there.',
    docs: {
      risk: "A build that fetches code or tools without verified TLS runs whatever a network attacker (or a compromised proxy or mirror) serves it, with the job's secrets in reach.",
      remediation:
        'Use https:// URLs and keep certificate verification on. If a private CA is needed, install it rather than disabling verification. The quick-fix upgrades http:// to https:// where that is the whole change.',
      severity:
        'Connectivity probes (`-o /dev/null`, `--head`/`-I`, `--spider`, health checks, proxies) are not reported. A plain-http download that is executed or installed (`| sh`, `dpkg -i`, `chmod +x`) is high.',
      vulnerableExample: 'steps:\n  - run: curl -fsSL http://get.example.com/install.sh | sh\n',
      safeExample: 'steps:\n  - run: curl -fsSL https://get.example.com/install.sh | sh\n',
    },
  },
  step(step, _job, _wf, ctx) {
    check(step, ctx);
  },
  actionStep(step, _action, ctx) {
    check(step, ctx);
  },
  pipeline(p, ctx) {
    for (const s of p.globalScripts) checkSource(s.line.span, ctx);
    checkGitlabVariables(p.variables, ctx);
  },
  gitlabJob(job, _p, ctx) {
    for (const s of job.scripts) checkSource(s.line.span, ctx);
    checkGitlabVariables(job.variables, ctx);
  },
  workflow(wf, ctx) {
    for (const e of wf.env?.entries ?? []) {
      if (e.name === 'NODE_TLS_REJECT_UNAUTHORIZED' && e.value?.text.trim() === '0') {
        ctx.report({
          message:
            'NODE_TLS_REJECT_UNAUTHORIZED=0 in workflow env turns off TLS verification for every Node.js request in every job.',
          span: e.span,
        });
      }
    }
  },
});

/** A download command up to the end of its shell command (pipes, `;`, `&&` end it). */
const DOWNLOAD_COMMAND = /\b(curl|wget|Invoke-WebRequest|iwr)\b[^\n|;&]*/g;
const PLAIN_HTTP_URL = /(--proxy[= ]|-x |--unix-socket\s+\S+\s+[^\n]*?)?\bhttp:\/\/([^\s"'`/:]+)[^\s"'`]*/g;
const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|host\.docker\.internal)$/;

/**
 * A request whose body is thrown away or never fetched: a connectivity probe, a health check, a header check.
 * (`curl -o /dev/null`, `curl -I`/`--head`, `wget --spider`, `-w '%{http_code}'`.)
 */
const PROBE =
  /\s(?:-[a-zA-Z]*o\s*\/dev\/null|--output[= ]\/dev\/null|-O\s*\/dev\/null|--head\b|-[a-zA-Z]*I\b|--spider\b|-w\s*['"]?%\{http_code\})|\/(?:health|healthz|ready|readyz|status|ping)\b/;

/** Where a download's content runs: piped into a shell or interpreter, or installed or executed after saving. */
const EXECUTES =
  /\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:ba|z|da)?sh\b|\|\s*(?:sudo\s+)?(?:python[0-9.]*|perl|ruby|node|iex|Invoke-Expression)\b|\b(?:dpkg\s+-i|rpm\s+-[iU]|apt(?:-get)?\s+install\s+\S*\.deb|yum\s+(?:local)?install|msiexec|chmod\s+\+?[0-7]*x|(?:ba)?sh\s+\S+\.sh|tar\s+-?[a-z]*x[a-z]*f?\s+\S+.*&&\s*(?:sudo\s+)?(?:\.\/|make\s+install|mv\s+\S+\s+\/usr))/;

/** The whole source line around an offset (a download's pipes and `&&` follow it on the same line). */
function lineAround(source: string, index: number): string {
  const start = source.lastIndexOf('\n', index) + 1;
  const end = source.indexOf('\n', index);
  return source.slice(start, end === -1 ? undefined : end);
}

/** How a download is used: a probe (not reported), executed or installed (high), or kept as data (medium). */
function downloadUse(command: string, line: string, script: string): 'probe' | 'executed' | 'data' {
  if (PROBE.test(command)) return 'probe';
  const saved = /\s(?:-o|-O|--output(?:-document)?)[= ]?\s*["']?([\w./${}-]+)/.exec(command)?.[1];
  const file = saved ?? /\/([\w.-]+\.(?:deb|rpm|sh|run|msi|pkg|AppImage))\b/.exec(command)?.[1];
  if (EXECUTES.test(line.slice(line.indexOf(command.trim().slice(0, 8))))) return 'executed';
  if (file) {
    const name = file
      .split('/')
      .pop()!
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const uses = new RegExp(
      `(?:dpkg\\s+-i|rpm\\s+-[iU]|install|chmod\\s+\\+?[0-7]*x|(?:ba)?sh|\\.\\/|sudo)\\s+\\S*${name}\\b`,
    );
    if (uses.test(script)) return 'executed';
  }
  return 'data';
}

function checkPlainHttp(source: string, base: number, ctx: AnalysisContext): void {
  for (const cmd of source.matchAll(DOWNLOAD_COMMAND)) {
    // A unix socket or a proxy address is not where the content comes from.
    if (/--unix-socket\b/.test(cmd[0])) continue;
    const use = downloadUse(cmd[0], lineAround(source, cmd.index!), source);
    if (use === 'probe') continue;
    for (const url of cmd[0].matchAll(PLAIN_HTTP_URL)) {
      if (url[1] || LOCAL_HOST.test(url[2])) continue;
      const start = base + cmd.index! + url.index!;
      ctx.report({
        message:
          use === 'executed'
            ? `Download over plain http:// (${url[2]}) that is then executed or installed: a network attacker serves their own code, which runs with the job's token and secrets. Use https://.`
            : `Download over plain http:// (${url[2]}): the content can be changed in transit. Use https://. (Low: nothing shows it is executed or installed.)`,
        severity: use === 'executed' ? 'high' : 'low',
        span: { start, end: start + url[0].length },
        fixes: [
          {
            title: 'Use https://',
            safety: 'unsafe',
            isPreferred: true,
            edits: [{ span: { start, end: start + 'http://'.length }, newText: 'https://' }],
          },
        ],
      });
    }
  }
}

const DOWNLOADER = /\b(?:curl|wget)\b/g;
const NO_VERIFY_FLAG = /\s(?:-k|--insecure|--no-check-certificate)\b|[\n|;&]/g;

/**
 * `curl ... -k` / `wget ... --no-check-certificate` within one shell command. One forward pass (the flag search resumes
 * where the last stopped), so a long line of downloads costs linear time.
 */
function checkNoVerify(source: string, base: number, ctx: AnalysisContext): void {
  DOWNLOADER.lastIndex = 0;
  for (let m = DOWNLOADER.exec(source); m; m = DOWNLOADER.exec(source)) {
    NO_VERIFY_FLAG.lastIndex = m.index + m[0].length;
    const flag = NO_VERIFY_FLAG.exec(source);
    if (!flag) break;
    if (/^[\n|;&]$/.test(flag[0])) {
      DOWNLOADER.lastIndex = flag.index + 1;
      continue;
    }
    // An unverified probe (`curl -k -o /dev/null https://...`) fetches nothing that is used. The command is read in a
    // bounded window, so a long line of downloads stays linear.
    const window = source.slice(m.index, Math.min(source.length, flag.index + 400));
    const command = window.slice(0, (window.indexOf('\n') + 1 || window.length + 1) - 1);
    if (PROBE.test(command)) {
      DOWNLOADER.lastIndex = flag.index + flag[0].length;
      continue;
    }
    const start = base + m.index;
    ctx.report({
      message:
        'TLS certificate verification is turned off for this download: anyone on the network path can serve a different file.',
      span: { start, end: base + flag.index + flag[0].length },
    });
    DOWNLOADER.lastIndex = flag.index + flag[0].length;
  }
}

function check(step: Step, ctx: AnalysisContext): void {
  if (step.run) checkSource(step.run.span, ctx);
}

function checkSource(span: { start: number; end: number }, ctx: AnalysisContext): void {
  const source = ctx.text.slice(span.start, span.end);
  checkPlainHttp(source, span.start, ctx);
  checkNoVerify(source, span.start, ctx);
  for (const { re, message } of PATTERNS) {
    re.lastIndex = 0;
    for (const m of source.matchAll(re)) {
      // An unverified probe (`curl -k -o /dev/null https://...`) fetches nothing that is used.
      if (/^(curl|wget)/.test(m[0]) && PROBE.test(lineAround(source, m.index!))) continue;
      const start = span.start + m.index!;
      ctx.report({ message, span: { start, end: start + m[0].length } });
    }
  }
}

/** GitLab variables that turn verification off for the whole job: git's TLS check, or TLS to docker-in-docker. */
function checkGitlabVariables(variables: GitlabVariable[], ctx: AnalysisContext): void {
  for (const v of variables) {
    const value = v.value?.text.trim() ?? '';
    if (v.name === 'GIT_SSL_NO_VERIFY' && /^(true|1)$/i.test(value))
      ctx.report({
        message:
          "GIT_SSL_NO_VERIFY turns off TLS verification for the runner's git clone and fetches: a network attacker can serve different code.",
        span: v.span,
      });
    if (v.name === 'DOCKER_HOST' && /^tcp:\/\/[^/]+:2375\b/.test(value) && !/^tcp:\/\/(localhost|127\.)/.test(value))
      ctx.report({
        message:
          'DOCKER_HOST reaches the docker daemon over unencrypted, unauthenticated TCP (2375): anything that can reach that port controls the daemon. Use port 2376 with DOCKER_TLS_CERTDIR.',
        span: v.span,
        severity: 'low',
      });
  }
}
