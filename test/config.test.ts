// .flowguard.yml: validation with positions (never a silent fallback), rule settings by id or alias, and how the CLI
// finds and applies it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, ruleState, isIgnored, DEFAULT_CONFIG, type FlowguardConfig } from '../server/src/engine/config';
import { analyze } from '../server/src/engine/analyze';
import { hasStackTrace, runCli, tempDir } from './cli/helpers';

const problemsOf = (text: string, known?: Set<string>) =>
  parseConfig(text, known).problems.map((p) => `${p.line + 1}:${p.character + 1} ${p.message}`);

describe('parseConfig', () => {
  test('a full valid configuration is accepted with defaults filled in', () => {
    const { config, problems } = parseConfig(
      'rules:\n  template-injection: medium\n  missing-timeout: off\n  excessive-permissions: { severity: low }\nignore: ["vendor/**"]\ntrustedActions: [my-org/*]\nminSeverity: low\n',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(config!.rules, {
      'template-injection': 'medium',
      'missing-timeout': 'off',
      'excessive-permissions': { severity: 'low' },
    });
    assert.deepEqual(config!.ignore, ['vendor/**']);
    assert.deepEqual(config!.include, []);
    assert.equal(config!.secretStore.provider, 'github');
    assert.equal(config!.minSeverity, 'low');
  });

  test('an empty file is the default configuration', () => {
    assert.deepEqual(parseConfig('').config, DEFAULT_CONFIG);
  });

  test('an unknown key is reported at the key', () => {
    assert.deepEqual(problemsOf('ignore: []\nbogus: 1\n'), ["2:1 (root): must NOT have additional properties 'bogus'"]);
  });

  test('a bad rule setting gives one message that says what is allowed, at the value', () => {
    assert.deepEqual(problemsOf('rules:\n  template-injection: critical\n'), [
      '2:23 /rules/template-injection: must be equal to one of the allowed values (allowed: off, high, medium, low, info)',
    ]);
    assert.deepEqual(problemsOf('rules:\n  a: { severity: extreme }\n'), [
      '2:18 /rules/a/severity: must be equal to one of the allowed values (allowed: high, medium, low, info)',
    ]);
    assert.deepEqual(problemsOf('rules:\n  a: 5\n'), [
      "2:6 /rules/a: must be 'off', a severity (high, medium, low, info) or a mapping of enabled/severity",
    ]);
    assert.deepEqual(problemsOf('ignore: nope\n'), ['1:9 /ignore: must be array']);
  });

  test('a misspelt rule name is an error when the known rules are given', () => {
    const known = new Set(['template-injection', 'expression-injection']);
    assert.deepEqual(problemsOf('rules:\n  expression-injection: off\n  tempalte-injection: off\n', known), [
      "3:3 /rules: unknown rule 'tempalte-injection' (flowguard rules lists the rule names)",
    ]);
  });

  test('invalid YAML, a list, and an alias bomb are problems, not crashes', () => {
    assert.ok(problemsOf('rules: [\n').length > 0);
    assert.deepEqual(problemsOf('- a\n'), ['1:1 The configuration must be a mapping.']);
    const bomb = [
      'a: &a [x,x,x,x,x,x,x,x,x]',
      ...Array.from(
        { length: 9 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
            .fill('*' + String.fromCharCode(97 + i))
            .join(',')}]`,
      ),
    ].join('\n');
    assert.match(problemsOf(bomb)[0], /could not be read/);
  });
});

describe('rule settings', () => {
  const config = (rules: FlowguardConfig['rules']): FlowguardConfig => ({ ...DEFAULT_CONFIG, rules });

  test('by id or by alias; off disables; a severity overrides', () => {
    assert.deepEqual(
      ruleState(config({ 'expression-injection': 'off' }), ['template-injection', 'expression-injection']).enabled,
      false,
    );
    assert.equal(ruleState(config({ 'template-injection': 'low' }), ['template-injection']).severity, 'low');
    assert.equal(
      ruleState(config({ 'template-injection': { enabled: false } }), ['template-injection']).enabled,
      false,
    );
    assert.equal(ruleState(config({}), ['template-injection']).enabled, true);
  });

  test('the engine applies them', () => {
    const text = 'on: push\npermissions: write-all\njobs: {}\n';
    const ids = (c: FlowguardConfig) =>
      analyze({ path: '.github/workflows/x.yml', text, config: c }).findings.filter(
        (f) => f.ruleId === 'excessive-permissions',
      );
    assert.equal(ids(config({})).length, 1);
    assert.equal(ids(config({ 'excessive-permissions': 'off' })).length, 0);
    assert.equal(ids(config({ 'excessive-permissions': 'info' }))[0].severity, 'info');
  });

  test('ignore globs match paths relative to the workspace root', () => {
    const c = { ...DEFAULT_CONFIG, ignore: ['vendor/**', '**/generated-*.yml'] };
    assert.ok(isIgnored(c, 'vendor/x/.github/workflows/a.yml'));
    assert.ok(isIgnored(c, '.github/workflows/generated-ci.yml'));
    assert.ok(!isIgnored(c, '.github/workflows/ci.yml'));
  });
});

describe('the CLI and the configuration', { concurrency: true }, () => {
  const WRITE_ALL =
    'on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: echo\n';

  function project(t: { after(fn: () => void): void }, files: Record<string, string>): string {
    const dir = tempDir(t);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  }

  const findingsOf = async (dir: string, args: string[] = []) => {
    const r = await runCli(['scan', '.', '-f', 'json', ...args], { cwd: dir });
    return { status: r.status, doc: JSON.parse(r.stdout), stderr: r.stderr };
  };

  test('.flowguard.yml in the working directory is found and applied', async (t) => {
    const dir = project(t, {
      '.github/workflows/a.yml': WRITE_ALL,
      '.flowguard.yml': 'rules:\n  excessive-permissions: off\n',
    });
    const { status, doc } = await findingsOf(dir);
    assert.deepEqual(
      doc.findings.map((f: { ruleId: string }) => f.ruleId),
      [],
    );
    assert.equal(status, 0);
  });

  test('--config names another file; ignore globs are relative to its folder; include adds YAML outside .github', async (t) => {
    const dir = project(t, {
      '.github/workflows/a.yml': WRITE_ALL,
      '.github/workflows/skip-me.yml': WRITE_ALL,
      'ci/pipeline.yml': WRITE_ALL,
      'conf/flowguard.yaml': 'ignore: ["../**/skip-me.yml"]\ninclude: ["../ci/*.yml"]\n',
    });
    const { doc } = await findingsOf(dir, ['--config', 'conf/flowguard.yaml']);
    assert.deepEqual(
      doc.files.map((f: { path: string }) => f.path),
      ['.github/workflows/a.yml', 'ci/pipeline.yml'],
    );
  });

  test('ignore prunes whole folders and skips explicitly named files with a note', async (t) => {
    const dir = project(t, {
      'vendor/x/.github/workflows/a.yml': WRITE_ALL,
      '.github/workflows/b.yml': WRITE_ALL,
      '.flowguard.yml': 'ignore: ["vendor/**"]\n',
    });
    const walked = await findingsOf(dir);
    assert.deepEqual(
      walked.doc.files.map((f: { path: string }) => f.path),
      ['.github/workflows/b.yml'],
    );
    const r = await runCli(['scan', 'vendor/x/.github/workflows/a.yml'], { cwd: dir });
    assert.match(r.stderr, /skipped vendor\/x\/\.github\/workflows\/a\.yml \(ignored by configuration\)/);
  });

  test('minSeverity in the config is honored and --min-severity overrides it', async (t) => {
    const dir = project(t, {
      '.github/workflows/a.yml': WRITE_ALL,
      '.flowguard.yml': 'rules:\n  excessive-permissions: low\nminSeverity: medium\n',
    });
    assert.equal((await findingsOf(dir)).doc.findings.length, 0);
    assert.deepEqual(
      (await findingsOf(dir, ['--min-severity', 'low'])).doc.findings.map(
        (f: { ruleId: string; severity: string }) => `${f.ruleId}:${f.severity}`,
      ),
      ['excessive-permissions:low'],
    );
  });

  test('a bad configuration is exit 2 with file:line:col for each problem, never a silent fallback', async (t) => {
    const dir = project(t, {
      '.github/workflows/a.yml': WRITE_ALL,
      '.flowguard.yml': 'rules:\n  template-injection: critical\n  tempalte-injection: off\n',
    });
    const r = await runCli(['scan', '.'], { cwd: dir });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /^flowguard: invalid configuration in \.flowguard\.yml:\n\.flowguard\.yml:2:23: \/rules\/template-injection: must be equal to one of the allowed values/,
    );
    assert.ok(!hasStackTrace(r.stderr));
    const bad = project(t, {
      '.github/workflows/a.yml': WRITE_ALL,
      '.flowguard.yml': 'rules:\n  tempalte-injection: off\n',
    });
    const typo = await runCli(['scan', '.'], { cwd: bad });
    assert.equal(typo.status, 2);
    assert.match(typo.stderr, /\.flowguard\.yml:2:3: \/rules: unknown rule 'tempalte-injection'/);
  });

  test('a missing --config file is exit 2', async (t) => {
    const dir = project(t, { '.github/workflows/a.yml': WRITE_ALL });
    const r = await runCli(['scan', '.', '--config', 'nope.yml'], { cwd: dir });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'flowguard: cannot read config nope.yml: no such file or directory\n');
  });
});
