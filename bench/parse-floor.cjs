// The parse-only floor: a process that reads and parses the files listed in argv[2] (one absolute path a line) with
// `yaml` and the options Flowguard's parser uses, and does nothing else. `flowguard scan` is measured against it.
// With argv[3] = N (N > 1), N worker threads share the files (every Nth file each): the fastest a scan that does no
// more than parse could go with N workers on this machine.
const { readFileSync } = require('node:fs');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const { parseDocument } = require('yaml');

function parseAll(files) {
  let errors = 0;
  for (const file of files) {
    const doc = parseDocument(readFileSync(file, 'utf8'), {
      keepSourceTokens: false,
      prettyErrors: false,
      strict: false,
    });
    errors += doc.errors.length;
  }
  return errors;
}

if (!isMainThread) {
  parentPort.postMessage(parseAll(workerData));
} else {
  const files = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
  const threads = Number(process.argv[3] ?? 1);
  if (threads <= 1) {
    process.stdout.write(`${parseAll(files)}\n`);
  } else {
    let errors = 0;
    let running = threads;
    for (let t = 0; t < threads; t++) {
      const share = files.filter((_, i) => i % threads === t);
      new Worker(__filename, { workerData: share }).on('message', (n) => {
        errors += n;
        if (--running === 0) process.stdout.write(`${errors}\n`);
      });
    }
  }
}
