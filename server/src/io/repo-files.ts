// Reading other files of the repository for the analysis (local reusable workflows, local composite actions).
// The core does no I/O: the CLI and the language server build a reader here and hand it to the engine.
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { SizedLru } from '../text/sized-lru';
import { SKIPPED_DIRS } from './walk';

/** Callee files beyond this are not read: a reusable workflow or action.yml is a few KB. */
const MAX_CALLEE_BYTES = 1024 * 1024;
/**
 * Text a reader keeps, least recently read first out: a repository's workflows and actions total well under 1 MB
 * (the corpus's largest, 0.6 MB of workflows); a folder of hundreds of 1 MB files kept whole cost each scan thread
 * 10-20 MB more (issue 16).
 */
const MAX_MEMO_CHARS = 4 * 1024 * 1024;

/**
 * The repository a workflow or action file belongs to: the folder holding `.github/workflows/` for a workflow, else
 * the nearest ancestor with `.git`, else the folder holding `.github/` (an action in `.github/actions/x` of a copy
 * without git), else `fallback` (the working directory or workspace folder).
 */
export function repoRootOf(file: string, fallback: string): string {
  const normalized = file.split(sep).join('/');
  const at = normalized.lastIndexOf('/.github/workflows/');
  if (at >= 0) return normalized.slice(0, at).split('/').join(sep) || sep;
  const git = gitRootOf(file);
  if (git) return git;
  const github = normalized.lastIndexOf('/.github/');
  return github >= 0 ? normalized.slice(0, github).split('/').join(sep) || sep : fallback;
}

/** The nearest ancestor folder of `file` that holds `.git` (a folder, or a file in worktrees and submodules). */
export function gitRootOf(file: string): string | undefined {
  let dir = dirname(file);
  for (let i = 0; i < 64; i++) {
    if (existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

export type RepoFileReader = ((repoRelativePath: string) => string | undefined) & {
  /** File names directly inside a repository-relative folder (the callers of a reusable workflow or local action). */
  list?: (repoRelativeDir: string) => string[];
  /** Repository-relative paths of every `action.yml`/`action.yaml` (composite actions calling other local actions). */
  actionFiles?: () => string[];
  /**
   * The text this reader already read from disk for an absolute path, without touching the disk: the scan analyzes
   * the siblings a caller look-up read, and reads them once.
   */
  cached?: (absolutePath: string) => string | undefined;
};

/** A folder is listed up to this many entries: `.github/workflows` holds tens of files. */
const MAX_LISTED = 500;
/** The search for action files visits at most this many folders and keeps this many files (a monorepo has a few). */
const MAX_ACTION_SEARCH_DIRS = 5000;
const MAX_ACTION_FILES = 200;
const ACTION_FILE = /^action\.ya?ml$/;

/**
 * Every action metadata file under `base`, breadth first (actions sit near the top: `.github/actions/x`, `actions/x`)
 * and bounded, so a huge tree costs a fixed number of folder reads. Symbolic links are not followed.
 */
function findActionFiles(base: string): string[] {
  const out: string[] = [];
  const queue = [base];
  for (let visited = 0; visited < queue.length && visited < MAX_ACTION_SEARCH_DIRS; visited++) {
    const dir = queue[visited];
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) queue.push(join(dir, e.name));
      } else if (e.isFile() && ACTION_FILE.test(e.name) && out.length < MAX_ACTION_FILES)
        out.push(relative(base, join(dir, e.name)).split(sep).join('/'));
    }
  }
  return out;
}

export interface RepoFileReaderOptions {
  /**
   * Resolve each folder's real path once for the reader's life instead of on every disk read. For a reader that lives
   * as long as a scan: resolving every file's path component by component cost more than reading it (1,921
   * `realpathSync` calls over the corpus, 679 with this). A long-lived reader (the language server's) leaves it off,
   * so a folder replaced by a link out of the repository after a first read is refused.
   */
  cacheFolderPaths?: boolean;
}

