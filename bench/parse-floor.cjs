// The parse-only floor: a process that reads and parses the files listed in argv[2] (one absolute path a line) with
// `yaml` and the options Flowguard's parser uses, and does nothing else. `flowguard scan` is measured against it.
const { readFileSync } = require('node:fs');
const { parseDocument } = require('yaml');

let errors = 0;
for (const file of readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean)) {
  const doc = parseDocument(readFileSync(file, 'utf8'), {
    keepSourceTokens: false,
    prettyErrors: false,
    strict: false,
  });
  errors += doc.errors.length;
}
process.stdout.write(`${errors}\n`);
