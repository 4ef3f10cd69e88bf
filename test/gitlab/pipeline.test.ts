// GitLab CI as a second dialect: detection, the model's template resolution, the engine on real corpus files, the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { kindFromPath } from '../../server/src/model/detect';
import { effective, type GitlabPipeline } from '../../server/src/model/gitlab/pipeline';
import { reviewFacts } from '../../server/src/analysis/review';
import { CORPUS, ROOT, ofRule } from '../helpers';
import { runCli, tempDir } from '../cli/helpers';

test('GitLab files are recognized by path and by content, without taking GitHub files', () => {
  for (const p of [
    '.gitlab-ci.yml',
    'sub/.gitlab-ci.yaml',
    'Trivy.gitlab-ci.yml',
    '.gitlab/ci/build.yml',
    '.gitlab-ci/a/b.yml',
  ])
    assert.equal(kindFromPath(p), 'gitlab', p);
  assert.equal(kindFromPath('.github/workflows/ci.yml'), 'workflow');
  assert.equal(kindFromPath('.gitlab/issue_templates/bug.yml'), undefined);
  const byContent = (text: string) => analyze({ path: 'x.yml', text }).kind;
  assert.equal(byContent('stages: [test]\n'), 'gitlab');
  assert.equal(byContent('build:\n  script: [make]\n'), 'gitlab');
  assert.equal(byContent('spec:\n  inputs:\n    a: {}\n---\nbuild:\n  script: [make]\n'), 'gitlab');
  assert.equal(byContent('on: push\njobs:\n  a:\n    runs-on: x\n    steps: []\n'), 'workflow');
  assert.equal(byContent('name: x\nkey: value\n'), undefined);
});

test('a spec header document is parsed, and other multi-document files stay YAML errors', () => {
  const r = analyze({
    path: 'c.yml',
    text: 'spec:\n  inputs:\n    who: {}\n---\nrun:\n  script:\n    - echo $[[ inputs.who ]]\n',
  });
  assert.deepEqual(r.problems, []);
  assert.equal((r.model as GitlabPipeline).inputs[0].name, 'who');
  assert.equal(ofRule(r, 'gitlab-script-injection').length, 1);
  assert.ok(analyze({ path: '.gitlab-ci.yml', text: 'a: 1\n---\nb: 2\n' }).problems.length > 0);
});

test('extends chains, merge keys, !reference tags, default: and local includes make the effective job', () => {
  const files: Record<string, string> = {
    '.gitlab/templates.yml': '.deploy_base:\n  environment: production\n  script:\n    - kubectl apply -f k8s/\n',
  };
  const text = [
    'include:',
    '  - local: /.gitlab/templates.yml',
    'default:',
    '  image: alpine:3.20',
    '.vars: &vars',
    '  variables:',
    '    A: "1"',
    '  when: manual',
    '.setup:',
    '  before_script:',
    '    - echo setup',
    'deploy:',
    '  <<: *vars',
    '  extends: .deploy_base',
    '  script:',
    '    - !reference [.setup, before_script]',
    '    - helm upgrade app ./chart',
    'orphan:',
    '  extends: .not_visible',
    '  script: [kubectl apply -f x]',
  ].join('\n');
  const r = analyze({ path: '.gitlab-ci.yml', text, readFile: (p) => files[p] });
  const p = r.model as GitlabPipeline;
  const deploy = effective(
    p.jobs.find((j) => j.name === 'deploy')!,
    p,
  );
  assert.equal(deploy.environment?.name, 'production');
  assert.equal(deploy.when, 'manual');
  assert.equal(deploy.variables.get('A'), '1');
  assert.deepEqual(deploy.scripts, ['echo setup', 'helm upgrade app ./chart']);
  assert.deepEqual(deploy.images, ['alpine:3.20']);
  assert.deepEqual(
    effective(
      p.jobs.find((j) => j.name === 'orphan')!,
      p,
    ).unresolved,
    ['.not_visible'],
  );
  // A template Flowguard cannot see may set the environment: no deploy finding on 'orphan'.
  assert.deepEqual(ofRule(r, 'deploy-without-environment'), []);
});

test('a plain quoted merge-request title in a script is data; eval of it is not', () => {
  const safe = analyze({ path: '.gitlab-ci.yml', text: 'mr:\n  script:\n    - echo "$CI_MERGE_REQUEST_TITLE"\n' });
  assert.deepEqual(ofRule(safe, 'gitlab-script-injection'), []);
  const bad = analyze({ path: '.gitlab-ci.yml', text: 'mr:\n  script:\n    - eval "echo $CI_MERGE_REQUEST_TITLE"\n' });
  assert.equal(ofRule(bad, 'gitlab-script-injection')[0].severity, 'high');
});

