// Supply-chain building blocks on real YAML through the real engine: version ranges, the pinning policy, references
// to the repository itself, the bundled knowledge (validated against its schemas) and the pinned actions fixes insert.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { analyze } from '../../server/src/engine/analyze';
import { loadConfigText } from '../../server/src/engine/config';
import { inRange, mostSpecificTag, parseVersion } from '../../server/src/analysis/supply-chain/versions';
import { factsFromRecords } from '../../server/src/analysis/supply-chain/facts';
import { remoteReferences } from '../../server/src/analysis/supply-chain/references';
import { pinnedUses } from '../../server/src/knowledge/supply-chain';
import { withinOneEdit } from '../../server/src/rules/supply-chain/typosquat-uses';
import { applyEdits } from '../../server/src/fixes/edits';
import { ROOT } from '../helpers';

const wf = (steps: string) =>
  `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n${steps}`;
const ids = (text: string, options: Parameters<typeof analyze>[0] extends infer T ? Partial<T> : never = {}) =>
  analyze({ path: '.github/workflows/ci.yml', text, ...options }).findings.map((f) => f.ruleId);

test('advisory ranges: a floating tag is in range only when every version it can name is', () => {
  const v = (s: string) => parseVersion(s)!;
  assert.ok(inRange(v('v45'), '< 46.0.1'));
  assert.ok(inRange(v('v45.0.7'), '<= 45.0.7'));
  assert.ok(!inRange(v('v45'), '<= 45.0.7'), 'v45 may be 45.0.8');
  assert.ok(!inRange(v('v46.0.1'), '< 46.0.1'));
  assert.ok(inRange(v('v4.1.2'), '>= 4.0.0, < 4.1.3'));
  assert.ok(!inRange(v('v4'), '>= 4.0.0, < 4.1.3'), 'v4 floats past the fix');
  assert.ok(!inRange(v('v3'), '>= 4.0.0, < 4.1.3'));
  assert.ok(inRange(v('1.0.0'), '= 1.0.0'));
  assert.ok(!inRange(v('v1'), '= 1.0.0'));
  assert.equal(parseVersion('main'), undefined);
  assert.equal(mostSpecificTag(['v4', 'latest', 'v4.2.2', 'v4.2', 'v4.10.0']), 'v4.10.0');
});

test('pinning policy per pattern: hash by default, ref allows tags, any turns the check off; longest pattern wins', () => {
  const text = wf(
    '      - uses: actions/checkout@v4\n      - uses: my-org/deploy@main\n      - uses: my-org/special/sub@v1\n      - uses: other/thing@v2\n',
  );
  const config = loadConfigText(
    'pinning:\n  "actions/*": ref\n  "my-org/*": any\n  "my-org/special": hash\n',
    '.flowguard.yml',
  );
  const found = analyze({ path: '.github/workflows/ci.yml', text, config })
    .findings.filter((f) => f.ruleId === 'unpinned-uses')
    .map((f) => f.properties?.action);
  assert.deepEqual(found, ['my-org/special/sub', 'other/thing']);
  assert.throws(() => loadConfigText('pinning:\n  "actions/*": tags\n', '.flowguard.yml'), /allowed: hash, ref, any/);
});

test("the repository's own actions and reusable workflows are never flagged as unpinned", () => {
  const text = wf(
    '      - uses: ./.github/actions/build\n      - uses: $/.github/actions/build\n      - uses: me/repo/.github/actions/x@main\n',
  ).concat('  call:\n    uses: me/repo/.github/workflows/build.yml@main\n');
  assert.deepEqual(
    ids(text, { repository: 'Me/Repo' }).filter((r) => r === 'unpinned-uses'),
    [],
  );
  assert.equal(ids(text).filter((r) => r === 'unpinned-uses').length, 2, 'unknown repository: they are third-party');
});

test("an action of the repository's own owner on a tag is low once the repository is known, a third party's medium", () => {
  const text = wf(
    '      - uses: my-org/setup@v2\n      - uses: someone/setup@v2\n      - run: ./release.sh\n        env:\n          TOKEN: ${{ secrets.NPM_TOKEN }}\n',
  );
  const levels = (repository?: string) =>
    analyze({ path: '.github/workflows/ci.yml', text, repository })
      .findings.filter((f) => f.ruleId === 'unpinned-uses')
      .map((f) => `${String(f.properties?.action)} ${f.severity}`);
  assert.deepEqual(levels('my-org/tools'), ['my-org/setup low', 'someone/setup medium']);
  assert.deepEqual(levels(), ['my-org/setup medium', 'someone/setup medium']);
});

