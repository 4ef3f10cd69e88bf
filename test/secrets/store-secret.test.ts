// Storing a secret through the GitHub REST API, against a local server on 127.0.0.1 that plays the API with a real
// X25519 key pair and opens the sealed box it receives. Also the CLI (`flowguard secret set`) and the gh path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sodium from 'libsodium-wrappers';
import { GitHubSecretsClient, type SecretStoreError } from '../../server/src/secretstore/github-api';
import { ghSecretSet, ghSecretSetArgs } from '../../server/src/secretstore/gh-cli';
import { runSecretCommand } from '../../server/src/secretstore/cli';

interface Received {
  method: string;
  url: string;
  auth?: string;
  name: string;
  value: string;
  keyId: string;
  visibility?: string;
}

let server: Server;
let base = '';
const received: Received[] = [];
let keys: { publicKey: Uint8Array; privateKey: Uint8Array };
const TOKEN = 'test-token-not-secret';

before(async () => {
  await sodium.ready;
  keys = sodium.crypto_box_keypair();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const url = req.url ?? '';
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(401).end('{"message":"Bad credentials"}');
        return;
      }
      const m =
        /^(?:\/api\/v3)?\/(?:repos\/[^/]+\/[^/]+\/(?:actions|environments\/[^/]+)|orgs\/[^/]+\/actions)\/secrets\/(.+)$/.exec(
          url,
        );
      if (req.method === 'GET' && m && m[1] === 'public-key') {
        res
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(
            JSON.stringify({ key_id: 'kid-1', key: sodium.to_base64(keys.publicKey, sodium.base64_variants.ORIGINAL) }),
          );
        return;
      }
      if (req.method === 'PUT' && m) {
        const { encrypted_value, key_id, visibility } = JSON.parse(body) as {
          encrypted_value: string;
          key_id: string;
          visibility?: string;
        };
        const opened = sodium.crypto_box_seal_open(
          sodium.from_base64(encrypted_value, sodium.base64_variants.ORIGINAL),
          keys.publicKey,
          keys.privateKey,
        );
        const isNew = !received.some((r) => r.url === url);
        received.push({
          method: 'PUT',
          url,
          auth: req.headers.authorization,
          name: decodeURIComponent(m[1]),
          value: sodium.to_string(opened),
          keyId: key_id,
          visibility,
        });
        res.writeHead(isNew ? 201 : 204).end();
        return;
      }
      res.writeHead(404).end('{"message":"Not Found"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
});

after(() => server.close());

test('repository secret: the server decrypts exactly the value, sealed with its public key', async () => {
  const client = new GitHubSecretsClient({ apiUrl: base, token: TOKEN });
  const value = 'ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d';
  assert.equal(await client.setSecret({ repo: 'octo/app' }, 'GH_PAT', value), 'created');
  assert.equal(await client.setSecret({ repo: 'octo/app' }, 'GH_PAT', value), 'updated');
  const last = received.at(-1)!;
  assert.equal(last.url, '/repos/octo/app/actions/secrets/GH_PAT');
  assert.equal(last.value, value);
  assert.equal(last.keyId, 'kid-1');
});

test('environment secret on a GitHub Enterprise Server base URL', async () => {
  const client = new GitHubSecretsClient({ apiUrl: `${base}/api/v3/`, token: TOKEN });
  await client.setSecret({ repo: 'octo/app', environment: 'prod uk' }, 'DB_PASSWORD', 'pä55wörd-ünïcode');
  const last = received.at(-1)!;
  assert.equal(last.url, '/api/v3/repos/octo/app/environments/prod%20uk/secrets/DB_PASSWORD');
  assert.equal(last.value, 'pä55wörd-ünïcode');
});

test('organisation secret: private repositories only, like gh secret set --org', async () => {
  const client = new GitHubSecretsClient({ apiUrl: base, token: TOKEN });
  await client.setSecret({ org: 'octo' }, 'NPM_TOKEN', 'npm_abcdefghijklmnopqrstuvwxyz0123456789');
  const last = received.at(-1)!;
  assert.equal(last.url, '/orgs/octo/actions/secrets/NPM_TOKEN');
  assert.equal(last.visibility, 'private');
  assert.equal(last.value, 'npm_abcdefghijklmnopqrstuvwxyz0123456789');
  assert.deepEqual(ghSecretSetArgs({ org: 'octo' }, 'NPM_TOKEN'), [
    'secret',
    'set',
    'NPM_TOKEN',
    '--org',
    'octo',
    '--visibility',
    'private',
  ]);
  await assert.rejects(client.setSecret({ org: '../x' }, 'A', 'value'), /invalid organisation/);
});

