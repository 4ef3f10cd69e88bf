// The layer table: which folder of server/src may import which. Read a row as "files in <folder> may import <these>".
// Layers only import downwards; adapters (io, secretstore, online, lsp, cli) sit on top; the VS Code client reaches the server
// only through protocol.ts (and secretstore/, which it runs with the user's GitHub session).
// `npm run arch` prints the report; test/architecture.test.ts fails on any violation or cycle.
const CORE_BELOW_FIXES = ['engine', 'analysis', 'knowledge', 'model', 'yaml', 'expressions', 'text'];
const CORE = ['report', 'editor', 'rules', 'fixes', ...CORE_BELOW_FIXES];

/** folder (or top-level file) -> what it may import inside server/src, besides itself. */
const LAYERS = {
  text: [],
  yaml: ['text'],
  expressions: ['text'],
  model: ['yaml', 'expressions', 'text'],
  knowledge: ['model', 'yaml', 'expressions', 'text'],
  analysis: ['knowledge', 'model', 'yaml', 'expressions', 'text'],
  // + the generated rule registry, from engine/analyze.ts only (see below).
  engine: ['analysis', 'knowledge', 'model', 'yaml', 'expressions', 'text'],
  fixes: CORE_BELOW_FIXES,
  rules: ['fixes', ...CORE_BELOW_FIXES],
  editor: ['rules', 'fixes', ...CORE_BELOW_FIXES],
  report: ['rules', 'fixes', ...CORE_BELOW_FIXES],
  'protocol.ts': CORE,
  io: ['text'],
  secretstore: ['io', ...CORE],
  // The GitHub API and OCI registry resolver (adapter-side: it does network I/O; the core takes its answers as facts).
  online: ['io', ...CORE],
  lsp: ['protocol.ts', 'io', 'secretstore', 'online', ...CORE],
  cli: ['lsp', 'protocol.ts', 'io', 'secretstore', 'online', ...CORE],
};

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const folderPath = (name) => `^server/src/${escape(name)}${name.endsWith('.ts') ? '$' : '/'}`;
const anyOf = (names) => `(${names.map(folderPath).join('|')})`;

const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => ({
  name: `layer-${layer.replace('.ts', '')}`,
  comment: `${layer} may import only: ${allowed.length ? allowed.join(', ') : 'nothing else in server/src'}`,
  severity: 'error',
  from: { path: folderPath(layer) },
  to: {
    path: '^(server/src|client/src)/',
    pathNot: [
      folderPath(layer),
      ...allowed.map(folderPath),
      ...(layer === 'engine' ? ['^server/src/rules/index\\.ts$'] : []),
    ],
  },
}));

const PURE = [...CORE, 'protocol.ts'];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycle, type-only imports included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'engine-registry-from-analyze-only',
      comment:
        'The engine runs the built-in rules when the caller passes none: only engine/analyze.ts reads the registry.',
      severity: 'error',
      from: { path: '^server/src/engine/', pathNot: '^server/src/engine/analyze\\.ts$' },
      to: { path: '^server/src/rules/' },
    },
    {
      name: 'client-through-protocol',
      comment: 'The VS Code client uses the server only through protocol.ts (and secretstore/ for storing secrets).',
      severity: 'error',
      from: { path: '^client/src/' },
      to: { path: '^server/src/', pathNot: ['^server/src/protocol\\.ts$', '^server/src/secretstore/'] },
    },
    {
      name: 'core-without-io-or-editor-apis',
      comment: 'The core runs in the CLI, the server, a worker and the tests: no vscode, LSP or Node I/O modules.',
      severity: 'error',
      from: { path: anyOf(PURE) },
      to: {
        path: '^(node:)?(fs|fs/promises|child_process|net|worker_threads|http|https)$|^vscode$|(^|/)node_modules/(vscode-languageserver[^/]*|vscode-languageclient)/',
      },
    },
    {
      name: 'not-to-unresolvable',
      comment: '`vscode` is provided by the editor at run time (types from @types/vscode).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^vscode$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
