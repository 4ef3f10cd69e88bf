// file: URIs <-> paths, and paths relative to a workspace root (forward slashes, as config globs expect).
import { relative, sep } from 'node:path';

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file://')) return undefined;
  let path = decodeURIComponent(uri.slice('file://'.length).replace(/^[^/]*/, ''));
  // Windows drive letters: file:///c%3A/x -> c:/x
  if (/^\/[A-Za-z]:/.test(path)) path = path.slice(1);
  return sep === '\\' ? path.replace(/\//g, '\\') : path;
}

/** Encodes like VS Code's `Uri.file(path).toString()` for the characters that occur in real paths. */
export function pathToUri(path: string): string {
  let p = path.replace(/\\/g, '/');
  if (/^[A-Za-z]:/.test(p)) p = `/${p[0].toLowerCase()}${p.slice(1)}`;
  return (
    'file://' +
    p
      .split('/')
      .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
      .join('/')
  );
}

/** `path` relative to `root` with forward slashes, or undefined when it is outside root. */
export function relativeTo(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || /^[A-Za-z]:/.test(rel) || rel.startsWith('/')) return undefined;
  return rel.split(sep).join('/');
}
