// Which files `flowguard scan PATH...` analyzes. Folders are walked for workflows (.github/workflows/*.yml|yaml) and
// action metadata (action.yml|yaml), plus YAML matched by the config's `include` globs; node_modules and .git are
// skipped, symlinked folders are not followed (no loops), linked files only when they stay inside the scanned folder. A file named explicitly is analyzed whatever its path.
// `ignore` globs apply to both; globs are relative to the config file's folder (or the working directory).
import { lstatSync, statSync, type Stats } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { isIgnored, isIncluded, type FlowguardConfig } from '../engine/config';
import { isFileLinkInside, walkYamlFiles } from '../io/walk';
import { kindFromPath, maybeGitlabPath } from '../model/detect';
import { CliError } from './args';

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
    const files = walkYamlFiles(abs, {
      fileLinks: true,
      skip: (path, isDirectory) => (isDirectory ? ignoredPath(path) : found.has(path)),
      onError: (dir, err) =>
        errors.push(`cannot read folder ${relativePath(cwd, dir) || '.'}: ${describeIoError(err)}`),
    });
    for (const file of files) {
      const rel = relativePath(baseDir, file);
      if (isIgnored(config, rel)) continue;
      if (kindFromPath(file) || maybeGitlabPath(rel) || isIncluded(config, rel))
        found.set(file, { file, explicit: false });
    }
  }
  const targets = [...found.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { targets, ignored, errors };
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
