// Scale: repeats of one cause collapse into one finding, the language server publishes a bounded number of
// diagnostics, and reports are written file by file (never one giant string).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../server/src/engine/analyze';
import { DEFAULT_CONFIG } from '../server/src/engine/config';
import { MAX_RELATED_OCCURRENCES } from '../server/src/engine/context';
import { analyzeText } from '../server/src/lsp/analysis';
import { analysisDiagnostics, MAX_DIAGNOSTICS } from '../server/src/lsp/diagnostics';
import { TRUNCATED_CODE, type FindingDiagnosticData } from '../server/src/protocol';
import { renderReport, reportWriter, type FileReport } from '../server/src/report/index';
import { LineIndex } from '../server/src/text/lines';
import { fixFile, ofRule } from './helpers';

const PATH = '.github/workflows/scale.yml';

function repeatedInjection(times: number, otherStep = true): string {
  const lines = Array.from({ length: times }, (_, i) => `          echo "\${{ github.event.issue.title }} ${i}"`);
  return (
    'on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n' +
    `      - run: |\n${lines.join('\n')}\n          echo "\${{ github.event.issue.body }}"\n` +
    (otherStep ? '      - run: echo "${{ github.event.issue.title }}"\n' : '')
  );
}

describe('one cause, one finding', () => {
  test('an expression repeated in one step is one finding with the other occurrences related and counted', () => {
    const text = repeatedInjection(5);
    const found = ofRule(analyze({ path: PATH, text }), 'template-injection');
    // The title in step 1 (collapsed), the body in step 1, the title again in step 2 (another step: its own finding).
    assert.deepEqual(
      found.map((f) => [text.slice(f.span.start, f.span.end), f.properties?.occurrences ?? 1, f.related?.length ?? 0]),
      [
        ['${{ github.event.issue.title }}', 5, 4],
        ['${{ github.event.issue.body }}', 1, 0],
        ['${{ github.event.issue.title }}', 1, 0],
      ],
    );
    const first = found[0];
    const lines = first.related!.map((r) => text.slice(0, r.span.start).split('\n').length);
    assert.deepEqual(lines, [10, 11, 12, 13], 'each other occurrence, at its own line');
  });

  test('thousands of repeats: one finding, a bounded list of related locations, the full count, no limit problem', () => {
    const result = analyze({ path: PATH, text: repeatedInjection(5000, false) });
    const found = ofRule(result, 'template-injection');
    assert.equal(found.length, 2);
    assert.equal(found[0].properties?.occurrences, 5000);
    assert.equal(found[0].related?.length, MAX_RELATED_OCCURRENCES);
    assert.deepEqual(result.problems, []);
  });

  test('fixing the collapsed finding fixes every occurrence (round trip, nothing else changes)', () => {
    const text = repeatedInjection(3, false);
    const fixed = fixFile({ path: PATH, text });
    assert.equal(fixed.converged, true);
    const after = analyze({ path: PATH, text: fixed.text });
    assert.deepEqual(after.problems, []);
    assert.deepEqual(ofRule(after, 'template-injection'), []);
    assert.ok(!fixed.text.includes('${{ github.event.issue.title }} '), fixed.text);
  });
});

describe('bounded diagnostics', () => {
  /** Three rules at their per-file cap (template-injection, unpinned-uses, missing-timeout): 600 findings. */
  const crowded = () => {
    let text = 'on: issues\npermissions: {}\njobs:\n';
    for (let i = 0; i < 250; i++)
      text += `  j${i}:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo "\${{ github.event.issue.title }}"\n`;
    return text;
  };

  test(`a document publishes at most ${MAX_DIAGNOSTICS} findings, the most severe, and a summary of the rest`, () => {
    const text = crowded();
    const analysis = analyzeText({ relPath: PATH, text, config: DEFAULT_CONFIG });
    const findings = analysis.result.findings;
    assert.ok(findings.length > MAX_DIAGNOSTICS, `${findings.length} findings`);
    const diagnostics = analysisDiagnostics('file:///r/' + PATH, new LineIndex(text), analysis, 1);
    const summary = diagnostics.filter((d) => d.code === TRUNCATED_CODE);
    const shown = diagnostics.filter((d) => d.code !== TRUNCATED_CODE && (d.data as FindingDiagnosticData)?.index >= 0);
    assert.equal(summary.length, 1);
    assert.match(String(summary[0].message), new RegExp(`shows ${shown.length} of ${findings.length} findings`));
    assert.ok(diagnostics.length <= MAX_DIAGNOSTICS + 1 + analysis.result.problems.length);
    // Each diagnostic still names its finding (code actions find it by index), and nothing more severe was dropped.
    const indexes = shown.map((d) => (d.data as FindingDiagnosticData).index);
    for (const d of shown) assert.equal(findings[(d.data as FindingDiagnosticData).index].ruleId, d.code);
    const worstHidden = findings.filter((_, i) => !indexes.includes(i)).map((f) => f.severity);
    const rank = { high: 0, medium: 1, low: 2, info: 3 };
    const bestHidden = Math.min(...worstHidden.map((s) => rank[s]));
    assert.ok(shown.every((d) => rank[findings[(d.data as FindingDiagnosticData).index].severity] <= bestHidden));
  });

  test('a document under the bound publishes every finding and no summary', () => {
    const text = repeatedInjection(3);
    const analysis = analyzeText({ relPath: PATH, text, config: DEFAULT_CONFIG });
    const diagnostics = analysisDiagnostics('file:///r/' + PATH, new LineIndex(text), analysis, 1);
    assert.equal(diagnostics.length, analysis.result.findings.length);
    assert.ok(!diagnostics.some((d) => d.code === TRUNCATED_CODE));
  });
});

describe('streamed reports', () => {
  const files: FileReport[] = Array.from({ length: 40 }, (_, i) => {
    const path = `.github/workflows/w${i}.yml`;
    const text = repeatedInjection(2 + (i % 3));
    return { path, uri: path, text, result: analyze({ path, text }) };
  });

  for (const format of ['json', 'sarif', 'text'] as const)
    test(`${format}: written as the files come, the same document as rendered at once`, () => {
      const chunks: string[] = [];
      const writer = reportWriter(format, (c) => chunks.push(c), { toolVersion: '1.2.3', srcRoot: 'file:///r/' });
      const before: number[] = [];
      for (const file of files) {
        writer.file(file);
        before.push(chunks.length);
      }
      // Every file with findings added output before the report ended; nothing waited for the end.
      assert.ok(
        before.every((n, i) => i === 0 || n > before[i - 1]),
        `chunks after each file: ${before.join(',')}`,
      );
      writer.end([]);
      const streamed = chunks.join('');
      assert.equal(streamed, renderReport(format, { toolVersion: '1.2.3', files, srcRoot: 'file:///r/' }));
      if (format === 'text') return;
      // Valid JSON, pretty-printed exactly as JSON.stringify would.
      const doc = JSON.parse(streamed);
      assert.equal(streamed, JSON.stringify(doc, null, 2) + '\n');
      const results = format === 'json' ? doc.findings : doc.runs[0].results;
      assert.equal(
        results.length,
        files.reduce((n, f) => n + f.result.findings.length, 0),
      );
    });

  test('with no files the JSON and SARIF documents are still complete', () => {
    for (const format of ['json', 'sarif'] as const) {
      const doc = JSON.parse(renderReport(format, { toolVersion: '1', files: [] }));
      assert.deepEqual(format === 'json' ? doc.findings : doc.runs[0].results, []);
    }
  });
});
