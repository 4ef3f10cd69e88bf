// Where credentials are found and what is left alone, through the real engine on real YAML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskSecret } from '../../server/src/analysis/mask';
import { isSecretLikeName, secretNameFrom } from '../../server/src/analysis/secrets/names';
import { genericStrength, isPlaceholder } from '../../server/src/analysis/secrets/values';
import { analyzeText, ofRule, fixFile } from '../helpers';

const found = (text: string) => ofRule(analyzeText(text), 'hardcoded-credential');
const wf = (steps: string) => `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;

test('run scripts: headers, -u user:pass, --password, export NAME=, URLs with credentials', () => {
  const text = wf(
    [
      '      - run: |',
      '          curl -H "Authorization: token Qm9vbGVhbkZsYWdzQXJlTm90U2VjcmV0cw" https://api.example.com',
      '          curl -u deploy:Xk3!pQ8vLm2#wR9z https://repo.example.com',
      '          mysql --password=Hn4pQ8vLm2wR9zKt -h db.example.com',
      '          export DEPLOY_SECRET=Zx81Lq0Pw7Ks3Vb6Nm2',
      '          git push https://bot:Pq7Ws2Xe9Rd4@git.example.com/repo.git',
      '',
    ].join('\n'),
  );
  const hits = found(text).map((f) => text.slice(f.span.start, f.span.end));
  assert.deepEqual(hits, [
    'Qm9vbGVhbkZsYWdzQXJlTm90U2VjcmV0cw',
    'Xk3!pQ8vLm2#wR9z',
    'Hn4pQ8vLm2wR9zKt',
    'Zx81Lq0Pw7Ks3Vb6Nm2',
    'Pq7Ws2Xe9Rd4',
  ]);
});

test('run scripts: references and expansions are never credentials', () => {
  const text = wf(
    [
      '      - env:',
      '          TOKEN: ${{ secrets.TOKEN }}',
      '        run: |',
      '          curl -H "Authorization: Bearer $TOKEN" -H "Authorization: token ${TOKEN}" https://api.example.com',
      '          curl -u "$USER:$PASSWORD" https://example.com',
      '          git clone https://x-access-token:${{ secrets.GH_PAT }}@github.com/o/r.git',
      '          export API_KEY=$(cat key.txt)',
      '          PASSWORD=${PASSWORD:-} ./run.sh',
      '          docker login -u bot --password-stdin < token.txt',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    found(text).map((f) => f.message),
    [],
  );
});

test('generic values: entropy and shape decide, placeholders and non-secrets are skipped', () => {
  assert.equal(genericStrength('9f8e7d6c5b4a39281706f5e4d3c2b1a0'), 'medium');
  assert.equal(genericStrength('s3cr3t-Pa55word!'), 'medium');
  assert.equal(genericStrength('Forge123'), 'low');
  for (const v of [
    'changeme',
    '<your-token>',
    'your-api-key-here',
    'xxxxxxxx',
    'REPLACE_ME',
    '/run/secrets/pw',
    'https://example.com/token',
    'true',
    '12345',
    'read-write',
    'os.getenv("TOKEN")',
  ]) {
    assert.equal(genericStrength(v), undefined, v);
  }
  assert.ok(isPlaceholder('AKIAIOSFODNN7EXAMPLE'));
  assert.ok(isSecretLikeName('NPM_TOKEN') && isSecretLikeName('db-password') && isSecretLikeName('client_secret'));
  for (const n of [
    'TOKEN_URL',
    'PASSWORD_FILE',
    'token-format',
    'SECRET_NAME',
    'PWD',
    'skip-token',
    'GITHUB_TOKEN_PERMISSIONS',
  ])
    assert.ok(!isSecretLikeName(n), n);
});

test('generic confidence: long random value under a secret name is medium, a plausible password low', () => {
  const text = 'on: push\nenv:\n  API_TOKEN: 9f8e7d6c5b4a39281706f5e4d3c2b1a0\n  ADMIN_PASSWORD: Forge123\njobs: {}\n';
  assert.deepEqual(
    found(text).map((f) => [f.confidence, f.severity]),
    [
      ['medium', 'high'],
      ['low', 'medium'],
    ],
  );
});

test("service containers: a password shared with the job's service is info, says so, and has no fix", () => {
  const text =
    'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    services:\n      db:\n        image: postgres\n        env:\n          POSTGRES_PASSWORD: postgres\n    steps:\n      - run: make\n        env:\n          DATABASE_URL: postgres://postgres:postgres@db:5432/test\n';
  const fs = found(text);
  assert.equal(fs.length, 2);
  for (const f of fs) {
    assert.equal(f.severity, 'info');
    assert.match(f.message, /a throwaway test service of this job \(db\)/);
    assert.deepEqual(f.fixes, []);
  }
});

test('reusable-workflow secrets:, container credentials and action input defaults are examined', () => {
  const token = 'glpat-6Vw5DQL05HA064GiIjHG';
  const call = `on: push\njobs:\n  call:\n    uses: ./.github/workflows/x.yml\n    secrets:\n      token: ${token}\n  run:\n    runs-on: ubuntu-latest\n    container:\n      image: ghcr.io/o/app:1\n      credentials:\n        username: bot\n        password: Hn4pQ8vLm2wR9zKt7\n    steps:\n      - run: make\n`;
  // A bare `token` key takes the provider's name.
  assert.deepEqual(
    found(call).map((f) => f.properties?.secretName),
    ['GITLAB_TOKEN', 'GHCR_PASSWORD'],
  );
  const action = `name: a\ndescription: d\ninputs:\n  token:\n    default: ${token}\nruns:\n  using: node20\n  main: index.js\n`;
  assert.equal(found(action).length, 1);
});

test('secret names are unique in the file, reuse one name per value, and avoid existing secrets', () => {
  const text = wf(
    [
      '      - uses: some/a@v1',
      '        with:',
      '          api-token: ${{ secrets.API_TOKEN }}',
      '      - env:',
      '          API_TOKEN: 9f8e7d6c5b4a39281706f5e4d3c2b1a0',
      '        run: make',
      '      - env:',
      '          API_TOKEN: 0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      '          OTHER_TOKEN: 9f8e7d6c5b4a39281706f5e4d3c2b1a0',
      '        run: make',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    found(text).map((f) => f.properties?.secretName),
    ['API_TOKEN_2', 'API_TOKEN_3', 'API_TOKEN_2'],
  );
  const fixed = fixFile({ path: 'w.yml', text }, { ruleIds: ['hardcoded-credential'] });
  assert.deepEqual(
    fixed.applied.map((a) => a.secretsToCreate[0]),
    ['API_TOKEN_2', 'API_TOKEN_3', 'API_TOKEN_2'],
  );
  assert.deepEqual(found(fixed.text), []);
});

test('secret names are valid GitHub secret names', () => {
  assert.equal(secretNameFrom('github-token'), 'GH_TOKEN');
  assert.equal(secretNameFrom('1st key'), 'S_1ST_KEY');
  assert.equal(secretNameFrom('docker/login password'), 'DOCKER_LOGIN_PASSWORD');
});

test('masking: a recognizable prefix and at most the last 4 characters', () => {
  assert.equal(maskSecret('ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d'), 'ghp_************OL8d');
  assert.equal(maskSecret('hunter2hunter'), '*********');
  assert.equal(maskSecret('short'), '********');
  assert.equal(
    maskSecret('-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----'),
    '-----BEGIN OPENSSH PRIVATE KEY-----********',
  );
  const long = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';
  const masked = maskSecret(long);
  assert.ok(masked.endsWith('b1a0') && !masked.includes(long.slice(0, 6)));
});

test('run-script fixes keep the shell quoting valid', () => {
  const text = wf(
    '      - run: |\n          curl -H \'Authorization: Bearer Qm9vbGVhbkZsYWdzQXJlTm90U2VjcmV0cw\' https://x.example.com\n      - shell: pwsh\n        run: |\n          Invoke-RestMethod -Headers @{ Authorization = "Bearer Zm9vYmFyYmF6cXV4UXVpY2tCcm93bkZveA" } https://x.example.com\n',
  );
  const fixed = fixFile({ path: 'w.yml', text }, { ruleIds: ['hardcoded-credential'] }).text;
  assert.match(fixed, /curl -H 'Authorization: Bearer '"\$\{API_TOKEN\}"'' https/);
  assert.match(fixed, /Authorization = "Bearer \$env:API_TOKEN_2"/);
});

test('pathological input: prefixes without bodies, BEGIN without END, huge values never throw', () => {
  const bodies = [
    'ghp_'.repeat(20000),
    '-----BEGIN PRIVATE KEY-----'.repeat(2000) + 'a'.repeat(50000),
    ('eyJ' + 'a'.repeat(40) + '.').repeat(3000),
    ('https://u:' + 'p'.repeat(150) + ' ').repeat(1000),
  ];
  for (const body of bodies) {
    const text = `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n          ${body}\n        env:\n          API_TOKEN: "${body.slice(0, 20000)}"\n`;
    const result = analyzeText(text);
    assert.deepEqual(result.ruleErrors, []);
    assert.deepEqual(result.problems, []);
  }
});
