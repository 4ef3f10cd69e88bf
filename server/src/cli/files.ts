// Which files `flowguard scan PATH...` analyses. Folders are walked for workflows (.github/workflows/*.yml|yaml) and
// action metadata (action.yml|yaml), plus YAML matched by the config's `include` globs; node_modules and .git are
// skipped, symlinked folders are not followed (no loops), linked files only when they stay inside the scanned folder. A file named explicitly is analysed whatever its path.
// `ignore` globs apply to both; globs are relative to the config file's folder (or the working directory).
import { lstatSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { isIgnored, isIncluded, type FlowguardConfig } from '../engine/config';
import { kindFromPath } from '../model/detect';
import { CliError } from './args';

const SKIPPED_DIRS = new Set(['node_modules', '.git']);
const YAML_FILE = /\.ya?ml$/i;

export interface Target {
  /** Absolute path. */
  file: string;
  explicit: boolean;
}

export interface Collected {
  targets: Target[];
  /** Explicit files left out because the config ignores them. */
  ignored: string[];
  /** Folders that could not be read. */
  errors: string[];
}

/** Forward-slash path relative to `base`. */
export function relativePath(base: string, file: string): string {
  return relative(base, file).split(sep).join('/');
}

export function collectTargets(
  paths: readonly string[],
  cwd: string,
  baseDir: string,
  config: FlowguardConfig,
): Collected {
  const found = new Map<string, Target>();
  const ignored: string[] = [];
  const errors: string[] = [];
  const ignoredPath = (abs: string) => isIgnored(config, relativePath(baseDir, abs));

  for (const p of paths) {
    const abs = resolve(cwd, p);
    let stats: Stats;
    try {
      stats = statSync(abs);
    } catch (err) {
      throw new CliError(`cannot read ${p}: ${describeIoError(err)}`);
    }
    // A FIFO or device could block the scan forever.
    if (!stats.isDirectory() && !stats.isFile()) throw new CliError(`cannot read ${p}: not a regular file or folder`);
    if (stats.isFile()) {
      if (lstatSync(abs).isSymbolicLink() && !isFileLinkInside(abs, cwd))
        throw new CliError(`cannot read ${p}: a symbolic link to a file outside ${cwd}`);
      if (ignoredPath(abs)) ignored.push(p);
      else found.set(abs, { file: abs, explicit: true });
      continue;
    }
    const stack = [abs];
    while (stack.length) {
      const dir = stack.pop()!;
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        errors.push(`cannot read folder ${relativePath(cwd, dir) || '.'}: ${describeIoError(err)}`);
        continue;
      }
      for (const entry of entries) {
        const child = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRS.has(entry.name) && !ignoredPath(child)) stack.push(child);
          continue;
        }
        if (!YAML_FILE.test(entry.name) || found.has(child)) continue;
        // A link is followed only to a file inside the folder being scanned: a repository must not make the scan
        // read (and print, and --fix rewrite) a file elsewhere on the machine.
        if (!entry.isFile() && !(entry.isSymbolicLink() && isFileLinkInside(child, abs))) continue;
        const rel = relativePath(baseDir, child);
        if (isIgnored(config, rel)) continue;
        if (kindFromPath(child) || isIncluded(config, rel)) found.set(child, { file: child, explicit: false });
      }
    }
  }
  const targets = [...found.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { targets, ignored, errors };
}

function isFileLinkInside(path: string, root: string): boolean {
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

export function describeIoError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    case 'ELOOP':
      return 'a symbolic link (not followed)';
    default:
      return e?.code ?? (e?.message ? e.message.split('\n')[0] : String(err));
  }
}
