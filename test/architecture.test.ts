// The core layers stay pure: no editor APIs and no I/O, so the CLI, the language server and the tests share them as is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './helpers';

const CORE = ['yaml', 'expressions', 'model', 'analysis', 'knowledge', 'engine', 'rules', 'fixes', 'report'];
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
