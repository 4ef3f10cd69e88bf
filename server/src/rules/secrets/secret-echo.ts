import { defineRule } from '../../engine/rule';
import { type Span } from '../../text/span';
import type { AnalysisContext } from '../../engine/context';
import type { Block } from '../../model/common';
import type { Step } from '../../model/workflow';
import { mentionsShellVar, readsSecret, secretEnvNames } from '../../analysis/secrets/usage';

export default defineRule({
  meta: {
    id: 'secret-echo',
    title: 'Secret printed or written out',
    description:
      'A run: script prints a secret (encoded forms escape log masking), writes it to a file, or turns on shell tracing (set -x) in a step that holds secrets.',
    severity: 'medium',
    confidence: 'medium',
    category: 'secrets',
    aliases: ['secret-in-log', 'secrets-echo'],
    appliesTo: ['workflow', 'action'],
    fixable: false,
    docs: {
      risk: 'The runner masks a secret in logs only when it appears verbatim. Printed base64-encoded, reversed, split or as part of a JSON blob, it is readable by everyone who can see the run logs (for a public repository: everyone). Written to a file, it leaves with any artifact or cache that includes the file. `set -x` prints every command with its expanded arguments.',
      remediation:
        'Never print secrets, even "to debug". Pipe them straight into the program that needs them (`echo "$TOKEN" | docker login --password-stdin`), keep files holding them out of artifacts and caches and delete them at the end of the job, and do not enable shell tracing in steps that have secrets. Register derived values with `echo "::add-mask::$VALUE"` before printing anything that contains them.',
      severity:
        '`set -x` is reported only when a traced command expands a secret into its arguments; a secret that only sits in env: is not printed by xtrace, and the runner masks registered values verbatim. Secrets embedded in URLs (`https://x:$TOKEN@host`, then `git remote`/`git clone`) are medium.',
      vulnerableExample:
        'steps:\n  - run: echo "$DEPLOY_KEY" | base64\n    env:\n      DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}\n',
      safeExample: 'steps:\n  - run: ./deploy.sh\n    env:\n      DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}\n',
      references: [
        'https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions#using-secrets-in-a-workflow',
      ],
    },
  },

  step(step, job, wf, ctx) {
    // A job container's env: is in every step's process environment too.
    check(step, ctx, [job.container?.env, wf.env, job.env, step.env]);
  },
  actionStep(step, _action, ctx) {
    check(step, ctx, [step.env]);
  },
});

const PRINT = /^\s*(?:echo|printf|print|cat|Write-Host|Write-Output|console\.log|puts)\b/;
const ENCODE = /\|\s*(?:base64|xxd|od|hexdump|rev|sed|tr|awk|cut|openssl\s+(?:enc|base64)|gzip|python3?|jq)\b/;
const SAFE_SINK =
  /\|\s*(?:docker|podman|helm|gh|npm|buildah|skopeo|crane|oras|cosign|gpg|ssh-add|kubectl|aws|az|gcloud|op|vault|sha256sum|shasum|md5sum|wc)\b|--password-stdin|>>?\s*"?\$\{?(?:GITHUB_ENV|GITHUB_OUTPUT|GITHUB_STEP_SUMMARY|GITHUB_PATH)\b|::add-mask::/;
