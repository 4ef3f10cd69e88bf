// The repository a checkout is, read from .git/config's origin (git is not run): its own actions are local code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryOf } from '../../server/src/io/repository';
import { runCli, tempDir } from '../cli/helpers';

test('owner/repo comes from GITHUB_REPOSITORY, else the origin remote; a scan then leaves its own workflows alone', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, '.git'));
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  writeFileSync(
    join(dir, '.git', 'config'),
    '[core]\n\tbare = false\n[remote "upstream"]\n\turl = https://github.com/other/fork.git\n[remote "origin"]\n\turl = git@github.com:Me/Repo.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n',
  );
  const file = join(dir, '.github', 'workflows', 'ci.yml');
  writeFileSync(
    file,
    'on: push\npermissions: {}\njobs:\n  own:\n    uses: me/repo/.github/workflows/build.yml@main\n  other:\n    uses: other/repo/.github/workflows/build.yml@main\n',
  );
  assert.equal(repositoryOf(file, {}), 'Me/Repo');
  assert.equal(repositoryOf(file, { GITHUB_REPOSITORY: 'org/ci' }), 'org/ci');
  const run = await runCli(['scan', '.', '--format', 'json', '--no-fail'], {
    cwd: dir,
    env: { GITHUB_REPOSITORY: '' },
  });
  const actions = (JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; message: string }> }).findings
    .filter((f) => f.ruleId === 'unpinned-uses')
    .map((f) => f.message.split(' ')[2]);
  assert.deepEqual(actions, ['other/repo/.github/workflows/build.yml']);
});
