#!/usr/bin/env node
// Launcher for the bundled CLI (dist/cli.cjs, built by `npm run build`).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('flowguard: dist/cli.cjs is missing; run npm run build first.\n');
  process.exit(2);
}
createRequire(import.meta.url)(cli);