// Files outside the workspace (home directory, runner temp) are not swept into artifacts or caches: not reported.
const FILE_WRITE =
  /(?:^|[^>&|0-9])>>?\s*(?!&|\/dev\/null|["']?\$\{?GITHUB_|["']?(?:~\/|\$\{?HOME\b|\$\{?RUNNER_TEMP\b|\$\{\{\s*runner\.temp))(["']?[\w./~${}-]+)|\|\s*tee\s+(?!-a\s+"?\$\{?GITHUB_)|\|[^|]*\s(?:-o|--output|-out)(?:\s|=)/;

function check(step: Step, ctx: AnalysisContext, envBlocks: Array<Block | undefined>): void {
  const run = step.run;
  if (!run) return;
  const secretVars = secretEnvNames(...envBlocks);
  const scriptHasSecret = run.expressions.some(readsSecret);
  if (secretVars.size === 0 && !scriptHasSecret) return;
  const source = ctx.slice(run.span);
  let offset = run.span.start;
  /** The `set -x` line in force, while no secret has been expanded in a traced command yet. */
  let tracing: Span | undefined;
  for (const line of source.split('\n')) {
    const span: Span = { start: offset + (line.length - line.trimStart().length), end: offset + line.trimEnd().length };
    offset += line.length + 1;
    const code = line.replace(/(^|\s)#.*$/, '');
    if (/^\s*set\s+(-[a-wyz]*x|-o\s+xtrace)\b|^\s*(bash|sh)\s+-[a-z]*x\b|^\s*Set-PSDebug\s+-Trace\s+[12]/.test(code)) {
      tracing = span;
      continue;
    }
    if (/^\s*set\s+(\+[a-wyz]*x|\+o\s+xtrace)\b|^\s*Set-PSDebug\s+-Off\b/.test(code)) tracing = undefined;
    const embedded = credentialInUrl(code, secretVars);
    if (embedded) {
      ctx.report({
        message: `${embedded} is embedded in a URL${/\bgit\b/.test(code) ? ': git stores it in .git/config, where every later step of the job (and any artifact of the checkout) can read it' : ', which tools echo and store outside the log masking'}. Use a credential helper or an http.extraheader set for this command only.`,
        span,
        // The runner masks the value in logs; what is left is its copy in .git/config or a tool's output.
        severity: 'low',
        confidence: 'medium',
        properties: { kind: 'url', secret: embedded },
      });
      continue;
    }
    // xtrace prints a command's expanded arguments: a secret only in env: is not printed, one expanded into an argument is,
    // quoted by the shell in ways the runner's verbatim masking can miss.
    const traced = tracing ? mentionedSecret(code, secretVars) : undefined;
    if (tracing && traced && !PRINT.test(code)) {
      ctx.report({
        message: `Shell tracing (set -x) prints ${traced} expanded as a command argument on this line: turn tracing off (set +x) around commands that take secrets, or pass the secret through the environment or stdin.`,
        span,
        severity: 'medium',
        confidence: 'medium',
        related: [{ span: tracing, message: 'tracing turned on here' }],
        properties: { kind: 'xtrace', secret: traced },
      });
      tracing = undefined;
      continue;
    }
    const secret = mentionedSecret(code, secretVars);
    if (!secret || SAFE_SINK.test(code)) continue;
    if (!PRINT.test(code)) continue;
    if (FILE_WRITE.test(code)) {
      ctx.report({
        message: `${secret} is written to a file: make sure no artifact, cache or later step publishes it, and delete it when the job ends.`,
        span,
        severity: 'low',
        confidence: 'medium',
        properties: { kind: 'file', secret },
      });
    } else if (/(^|[^0-9&])>/.test(code)) {
      continue; // written to a file outside the workspace (home, runner temp): not printed
    } else if (ENCODE.test(code)) {
      ctx.report({
        message: `${secret} is printed in a transformed form the log masking does not recognize: anyone who can read the run logs gets it.`,
        span,
        severity: 'high',
        confidence: 'high',
        properties: { kind: 'encoded', secret },
      });
    } else if (!/\|/.test(code)) {
      ctx.report({
        message: `${secret} is printed to the log: masking hides it only while it appears verbatim; do not print secrets.`,
        span,
        severity: 'medium',
        confidence: 'medium',
        properties: { kind: 'print', secret },
      });
    }
  }
}

/** A secret written into a URL's user-info (`https://x:$TOKEN@host`, `https://${{ secrets.PAT }}@github.com`). */
function credentialInUrl(line: string, vars: Set<string>): string | undefined {
  const m = /\b\w+:\/\/[^\s"'@/]*(\$\{\{\s*secrets\.([A-Za-z_]\w*)\s*\}\}|\$\{?([A-Za-z_]\w*)\}?)[^\s"'@/]*@/.exec(
    line,
  );
  if (!m) return undefined;
  if (m[2]) return m[2].toUpperCase() === 'GITHUB_TOKEN' ? undefined : `secrets.${m[2]}`;
  return vars.has(m[3]) ? `$${m[3]}` : undefined;
}

/** The secret a line mentions: an expression secrets.X or a variable that holds one. */
function mentionedSecret(line: string, vars: Set<string>): string | undefined {
  const expr = /\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/.exec(line);
  if (expr && expr[1].toUpperCase() !== 'GITHUB_TOKEN') return `secrets.${expr[1]}`;
  for (const v of vars) if (mentionsShellVar(line, v)) return `$${v}`;
  return undefined;
}
