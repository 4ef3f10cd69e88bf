// docs/rules is generated from the rule metadata (a stale copy fails npm test's generation check, see gates.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RULES } from '../../server/src/rules/index';
import { ruleDocsUrl } from '../../server/src/engine/docs';
import { ROOT } from '../helpers';

test('every rule has a page at the URL reports link to, with its metadata and docs', () => {
  const index = readFileSync(join(ROOT, 'docs', 'rules', 'README.md'), 'utf8');
  for (const { meta } of ALL_RULES) {
    assert.ok(ruleDocsUrl(meta.id).endsWith(`/docs/rules/${meta.id}.md`));
    const page = readFileSync(join(ROOT, 'docs', 'rules', `${meta.id}.md`), 'utf8');
    assert.ok(page.includes(`# ${meta.id}: ${meta.title}`));
    assert.ok(page.includes(meta.docs.risk) && page.includes(meta.docs.remediation));
    assert.ok(page.includes(`| Severity | ${meta.severity} |`));
    assert.ok(index.includes(`[${meta.id}](${meta.id}.md)`));
  }
});
