// Which GitHub repository a checkout is (owner/repo), so its own actions and reusable workflows named by owner/repo
// count as local code. Read from the `origin` remote in .git/config as text: git itself is not run.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gitRootOf } from './repo-files';

const cache = new Map<string, string | undefined>();

/** GITHUB_REPOSITORY (set on Actions runners), else the origin remote of the checkout holding `file`. */
export function repositoryOf(file: string, env: Record<string, string | undefined>): string | undefined {
  if (env.GITHUB_REPOSITORY && /^[\w.-]+\/[\w.-]+$/.test(env.GITHUB_REPOSITORY)) return env.GITHUB_REPOSITORY;
  const root = gitRootOf(file);
  if (!root) return undefined;
  if (!cache.has(root)) cache.set(root, originOf(root));
  return cache.get(root);
}

/** owner/repo of the checkout rooted at (or above) `root`, from its origin remote. */
export function repositoryAt(root: string): string | undefined {
  return repositoryOf(join(root, '.github'), {});
}

function originOf(root: string): string | undefined {
  try {
    const gitPath = join(root, '.git');
    // A worktree or submodule has a `.git` file pointing elsewhere; its config is shared with the main checkout.
    let configPath = join(gitPath, 'config');
    if (statSync(gitPath).isFile()) {
      const target = /^gitdir:\s*(.+)$/m.exec(readFileSync(gitPath, 'utf8'))?.[1]?.trim();
      if (!target) return undefined;
      const common = join(target.startsWith('/') ? target : join(root, target), 'commondir');
      let base = target.startsWith('/') ? target : join(root, target);
      try {
        base = join(base, readFileSync(common, 'utf8').trim());
      } catch {
        // not a linked worktree
      }
      configPath = join(base, 'config');
    }
    if (statSync(configPath).size > 1024 * 1024) return undefined;
    const config = readFileSync(configPath, 'utf8');
    const section = /\[remote "origin"\]([\s\S]*?)(?=\n\[|$)/.exec(config)?.[1] ?? '';
    const url = /^\s*url\s*=\s*(.+)$/m.exec(section)?.[1]?.trim();
    const m = url && /[:/]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(url);
    return m ? `${m[1]}/${m[2]}` : undefined;
  } catch {
    return undefined;
  }
}
