// Editor latency as a user feels it: a plain LSP client over stdio opens a file, then sends 30 edits one after the
// other and waits for each edit's diagnostics (the version it names). Targets (issue 16): edit->diagnostics p95 at most
// 25 ms on the 9 KB ripgrep workflow and 250 ms on the 415 KB deno workflow; server RSS after opening the big file.
// A third file, open-telemetry's 1 KB ci.yml, calls its 361 KB test.yml as a reusable workflow: what an edit costs
// when the analysis reads a large file of the repository.
// Timed from the spawn: start-up (with the server's JIT warm-up) is reported, not hidden.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToUri } from '../server/src/lsp/paths';
import { WARM_UP_MS } from '../server/src/lsp/warmUp';
import { LspClient } from '../test/lsp/client';
import { CORPUS, ms, section, stats, type Row } from './lib';

const FILES = [
  'BurntSushi__ripgrep/.github/workflows/ci.yml',
  'denoland__deno/.github/workflows/ci.generated.yml',
  'open-telemetry__opentelemetry-python-contrib/.github/workflows/ci.yml',
];
const EDITS = 30;

/** Resident set size of a process in MB (Linux /proc), or undefined elsewhere. */
function rssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used, in ms (Linux /proc, 100 ticks per second), or undefined elsewhere. */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

export function registerEditorLatencyBench(): void {
  section(`Editor latency: edit->diagnostics over stdio (${EDITS} edits per file)`, async () => {
    const present = FILES.filter((f) => existsSync(join(CORPUS, f)));
    if (present.length < FILES.length) {
      console.log(`  skipped: ${FILES.filter((f) => !present.includes(f)).join(', ')} not in ../shared/corpus`);
      return [];
    }
    // The server as editors start it (JIT warm-up before `initialize` is answered), then the same server with the
    // warm-up off on the small file: what the first keystrokes of a cold process cost.
    return [
      ...(await measureServer(`default (warm-up ${WARM_UP_MS} ms)`, undefined, FILES)),
      ...(await measureServer('warm-up off', { warmUpMs: 0 }, FILES.slice(0, 1))),
    ];
  });
}

async function measureServer(name: string, initializationOptions: unknown, files: string[]): Promise<Row[]> {
  const started = performance.now();
  const client = LspClient.start();
  const rows: Row[] = [];
  try {
    await client.initialize(pathToUri(CORPUS), {}, initializationOptions);
    const startup = performance.now() - started;
    for (const rel of files) {
      const abs = join(CORPUS, rel);
      const text = readFileSync(abs, 'utf8');
      const uri = pathToUri(abs);
      const seen = client.published.length;
      const opened = performance.now();
      client.open(uri, text);
      const first = await client.diagnostics(uri, () => true, 60_000, seen);
      const openLatency = first.receivedAt - opened;
      const rss = rssMb(client.child.pid);
      const edits: number[] = [];
      const lines = text.split('\n');
      // Typing inside a step's `name:` value: a realistic keystroke in the middle of the file that keeps it valid.
      const line = Math.max(
        0,
        lines.findIndex((l, i) => i > lines.length / 2 && /^\s+(- )?name: \S/.test(l)),
      );
      const column = lines[line].length;
      const cpuBefore = cpuMs(client.child.pid);
      for (let i = 0; i < EDITS; i++) {
        const before = client.published.length;
        const sent = performance.now();
        const version = client.change(uri, [
          {
            range: { start: { line, character: column + i }, end: { line, character: column + i } },
            text: String.fromCharCode(97 + (i % 26)),
          },
        ]);
        const p = await client.diagnostics(uri, (x) => x.version === version, 60_000, before);
        edits.push(p.receivedAt - sent);
      }
      const cpuAfter = cpuMs(client.child.pid);
      client.close(uri);
      const e = stats(edits);
      rows.push({
        server: name,
        'start->initialized': rel === files[0] ? ms(startup) : '',
        file: rel,
        KB: (text.length / 1024).toFixed(0),
        diagnostics: first.diagnostics.length,
        'open->diagnostics': ms(openLatency),
        'edit p50': ms(e.p50),
        'edit p95': ms(e.p95),
        'edit max': ms(e.max),
        // CPU the server spent per edit: what an edit costs, whatever else the machine is doing.
        'server CPU per edit':
          cpuBefore === undefined || cpuAfter === undefined ? '-' : ms((cpuAfter - cpuBefore) / EDITS),
        'server RSS after open': rss === undefined ? '-' : `${rss.toFixed(0)} MB`,
      });
    }
  } finally {
    await client.shutdown();
  }
  return rows;
}
