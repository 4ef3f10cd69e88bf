// `flowguard scan` as a user runs it: a real process on real files, every format and exit status.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RULES } from '../../server/src/rules/index';
import { ruleDocsUrl } from '../../server/src/engine/docs';
import { manyInjectionsWorkflow } from '../helpers';
import { EXAMPLES, hasStackTrace, runCli, tempDir, validateSarif } from './helpers';
import { fixFile } from '../helpers';

const VULNERABLE = 'examples/vulnerable/.github/workflows/pr-greeter.yml';
const FIXED_FILES = [
  'examples/fixed/.github/actions/setup-tool/action.yml',
  'examples/fixed/.github/workflows/pr-greeter.yml',
  'examples/fixed/.github/workflows/release.yml',
];
const VULNERABLE_TEXT = readFileSync(join(EXAMPLES, 'vulnerable', '.github', 'workflows', 'pr-greeter.yml'), 'utf8');
/** Raw secret values in the vulnerable example: no report may contain them. */
const SECRET_VALUES = ['xoxb-2409187530-4418237461-Rk8mQwZp2vLtYb7NcXs3HdJf', 'Pq8#vLm2!sXz'];

const CLEAN_WORKFLOW = `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - run: echo "hello"
`;

function writeWorkflow(root: string, name: string, text: string): string {
  const dir = join(root, '.github', 'workflows');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

interface JsonFinding {
  path: string;
  ruleId: string;
  severity: string;
  confidence: string;
  category: string;
  message: string;
  snippet: string;
  range: {
    start: { line: number; column: number; offset: number };
    end: { line: number; column: number; offset: number };
  };
  fixes: Array<{ title: string; edits: Array<{ newText: string }> }>;
}

describe('flowguard scan', { concurrency: true }, () => {
  test('text: file:line:col, rule, severity, confidence, message and a caret frame under the token; exit 1', async () => {
    const r = await runCli(['scan', 'examples']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `^${VULNERABLE.replace(/\./g, '\\.')}:6:14  high  excessive-permissions  \\(confidence high, least-privilege, fixable\\)$`,
        'm',
      ),
    );
    const lines = r.stdout.split('\n');
    const frame = lines.findIndex((l) => /> 6 \| permissions: write-all # too broad$/.test(l));
    assert.ok(frame > 0, 'code frame shows the offending line');
    const caretLine = lines[frame + 1];
    const underlined = caretLine.indexOf('^');
    assert.equal(
      lines[frame].slice(underlined, underlined + 'write-all'.length),
      'write-all',
      'carets start under write-all',
    );
    assert.equal(
      caretLine.slice(underlined).trimEnd(),
      '^'.repeat('write-all'.length),
      'carets cover exactly write-all',
    );
    assert.match(r.stdout, /template-injection/);
    assert.match(r.stdout, /\d+ findings \(.*high.*\) in 3 of 6 files/);
    for (const clean of FIXED_FILES) assert.ok(r.stdout.includes(`✓ ${clean}: no findings`), clean);
    for (const secret of SECRET_VALUES) assert.ok(!r.stdout.includes(secret), 'secret value never printed');
    assert.match(r.stdout, /SLACK_TOKEN: xoxb-\*+HdJf$/m, 'the frame shows the masked value in place of the secret');
  });

  test('exit 0 and a clean summary when nothing is found', async (t) => {
    const dir = tempDir(t);
    writeWorkflow(dir, 'ci.yml', CLEAN_WORKFLOW);
    const r = await runCli(['scan', '.'], { cwd: dir });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /No findings in 1 file/);
  });

  test('the fixed examples scan clean', async () => {
    const r = await runCli(['scan', 'examples/fixed']);
    assert.equal(r.status, 0, r.stdout);
  });

  test('--no-fail exits 0 even with findings', async () => {
    const r = await runCli(['scan', 'examples/vulnerable', '--no-fail']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /excessive-permissions/);
  });

  test('json: versioned document with files, findings, ranges and fixes; no secret values', async () => {
    const r = await runCli(['scan', 'examples', '--format', 'json']);
    assert.equal(r.status, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.version, 1);
    assert.equal(doc.tool.name, 'flowguard');
    assert.deepEqual(
      doc.files.map((f: { path: string }) => f.path).sort(),
      [...FIXED_FILES, ...FIXED_FILES.map((f) => f.replace('fixed', 'vulnerable'))].sort(),
    );
    assert.deepEqual(doc.files.map((f: { path: string; kind: string }) => f.kind).sort(), [
      'action',
      'action',
      'workflow',
      'workflow',
      'workflow',
      'workflow',
    ]);
    const findings = doc.findings as JsonFinding[];
    const perm = findings.find((f) => f.ruleId === 'excessive-permissions' && f.path === VULNERABLE)!;
    assert.deepEqual(perm.range.start, { line: 6, column: 14, offset: VULNERABLE_TEXT.indexOf('write-all') });
    assert.equal(perm.snippet, 'write-all');
    assert.equal(perm.category, 'least-privilege');
    assert.ok(perm.fixes.length > 0 && perm.fixes[0].edits.length > 0);
    const cred = findings.filter((f) => f.ruleId === 'hardcoded-credential');
    assert.equal(cred.length, 2);
    assert.ok(
      cred.every((f) => /\*{4}/.test(f.snippet)),
      'secret snippets are masked',
    );
    assert.equal(doc.summary.findings, findings.length);
    for (const secret of SECRET_VALUES) assert.ok(!r.stdout.includes(secret));
  });

  test('sarif: validates with the SARIF Multitool and carries rules, results, fixes, masked snippets', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'report.sarif');
    const r = await runCli(['scan', 'examples', '--format', 'sarif', '--output', out]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /Wrote sarif report to .*report\.sarif: \d+ findings in 6 files\./);
    const text = readFileSync(out, 'utf8');
    for (const secret of SECRET_VALUES) assert.ok(!text.includes(secret), 'no secret value in the SARIF');
    assert.deepEqual(await validateSarif(out, dir), []);

    const log = JSON.parse(text);
    assert.equal(log.version, '2.1.0');
    const run = log.runs[0];
    const rules = run.tool.driver.rules as Array<{
      id: string;
      helpUri: string;
      defaultConfiguration: { level: string };
      properties: Record<string, unknown>;
    }>;
    for (const rule of ALL_RULES) {
      const sr = rules.find((x) => x.id === rule.meta.id);
      assert.ok(sr, `rule ${rule.meta.id} in tool.driver.rules`);
      assert.equal(sr.helpUri, ruleDocsUrl(rule.meta.id));
      assert.equal(sr.properties.category, rule.meta.category);
      assert.deepEqual(sr.properties.aliases, rule.meta.aliases);
      assert.equal(
        sr.properties['security-severity'],
        { high: '8.0', medium: '5.5', low: '3.0', info: '1.0' }[rule.meta.severity],
      );
      assert.equal(
        sr.defaultConfiguration.level,
        { high: 'error', medium: 'warning', low: 'note', info: 'note' }[rule.meta.severity],
      );
    }
    interface Region {
      startLine: number;
      startColumn: number;
      endLine: number;
      endColumn: number;
      charOffset: number;
      snippet: { text: string };
    }
    const results = run.results as Array<{
      ruleId: string;
      ruleIndex: number;
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: Region } }>;
      fixes?: Array<{
        artifactChanges: Array<{ replacements: Array<{ deletedRegion: Region; insertedContent: { text: string } }> }>;
      }>;
      partialFingerprints: Record<string, string>;
    }>;
    for (const res of results) assert.equal(rules[res.ruleIndex].id, res.ruleId, 'ruleIndex points at the rule');
    const perm = results.find(
      (x) =>
        x.ruleId === 'excessive-permissions' && x.locations[0].physicalLocation.artifactLocation.uri === VULNERABLE,
    )!;
    const region = perm.locations[0].physicalLocation.region;
    assert.deepEqual([region.startLine, region.startColumn, region.endLine, region.endColumn], [6, 14, 6, 23]);
    assert.equal(region.charOffset, VULNERABLE_TEXT.indexOf('write-all'));
    assert.equal(region.snippet.text, 'write-all');
    const replacement = perm.fixes![0].artifactChanges[0].replacements[0];
    assert.equal(typeof replacement.deletedRegion.charOffset, 'number');
    assert.equal(typeof replacement.deletedRegion.startLine, 'number');
    const cred = results.find((x) => x.ruleId === 'hardcoded-credential')!;
    assert.match(cred.locations[0].physicalLocation.region.snippet.text, /^xoxb-\*+HdJf$/);
    assert.match(
      cred.fixes![0].artifactChanges[0].replacements[0].insertedContent.text,
      /\$\{\{ secrets\.SLACK_TOKEN \}\}/,
    );
    const fingerprints = results.map((x) => x.partialFingerprints['flowguard/v1']);
    assert.equal(new Set(fingerprints).size, fingerprints.length, 'fingerprints are distinct');
  });

  test('sarif: file names with spaces, # and non-ASCII become valid artifact URIs', async (t) => {
    const dir = tempDir(t);
    writeWorkflow(dir, 'my ci #1 – ünïcode%.yml', 'on: push\npermissions: write-all\njobs: {}\n');
    const out = join(dir, 'r.sarif');
    await runCli(['scan', '.', '-f', 'sarif', '-o', out], { cwd: dir });
    assert.deepEqual(await validateSarif(out, dir), []);
    const uri = JSON.parse(readFileSync(out, 'utf8')).runs[0].results[0].locations[0].physicalLocation.artifactLocation
      .uri as string;
    assert.equal(decodeURIComponent(uri), '.github/workflows/my ci #1 – ünïcode%.yml');
  });

  test('the SARIF check can fail: a broken log is rejected by the Multitool', async (t) => {
    const dir = tempDir(t);
    const bad = join(dir, 'bad.sarif');
    writeFileSync(
      bad,
      JSON.stringify({
        version: '2.1.0',
        runs: [{ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'a', ruleIndex: 3, message: { text: 'm' } }] }],
      }),
    );
    const issues = await validateSarif(bad, dir);
    assert.ok(issues.some((i) => i.level === 'error'));
  });

  test('--min-severity drops findings below the level', async () => {
    const all = JSON.parse((await runCli(['scan', 'examples/vulnerable', '-f', 'json'])).stdout)
      .findings as JsonFinding[];
    assert.ok(
      all.some((f) => f.severity !== 'high'),
      'precondition: the example has findings below high',
    );
    const r = await runCli(['scan', 'examples/vulnerable', '-f', 'json', '--min-severity', 'high']);
    assert.equal(r.status, 1);
    const high = JSON.parse(r.stdout).findings as JsonFinding[];
    assert.ok(high.length > 0 && high.every((f) => f.severity === 'high'));
    assert.equal(high.length, all.filter((f) => f.severity === 'high').length);
  });

  test('--fix rewrites the files exactly as fixAll does, lists the secrets to create, and the result re-scans clean for those rules', async (t) => {
    const dir = tempDir(t);
    cpSync(join(EXAMPLES, 'vulnerable'), dir, { recursive: true });
    const file = join(dir, '.github', 'workflows', 'pr-greeter.yml');
    const r = await runCli(['scan', '.', '--fix', '--no-fail'], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    const written = readFileSync(file, 'utf8');
    assert.equal(written, fixFile({ path: '.github/workflows/pr-greeter.yml', text: VULNERABLE_TEXT }).text);
    assert.match(r.stdout, /fixed template-injection: /);
    assert.match(r.stdout, /fixed hardcoded-credential: /);
    assert.doesNotMatch(r.stderr, /did not converge/);
    assert.match(
      r.stdout,
      /Create these secrets in your secret store: .*SLACK_TOKEN.*API_PASSWORD|Create these secrets in your secret store: .*API_PASSWORD.*SLACK_TOKEN/,
    );
    for (const secret of SECRET_VALUES) {
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret));
      assert.ok(!written.includes(secret), 'the secret value left the file');
    }
    const again = JSON.parse((await runCli(['scan', '.', '-f', 'json'], { cwd: dir })).stdout)
      .findings as JsonFinding[];
    const fixedRules = ['template-injection', 'hardcoded-credential', 'excessive-permissions'];
    assert.deepEqual(
      again.filter((f) => fixedRules.includes(f.ruleId)),
      [],
    );
  });

  test('--fix-safe applies only the fixes marked safe', async (t) => {
    const dir = tempDir(t);
    cpSync(join(EXAMPLES, 'vulnerable'), dir, { recursive: true });
    const file = join(dir, '.github', 'workflows', 'pr-greeter.yml');
    const r = await runCli(['scan', '.', '--fix-safe', '--no-fail'], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    const written = readFileSync(file, 'utf8');
    const safeOnly = fixFile(
      { path: '.github/workflows/pr-greeter.yml', text: VULNERABLE_TEXT },
      { safeOnly: true },
    ).text;
    assert.equal(written, safeOnly);
    assert.notEqual(safeOnly, VULNERABLE_TEXT, 'the example has safe fixes');
    assert.notEqual(
      safeOnly,
      fixFile({ path: '.github/workflows/pr-greeter.yml', text: VULNERABLE_TEXT }).text,
      'and fixes to review, which are left alone',
    );
  });

  test("--fix warns when a file's fixes do not converge, keeps the fixes made, and a second --fix finishes", async (t) => {
    const root = tempDir(t);
    const text = manyInjectionsWorkflow();
    const file = writeWorkflow(root, 'greet.yml', text);
    const first = await runCli(['scan', '.', '--fix', '--no-fail'], { cwd: root });
    assert.equal(first.status, 0, 'a warning, not an error');
    assert.match(
      first.stderr,
      /^flowguard: warning: the fixes for \.github\/workflows\/greet\.yml did not converge: after 10 rounds 5 findings with a fix remain; the fixes applied so far are kept\. Run the fix again\.$/m,
    );
    const partial = readFileSync(file, 'utf8');
    assert.equal(partial, fixFile({ path: '.github/workflows/greet.yml', text }).text);
    const second = await runCli(['scan', '.', '--fix', '--no-fail'], { cwd: root });
    assert.doesNotMatch(second.stderr, /did not converge/);
    assert.equal(
      readFileSync(file, 'utf8'),
      fixFile({ path: '.github/workflows/greet.yml', text }, { maxPasses: 20 }).text,
    );
  });

  test('a byte order mark does not shift first-line columns, and --fix keeps it', async (t) => {
    const root = tempDir(t);
    const text =
      'on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n';
    const file = writeWorkflow(root, 'bom.yml', '\uFEFF' + text);
    const r = await runCli(['scan', '.', '--format', 'json', '--no-fail'], { cwd: root });
    const trigger = (
      JSON.parse(r.stdout) as {
        findings: Array<{ ruleId: string; range: { start: { line: number; column: number } } }>;
      }
    ).findings.find((f) => f.ruleId === 'dangerous-triggers');
    assert.deepEqual(
      [trigger?.range.start.line, trigger?.range.start.column],
      [1, 5],
      'the column a user counts, without the invisible mark',
    );
    await runCli(['scan', '.', '--fix', '--no-fail'], { cwd: root });
    const fixed = readFileSync(file, 'utf8');
    assert.ok(fixed.startsWith('\uFEFFon: pull_request_target\n'), 'the mark is kept');
    assert.equal(fixed.slice(1), fixFile({ path: '.github/workflows/bom.yml', text }).text);
  });

  test('--fix with a machine format keeps stdout parseable and logs the changes on stderr', async (t) => {
    const dir = tempDir(t);
    cpSync(join(EXAMPLES, 'vulnerable'), dir, { recursive: true });
    const r = await runCli(['scan', '.', '--fix', '--format', 'json'], { cwd: dir });
    const doc = JSON.parse(r.stdout);
    assert.ok(doc.files[0].fixesApplied.length > 0);
    assert.match(r.stderr, /fixed hardcoded-credential/);
  });

  test('suppression comments (flowguard and zizmor) hide a finding; one without a reason is reported', async (t) => {
    const dir = tempDir(t);
    const base = `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: echo\n`;
    writeWorkflow(
      dir,
      'a.yml',
      `permissions: write-all # flowguard: ignore[excessive-permissions] release job, reviewed\n${base}`,
    );
    writeWorkflow(
      dir,
      'b.yml',
      `# zizmor: ignore[excessive-permissions] needs every scope\npermissions: write-all\n${base}`,
    );
    writeWorkflow(dir, 'c.yml', `permissions: write-all # flowguard: ignore[excessive-permissions]\n${base}`);
    const r = await runCli(['scan', '.', '-f', 'json'], { cwd: dir });
    const doc = JSON.parse(r.stdout);
    const byFile = (name: string) =>
      (doc.findings as JsonFinding[]).filter((f) => f.path.endsWith(name)).map((f) => f.ruleId);
    assert.deepEqual(byFile('a.yml'), []);
    assert.deepEqual(byFile('b.yml'), []);
    assert.deepEqual(byFile('c.yml'), ['unjustified-suppression']);
    assert.equal(doc.summary.suppressed, 3);
    assert.equal(r.status, 1);
  });

  test('folders: workflows and action.yml are found, node_modules is skipped, other YAML is not analyzed', async (t) => {
    const dir = tempDir(t);
    writeWorkflow(dir, 'ci.yml', CLEAN_WORKFLOW);
    mkdirSync(join(dir, 'setup'), { recursive: true });
    writeFileSync(
      join(dir, 'setup', 'action.yml'),
      'name: setup\nruns:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n',
    );
    mkdirSync(join(dir, 'node_modules', 'dep', '.github', 'workflows'), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules', 'dep', '.github', 'workflows', 'x.yml'),
      'on: push\npermissions: write-all\n',
    );
    writeFileSync(join(dir, 'other.yml'), 'on: push\npermissions: write-all\njobs: {}\n');
    const doc = JSON.parse((await runCli(['scan', '.', '-f', 'json'], { cwd: dir })).stdout);
    assert.deepEqual(
      doc.files.map((f: { path: string; kind: string }) => `${f.path}:${f.kind}`),
      ['.github/workflows/ci.yml:workflow', 'setup/action.yml:action'],
    );
  });

  test('a file named explicitly is analyzed whatever its path, as a workflow or action by its content', async (t) => {
    const dir = tempDir(t);
    writeFileSync(
      join(dir, 'pipeline.yml'),
      'on: pull_request_target\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n',
    );
    writeFileSync(
      join(dir, 'composite.yaml'),
      'name: x\nruns:\n  using: composite\n  steps:\n    - run: echo "${{ github.event.issue.title }}"\n      shell: bash\n',
    );
    writeFileSync(join(dir, 'values.yml'), 'replicas: 3\n');
    const r = await runCli(['scan', 'pipeline.yml', 'composite.yaml', 'values.yml', '-f', 'json'], { cwd: dir });
    const doc = JSON.parse(r.stdout);
    const kinds = Object.fromEntries(
      doc.files.map((f: { path: string; kind: string | null; skipped?: string }) => [
        f.path,
        f.skipped ? `skipped: ${f.skipped}` : f.kind,
      ]),
    );
    assert.deepEqual(kinds, {
      'composite.yaml': 'action',
      'pipeline.yml': 'workflow',
      'values.yml': 'skipped: neither a workflow, an action nor GitLab CI configuration',
    });
    const rules = new Set((doc.findings as JsonFinding[]).map((f) => `${f.path}:${f.ruleId}`));
    assert.ok(rules.has('pipeline.yml:excessive-permissions'));
    assert.ok(rules.has('pipeline.yml:template-injection'));
    assert.ok(rules.has('composite.yaml:template-injection'));
  });

  test('usage errors: exit 2 with one clear line and no stack trace', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['scan'], /scan needs at least one PATH/],
      [['scan', 'examples', '--format', 'xml'], /--format must be one of text, json, sarif \(got 'xml'\)/],
      [['scan', 'examples', '--bogus'], /unknown option '--bogus'/],
      [['scan', 'examples', '--output'], /--output needs a value/],
      [['scan', 'examples', '--min-severity', 'critical'], /--min-severity must be one of high, medium, low, info/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['scan', 'does/not/exist.yml'], /cannot read does\/not\/exist\.yml: no such file or directory/],
      // A device or FIFO named on the command line could block the read forever.
      ...(process.platform === 'win32'
        ? []
        : [[['scan', '/dev/null'], /cannot read \/dev\/null: not a regular file or folder/] as [string[], RegExp]]),
    ];
    await Promise.all(
      cases.map(async ([args, message]) => {
        const r = await runCli(args);
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /^flowguard: .+\n$/);
        assert.match(r.stderr, message);
        assert.ok(!hasStackTrace(r.stderr));
      }),
    );
  });

  test('an unwritable --output is an I/O error: exit 2', async (t) => {
    const dir = tempDir(t);
    const r = await runCli(['scan', 'examples', '-o', join(dir, 'missing-folder', 'r.json'), '-f', 'json']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^flowguard: cannot write report to .*r\.json: no such file or directory\n$/);
  });

  test('--help, --version and rules', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /flowguard scan \[options\] PATH/);
    const version = await runCli(['--version']);
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(EXAMPLES, '..', 'package.json'), 'utf8')).version);
    const rules = await runCli(['rules']);
    assert.equal(rules.status, 0);
    for (const rule of ALL_RULES)
      assert.match(
        rules.stdout,
        new RegExp(`^${rule.meta.id}\\s+${rule.meta.category}\\s+${rule.meta.severity}\\s`, 'm'),
      );
  });
});