test('the SLSA generator at its release tag is not reported: it rejects a commit ref, so there is nothing to pin', () => {
  const text = `on: push\npermissions: {}\njobs:\n  provenance:\n    permissions:\n      id-token: write\n      contents: write\n      actions: read\n    uses: slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.1.0\n    with:\n      base64-subjects: abc\n  other:\n    permissions:\n      contents: write\n    uses: someone/workflows/.github/workflows/x.yml@v2.1.0\n`;
  assert.deepEqual(
    analyze({ path: '.github/workflows/release.yml', text })
      .findings.filter((f) => f.ruleId === 'unpinned-uses')
      .map((f) => f.properties?.action),
    ['someone/workflows/.github/workflows/x.yml'],
  );
});

test("an image in the repository's own namespace is named as such once the repository is known; all are low", () => {
  const text =
    'on: push\npermissions: {}\njobs:\n  gpu:\n    runs-on: x\n    container: diffusers/diffusers-pytorch-cuda\n    steps:\n      - run: pytest\n        env:\n          HF_TOKEN: ${{ secrets.HF_TOKEN }}\n';
  const finding = (repository?: string) =>
    analyze({ path: '.github/workflows/ci.yml', text, repository }).findings.find(
      (f) => f.ruleId === 'unpinned-images',
    );
  assert.equal(finding('huggingface/diffusers')?.severity, 'low');
  assert.match(
    finding('huggingface/diffusers')?.message ?? '',
    /\(Low: diffusers is this repository's own image namespace\.\)/,
  );
  // A stranger's namespace looks the same from the workflow: no note, and still low (a mutable tag is hygiene).
  assert.equal(finding('someone/else')?.severity, 'low');
  assert.doesNotMatch(finding('someone/else')?.message ?? '', /\(Low:/);
});

test('a pin inside a flow mapping keeps the mapping valid (no comment where none fits)', () => {
  const text = wf('      - { uses: someone/action@v1, with: { a: 1 } }\n');
  const facts = factsFromRecords({ commits: { 'someone/action@v1': 'f'.repeat(40) }, tags: {} });
  const finding = analyze({ path: 'ci.yml', text, facts }).findings.find((f) => f.ruleId === 'unpinned-uses')!;
  const fixed = applyEdits(text, finding.fixes[0].edits);
  assert.match(fixed, new RegExp(`\\{ uses: someone/action@${'f'.repeat(40)}, with: \\{ a: 1 \\} \\}\\n$`));
});

test('remote references: what an online adapter must resolve, nothing local or dynamic', () => {
  const text =
    wf(
      `      - uses: actions/checkout@v4\n      - uses: actions/checkout@${'a'.repeat(40)} # v4.2.2\n      - uses: ./local\n      - uses: \${{ matrix.a }}\n      - uses: docker://alpine:3.20\n`,
    ) +
    '    container: node\n    services:\n      db:\n        image: postgres@sha256:' +
    '1'.repeat(64) +
    '\n';
  const result = analyze({ path: 'ci.yml', text, rules: [] });
  assert.deepEqual(remoteReferences(result.model, text), {
    actions: [
      { repo: 'actions/checkout', ref: 'v4', pinned: false, comment: undefined },
      { repo: 'actions/checkout', ref: 'a'.repeat(40), pinned: true, comment: 'v4.2.2' },
    ],
    images: ['node:latest', 'alpine:3.20'],
  });
});

test('typosquat distance: one insertion, deletion, substitution or swap', () => {
  assert.ok(withinOneEdit('actoins/checkout', 'actions/checkout'));
  assert.ok(withinOneEdit('action/checkout', 'actions/checkout'));
  assert.ok(withinOneEdit('actions/checkout2', 'actions/checkout'));
  assert.ok(!withinOneEdit('actions/checkout', 'actions/checkout'));
  assert.ok(!withinOneEdit('actions/setup-go', 'actions/setup-node'));
});

test('bundled knowledge matches its schemas', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const [data, schema] of [
    ['advisories.json', 'advisories.schema.json'],
    ['archived.json', 'archived-actions.schema.json'],
    ['pins.json', 'action-pins.schema.json'],
  ]) {
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas', schema), 'utf8')));
    const json = JSON.parse(readFileSync(join(ROOT, 'server/src/knowledge/supply-chain', data), 'utf8'));
    assert.ok(validate(json), `${data}: ${ajv.errorsText(validate.errors)}`);
  }
});

test('actions inserted by secret-store fixes are pinned when the table has a verified commit', () => {
  assert.equal(pinnedUses('azure/login'), 'azure/login@532459ea530d8321f2fb9bb10d1e0bcf23869a43 # v3.0.0');
  assert.equal(pinnedUses('hashicorp/vault-action'), 'hashicorp/vault-action@v3');
  // What the fix inserts is itself accepted by unpinned-uses when pinned.
  assert.deepEqual(
    ids(wf(`      - uses: ${pinnedUses('azure/login')}\n`)).filter((r) => r === 'unpinned-uses'),
    [],
  );
});
