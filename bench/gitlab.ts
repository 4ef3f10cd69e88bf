// GitLab CI over ../shared/corpus (MANIFEST kind gitlab-ci): engine time per file with local includes read from the
// repository, and findings per rule and severity. Part of `npm run bench`; standalone: node --import tsx bench/gitlab.ts
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import { CORPUS, ms, runSections, section, stats, type Row } from './lib';

interface GitlabFile {
  dir: string;
  path: string;
  text: string;
}

function loadGitlabFiles(): GitlabFile[] {
  const manifest = join(CORPUS, 'MANIFEST.tsv');
  if (!existsSync(manifest)) return [];
  const seen = new Set<string>();
  const out: GitlabFile[] = [];
  for (const line of readFileSync(manifest, 'utf8').split('\n').slice(1)) {
    const [repo, , path, , kind] = line.split('\t');
    if (kind !== 'gitlab-ci' || !path) continue;
    const dir = join(CORPUS, repo.replace('/', '__'));
    if (seen.has(join(dir, path)) || !existsSync(join(dir, path))) continue;
    seen.add(join(dir, path));
    out.push({ dir, path, text: readFileSync(join(dir, path), 'utf8') });
  }
  return out;
}

export function registerGitlabBench(): void {
  const files = loadGitlabFiles();
  if (!files.length) return;
  const counts = new Map<string, number>();
  section(`GitLab CI (${files.length} files, local includes read)`, () => {
    const samples: number[] = [];
    let ruleErrors = 0;
    for (const f of files) {
      const readFile = (p: string) => (existsSync(join(f.dir, p)) ? readFileSync(join(f.dir, p), 'utf8') : undefined);
      const start = performance.now();
      const r = analyze({ path: f.path, text: f.text, kind: 'gitlab', readFile });
      samples.push(performance.now() - start);
      ruleErrors += r.ruleErrors.length;
      for (const x of r.findings)
        counts.set(`${x.ruleId} ${x.severity}`, (counts.get(`${x.ruleId} ${x.severity}`) ?? 0) + 1);
    }
    const s = stats(samples);
    return [
      { files: s.n, total: ms(s.total), p50: ms(s.p50), p95: ms(s.p95), max: ms(s.max), 'rule errors': ruleErrors },
    ];
  });
  section('GitLab CI findings per rule and severity', (): Row[] =>
    [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([key, n]) => ({ 'rule severity': key, findings: n })),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  registerGitlabBench();
  await runSections();
}
