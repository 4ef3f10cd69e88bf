// Table-driven over the rule registry: every rule has metadata that agrees with its file, vulnerable and safe
// fixtures, and fixes that remove the finding without disturbing anything else.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ALL_RULES, RULE_FILES } from '../server/src/rules/index';
import { CATEGORIES, SEVERITIES, CONFIDENCES } from '../server/src/engine/types';
import { applyEdits } from '../server/src/fixes/edits';
import { fixAll } from '../server/src/fixes/apply';
import { parseYaml } from '../server/src/yaml/parse';
import { analyzeText, fixturesFor, ofRule, ruleCounts, ROOT } from './helpers';

test('the committed rule registry is up to date', () => {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'gen-registry.mjs'), '--check'], { stdio: 'pipe' });
});

test('rule ids and aliases are unique; file, folder and metadata agree', () => {
  const seen = new Map<string, string>();
  ALL_RULES.forEach((rule, i) => {
    const m = rule.meta;
    assert.equal(
      m.id,
      RULE_FILES[i].id,
      `rule in ${RULE_FILES[i].category}/${RULE_FILES[i].id}.ts declares id ${m.id}`,
    );
    assert.equal(m.category, RULE_FILES[i].category, `${m.id} lives in folder ${RULE_FILES[i].category}`);
    assert.match(m.id, /^[a-z][a-z0-9-]*$/);
    assert.ok(CATEGORIES.includes(m.category));
    assert.ok(SEVERITIES.includes(m.severity));
    assert.ok(CONFIDENCES.includes(m.confidence));
    assert.ok(m.title && m.description && m.docs.risk && m.docs.remediation, `${m.id} has docs`);
    for (const name of new Set([m.id, ...m.aliases])) {
      const owner = seen.get(name);
      // An alias may equal the rule's own id (peers using our name); it may not name another rule.
      assert.ok(!owner || owner === m.id, `${name} is claimed by ${owner} and ${m.id}`);
      seen.set(name, m.id);
    }
  });
});

for (const rule of ALL_RULES) {
  const id = rule.meta.id;
  describe(`rule ${id}`, () => {
    const fixtures = fixturesFor(id);
    test('has vulnerable and safe fixtures', () => {
      assert.ok(
        fixtures.some((f) => f.kind === 'vulnerable'),
        `test/fixtures/${id}/vulnerable*.yml`,
      );
      assert.ok(
        fixtures.some((f) => f.kind === 'safe'),
        `test/fixtures/${id}/safe*.yml`,
      );
    });
    for (const fx of fixtures) {
      const expectation = { vulnerable: 'reported', safe: 'not reported', low: 'reported at low severity only' }[
        fx.kind
      ];
      test(`${fx.name}: ${expectation}`, () => {
        const result = analyzeText(fx.text, fx.path);
        assert.deepEqual(result.ruleErrors, []);
        const found = ofRule(result, id);
        if (fx.kind === 'vulnerable') assert.ok(found.length > 0, `expected ${id} in ${fx.name}`);
        else if (fx.kind === 'low') {
          assert.ok(found.length > 0, `expected ${id} in ${fx.name}`);
          assert.deepEqual(
            found.filter((f) => f.severity === 'high' || f.severity === 'medium').map((f) => f.message),
            [],
            `${id} in ${fx.name} is low`,
          );
        } else
          assert.deepEqual(
            found.map((f) => f.message),
            [],
            `no ${id} expected in ${fx.name}`,
          );
        for (const f of found) {
          assert.ok(f.span.end > f.span.start, 'a finding points at a real range');
          assert.ok(
            f.span.end - f.span.start < fx.text.length,
            'a finding points at the offending token, not the file',
          );
        }
      });
      if (fx.kind !== 'vulnerable') continue;
      test(`${fx.name}: every fix removes its finding and changes nothing else`, () => {
        const before = analyzeText(fx.text, fx.path);
        for (const finding of ofRule(before, id)) {
          for (const fix of finding.fixes) {
            const after = applyEdits(fx.text, fix.edits);
            assert.deepEqual(parseYaml(after).problems, [], `'${fix.title}' leaves valid YAML`);
            const re = analyzeText(after, fx.path);
            const stillThere = ofRule(re, id).some(
              (f) =>
                f.message === finding.message &&
                after.slice(f.span.start, f.span.end) === fx.text.slice(finding.span.start, finding.span.end),
            );
            assert.ok(!stillThere, `'${fix.title}' removes: ${finding.message}`);
            assert.ok(ofRule(re, id).length < ofRule(before, id).length, `'${fix.title}' lowers the ${id} count`);
            const was = ruleCounts(before.findings);
            for (const [rid, n] of ruleCounts(re.findings))
              assert.ok(n <= (was.get(rid) ?? 0), `'${fix.title}' adds no ${rid} finding`);
          }
        }
      });
      if (fx.fixed !== undefined) {
        test(`${fx.name}: fixing every finding gives ${fx.name.replace(/\.ya?ml$/, '.fixed.yml')} byte for byte`, () => {
          const result = fixAll({ path: fx.path, text: fx.text }, { ruleIds: [id] });
          assert.equal(result.text, fx.fixed);
          // Findings without a fix may remain; none that has one may.
          assert.deepEqual(
            ofRule(analyzeText(result.text, fx.path), id)
              .filter((f) => f.fixes.length > 0)
              .map((f) => f.message),
            [],
          );
        });
      }
    }
  });
}
