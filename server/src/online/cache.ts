// A small disk cache for API answers: one JSON file per request URL under the user's cache folder, with the time it
// was stored and the ETag for conditional requests. Tokens are never stored; a broken entry is a miss.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface CacheEntry {
  storedAt: number;
  etag?: string;
  status: number;
  body: unknown;
}

/** FLOWGUARD_CACHE_DIR, else $XDG_CACHE_HOME/flowguard, else the platform's user cache folder. */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env): string {
  if (env.FLOWGUARD_CACHE_DIR) return env.FLOWGUARD_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'flowguard');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'flowguard', 'cache');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'flowguard');
  return join(homedir(), '.cache', 'flowguard');
}

export class DiskCache {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    return join(this.dir, createHash('sha256').update(key).digest('hex').slice(0, 40) + '.json');
  }

  get(key: string): CacheEntry | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.file(key), 'utf8')) as CacheEntry & { key?: string };
      return entry.key === key && typeof entry.storedAt === 'number' ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  set(key: string, entry: CacheEntry): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      const file = this.file(key);
      const tmp = `${file}.${process.pid}.tmp`;
      // Written aside and renamed, so a concurrent reader never sees half a file.
      writeFileSync(tmp, JSON.stringify({ key, ...entry }), 'utf8');
      renameSync(tmp, file);
    } catch {
      // A cache that cannot be written only costs requests.
    }
  }
}
