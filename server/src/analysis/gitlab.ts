// Shared GitLab CI analyses: attacker-controllable predefined variables and the places where script text is parsed
// again, include and image pinning, and what counts as a deployment and as a human gate.
import type { EffectiveJob, GitlabInclude } from '../model/gitlab/pipeline';
import { mapGetPair } from '../yaml/parse';

/**
 * Predefined variables whose text an outsider (a merge-request author, a commit author) chooses. Free text can hold
 * any shell syntax; branch names cannot hold spaces but can hold `$( ) ; | &` and backticks.
 */
export const UNTRUSTED_FREE_TEXT = new Set([
  'CI_MERGE_REQUEST_TITLE',
  'CI_MERGE_REQUEST_DESCRIPTION',
  'CI_COMMIT_MESSAGE',
  'CI_COMMIT_TITLE',
  'CI_COMMIT_DESCRIPTION',
  'CI_COMMIT_TAG_MESSAGE',
  'CI_COMMIT_AUTHOR',
  'CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME',
]);
export const UNTRUSTED_REF_NAMES = new Set([
  'CI_COMMIT_BRANCH',
  'CI_COMMIT_REF_NAME',
  'CI_COMMIT_REF_SLUG',
  'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME',
  'CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_NAME',
]);
// CI_COMMIT_REF_SLUG is lower-cased with everything but [a-z0-9-] replaced: not injectable.
UNTRUSTED_REF_NAMES.delete('CI_COMMIT_REF_SLUG');

export function isUntrustedVariable(name: string): boolean {
  return UNTRUSTED_FREE_TEXT.has(name) || UNTRUSTED_REF_NAMES.has(name);
}

export interface InterpretedUse {
  /** The variable name. */
  name: string;
  /** Offset of `$NAME`/`${NAME}` in the line. */
  index: number;
  length: number;
  /** eval, sh -c, python -c, ... */
  sink: string;
  /** The reference sits inside double quotes of the outer shell. */
  inDoubleQuotes: boolean;
}