test('suppressions and config apply to GitLab findings like to workflows', () => {
  const text =
    'test:\n  image: someone/tool # flowguard: ignore[gitlab-unpinned-image] mirrored internally\n  script: [make]\n';
  const r = analyze({ path: '.gitlab-ci.yml', text });
  assert.equal(r.suppressed, 1);
  assert.deepEqual(ofRule(r, 'gitlab-unpinned-image'), []);
  const off = analyze({
    path: '.gitlab-ci.yml',
    text: 'test:\n  image: someone/tool\n  script: [make]\n',
    config: {
      rules: { 'unpinned-image': 'off' },
      ignore: [],
      include: [],
      trustedActions: [],
      secretStore: { provider: 'github' },
    },
  });
  assert.deepEqual(ofRule(off, 'gitlab-unpinned-image'), []);
});

test('review facts name pipeline sources, includes and images with their pinning, and gates', () => {
  const text = [
    'workflow:',
    '  rules:',
    '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"',
    'include:',
    '  - component: $CI_SERVER_FQDN/g/c/scan@~latest',
    'deploy:',
    '  image: alpine:3.20',
    '  environment: production',
    '  when: manual',
    '  id_tokens:',
    '    VAULT_ID_TOKEN:',
    '      aud: https://vault.example.com',
    '  script: [./deploy.sh]',
  ].join('\n');
  const facts = reviewFacts(analyze({ path: '.gitlab-ci.yml', text }).model!);
  assert.equal(facts.kind, 'gitlab');
  assert.deepEqual(
    facts.triggers.map((t) => t.event),
    ['merge_request_event'],
  );
  assert.deepEqual(
    facts.actions.map((a) => [a.kind, a.pinned]),
    [
      ['include:component', false],
      ['image', false],
    ],
  );
  assert.deepEqual(facts.secrets, ['VAULT_ID_TOKEN (id_tokens)']);
  assert.deepEqual(
    facts.jobs.map((j) => [j.id, j.environment, j.gate]),
    [['deploy', 'production', 'manual']],
  );
});

test('every GitLab CI file of the corpus is analyzed without a crash or a rule error', (t) => {
  const manifest = join(CORPUS, 'MANIFEST.tsv');
  if (!existsSync(manifest)) return t.skip('../shared/corpus is absent');
  const rows = readFileSync(manifest, 'utf8')
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((r) => r[4] === 'gitlab-ci');
  const seen = new Set<string>();
  for (const [repo, , path] of rows) {
    const dir = join(CORPUS, repo.replace('/', '__'));
    if (seen.has(join(dir, path))) continue;
    seen.add(join(dir, path));
    const text = readFileSync(join(dir, path), 'utf8');
    const readFile = (p: string) => (existsSync(join(dir, p)) ? readFileSync(join(dir, p), 'utf8') : undefined);
    const r = analyze({ path, text, kind: 'gitlab', readFile });
    assert.deepEqual(r.ruleErrors, [], `${repo}/${path}`);
    assert.equal(r.kind, 'gitlab');
  }
  assert.ok(seen.size >= 300, `${seen.size} files`);
});

test('the CLI finds .gitlab-ci.yml and included files under .gitlab/, and reports them in SARIF', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, '.gitlab'));
  writeFileSync(
    join(dir, '.gitlab-ci.yml'),
    'include:\n  - local: .gitlab/jobs.yml\nvariables:\n  CI_DEBUG_TRACE: "true"\n',
  );
  writeFileSync(join(dir, '.gitlab', 'jobs.yml'), 'build:\n  image: someone/tool\n  script: [make]\n');
  writeFileSync(join(dir, '.gitlab', 'agent.yml'), 'observability:\n  logging: info\n');
  const run = await runCli(['scan', dir, '--format', 'sarif', '--no-fail']);
  assert.equal(run.status, 0, run.stderr);
  const sarif = JSON.parse(run.stdout);
  const results = sarif.runs[0].results.map(
    (r: { ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => [
      r.ruleId,
      r.locations[0].physicalLocation.artifactLocation.uri.replace(/^.*?(\.gitlab)/, '$1'),
    ],
  );
  assert.deepEqual(results.sort(), [
    ['gitlab-debug-trace', '.gitlab-ci.yml'],
    ['gitlab-unpinned-image', '.gitlab/jobs.yml'],
  ]);
});

