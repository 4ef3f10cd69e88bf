// The GitHub API the pinning test of the extension-host suite talks to: the online tests' loopback stand-in
// (test/online/servers.ts), started by the runner. The suite finds its URL in FLOWGUARD_E2E_GITHUB_API_URL and sets it
// as flowguard.githubApiUrl, as a GitHub Enterprise Server user would.
export async function startLoopbackGitHub() {
  const { tsImport } = await import('tsx/esm/api');
  const { startFakeGitHub } = await tsImport('../online/servers.ts', import.meta.url);
  const { fakeRepos } = await tsImport('../online/fixtures.ts', import.meta.url);
  return startFakeGitHub(fakeRepos());
}
