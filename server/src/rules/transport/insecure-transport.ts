import { defineRule } from '../../engine/types';
import type { Step } from '../../model/workflow';
import type { AnalysisContext } from '../../engine/context';

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
    appliesTo: ['workflow', 'action'],
    fixable: true,
    docs: {
      risk: "A build that fetches code or tools without verified TLS runs whatever a network attacker (or a compromised proxy or mirror) serves it, with the job's secrets in reach.",
      remediation:
        'Use https:// URLs and keep certificate verification on. If a private CA is needed, install it rather than disabling verification. The quick-fix upgrades http:// to https:// where that is the whole change.',
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

function checkPlainHttp(source: string, base: number, ctx: AnalysisContext): void {
  for (const cmd of source.matchAll(DOWNLOAD_COMMAND)) {
    // A unix socket or a proxy address is not where the content comes from.
    if (/--unix-socket\b/.test(cmd[0])) continue;
    for (const url of cmd[0].matchAll(PLAIN_HTTP_URL)) {
      if (url[1] || LOCAL_HOST.test(url[2])) continue;
      const start = base + cmd.index! + url.index!;
      ctx.report({
        message: `Download over plain http:// (${url[2]}): the content can be changed in transit. Use https://.`,
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
  const run = step.run;
  if (!run) return;
  const source = ctx.text.slice(run.span.start, run.span.end);
  checkPlainHttp(source, run.span.start, ctx);
  checkNoVerify(source, run.span.start, ctx);
  for (const { re, message } of PATTERNS) {
    re.lastIndex = 0;
    for (const m of source.matchAll(re)) {
      const start = run.span.start + m.index!;
      ctx.report({ message, span: { start, end: start + m[0].length } });
    }
  }
}
