import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from '../server/src/yaml/parse';
import { buildWorkflow } from '../server/src/model/workflow';
import { buildAction } from '../server/src/model/action';
const root = '/work/shared/corpus';
const lines = readFileSync(join(root, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1);
const counts = new Map<string, number>();
let local = 0, docker = 0, total = 0, rw=0;
for (const l of lines) {
  const [repo, , path, , kind] = l.split('\t');
  const text = readFileSync(join(root, repo.replace('/', '__'), path), 'utf8');
  const p = parseYaml(text);
  const m = kind === 'workflow' ? buildWorkflow(p, path) : buildAction(p, path);
  if (!m) continue;
  const steps = m.kind === 'workflow' ? m.jobs.flatMap((j) => [...j.steps.map(s=>s.uses), j.uses]) : m.steps.map(s=>s.uses);
  for (const u of steps) {
    if (!u) continue;
    total++;
    if (u.kind === 'local' || u.kind==='local-reusable-workflow') { local++; continue; }
    if (u.kind === 'docker') { docker++; continue; }
    if (u.kind === 'reusable-workflow') { rw++; continue; }
    counts.set(u.slug!, (counts.get(u.slug!) ?? 0) + 1);
  }
}
const sorted = [...counts].sort((a, b) => b[1] - a[1]);
console.log({ total, local, docker, rw, distinct: sorted.length, actionOcc: sorted.reduce((a, b) => a + b[1], 0) });
let cum = 0; const occ = sorted.reduce((a, b) => a + b[1], 0);
sorted.forEach(([s, n], i) => { cum += n; if ([50,100,200,300,400,500,600,800].includes(i+1)) console.log(i+1, (cum/occ*100).toFixed(1)); });
import("node:fs").then(fs=>fs.writeFileSync("/tmp/pp/counts.tsv", sorted.map(([s,n])=>`${s}\t${n}`).join("\n")));
