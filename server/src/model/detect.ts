// Which files Flowguard analyzes, and as what.
import type { ParsedYaml } from '../yaml/parse';
import { isMap, mapGet, resolveAlias } from '../yaml/parse';

export type FileKind = 'workflow' | 'action';

const WORKFLOW_PATH = /(^|[\\/])\.github[\\/]workflows[\\/][^\\/]+\.ya?ml$/i;
const ACTION_PATH = /(^|[\\/])action\.ya?ml$/i;

/** Kind by path alone: `.github/workflows/*.yml|yaml` and `action.yml|yaml`. */
export function kindFromPath(path: string): FileKind | undefined {
  if (WORKFLOW_PATH.test(path)) return 'workflow';
  if (ACTION_PATH.test(path)) return 'action';
  return undefined;
}

/** Kind by content, for files named explicitly or included by config: `runs:` means an action, `jobs:`/`on:` a workflow. */
export function kindFromContent(parsed: ParsedYaml): FileKind | undefined {
  const root = resolveAlias(parsed.doc?.contents);
  if (!isMap(root)) return undefined;
  if (mapGet(root, 'runs') !== undefined && mapGet(root, 'jobs') === undefined) return 'action';
  if (mapGet(root, 'jobs') !== undefined || mapGet(root, 'on') !== undefined) return 'workflow';
  return undefined;
}
