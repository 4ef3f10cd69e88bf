import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from './server/src/engine/analyze';
import { LineIndex } from './server/src/yaml/lines';
const root = '../shared/corpus';
const want = process.argv[2].split(',');
const rows = readFileSync(join(root, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
for (const [repo, , path, , kind] of rows) {
  if (kind === 'gitlab-ci') continue;
  const file = join(root, repo.replace('/', '__'), path);
  const text = readFileSync(file, 'utf8');
  const r = analyze({ path: file, text, kind: kind === 'action' ? 'action' : 'workflow' });
  const li = new LineIndex(text);
  for (const f of r.findings) if (want.includes(f.ruleId)) { const p = li.positionAt(f.span.start); console.log(`${repo}/${path}:${p.line+1} [${f.ruleId}] ${f.message.slice(0,120)}\n    ${li.lineText(p.line).trim().slice(0,160)}`); }
}
