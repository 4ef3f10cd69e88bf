// `flowguard secret set NAME --gitlab-project ...` against a loopback GitLab API: a masked, protected variable is
// created (or updated when it exists), the token goes in PRIVATE-TOKEN, and the value is never printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runSecretCommand } from '../../server/src/secretstore/cli';
import { gitlabApiBase } from '../../server/src/secretstore/gitlab-api';

const VALUE = 'glpat-Qm7vX2pL9sT4wZ8rK3nB';

async function withApi(
  existing: Set<string>,
  run: (
    url: string,
    requests: Array<{ method: string; url: string; token?: string; body: Record<string, unknown> }>,
  ) => Promise<void>,
) {
  const requests: Array<{ method: string; url: string; token?: string; body: Record<string, unknown> }> = [];
  const server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk));
    req.on('end', () => respond(req, res, raw));
  });
  const respond = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const body = raw ? JSON.parse(raw) : {};
    requests.push({ method: req.method!, url: req.url!, token: req.headers['private-token'] as string, body });
    if (req.method === 'POST' && existing.has(body.key)) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: { key: [`(${body.key}) has already been taken`] } }));
      return;
    }
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ key: body.key, masked: body.masked, protected: body.protected }));
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests);
  } finally {
    server.close();
  }
}

function io(env: Record<string, string>) {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      env,
      stdout: (s: string) => (out.stdout += s),
      stderr: (s: string) => (out.stderr += s),
      readStdin: async () => `${VALUE}\n`,
    },
  };
}

test('creates a masked, protected CI/CD variable and never prints the value', async () => {
  await withApi(new Set(), async (url, requests) => {
    const { out, io: cliIo } = io({ GITLAB_TOKEN: 'test-token' });
    const code = await runSecretCommand(
      ['set', 'DEPLOY_TOKEN', '--gitlab-project', 'group/app', '--gitlab-url', url],
      cliIo,
    );
    assert.equal(code, 0, out.stderr);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].method, 'POST');
    assert.equal(requests[0].url, '/api/v4/projects/group%2Fapp/variables');
    assert.equal(requests[0].token, 'test-token');
    assert.deepEqual(
      {
        key: requests[0].body.key,
        value: requests[0].body.value,
        masked: requests[0].body.masked,
        protected: requests[0].body.protected,
      },
      { key: 'DEPLOY_TOKEN', value: VALUE, masked: true, protected: true },
    );
    assert.match(out.stdout, /Created masked, protected CI\/CD variable DEPLOY_TOKEN/);
    assert.ok(!out.stdout.includes(VALUE) && !out.stderr.includes(VALUE));
  });
});

test('updates the variable when it already exists', async () => {
  await withApi(new Set(['DEPLOY_TOKEN']), async (url, requests) => {
    const { out, io: cliIo } = io({ GITLAB_TOKEN: 'test-token', GITLAB_URL: url });
    assert.equal(await runSecretCommand(['set', 'DEPLOY_TOKEN', '--gitlab-project', '42'], cliIo), 0, out.stderr);
    assert.deepEqual(
      requests.map((r) => `${r.method} ${r.url}`),
      ['POST /api/v4/projects/42/variables', 'PUT /api/v4/projects/42/variables/DEPLOY_TOKEN'],
    );
    assert.match(out.stdout, /Updated/);
  });
});

test('refuses plain-HTTP GitLab URLs other than loopback, and runs without a token', async () => {
  assert.throws(() => gitlabApiBase('http://gitlab.example.com'), /https/);
  assert.equal(gitlabApiBase('https://gitlab.example.com/'), 'https://gitlab.example.com/api/v4');
  const { out, io: cliIo } = io({});
  assert.equal(await runSecretCommand(['set', 'X_TOKEN', '--gitlab-project', '42'], cliIo), 1);
  assert.match(out.stderr, /GITLAB_TOKEN is required/);
});
