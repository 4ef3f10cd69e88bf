// Step-level facts the untrusted-input rules share: does a step fetch a pull request's code, does it execute code
// from the workspace, does a condition or an earlier check gate the job to trusted people.
import type { Span } from '../text/span';
import {
  AI_AGENT_PROMPTS,
  AI_AGENT_WRITE_ACCESS_GATES,
  CHECKOUT_ACTIONS,
  WORKSPACE_EXECUTING_ACTIONS,
} from '../knowledge/untrusted-input';
import type { ScalarValue } from '../model/common';
import type { Job, Step } from '../model/workflow';

/** Context paths that name the head (attacker side) of a pull request or of a triggering run. */
const HEAD_CONTEXT =
  /^(github\.head_ref|github\.event\.pull_request\.head\.(sha|ref|label|repo\.full_name|repo\.clone_url|repo\.ssh_url)|github\.event\.workflow_run\.(head_sha|head_branch|head_repository\.full_name|pull_requests\.\*\.head\.(sha|ref))|github\.event\.check_suite\.head_(sha|branch))$/;

/** Step outputs whose name says they hold a pull request's head (from a PR-lookup step on comment triggers). */
const HEAD_OUTPUT = /^steps\.[^.]+\.outputs\.(.*head.*|.*sha.*|.*ref.*|.*branch.*|pr.*)$/;

export interface CheckoutOfHead {
  step: Step;
  span: Span;
  what: string;
  /** For a `run:` checkout: where the script continues after the checkout command (parsed text offset). */
  restIndex?: number;
}

