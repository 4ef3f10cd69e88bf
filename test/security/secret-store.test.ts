// Secret storing: `.`/`..` names cannot move a REST call to another API path, and gh's error text never carries the
// value (every copy masked). The API runs on 127.0.0.1; the gh stand-in is a script written by the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitHubSecretsClient } from '../../server/src/secretstore/github-api';
import { ghSecretSet } from '../../server/src/secretstore/gh-cli';
import { tempRepo } from './helpers';

test('REST API: repository and environment names `.` and `..` are rejected before any request', async (t) => {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    res.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const client = new GitHubSecretsClient({
    apiUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    token: 'test-token-not-secret',
  });
  for (const target of [
    { repo: 'octo/..' },
    { repo: '../app' },
    { repo: 'octo/.' },
    { repo: 'octo/app', environment: '..' },
    { repo: 'octo/app', environment: '.' },
    { repo: 'octo/app', environment: '../../../user' },
  ])
    await assert.rejects(client.setSecret(target, 'API_TOKEN', 'value-1234567890'), /invalid (repository|environment)/);
  assert.deepEqual(paths, [], 'no request was sent');
});

test('gh: an error echoing the value twice is masked everywhere', async (t) => {
  const dir = tempRepo(t);
  const gh = join(dir, 'gh');
  const value = 'b3CXlMaXZjljENUhJduRHHJEYXg4JdpmrcXgGCJb';
  writeFileSync(
    gh,
    `#!${process.execPath}\nlet s='';process.stdin.on('data',d=>s+=d).on('end',()=>{process.stderr.write('bad '+s+' and '+s+'\\n');process.exit(1);});\n`,
  );
  chmodSync(gh, 0o755);
  await assert.rejects(ghSecretSet({ repo: 'octo/app' }, 'API_TOKEN', value, gh), (err: Error) => {
    assert.match(err.message, /gh secret set failed \(1\)/);
    assert.ok(!err.message.includes(value.slice(0, 20)), err.message);
    return true;
  });
  await assert.rejects(
    ghSecretSet({ repo: 'octo/app', environment: '..' }, 'API_TOKEN', value, gh),
    /invalid environment/,
  );
});
