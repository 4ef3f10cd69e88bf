// Bundles the extension client, the language server (+ its analysis worker) and the CLI into dist/*.cjs.
//   node esbuild.mjs               development build with source maps
//   node esbuild.mjs --production  minified, no source maps (what the .vsix ships)
//   node esbuild.mjs --watch       rebuilds on change
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const entries = [
  { in: 'client/src/extension.ts', out: 'client' },
  { in: 'server/src/lsp/main.ts', out: 'server' },
  // Large documents and workspace scans are analyzed here, off the server's main thread.
  { in: 'server/src/lsp/analysisWorker.ts', out: 'analysisWorker' },
  { in: 'server/src/cli/main.ts', out: 'cli' },
  // `flowguard scan --jobs N` analyzes files here; it must sit next to cli.cjs.
  { in: 'server/src/cli/scanWorker.ts', out: 'scanWorker' },
];
/** @type {esbuild.BuildOptions} */
const options = {
  entryPoints: entries,
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // The VS Code API is provided by the extension host at run time.
  external: ['vscode'],
  // Prefer ESM entry points (e.g. @actions/expressions is ESM-only); esbuild converts them to CJS.
  mainFields: ['module', 'main'],
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  legalComments: production ? 'none' : 'inline',
  logLevel: 'warning',
};

if (watch) {
  const ctx = await esbuild.context({ ...options, logLevel: 'info' });
  await ctx.watch();
  console.log('esbuild: watching for changes');
} else {
  const started = Date.now();
  await esbuild.build(options);
  console.log(
    `esbuild: built ${options.entryPoints.length} bundles into dist/ in ${Date.now() - started} ms${production ? ' (production)' : ''}`,
  );
}
