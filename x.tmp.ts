import { readFileSync } from 'node:fs';
import { analyze } from './server/src/engine/analyze';
import { applyEdits } from './server/src/fixes/edits';
for (const p of process.argv.slice(2)) {
const t = readFileSync(p, 'utf8');
const r = analyze({ path: p, text: t });
for (const f of r.findings) { console.log(f.ruleId, f.severity, JSON.stringify(t.slice(f.span.start, f.span.end)), f.message); for (const fx of f.fixes) console.log('----', fx.title, '\n' + applyEdits(t, fx.edits)); }
console.log(r.ruleErrors, r.problems);
}
