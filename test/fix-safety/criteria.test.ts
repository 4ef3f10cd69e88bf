// Every fixable rule states when its fixes are safe, and the generated docs carry that statement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RULES } from '../../server/src/rules/index';
import { ruleHelpMarkdown } from '../../server/src/report/rule-docs';
import { ROOT } from '../helpers';

test('every fixable rule documents its fix-safety criterion, in its meta and in docs/rules', () => {
  for (const { meta } of ALL_RULES) {
    if (!meta.fixable) continue;
    assert.ok(meta.fixSafety && meta.fixSafety.length > 40, `${meta.id} has meta.fixSafety`);
    assert.match(meta.fixSafety, /\b(safe|unsafe)\b/i, `${meta.id} says when its fix is safe or why it is not`);
    assert.ok(ruleHelpMarkdown(meta).includes(`**Fix safety.** ${meta.fixSafety}`));
    const page = readFileSync(join(ROOT, 'docs', 'rules', `${meta.id}.md`), 'utf8');
    assert.ok(page.includes(meta.fixSafety), `docs/rules/${meta.id}.md is regenerated`);
  }
});
