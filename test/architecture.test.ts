// The layers: dependency-cruiser checks the folder-to-folder import table in .dependency-cruiser.cjs and that there is
// no import cycle (type-only imports included); the core stays pure: no editor APIs and no I/O, so the CLI, the
// language server and the tests share it as is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ROOT } from './helpers';

const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: Array<{ name: string }>;
}

/** Runs dependency-cruiser with the project's rules over `dirs` (relative to `cwd`). */
function cruise(cwd: string, dirs: string[]): { violations: Violation[]; modules: number } {
  const run = spawnSync(process.execPath, [DEPCRUISE, ...dirs, '--config', CONFIG, '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.ok(run.stdout, `dependency-cruiser printed nothing: ${run.stderr}`);
  const { summary } = JSON.parse(run.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  return { violations: summary.violations, modules: summary.totalCruised };
}

const describe = (v: Violation) =>
  `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name).join(' -> ')})` : ''}`;

test('imports follow the layer table and form no cycle (dependency-cruiser)', () => {
  const { violations, modules } = cruise(ROOT, ['server/src', 'client/src']);
  assert.ok(modules > 100, `cruised ${modules} modules`);
  assert.deepEqual(violations.map(describe), []);
});

test('the layer table catches an upward import, a cycle and a client reaching past protocol.ts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowguard-layers-'));
  try {
    const files: Record<string, string> = {
      'tsconfig.json': '{ "compilerOptions": { "module": "esnext", "moduleResolution": "bundler" } }',
      'server/src/engine/types.ts': 'export interface Finding { ruleId: string }\n',
      'server/src/protocol.ts': "export type { Finding } from './engine/types';\n",
      'server/src/yaml/parse.ts': "import type { Finding } from '../engine/types';\nexport type F = Finding;\n",
      'server/src/text/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'server/src/text/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
      'server/src/model/io.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
      'client/src/ok.ts': "import type { Finding } from '../../server/src/protocol';\nexport type F = Finding;\n",
      'client/src/bad.ts': "import type { Finding } from '../../server/src/engine/types';\nexport type F = Finding;\n",
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const found = cruise(dir, ['server/src', 'client/src']).violations.map((v) => `${v.rule.name} ${v.from}`);
    for (const expected of [
      'layer-yaml server/src/yaml/parse.ts',
      'no-circular server/src/text/a.ts',
      'client-through-protocol client/src/bad.ts',
      'core-without-io-or-editor-apis server/src/model/io.ts',
    ])
      assert.ok(found.includes(expected), `expected ${expected} among ${JSON.stringify(found)}`);
    assert.ok(!found.some((f) => f.endsWith('client/src/ok.ts')), "protocol.ts is the client's way in");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const CORE = [
  'text',
  'yaml',
  'expressions',
  'model',
  'knowledge',
  'analysis',
  'engine',
  'fixes',
  'rules',
  'editor',
  'report',
];
const FORBIDDEN = [
  /^vscode$/,
  /^vscode-languageserver/,
  /^vscode-languageclient/,
  /^(node:)?(fs|fs\/promises|child_process|net|worker_threads)$/,
];
/** The adapters: the core may not reach into them either. */
const ADAPTER_DIRS = ['lsp', 'cli', 'io', 'secretstore'];

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.(ts|js|mjs|cjs)$/.test(name) ? [p] : [];
  });
}

/** Module specifiers of static imports/exports, dynamic import() and require(). */
function importsOf(source: string): string[] {
  const specs: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) specs.push(m[1]);
  return specs;
}

test('the import scanner sees every import form', () => {
  const sample = `import a from 'node:fs';\nimport { b } from "vscode";\nexport * from 'child_process';\nimport 'net';\nconst c = await import('vscode-languageserver/node');\nconst d = require('fs');\nimport type { E } from '../lsp/server';\n`;
  assert.deepEqual(
    importsOf(sample).sort(),
    ['../lsp/server', 'child_process', 'fs', 'net', 'node:fs', 'vscode', 'vscode-languageserver/node'].sort(),
  );
});

test('core folders import no vscode, language-server or Node I/O modules, and no adapter code', () => {
  const serverSrc = join(ROOT, 'server', 'src');
  const violations: string[] = [];
  let checked = 0;
  for (const folder of CORE) {
    for (const file of sourceFiles(join(serverSrc, folder))) {
      checked++;
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const rel = relative(serverSrc, join(file, '..', spec))
          .split('\\')
          .join('/');
        const reachesAdapter = spec.startsWith('.') && ADAPTER_DIRS.some((d) => rel === d || rel.startsWith(`${d}/`));
        if (FORBIDDEN.some((re) => re.test(spec)) || reachesAdapter)
          violations.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
  }
  assert.ok(checked > 20, `checked ${checked} core files`);
  assert.deepEqual(violations, []);
});