/** The head context (or `refs/pull/...` ref) a checkout input names. */
function headContext(value: ScalarValue | undefined): string | undefined {
  if (!value) return undefined;
  if (/refs\/pull\//.test(value.text)) return value.text.trim();
  for (const e of value.expressions) {
    for (const c of e.contexts) {
      const path = c.segments.join('.');
      if (HEAD_CONTEXT.test(path) || HEAD_OUTPUT.test(path)) return c.path;
    }
  }
  return undefined;
}

const RUN_CHECKOUT =
  /\bgh\s+pr\s+checkout\b|\bhub\s+pr\s+checkout\b|\bgit\s+fetch\b[^\n]*\bpull\/(?:\$\{\{[^}]*\}\}|[^\s/]+)\/(head|merge)\b|\bgit\s+(checkout|switch|pull|fetch|reset)\b[^\n]*\$\{\{[^}]*(head_ref|head\.(sha|ref)|head_sha|head_branch)/;

/** A step that fetches a pull request's (or triggering run's) code into the workspace. */
export function checkoutOfHead(step: Step, text: string): CheckoutOfHead | undefined {
  const slug = step.uses?.slug;
  if (slug && CHECKOUT_ACTIONS.has(slug)) {
    const ref = step.with?.entries.find((e) => e.name === 'ref')?.value;
    const repo = step.with?.entries.find((e) => e.name === 'repository')?.value;
    const fromRef = headContext(ref);
    if (fromRef && ref) return { step, span: ref.span, what: `checks out ${fromRef}` };
    const fromRepo = headContext(repo);
    if (fromRepo && repo) return { step, span: repo.span, what: `checks out the head repository ${fromRepo}` };
    return undefined;
  }
  if (step.run) {
    const m = RUN_CHECKOUT.exec(step.run.text);
    if (m)
      return {
        step,
        span: locate(step.run, m[0], text),
        what: `fetches the pull request's code (\`${m[0].trim().slice(0, 40)}\`)`,
        restIndex: m.index + m[0].length,
      };
  }
  return undefined;
}

/** Where a fragment of a scalar's parsed text appears in the source; the whole value when it cannot be found verbatim. */
export function locate(value: ScalarValue, fragment: string, text: string): Span {
  const head = fragment.trim().split('\n')[0];
  const at = head ? text.slice(value.span.start, value.span.end).indexOf(head) : -1;
  return at === -1 ? value.span : { start: value.span.start + at, end: value.span.start + at + head.length };
}

/**
 * Commands that run code from the workspace: build tools, package installs (with lifecycle scripts), test runners;
 * `netlify deploy` runs the build command of the workspace's netlify.toml unless given --no-build (netlify-cli 21+).
 */
const EXECUTES_WORKSPACE =
  /(?:^|[\s;&|(])(?:(?:npm|pnpm|yarn|bun)\s+(?:ci|install|i|run|test|build|exec|start|pack|publish)\b(?!\s+(?:-g|--global)\b)|npx\s|make\b|cmake\b|pip3?\s+install\s+(?:-e\s+)?\.|pip3?\s+install\s+-r\b|python3?\s+(?:-m\s+(?:pytest|tox|build|pip\s+install\s+\.)|setup\.py|[\w./-]+\.py)|pytest\b|tox\b|nox\b|poetry\s+(?:install|run|build)|uv\s+(?:run|sync|build|pip\s+install)|hatch\s|\.\/gradlew\b|gradle\s|\.\/mvnw\b|mvn\s|ant\s|sbt\s|cargo\s+(?:build|test|run|check|clippy|bench|install\s+--path)|go\s+(?:build|test|run|generate|vet|install)|bundle\s+(?:install|exec)|rake\b|composer\s+(?:install|update|run)|dotnet\s+(?:build|test|run|restore|pack)|docker\s+(?:build|compose)|docker-compose\s|mix\s|pre-commit\s|(?:bash|sh|zsh|source)\s+[\w./-]+\.(?:sh|bash)\b|node\s+[\w./-]+\.m?[jt]s\b|deno\s+(?:run|task)|lerna\s|nx\s|turbo\s|netlify\s+(?:build\b|deploy\b(?![^\n]*--no-build)))/m;
/** A workspace script run as a command (`./build.sh`, `. ./env.sh`), not merely named as an argument (`cat ./NR`). */
const RUNS_LOCAL_SCRIPT = /(?:^|[;&|(]|\bthen|\bdo|\bsudo|\bexec|\$\()\s*(?:\.\s+)?\.\/[\w.-][\w./-]*/m;

export interface Execution {
  step: Step;
  span: Span;
  what: string;
}

/**
 * The first match of `pattern` that runs workspace code. With a `working-directory:` (the checked-out folder), an
 * interpreter given a script under `../` runs a file from a sibling folder, e.g. a trusted checkout of the default
 * branch next to the pull request's (`python ../tools/unpack.py` in `repo/`): that is not the checked-out code.
 */
function firstOutside(pattern: RegExp, commands: string, step: Step): RegExpExecArray | undefined {
  const all = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`);
  for (const m of commands.matchAll(all)) {
    if (
      step.workingDirectory &&
      /^\s*(?:python3?|node|bash|sh|zsh|source)\s+\.\.\//.test(m[0].replace(/^[\s;&|(]/, ''))
    )
      continue;
    return m as RegExpExecArray;
  }
  return undefined;
}

/** A step that runs code from the workspace (after a checkout of untrusted code, that is the attacker's code). */
export function executesWorkspace(step: Step, text: string): Execution | undefined {
  if (step.uses?.kind === 'local')
    return { step, span: step.uses.span, what: `runs the local action ${step.uses.raw.trim()}` };
  if (step.uses?.slug && WORKSPACE_EXECUTING_ACTIONS.has(step.uses.slug))
    return { step, span: step.uses.span, what: `runs ${step.uses.slug}, which builds the workspace` };
  if (
    step.uses?.slug === 'ruby/setup-ruby' &&
    step.with?.entries.some((e) => e.name === 'bundler-cache' && e.value?.text === 'true')
  ) {
    return { step, span: step.uses.span, what: 'runs bundle install (bundler-cache: true)' };
  }
  if (step.run) {
    // Echoed text and comments mention commands without running them ("please run make").
    const commands = step.run.text
      .split('\n')
      .filter((l) => !/^\s*(echo|printf|#)/.test(l))
      .join('\n');
    const m = firstOutside(EXECUTES_WORKSPACE, commands, step) ?? RUNS_LOCAL_SCRIPT.exec(commands);
    if (m) return { step, span: locate(step.run, m[0], text), what: `runs \`${m[0].trim().slice(0, 40)}\`` };
  }
  return undefined;
}

/**
 * The first execution of the checked-out code after `checkout`: later in the same script, or a later step of the job
 * (in the checkout's sub-directory, when it was checked out into one).
 */
export function executionAfterCheckout(job: Job, checkout: CheckoutOfHead, text: string): Execution | undefined {
  const { step } = checkout;
  const dir = checkoutDir(step);
  const runsCheckedOut = (e: Execution | undefined) => (e && (!dir || referencesDir(e.step, dir)) ? e : undefined);
  // A script that fetches the code may run it a few lines later.
  let execution: Execution | undefined =
    step.run && checkout.restIndex !== undefined
      ? runsCheckedOut(
          executesWorkspace({ ...step, run: { ...step.run, text: step.run.text.slice(checkout.restIndex) } }, text),
        )
      : undefined;
  for (let j = job.steps.indexOf(step) + 1; j < job.steps.length && !execution; j++)
    execution = runsCheckedOut(executesWorkspace(job.steps[j], text));
  return execution;
}
/** The sub-directory a checkout writes to, when not the workspace root. */
function checkoutDir(step: Step): string | undefined {
  const path = step.with?.entries
    .find((e) => e.name === 'path')
    ?.value?.text.trim()
    .replace(/^\.\//, '')
    .replace(/\/$/, '');
  return path && path !== '.' && !path.includes('${{') ? path : undefined;
}

/** Whether a step runs code in the directory: `working-directory: pr`, `cd pr`, `make -C pr`, `pr/build.sh`, `uses: ./pr/...`. */
function referencesDir(step: Step, dir: string): boolean {
  const esc = dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const inDir = new RegExp(
    `(?:\\bcd|\\bmake(?:\\s+-[\\w-]+)*\\s+-C|--prefix|--cwd|--dir|--directory|\\bpushd)\\s+["']?(?:\\./)?${esc}(?:/|\\s|$|["'])|(?:^|[;&|(]\\s*|\\s)(?:\\./)?${esc}/[\\w./-]+`,
    'm',
  );
  const wd = step.workingDirectory?.text.trim().replace(/^\.\//, '') ?? '';
  return (
    wd === dir ||
    wd.startsWith(`${dir}/`) ||
    inDir.test(step.run?.text ?? '') ||
    (step.uses?.kind === 'local' && step.uses.raw.includes(`${dir}/`))
  );
}

export interface ArtifactDownload {
  span: Span;
  what: string;
  /** Files land in the workspace root, where they can replace scripts, configs and lockfiles. */
  overWorkspace: boolean;
}

const WORKSPACE_PATH = /^\s*(\.\/?|\$\{\{\s*github\.workspace\s*\}\}\/?|\$GITHUB_WORKSPACE\/?)?\s*$/;

/** A step that fetches artifacts of another (the triggering) run. */
export function artifactDownloadOf(step: Step, text: string): ArtifactDownload | undefined {
  const slug = step.uses?.slug;
  const byAction =
    slug === 'actions/download-artifact' && step.with?.entries.some((e) => e.name === 'run-id')
      ? 'downloads artifacts of the triggering run'
      : slug === 'dawidd6/action-download-artifact'
        ? 'downloads artifacts of another run'
        : undefined;
  if (byAction) {
    const path = step.with?.entries.find((e) => e.name === 'path')?.value?.text;
    return { span: step.uses!.span, what: byAction, overWorkspace: path === undefined || WORKSPACE_PATH.test(path) };
  }
  if (slug === 'actions/github-script') {
    const script = step.with?.entries.find((e) => e.name === 'script')?.value;
    if (script && /downloadArtifact|listWorkflowRunArtifacts/.test(script.text))
      return {
        span: step.uses!.span,
        what: 'downloads artifacts of the triggering run with the API',
        overWorkspace: /writeFileSync\(\s*[`'"]?\$\{?(process\.env\.GITHUB_WORKSPACE|github\.workspace)?/.test(
          script.text,
        ),
      };
  }
  if (step.run) {
    const m = /\bgh\s+run\s+download\b[^\n]*/.exec(step.run.text);
    if (m)
      return {
        span: locate(step.run, m[0], text),
        what: 'downloads artifacts with gh run download',
        overWorkspace: !/\s(-D|--dir)\s/.test(m[0]),
      };
  }
  return undefined;
}

/** `unzip x.zip` without `-d` extracts over the workspace. */
export const UNZIP_HERE = /\b(unzip\s+(?![^\n]*\s-d\s)[^\n]*|tar\s+(-?x[^\n]*)(?![^\n]*\s-C\s))/;

/** Conditions limiting a workflow_run job to runs of this repository's own branches (not a fork's pull request). */
export const OWN_RUNS_ONLY =
  /github\.event\.workflow_run\.event\s*==\s*'(push|schedule|release|workflow_dispatch)'|github\.event\.workflow_run\.head_repository\.full_name\s*==\s*github\.repository/;

/** A script that checks the actor's association or repository permission before going on. */
const PERMISSION_CHECK =
  /author_association|authorAssociation|\/collaborators\/[^\s]*\/permission|getCollaboratorPermissionLevel|checkCollaborator|permission\.permission/;

function checksPermission(step: Step): boolean {
  const script = step.run?.text ?? step.with?.entries.find((e) => e.name === 'script')?.value?.text ?? '';
  return (
    PERMISSION_CHECK.test(script) ||
    (!!step.uses?.slug && /permission|team-membership|check-user|actor-permission/.test(step.uses.slug))
  );
}

/** A script comparing the pull request's head repository with this one (or reading its fork flag)... */
const FORK_TEST =
  /head\.repo\.full_name\s*!==?\s*[`'"]?\$?\{?\s*(context\.repo|github\.repository|process\.env\.GITHUB_REPOSITORY)|head\.repo\.fork\b|isCrossRepository|headRepositoryOwner/;
/** ...and failing the step on it. */
const FAILS = /core\.setFailed\(|\bthrow\b|process\.exit\(\s*[1-9]|\bexit\s+[1-9]/;

/**
 * An earlier step fails the job on a fork's pull request before `step` runs: a failed step stops the steps after
 * it unless they opt in with always()/failure() or the failing step continues on error. What is checked out then is
 * a branch of this repository, which only people with write access can push to.
 */
export function forksRefusedBefore(job: Job, step: Step): boolean {
  if (/\b(always|failure)\s*\(|!\s*cancelled\s*\(/.test(step.if?.text ?? '')) return false;
  return job.steps.slice(0, job.steps.indexOf(step)).some((s) => {
    const script = s.run?.text ?? s.with?.entries.find((e) => e.name === 'script')?.value?.text ?? '';
    const test = FORK_TEST.exec(script);
    // The failure must be in the branch the fork test opens (up to its closing brace or fi).
    const branch = test ? script.slice(test.index).split(/\n\s*(?:\}|fi)\s*(?:\n|$|else)/)[0] : '';
    return (!s.continueOnError || s.continueOnError.text.trim() === 'false') && FAILS.test(branch);
  });
}

/** The head's last push, as the REST API reports it (the head repository's pushed_at, a commit's date). */
const HEAD_PUSH_TIME = /\bpushed_at\b|\bpushedAt\b/;
/** The time the triggering comment was written. */
const COMMENT_TIME = /comment\.created_at|comment\.createdAt/;

/**
 * The checkout names a commit an earlier step of the job read from the API, and that step fails the job when the head
 * was pushed at or after the triggering comment (ossf/scorecard's scdiff). With a membership check, the code checked
 * out is then the code the member saw when they commented: there is no window to push other code after the check.
 */
export function headPinnedAtComment(job: Job, checkout: CheckoutOfHead): boolean {
  const ref = checkout.step.with?.entries.find((e) => e.name === 'ref')?.value;
  const outputsOf = new Set(
    (ref?.expressions ?? []).flatMap((e) =>
      e.contexts.flatMap((c) => (c.segments[0] === 'steps' && c.segments[2] === 'outputs' ? [c.segments[1]] : [])),
    ),
  );
  return job.steps.slice(0, job.steps.indexOf(checkout.step)).some((s) => {
    if (!s.id || !outputsOf.has(s.id.text.trim().toLowerCase())) return false;
    if (s.continueOnError && s.continueOnError.text.trim() !== 'false') return false;
    const script = s.run?.text ?? s.with?.entries.find((e) => e.name === 'script')?.value?.text ?? '';
    return HEAD_PUSH_TIME.test(script) && COMMENT_TIME.test(script) && FAILS.test(script);
  });
}

/**
 * Only a member's approval lets the checkout run, and what runs is what they approved: a membership or permission
 * check before it, and the head pinned at the time of their comment.
 */
export function memberApprovedHead(job: Job, checkout: CheckoutOfHead, jobs: readonly Job[]): boolean {
  return permissionCheckedBefore(job, checkout.step, jobs) && headPinnedAtComment(job, checkout);
}

/**
 * A step before `step` (or a job this one needs) checks the actor's association or repository permission. Such a
 * check fails the job for outsiders, as a membership test in `if:` skips it.
 */
export function permissionCheckedBefore(job: Job, step: Step | undefined, jobs: readonly Job[]): boolean {
  const earlier = step ? job.steps.slice(0, job.steps.indexOf(step)) : [];
  const needed = jobs.filter((j) => job.needs.some((n) => n.text === j.id));
  return (
    earlier.some(checksPermission) ||
    needed.some((j) => j.steps.some(checksPermission) || /author_association/.test(j.if?.text ?? ''))
  );
}

/**
 * Conditions that restrict a job to trusted people or require a human step first: labels, environments, association
 * or permission checks in its `if:`, in an earlier step, or in a job it needs.
 */
export function gateOf(job: Job, step?: Step, jobs: Job[] = []): string | undefined {
  const conds = [job.if?.text ?? '', step?.if?.text ?? ''].join(' ');
  if (
    /author_association|github\.event\.(comment|review|issue|pull_request)\.user\.login\s*==|permission/i.test(conds) ||
    permissionCheckedBefore(job, step, jobs)
  ) {
    return "the author's association or permission is checked first, but the pull request can change between that check and the checkout";
  }
  if (/labels|label\.name/i.test(conds))
    return 'a label gates the job, but the pull request can change after the label is added';
  if (job.environment)
    return 'a protected environment may require approval, but the approved run still executes code that can change after review';
  return undefined;
}

/** The input that opens an AI agent's built-in write-access check to other users (`allow-users: "*"`), if set. */
export function agentOpenedBy(step: Step): { input: string; value: string } | undefined {
  const inputs = (step.uses?.slug && AI_AGENT_WRITE_ACCESS_GATES.get(step.uses.slug)) || [];
  for (const name of inputs) {
    const value = step.with?.entries.find((e) => e.name.toLowerCase() === name)?.value?.text;
    if (value !== undefined && value.trim() !== '' && value.trim() !== 'false') return { input: name, value };
  }
  return undefined;
}

/** An AI agent that acts on text whoever triggered the run wrote: no built-in write-access check, or one opened up. */
export function agentActsForAnyone(step: Step): boolean {
  const slug = step.uses?.slug;
  if (!slug || !AI_AGENT_PROMPTS.has(slug)) return false;
  return !AI_AGENT_WRITE_ACCESS_GATES.has(slug) || !!agentOpenedBy(step);
}