test('the secure GitLab CI snippet expands to a pipeline with no finding', () => {
  const snippets = JSON.parse(readFileSync(join(ROOT, 'snippets', 'gitlab-ci.json'), 'utf8')) as Record<
    string,
    { body: string[] }
  >;
  for (const { body } of Object.values(snippets)) {
    let text = body.join('\n');
    for (let i = 0; i < 5; i++) text = text.replace(/(?<!\\)\$\{\d+:([^{}]*)\}/g, '$1');
    text = text.replace(/(?<!\\)\$\d+/g, '').replace(/\\\$/g, '$');
    const result = analyze({ path: '.gitlab-ci.yml', text });
    assert.equal(result.kind, 'gitlab');
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.findings.map((f) => `${f.ruleId}: ${f.message}`),
      [],
    );
  }
});

test('a rule condition given by !reference is resolved; an unresolvable one makes the deploy check stand down', () => {
  const jobs =
    '.release:\n  rules:\n    - if: !reference [.is_release]\n    - when: never\n  script:\n    - twine upload dist/*\npublish:\n  extends: .release\n';
  const withCondition = analyze({ path: '.gitlab-ci.yml', text: `.is_release: $CI_COMMIT_TAG =~ /^v/\n${jobs}` });
  const p = withCondition.model as GitlabPipeline;
  assert.deepEqual(
    effective(
      p.jobs.find((j) => j.name === 'publish')!,
      p,
    ).ruleIfs,
    ['$CI_COMMIT_TAG =~ /^v/', ''],
  );
  assert.deepEqual(ofRule(withCondition, 'deploy-without-environment'), [], 'tag-only releases are gated');
  const elsewhere = analyze({ path: '.gitlab/release.yml', text: jobs });
  assert.deepEqual(ofRule(elsewhere, 'deploy-without-environment'), [], 'the condition lives in a file not read');
});

test('artifacts merge key by key through extends:, default: applies only when no layer sets them', () => {
  const text = [
    'default:',
    '  artifacts:',
    '    paths: [default-only/]',
    '.base:',
    '  artifacts:',
    '    public: false',
    '    paths: [logs/]',
    '    exclude: [logs/*.key]',
    'job:',
    '  extends: .base',
    '  script: [make]',
    '  artifacts:',
    '    expose_as: build logs',
    '    reports:',
    '      dotenv: build.env',
    'plain:',
    '  script: [make]',
    'open:',
    '  extends: .base',
    '  script: [make]',
    '  artifacts:',
    '    access: all',
  ].join('\n');
  const p = analyze({ path: '.gitlab-ci.yml', text }).model as GitlabPipeline;
  const artifactsOf = (name: string) => {
    const { node: _node, ...rest } = effective(
      p.jobs.find((j) => j.name === name)!,
      p,
    ).artifacts!;
    return rest;
  };
  assert.deepEqual(artifactsOf('job'), {
    paths: ['logs/'],
    exclude: ['logs/*.key'],
    dotenv: ['build.env'],
    untracked: false,
    access: 'developer',
    exposeAs: 'build logs',
  });
  assert.deepEqual(artifactsOf('plain').paths, ['default-only/']);
  assert.equal(artifactsOf('open').access, 'all', 'access: wins over an inherited public: false');
});

test('a secret written by an included template is reported once, in the file that writes and uploads it', () => {
  const template =
    '.build-and-test:\n  script:\n    - printenv > ${CI_PROJECT_DIR}/ci_environment.log\n    - ./upload.sh "$DEPLOY_TOKEN"\n  artifacts:\n    paths: [ci_environment.log]\n';
  const files: Record<string, string> = { '.gitlab/common.yml': template };
  const pipeline = 'include:\n  local: /.gitlab/common.yml\nbuild:\n  extends: .build-and-test\n';
  const secretFindings = (path: string, text: string) =>
    ofRule(analyze({ path, text, readFile: (p) => files[p] }), 'gitlab-secret-in-artifacts').map(
      (f) => `${text.slice(0, f.span.start).split('\n').length} ${f.severity}`,
    );
  assert.deepEqual(secretFindings('.gitlab/common.yml', template), ['3 medium']);
  assert.deepEqual(secretFindings('.gitlab-ci.yml', pipeline), []);
  // The job adds the upload itself: then it is reported at the job, where the artifacts are.
  const uploadsHere = pipeline + '  artifacts:\n    paths: [.]\n';
  files['.gitlab/common.yml'] =
    '.build-and-test:\n  script:\n    - printenv > ci_environment.log\n    - ./upload.sh "$DEPLOY_TOKEN"\n';
  assert.deepEqual(secretFindings('.gitlab-ci.yml', uploadsHere), ['3 medium']);
  // A dump in a job whose file shows no secret it receives is low (the project's settings may still hold some).
  files['.gitlab/common.yml'] = '.build-and-test:\n  script:\n    - printenv > ci_environment.log\n';
  assert.deepEqual(secretFindings('.gitlab-ci.yml', uploadsHere), ['3 low']);
});