/**
 * A reader of repository-relative paths under `root`. Disk reads are memoised for the reader's life (a CLI scan; in
 * the language server, until a watched file changes), up to MAX_MEMO_CHARS of text; `overlay`, the editor's unsaved
 * text for an absolute path, is asked first on every read. Paths that leave the root (`..`, absolute paths, symbolic
 * links pointing outside) read as missing: a workflow's text must not make Flowguard open files elsewhere.
 */
export function repoFileReader(
  root: string,
  overlay?: (absolutePath: string) => string | undefined,
  { cacheFolderPaths = false }: RepoFileReaderOptions = {},
): RepoFileReader {
  const base = resolve(root);
  const memo = new SizedLru<string, string | undefined>(MAX_MEMO_CHARS);
  const inside = (path: string, dir: string) => path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
  // A file that is not a link is its folder's real path plus its name (one lstat).
  const realFolders = new Map<string, string>();
  const realFolder = (dir: string): string => {
    if (!cacheFolderPaths) return realpathSync(dir);
    let real = realFolders.get(dir);
    if (real === undefined) realFolders.set(dir, (real = realpathSync(dir)));
    return real;
  };
  /** A file's text when its real path is inside the repository and it is callee-sized; throws when it is missing. */
  const readInside = (abs: string): string | undefined => {
    // The path checked is the path read: a folder's real path holds no link, so only the name itself can be one.
    let real = join(realFolder(dirname(abs)), basename(abs));
    let stat = lstatSync(real);
    if (stat.isSymbolicLink()) {
      real = realpathSync(real);
      stat = statSync(real);
    }
    return inside(real, realFolder(base)) && stat.isFile() && stat.size <= MAX_CALLEE_BYTES
      ? readFileSync(real, 'utf8')
      : undefined;
  };
  const listed = new Map<string, string[]>();
  const list = (repoRelativeDir: string): string[] => {
    const rel = repoRelativeDir.replace(/\\/g, '/').replace(/^\.\//, '');
    const abs = resolve(base, rel);
    if (!rel || rel.startsWith('/') || !inside(abs, base)) return [];
    let names = listed.get(abs);
    if (!names) {
      try {
        names = inside(realFolder(abs), realFolder(base)) ? readdirSync(abs).sort().slice(0, MAX_LISTED) : [];
      } catch {
        names = [];
      }
      listed.set(abs, names);
    }
    return names;
  };
  const read: RepoFileReader = (repoRelativePath) => {
    const rel = repoRelativePath.replace(/\\/g, '/').replace(/^\.\//, '');
    if (!rel || rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) return undefined;
    const abs = resolve(base, rel);
    if (!inside(abs, base)) return undefined;
    const unsaved = overlay?.(abs);
    if (unsaved !== undefined) return unsaved;
    if (memo.has(abs)) return memo.get(abs);
    let text: string | undefined;
    try {
      text = readInside(abs);
    } catch {
      text = undefined;
    }
    memo.set(abs, text, text?.length ?? 0);
    return text;
  };
  read.list = list;
  read.cached = (absolutePath) => (memo.has(absolutePath) ? memo.get(absolutePath) : undefined);
  let actions: string[] | undefined;
  read.actionFiles = () => (actions ??= findActionFiles(base));
  return read;
}

/**
 * Editors hide a UTF-8 byte order mark; files read from disk start with it. It is split off before analysis so
 * columns on the first line match what the user sees, and put back when a fixed file is written.
 */
export function splitBom(raw: string): { bom: string; text: string } {
  return raw.charCodeAt(0) === 0xfeff ? { bom: '\uFEFF', text: raw.slice(1) } : { bom: '', text: raw };
}

/** Files the language server reads from disk beyond this are skipped (the parser refuses them anyway). */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** A closed document's text as an editor would show it (no BOM); undefined when missing, unreadable or too large. */
export function readDocument(path: string): string | undefined {
  try {
    return statSync(path).size > MAX_DOCUMENT_BYTES ? undefined : splitBom(readFileSync(path, 'utf8')).text;
  } catch {
    return undefined;
  }
}