test('errors name the problem and never contain the value', async () => {
  const value = 'Zq8#mW2!vR5xLp9-never-shown';
  const bad = new GitHubSecretsClient({ apiUrl: base, token: 'wrong' });
  await assert.rejects(
    bad.setSecret({ repo: 'octo/app' }, 'X_TOKEN', value),
    (err: SecretStoreError) =>
      err.status === 401 && /expired|missing/.test(err.message) && !err.message.includes(value),
  );
  assert.throws(
    () => new GitHubSecretsClient({ apiUrl: 'http://ghe.example.com/api/v3', token: TOKEN }),
    /must use https/,
    'the token never goes over plain HTTP to another host',
  );
  assert.throws(() => new GitHubSecretsClient({ apiUrl: 'not a url', token: TOKEN }), /is not a URL/);
  const client = new GitHubSecretsClient({ apiUrl: base, token: TOKEN });
  await assert.rejects(client.setSecret({ repo: 'octo/app' }, 'GITHUB_X', value), /reserved/);
  await assert.rejects(client.setSecret({ repo: 'not a repo' }, 'X', value), /owner\/repo/);
  await assert.rejects(
    new GitHubSecretsClient({ apiUrl: 'http://127.0.0.1:1', token: TOKEN }).setSecret({ repo: 'o/r' }, 'X', value),
    (err: Error) => /cannot reach/.test(err.message) && !err.message.includes(value),
  );
});

test('CLI (flowguard secret set ...): reads the value from stdin and uses GITHUB_TOKEN', async () => {
  let out = '';
  let err = '';
  const io = {
    env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: base },
    stdout: (s: string) => (out += s),
    stderr: (s: string) => (err += s),
    readStdin: async () => 'npm_KLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFR\n',
  };
  assert.equal(await runSecretCommand(['set', 'NPM_TOKEN', '--repo', 'octo/app', '--env', 'release'], io), 0, err);
  assert.match(out, /NPM_TOKEN created in octo\/app \(environment release\)/);
  assert.equal(
    received.at(-1)!.value,
    'npm_KLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFR',
    'the trailing newline of echo is not part of the value',
  );
  assert.ok(!out.includes('KLzdoc') && !err.includes('KLzdoc'));
  assert.equal(await runSecretCommand(['set', 'NPM_TOKEN'], io), 2);
  assert.match(err, /--repo OWNER\/REPO is required/);
  assert.equal(await runSecretCommand(['set', 'NPM_TOKEN', '--repo'], io), 2);
  assert.match(err, /flowguard: --repo needs a value\n/);
});

test('gh secret set gets the value on stdin, never as an argument', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowguard-gh-'));
  try {
    // A stand-in for gh: succeeds only when the value arrives on stdin and is absent from the arguments.
    const gh = join(dir, 'gh');
    writeFileSync(
      gh,
      `#!${process.execPath}\nlet s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const a=process.argv.slice(2);` +
        `const ok=a.join(' ')==='secret set API_TOKEN --repo octo/app --env prod'&&s===process.env.EXPECTED&&!a.some(x=>x.includes(process.env.EXPECTED));process.exit(ok?0:3);});\n`,
    );
    chmodSync(gh, 0o755);
    process.env.EXPECTED = 'b3CXlMaXZjljENUhJduRHHJEYXg4JdpmrcXgGCJb';
    await ghSecretSet({ repo: 'octo/app', environment: 'prod' }, 'API_TOKEN', process.env.EXPECTED, gh);
    await assert.rejects(ghSecretSet({ repo: 'octo/app' }, 'API_TOKEN', 'other', gh), /gh secret set failed \(3\)/);
  } finally {
    delete process.env.EXPECTED;
    rmSync(dir, { recursive: true, force: true });
  }
});
