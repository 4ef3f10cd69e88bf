// Bundles the extension-host suite (TypeScript, `vscode` external) into one CommonJS file the extension host loads.
import * as esbuild from 'esbuild';
import path from 'node:path';
import { repoRoot } from './setup.mjs';

/** Bundles test/e2e/suite/<name>.ts; returns the bundle's path. */
export async function buildSuite(name = 'index') {
  const suiteBundle = path.join(repoRoot, 'test-output', 'e2e', 'suite', `${name}.cjs`);
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'test', 'e2e', 'suite', `${name}.ts`)],
    outfile: suiteBundle,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return suiteBundle;
}
