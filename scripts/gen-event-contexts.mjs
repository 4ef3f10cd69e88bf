// `node scripts/gen-event-contexts.mjs [csv]`: regenerates server/src/knowledge/event-contexts.json from zizmor's
// context-capabilities.csv (MIT, see THIRD-PARTY-NOTICES.md): every `github.*` (and `runner.*`) context of GitHub's webhook schemas as
// `arbitrary` (free text), `structured` (constrained text: URLs, emails, refs) or `fixed` (ids, SHAs, numbers, enums).
// Stored as a tree of path segments (a leaf is the capability's initial, a node's own capability sits under "") so the
// shared prefixes of 4,000 paths are written once.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const csvPath = process.argv[2] ?? join(root, '..', 'shared', 'data', 'zizmor', 'context-capabilities.csv');
const CODES = { arbitrary: 'a', structured: 's', fixed: 'f' };

const tree = {};
for (const line of readFileSync(csvPath, 'utf8').split('\n')) {
  const [path, capability] = line.trim().split(',');
  if (!path || !capability) continue;
  const code = CODES[capability];
  if (!code) throw new Error(`unknown capability ${capability} for ${path}`);
  const segments = path.toLowerCase().split('.');
  let node = tree;
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    let child = node[segment];
    if (last) {
      if (child && typeof child === 'object') child[''] = code;
      else node[segment] = code;
      break;
    }
    if (child === undefined) child = node[segment] = {};
    else if (typeof child === 'string') child = node[segment] = { '': child };
    node = child;
  }
}

const out = {
  $schema: '../../../schemas/event-contexts.schema.json',
  source:
    'zizmor context-capabilities.csv (MIT), from GitHub webhook schemas; regenerate with scripts/gen-event-contexts.mjs',
  legend: { a: 'arbitrary', s: 'structured', f: 'fixed' },
  contexts: tree,
};
writeFileSync(join(root, 'server', 'src', 'knowledge', 'event-contexts.json'), `${JSON.stringify(out)}\n`);
