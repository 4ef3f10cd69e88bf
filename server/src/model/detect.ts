// Which files Flowguard analyzes, and as what.
import type { ParsedYaml } from '../yaml/parse';
import { isMap, keyName, mapGet, mapPairs, resolveAlias } from '../yaml/parse';

/** workflow and action: GitHub Actions; gitlab: a GitLab CI configuration (a pipeline or a file it includes). */
export type FileKind = 'workflow' | 'action' | 'gitlab';

const WORKFLOW_PATH = /(^|[\\/])\.github[\\/]workflows[\\/][^\\/]+\.ya?ml$/i;
const ACTION_PATH = /(^|[\\/])action\.ya?ml$/i;
/** `.gitlab-ci.yml`, `*.gitlab-ci.yml`, and YAML under `.gitlab/ci/` or `.gitlab-ci/`. */
const GITLAB_PATH =
  /(^|[\\/])([^\\/]*\.)?\.?gitlab-ci\.ya?ml$|(^|[\\/])(\.gitlab[\\/]ci|\.gitlab-ci)[\\/](?:[^\\/]+[\\/])*[^\\/]+\.ya?ml$/i;

/** Kind by path alone: `.github/workflows/*.yml|yaml`, `action.yml|yaml`, and GitLab CI file names and folders. */
export function kindFromPath(path: string): FileKind | undefined {
  if (WORKFLOW_PATH.test(path)) return 'workflow';
  if (ACTION_PATH.test(path)) return 'action';
  if (GITLAB_PATH.test(path)) return 'gitlab';
  return undefined;
}

/** YAML under `.gitlab/` that may be CI configuration (included by the pipeline) or not (agent config): decided by content. */
const GITLAB_FOLDER = /(^|[\\/])\.gitlab[\\/](?:[^\\/]+[\\/])*[^\\/]+\.ya?ml$/i;

/** Files worth reading to decide by content whether they are GitLab CI configuration. */
export function maybeGitlabPath(path: string): boolean {
  return GITLAB_FOLDER.test(path);
}

/** Top-level keywords only a GitLab CI configuration has. */
const GITLAB_GLOBALS = ['stages', 'include', 'workflow', 'default'];
/** Keys that make a top-level mapping a GitLab job. */
const GITLAB_JOB_KEYS = ['script', 'trigger', 'extends', 'run'];

/**
 * Kind by content, for files named explicitly, included by config or by a pipeline: `runs:` means an action,
 * `jobs:`/`on:` a workflow; GitLab CI global keywords, jobs with `script:`/`trigger:`/`extends:`, or a `spec:` header a GitLab file.
 */
export function kindFromContent(parsed: ParsedYaml): FileKind | undefined {
  if (parsed.header) return 'gitlab';
  const root = resolveAlias(parsed.doc?.contents);
  if (!isMap(root)) return undefined;
  if (mapGet(root, 'runs') !== undefined && mapGet(root, 'jobs') === undefined) return 'action';
  if (mapGet(root, 'jobs') !== undefined || mapGet(root, 'on') !== undefined) return 'workflow';
  for (const pair of mapPairs(root)) {
    const name = keyName(pair);
    if (name === undefined) continue;
    if (GITLAB_GLOBALS.includes(name)) return 'gitlab';
    const value = resolveAlias(pair.value);
    if (isMap(value) && GITLAB_JOB_KEYS.some((k) => mapGet(value, k) !== undefined)) return 'gitlab';
  }
  return undefined;
}
