// The repositories the fake GitHub serves in the online tests (synthetic SHAs, real shapes).
import type { FakeRepo } from './servers';

export const sha = (c: string) => c.repeat(40).slice(0, 40);
export const A = sha('a1'); // actions/checkout v4.2.2 (annotated), v4.2, v4
export const B = sha('b2'); // actions/checkout v4.1.1
export const C = sha('c3'); // actions/checkout main
export const F = sha('f4'); // a commit only in a fork of actions/checkout
export const D = sha('d5'); // tj-actions/changed-files v45.0.7, v45
export const E = sha('e6'); // tj-actions/changed-files v46.0.1, v46
export const G = sha('07'); // some-org/workflows main

export function fakeRepos(): Record<string, FakeRepo> {
  // 150 newer tags first, so the version tags are on the second page of 100.
  const filler = Array.from({ length: 150 }, (_, i) => ({ name: `nightly-${150 - i}`, sha: C }));
  return {
    'actions/checkout': {
      defaultBranch: 'main',
      branches: { main: C },
      tags: [
        ...filler,
        { name: 'v4', sha: A },
        { name: 'v4.2', sha: A },
        { name: 'v4.2.2', sha: A, tagObject: sha('9a') },
        { name: 'v4.1.1', sha: B },
      ],
      commits: [A, B, C],
      forkCommits: [F],
    },
    'tj-actions/changed-files': {
      defaultBranch: 'main',
      branches: { main: E },
      tags: [
        { name: 'v46', sha: E },
        { name: 'v46.0.1', sha: E },
        { name: 'v45', sha: D },
        { name: 'v45.0.7', sha: D },
      ],
      commits: [D, E],
      advisories: [
        {
          ghsa_id: 'GHSA-mrrh-fwg8-r2c3',
          cve_id: 'CVE-2025-30066',
          summary:
            'tj-actions/changed-files through 45.0.7 allows remote attackers to discover secrets by reading actions logs',
          severity: 'high',
          html_url: 'https://github.com/advisories/GHSA-mrrh-fwg8-r2c3',
          vulnerabilities: [
            {
              package: { ecosystem: 'actions', name: 'tj-actions/changed-files' },
              vulnerable_version_range: '<= 45.0.7',
              first_patched_version: '46.0.1',
            },
          ],
        },
      ],
    },
    'some-org/workflows': { defaultBranch: 'main', branches: { main: G }, tags: [], commits: [G] },
  };
}
