// The one file walker of the adapters (`flowguard scan` folders and the language server's workspace scan): YAML files
// under a folder, depth first in directory order. Folders no workflow lives in (and that can be huge) are skipped;
// symbolic links to folders are never followed (no loops), links to files only when asked.
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';

export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn']);
const YAML_FILE = /\.ya?ml$/i;

export interface WalkOptions {
  /** Leaves out a file or a whole folder (absolute path), e.g. by the config's `ignore` globs. */
  skip?(path: string, isDirectory: boolean): boolean;
  /**
   * Yields symbolic links to files too (the CLI does; the editor's workspace scan does not), but only links whose
   * target stays inside `root`: a repository must not make the scan read (and print, and --fix rewrite) a file
   * elsewhere on the machine.
   */
  fileLinks?: boolean;
  /** A folder that could not be read (it is skipped). */
  onError?(dir: string, err: unknown): void;
}

export function walkYamlFiles(root: string, options: WalkOptions = {}): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      options.onError?.(dir, err);
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      // Dirent types do not follow symlinks, so a link loop cannot trap the walk.
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name) && !options.skip?.(path, true)) walk(path);
      } else if (YAML_FILE.test(e.name) && (e.isFile() || (options.fileLinks && isFileLinkInside(path, root)))) {
        if (!options.skip?.(path, false)) out.push(path);
      }
    }
  };
  walk(root);
  return out;
}

export function isFileLinkInside(path: string, root: string): boolean {
  try {
    const real = realpathSync(path);
    const realRoot = realpathSync(root);
    return (
      statSync(real).isFile() &&
      (real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep))
    );
  } catch {
    return false;
  }
}
