// "Already leaked": findings whose value is in a committed version of the file say so and ask for rotation.
// Runs git in a temporary repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { markLeakedSecrets } from '../../server/src/secretstore/git-history';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, stdio: 'pipe' });
const workflow = (token: string) =>
  `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n        env:\n          API_TOKEN: ${token}\n`;

test('a credential committed in an earlier version is marked as leaked; a new one is not', async (t) => {
  try {
    execFileSync('git', ['--version'], { stdio: 'pipe' });
  } catch {
    t.skip('git is not installed');
    return;
  }
  const repo = mkdtempSync(join(tmpdir(), 'flowguard-git-'));
  try {
    git(repo, 'init', '-q');
    mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
    const rel = '.github/workflows/ci.yml';
    const committed = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';
    writeFileSync(join(repo, rel), workflow(committed));
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'add ci');
    // The working copy now moves the committed token elsewhere and adds a new one that was never committed.
    const fresh = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
    const text = workflow(fresh) + `      - run: make\n        env:\n          OLD_TOKEN: ${committed}\n`;
    const result = analyze({ path: join(repo, rel), text });
    assert.equal(await markLeakedSecrets(result, repo), 1);
    const [newOne, oldOne] = result.findings.filter((f) => f.ruleId === 'hardcoded-credential');
    assert.equal(newOne.properties?.leakedInHistory, undefined);
    assert.equal(oldOne.properties?.leakedInHistory, true);
    assert.match(
      oldOne.message,
      /already in the git history \(commit [0-9a-f]{12}\): it is exposed and must be rotated/,
    );
    assert.ok(!oldOne.message.includes(committed));

    // A file git does not track: nothing to mark, no error.
    const untracked = analyze({ path: join(repo, 'other.yml'), text: workflow(committed) });
    assert.equal(await markLeakedSecrets(untracked, repo), 0);
    // Not a repository at all.
    assert.equal(await markLeakedSecrets(analyze({ path: 'x.yml', text: workflow(committed) }), tmpdir()), 0);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});
