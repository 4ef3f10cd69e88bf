// The GitHub token for online checks: GH_TOKEN, GITHUB_TOKEN, else `gh auth token` (run directly, never via a shell).
import { execFile } from 'node:child_process';

export async function githubToken(
  env: Record<string, string | undefined>,
  apiUrl: string,
): Promise<string | undefined> {
  const fromEnv = env.GH_TOKEN?.trim() || env.GITHUB_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  const host = new URL(apiUrl).hostname;
  const args = ['auth', 'token', ...(host === 'api.github.com' ? [] : ['--hostname', host.replace(/^api\./, '')])];
  return new Promise((resolve) => {
    execFile(
      'gh',
      args,
      { timeout: 5000, windowsHide: true, env: { ...env, GH_PROMPT_DISABLED: '1' } },
      (err, stdout) => {
        const token = String(stdout ?? '').trim();
        resolve(err || !/^[\w-]{20,}$/.test(token) ? undefined : token);
      },
    );
  });
}

/** --github-api-url, else GITHUB_API_URL (set on Actions runners and GHES), else the setting, else api.github.com. */
export function githubApiUrl(
  explicit: string | undefined,
  env: Record<string, string | undefined>,
  setting?: string,
): string {
  return explicit || env.GITHUB_API_URL || setting || 'https://api.github.com';
}
