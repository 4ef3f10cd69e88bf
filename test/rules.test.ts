// Table-driven over the rule registry: every rule has metadata that agrees with its file, vulnerable and safe
// fixtures whose findings match their golden <name>.findings exactly, and fixes that remove the finding without
// disturbing anything else and that settle (fixing the fixed text changes nothing).
// UPDATE=1 rewrites the golden files (UPDATE=1 node scripts/run-tests.mjs rules); review their diff before committing.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ALL_RULES, RULE_FILES } from '../server/src/rules/index';
import { CATEGORIES } from '../server/src/engine/types';
import { SEVERITIES, CONFIDENCES } from '../server/src/analysis/levels';
import { applyEdits } from '../server/src/fixes/edits';
import { parseYaml } from '../server/src/yaml/parse';
import { analyzeFixture, FIXTURES, fixturesFor, goldenFindings, ofRule, ROOT, ruleCounts, fixFile } from './helpers';

const UPDATE = process.env.UPDATE === '1';

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
    test(`meta.fixable (${rule.meta.fixable}) is true exactly when a fixture yields a fix`, () => {
      const withFix = fixtures.filter((fx) => ofRule(analyzeFixture(fx), id).some((f) => f.fixes.length > 0));
      assert.equal(
        withFix.length > 0,
        rule.meta.fixable,
        rule.meta.fixable ? `no fixture of ${id} yields a fix` : `${withFix[0]?.name} yields a fix`,
      );
    });
    for (const fx of fixtures) {
      const expectation = { vulnerable: 'reported', safe: 'not reported', low: 'reported at low severity only' }[
        fx.kind
      ];
      test(`${fx.name}: ${expectation}`, () => {
        const result = analyzeFixture(fx);
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
      const goldenName = relative(ROOT, fx.goldenPath);
      test(`${fx.name}: findings match ${fx.name.replace(/\.ya?ml$/, '.findings')} exactly`, () => {
        const actual = goldenFindings(ofRule(analyzeFixture(fx), id), fx.text);
        if (UPDATE) {
          if (actual !== fx.golden) writeFileSync(fx.goldenPath, actual);
          return;
        }
        assert.ok(fx.golden !== undefined, `${goldenName} is missing: run UPDATE=1 node scripts/run-tests.mjs rules`);
        assert.equal(
          actual,
          fx.golden,
          `${goldenName} differs from the findings (if the change is intended: UPDATE=1 node scripts/run-tests.mjs rules, then review the diff)`,
        );
      });
      if (fx.kind !== 'vulnerable') continue;
      test(`${fx.name}: every fix removes its finding and changes nothing else`, () => {
        const before = analyzeFixture(fx);
        for (const finding of ofRule(before, id)) {
          for (const fix of finding.fixes) {
            const after = applyEdits(fx.text, fix.edits);
            assert.deepEqual(parseYaml(after).problems, [], `'${fix.title}' leaves valid YAML`);
            const re = analyzeFixture(fx, after);
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
      test(`${fx.name}: fixes converge and are idempotent (fixing the fixed text changes nothing)`, () => {
        const input = { path: fx.path, text: fx.text, readFile: fx.readFile, config: fx.config, facts: fx.facts };
        // This rule's fixes, then every rule's fixes together (the editor's and the CLI's "fix all").
        for (const options of [{ ruleIds: [id] }, {}]) {
          const fixed = fixFile(input, options);
          assert.equal(fixed.converged, true, `fixAll(${JSON.stringify(options)}) converges`);
          const again = fixFile({ ...input, text: fixed.text }, options);
          assert.equal(again.text, fixed.text, `fixAll(${JSON.stringify(options)}) of the fixed text changes nothing`);
          assert.deepEqual(again.applied, []);
        }
      });
      if (fx.fixed !== undefined) {
        test(`${fx.name}: fixing every finding gives ${fx.name.replace(/\.ya?ml$/, '.fixed.yml')} byte for byte`, () => {
          const result = fixFile(
            { path: fx.path, text: fx.text, readFile: fx.readFile, config: fx.config, facts: fx.facts },
            { ruleIds: [id] },
          );
          assert.equal(result.text, fx.fixed);
          // Findings without a fix may remain; none that has one may.
          assert.deepEqual(
            ofRule(analyzeFixture(fx, result.text), id)
              .filter((f) => f.fixes.length > 0)
              .map((f) => f.message),
            [],
          );
        });
      }
    }
  });
}

test('every golden .findings file belongs to a fixture of a registered rule', () => {
  const expected = new Set(ALL_RULES.flatMap((r) => fixturesFor(r.meta.id).map((fx) => fx.goldenPath)));
  const orphans = readdirSync(FIXTURES)
    .filter((dir) => statSync(join(FIXTURES, dir)).isDirectory())
    .flatMap((dir) =>
      readdirSync(join(FIXTURES, dir))
        .filter((name) => name.endsWith('.findings'))
        .map((name) => join(FIXTURES, dir, name)),
    )
    .filter((path) => !expected.has(path))
    .map((path) => relative(ROOT, path));
  assert.deepEqual(orphans, [], 'golden files without a fixture (delete them)');
});
