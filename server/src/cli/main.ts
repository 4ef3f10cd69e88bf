// Entry point of the `flowguard` command (bundled to dist/cli.cjs; bin/flowguard.js loads it).
import { setFlagsFromString } from 'node:v8';
import { runCli } from './run';

// V8 lets a busy heap grow to up to 4 times what survives a collection before collecting again; a scan allocates fast
// and keeps little, so 1.2 times bounds its peak memory (issue 16) at no measurable CPU cost. Applies to the workers too.
setFlagsFromString('--heap-growing-percent=20');
// Scans only: V8 optimizes a function once it has run about 66 KB of bytecode; the scan's hot functions then meet new
// object shapes, deoptimize and are compiled again (1,010 TurboFan compilations, 7.5 s of compiler time on the corpus).
// Waiting four times as long gives the compiler settled type feedback: 476 compilations, 2.9 s, CPU -14 to -17%. Not
// for the language server, whose bounded warm-up before `initialize` would leave more of the engine unoptimized.
if (process.argv[2] === 'scan') setFlagsFromString('--interrupt-budget=270336');

// A reader that goes away (`flowguard scan | head`) makes the next write fail with EPIPE, which Node raises as an
// unhandled 'error' event: a stack trace and exit 1, which reads as "findings". The report was not delivered, so this
// is an I/O error: one line and exit 2. (For `lsp --stdio` it means the editor is gone.)
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  process.stderr.write(`flowguard: cannot write to standard output: ${err.code ?? err.message}\n`);
  process.exit(2);
});

// runCli never rejects: every failure becomes exit status 2 with one line on stderr.
void runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (s) => process.stdout.write(s),
  // Resolves once standard output can take more (or is gone: a closed pipe must not stall the scan).
  drain: () =>
    new Promise<void>((resolve) => {
      if (!process.stdout.writableNeedDrain) return resolve();
      const done = () => {
        process.stdout.off('drain', done).off('close', done);
        resolve();
      };
      process.stdout.on('drain', done).on('close', done);
    }),
  stderr: (s) => process.stderr.write(s),
  stdoutIsTTY: process.stdout.isTTY === true,
}).then((outcome) => {
  // exitCode rather than exit(): a large report piped to another process is flushed before Node exits.
  if (outcome !== 'running') process.exitCode = outcome;
});