/** Commands that parse their argument text as code: the outer shell expands variables into it first. */
const SINKS =
  /(?:^|[\s;&|(`])(eval|(?:ba|z|da|k)?sh\s+-c|(?:python3?|node|ruby|perl|php)\s+-[ce]|su\s+-c|ssh\s+\S+)(?=\s)/g;

/**
 * Untrusted variables expanded by the outer shell into text another parser runs: `eval "…$CI_COMMIT_MESSAGE…"`,
 * `sh -c "…$CI_COMMIT_BRANCH…"`. A reference in single quotes or escaped (`\$NAME`) reaches the inner program as a
 * variable name, which is data.
 */
export function interpretedUses(line: string): InterpretedUse[] {
  const out: InterpretedUse[] = [];
  for (const sink of line.matchAll(SINKS)) {
    const from = sink.index! + sink[0].length;
    // The command ends at an unquoted ; & | or newline.
    let quote: '"' | "'" | undefined;
    for (let i = from; i < line.length; i++) {
      const c = line[i];
      if (c === '\\' && quote !== "'") {
        i++;
        continue;
      }
      if (quote) {
        if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === ';' || c === '&' || c === '|' || c === '\n' || c === '#') break;
      if (c !== '$' || quote === "'") continue;
      const m = /^\$(?:\{([A-Z_][A-Z0-9_]*)\}|([A-Z_][A-Z0-9_]*))/.exec(line.slice(i));
      const name = m?.[1] ?? m?.[2];
      if (!m || !name || !isUntrustedVariable(name)) continue;
      out.push({
        name,
        index: i,
        length: m[0].length,
        sink: sink[1].replace(/\s+/g, ' '),
        inDoubleQuotes: quote === '"',
      });
    }
  }
  return out;
}

export type Pinning = { pinned: true } | { pinned: false; how: 'floating' | 'tag' | 'unknown'; detail: string };

const SHA = /^[0-9a-f]{40}$/i;
const VERSION_TAG = /^v?\d+(\.\d+){0,3}([-+.][0-9A-Za-z.-]+)?$/;

/** Whether an include is fixed to one version of its content. */
export function includePinning(inc: GitlabInclude): Pinning {
  const target = inc.target.text;
  switch (inc.kind) {
    case 'local':
    case 'template':
      return { pinned: true };
    case 'remote': {
      // `integrity:` (a SHA-256 of the file) or a content hash in the URL fixes the content.
      if (mapGetPair(inc.node, 'integrity')) return { pinned: true };
      if (/[0-9a-f]{40,}/i.test(target)) return { pinned: true };
      return { pinned: false, how: 'floating', detail: 'a remote URL whose content can change at any time' };
    }
    case 'project': {
      const ref = inc.ref?.text;
      if (/^\$\{?CI_(PROJECT_PATH|PROJECT_ID)\}?$/.test(target)) return { pinned: true };
      if (ref === undefined)
        return { pinned: false, how: 'floating', detail: "no ref: (the project's default branch)" };
      if (SHA.test(ref)) return { pinned: true };
      if (ref.includes('$')) return { pinned: false, how: 'unknown', detail: `ref ${ref}` };
      if (VERSION_TAG.test(ref)) return { pinned: false, how: 'tag', detail: `tag ${ref}` };
      return { pinned: false, how: 'floating', detail: `ref ${ref} (a branch)` };
    }
    case 'component': {
      const at = target.lastIndexOf('@');
      const version = at < 0 ? '' : target.slice(at + 1);
      if (/\$\{?CI_COMMIT_(SHA|REF_NAME)\}?/.test(version) || SHA.test(version)) return { pinned: true };
      if (version === '' || version === '~latest')
        return { pinned: false, how: 'floating', detail: version ? '@~latest' : 'no version' };
      if (version.includes('$')) return { pinned: false, how: 'unknown', detail: `@${version}` };
      if (VERSION_TAG.test(version)) return { pinned: false, how: 'tag', detail: `@${version}` };
      return { pinned: false, how: 'floating', detail: `@${version} (a branch)` };
    }
  }
}

export type ImagePinning =
  { kind: 'digest' } | { kind: 'tag'; tag: string } | { kind: 'latest'; tag?: string } | { kind: 'variable' };

/** `name@sha256:…` is pinned; `:latest` or no tag floats; any other tag is mutable; `$VAR` parts cannot be judged. */
export function imagePinning(image: string): ImagePinning {
  const name = image.trim();
  if (/@sha256:[0-9a-f]{64}/i.test(name)) return { kind: 'digest' };
  if (name.includes('$')) return { kind: 'variable' };
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  if (colon < 0) return { kind: 'latest' };
  const tag = name.slice(colon + 1);
  return tag === 'latest' ? { kind: 'latest', tag } : { kind: 'tag', tag };
}

/** Commands that release or deploy something outside the project. */
const DEPLOY_COMMAND =
  /(?:^|[\s;&|(])(npm publish|yarn (?:npm )?publish|pnpm publish|twine upload|cargo publish|gem push|terraform apply|kubectl (?:apply|rollout|set image)|helm (?:upgrade|install)|firebase deploy|vercel (?:deploy )?--prod|netlify deploy --prod|aws (?:s3 sync|ecs update-service|lambda update-function-code|cloudformation deploy)|az (?:webapp|functionapp) deploy|gcloud (?:run|app|functions) deploy|dotnet nuget push|mvn deploy|gradle publish|poetry publish|dpl\b)/;
const DRY_RUN = /--dry-run\b|--snapshot\b|\bplan\b|--check\b|\btemplate\b/;

/** The first deploy command among the job's scripts. */
export function deployCommand(job: EffectiveJob): string | undefined {
  for (const script of job.scripts)
    for (const line of script.split('\n')) {
      if (/^\s*#/.test(line)) continue;
      const m = DEPLOY_COMMAND.exec(line);
      if (m && !DRY_RUN.test(line)) return m[1];
    }
  return undefined;
}

/** A condition that selects merge-request pipelines (not one that excludes them). */
const MERGE_REQUEST_IF =
  /\$CI_PIPELINE_SOURCE\s*==\s*["']merge_request_event["']|\$CI_MERGE_REQUEST_(?:IID|ID|EVENT_TYPE|LABELS|SOURCE_BRANCH_NAME|TITLE)\b(?!\s*(?:==\s*null|!=|!~))/;

/**
 * How the job runs in merge-request pipelines (`only: merge_requests`, or the `rules: if:` that selects them), or
 * undefined. There, a merge request's code runs in this project (a fork's too, once a member runs its pipeline).
 */
export function mergeRequestTrigger(e: EffectiveJob): string | undefined {
  if (e.only.includes('merge_requests')) return 'only: merge_requests';
  const i = e.ruleIfs.findIndex((c, k) => e.ruleWhens[k] !== 'never' && MERGE_REQUEST_IF.test(c));
  return i < 0
    ? undefined
    : `rules: if: ${e.ruleIfs[i].length > 80 ? `${e.ruleIfs[i].slice(0, 77)}...` : e.ruleIfs[i]}`;
}

/** A person starts the job (manual), or it only runs for tags (which protected tags can restrict). */
export function humanGate(job: EffectiveJob): 'manual' | 'tags' | undefined {
  if (
    job.when === 'manual' ||
    (job.ruleWhens.length > 0 && job.ruleWhens.every((w) => w === 'manual' || w === 'never'))
  )
    return 'manual';
  if (job.only.length > 0 && job.only.every((o) => o === 'tags' || /^\/\^?v/.test(o))) return 'tags';
  const running = job.ruleIfs.filter((_, i) => job.ruleWhens[i] !== 'never');
  if (running.length > 0 && running.every((c) => /\$CI_COMMIT_TAG\b(?!\s*==\s*null)/.test(c) && !/\|\|/.test(c)))
    return 'tags';
  return undefined;
}

/** A script line that writes secrets to a file. */
export interface SecretFileWrite {
  /** Offset and length of the command in the script text. */
  index: number;
  length: number;
  /** The file as written in the script, quotes removed. */
  target: string;
  /** `environment`: a dump of every variable; otherwise the variables written. */
  what: 'environment' | string[];
}

/** Commands that print every variable of the environment when run alone. */
const ENV_DUMP = /^(?:printenv|env|export\s+-p|declare\s+-[pxr]+|set|Get-ChildItem\s+env:|gci\s+env:)$/i;
/** stdout into a file (not `2>`, not `>&2`). */
const REDIRECT = /(?:^|[^0-9&>])>>?\s*(?!&)("[^"]*"|'[^']*'|[^\s;&|<>()]+)/;
const TEE = /^tee\s+(?:-[a-z]+\s+)*("[^"]*"|'[^']*'|[^\s;&|<>()]+)/;
const HEREDOC = /<<-?\s*(["']?)([A-Za-z_][\w-]*)\1/;
const PRINTS = /^(?:echo|printf|cat|Write-Output|Out-File)\b/i;

/** `$NAME`/`${NAME}` the shell expands in this text (not in single quotes, not escaped). */
export function expandedVariables(text: string): string[] {
  const out: string[] = [];
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quote !== "'") {
      i++;
      continue;
    }
    if (quote === "'") {
      if (c === "'") quote = undefined;
      continue;
    }
    if (c === '"') quote = quote ? undefined : '"';
    else if (c === "'" && !quote) quote = "'";
    else if (c === '$') {
      const m = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/.exec(text.slice(i));
      if (m) out.push(m[1] ?? m[2]);
    }
  }
  return out;
}

const unquote = (s: string) => s.replace(/^(["'])(.*)\1$/, '$2');

/**
 * Writes of secrets into files: an environment dump (`printenv > env.txt`, `env | sort | tee env.log`) or a variable
 * that `isSecret` accepts printed into a file (`echo "$TOKEN" > creds.txt`, a here-document with `$TOKEN` in it).
 * Commands are split on `;`, `&&`, `||` and `|` without a full shell parse: a separator inside quotes may split a
 * command early, which at worst misses a write.
 */
export function secretFileWrites(script: string, isSecret: (name: string) => boolean): SecretFileWrite[] {
  const out: SecretFileWrite[] = [];
  const lines = script.split('\n');
  let offset = 0;
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l];
    const lineStart = offset;
    offset += line.length + 1;
    if (/^\s*#/.test(line)) continue;
    let from = 0;
    for (const command of line.split(/(&&|\|\||;)/)) {
      const at = line.indexOf(command, from);
      from = at + command.length;
      if (command === '&&' || command === '||' || command === ';' || !command.trim()) continue;
      const stages = command.split('|').map((s) => s.trim());
      const first = stages[0];
      const redirect = REDIRECT.exec(stages[stages.length - 1]);
      const tee = stages
        .slice(1)
        .map((s) => TEE.exec(s))
        .find((m) => m);
      const target = redirect?.[1] ?? tee?.[1];
      if (!target) continue;
      const source = stages.length > 1 ? first : first.slice(0, REDIRECT.exec(first)?.index ?? first.length).trim();
      const place = {
        index: lineStart + at + (command.length - command.trimStart().length),
        length: command.trim().length,
      };
      if (ENV_DUMP.test(source)) {
        // `env | grep PROXY > f` keeps only what it selects.
        if (stages.slice(1).some((s) => /^grep\b(?!.*\s-\w*v)/.test(s))) continue;
        out.push({ ...place, target: unquote(target), what: 'environment' });
        continue;
      }
      if (!PRINTS.test(first)) continue;
      const heredoc = HEREDOC.exec(command);
      let text = stages.length > 1 ? first : source;
      if (heredoc) {
        // The body up to the delimiter line; a quoted delimiter ('EOF') turns expansion off.
        const end = lines.findIndex((x, i) => i > l && x.trim() === heredoc[2]);
        text = heredoc[1] ? '' : lines.slice(l + 1, end < 0 ? lines.length : end).join('\n');
      }
      const names = [...new Set(expandedVariables(text).filter(isSecret))];
      if (names.length) out.push({ ...place, target: unquote(target), what: names });
    }
  }
  return out;
}
