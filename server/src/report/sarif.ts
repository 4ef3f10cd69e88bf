// SARIF 2.1.0 for GitHub code scanning and other viewers: every rule's metadata in tool.driver.rules, results with
// 1-based regions (UTF-16 columns), masked snippets, related locations, stable fingerprints and the fixes on offer.
import { ruleDocsUrl } from '../engine/docs';
import type { RuleMeta } from '../engine/types';
import type { Confidence, Severity } from '../analysis/levels';
import type { Span } from '../text/span';
import type { LineIndex } from '../text/lines';
import {
  digestOf,
  firstLine,
  nestedJson,
  renderToString,
  REPORT_RULES,
  TOOL_NAME,
  viewOf,
  type FileDigest,
  type FileReport,
  type FileView,
  type ReportHeader,
  type ReportSink,
  type ReportWriter,
  type ScanReport,
} from './model';
import { ruleHelpMarkdown, ruleHelpText } from './rule-docs';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';
const INFORMATION_URI = 'https://github.com/flowguard-dev/flowguard';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
/** GitHub code scanning reads `security-severity` (0-10) to rank alerts. */
const SECURITY_SEVERITY: Record<Severity, string> = { high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };
const PRECISION: Record<Confidence, string> = { high: 'high', medium: 'medium', low: 'low' };

const pascalCase = (id: string) => id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

function sarifRule(meta: RuleMeta) {
  return {
    id: meta.id,
    name: pascalCase(meta.id),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description },
    help: { text: ruleHelpText(meta), markdown: ruleHelpMarkdown(meta) },
    helpUri: ruleDocsUrl(meta.id),
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: {
      category: meta.category,
      aliases: meta.aliases,
      'security-severity': SECURITY_SEVERITY[meta.severity],
      precision: PRECISION[meta.confidence],
      tags: ['security', meta.category, ...(meta.fixable ? ['fixable'] : [])],
    },
  };
}

function artifactLocation(file: FileReport, baseIds: boolean, index: number) {
  const relative = !/^[a-z][a-z0-9+.-]*:/i.test(file.uri);
  return { uri: file.uri, ...(relative && baseIds ? { uriBaseId: SRCROOT } : {}), index };
}

function region(lines: LineIndex, span: Span) {
  const s = lines.positionAt(span.start);
  const e = lines.positionAt(span.end);
  return {
    startLine: s.line + 1,
    startColumn: s.character + 1,
    endLine: e.line + 1,
    endColumn: e.character + 1,
    charOffset: span.start,
    charLength: span.end - span.start,
  };
}

/** The finding's lines and one line either side, masked, so viewers can show the code around it. */
function contextRegion(view: FileView, span: Span) {
  const first = Math.max(0, view.lines.positionAt(span.start).line - 1);
  const last = Math.min(view.lines.lineCount - 1, view.lines.positionAt(span.end).line + 1);
  const context = { start: view.lines.lineStart(first), end: view.lines.lineEnd(last) };
  return { ...region(view.lines, context), snippet: { text: view.redactor.masked(context.start, context.end).text } };
}

/** 64-bit FNV-1a as hex: a stable fingerprint without pulling Node's crypto into the core. */
function fingerprint(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) {
    h ^= BigInt(s.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

function results(view: FileView, baseIds: boolean, fileIndex: number, ruleIndex: Map<string, number>) {
  const location = artifactLocation(view.file, baseIds, fileIndex);
  const seen = new Map<string, number>();
  const scrub = (text: string) => view.redactor.scrub(text);
  return view.entries.map((entry) => {
    const f = entry.finding;
    const snippet = view.redactor.masked(f.span.start, f.span.end).text;
    // Line numbers are left out so alerts survive edits above them; repeats of the same text are told apart by order.
    const key = `${f.ruleId}\0${view.file.path}\0${snippet.trim()}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    return {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId),
      level: LEVEL[f.severity],
      message: { text: scrub(f.message) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: location,
            region: { ...region(view.lines, f.span), snippet: { text: snippet } },
            contextRegion: contextRegion(view, f.span),
          },
        },
      ],
      ...(f.related?.length
        ? {
            relatedLocations: f.related.map((r, i) => ({
              id: i + 1,
              message: { text: scrub(r.message) },
              physicalLocation: { artifactLocation: location, region: region(view.lines, r.span) },
            })),
          }
        : {}),
      partialFingerprints: { 'flowguard/v1': fingerprint(`${key}\0${occurrence}`) },
      ...(f.fixes.length
        ? {
            fixes: f.fixes.map((fix) => ({
              description: { text: scrub(fix.title) },
              artifactChanges: [
                {
                  artifactLocation: location,
                  replacements: [...fix.edits]
                    .sort((a, b) => a.span.start - b.span.start)
                    .map((e) => ({
                      deletedRegion: region(view.lines, e.span),
                      insertedContent: { text: scrub(e.newText) },
                    })),
                },
              ],
            })),
          }
        : {}),
      properties: {
        confidence: f.confidence,
        category: entry.category,
        ...view.redactor.scrubValue(f.properties ?? {}),
      },
    };
  });
}

/**
 * The SARIF log written file by file: results stream out; artifacts and the invocation (whether the run succeeded)
 * follow them, since they need every file.
 */
export function sarifWriter(sink: ReportSink, header: ReportHeader): ReportWriter {
  const digests: FileDigest[] = [];
  const artifacts: unknown[] = [];
  const ruleFailures: unknown[] = [];
  const ruleIndex = new Map(REPORT_RULES.map((m, i) => [m.id, i]));
  const baseIds = header.srcRoot !== undefined;
  let written = 0;
  const run = {
    tool: {
      driver: {
        name: TOOL_NAME,
        fullName: 'Flowguard: Secure Workflow Authoring',
        version: header.toolVersion,
        semanticVersion: header.toolVersion,
        informationUri: INFORMATION_URI,
        rules: REPORT_RULES.map(sarifRule),
      },
    },
    ...(header.automationId ? { automationDetails: { id: header.automationId } } : {}),
    ...(header.srcRoot ? { originalUriBaseIds: { [SRCROOT]: { uri: header.srcRoot } } } : {}),
    columnKind: 'utf16CodeUnits',
  };
  // The run object without its closing brace, so the results can follow.
  const open = nestedJson(run, 2).replace(/\n {4}\}$/, '');
  sink(
    `{\n  "$schema": ${JSON.stringify(SARIF_SCHEMA)},\n  "version": "2.1.0",\n  "runs": [\n    ${open},\n      "results": [`,
  );
  return {
    digests,
    file(file) {
      const view = viewOf(file);
      const index = digests.length;
      digests.push(digestOf(view));
      const { index: _index, ...location } = artifactLocation(view.file, baseIds, index);
      artifacts.push({ location, sourceLanguage: 'yaml' });
      for (const err of view.file.result.ruleErrors)
        ruleFailures.push({
          level: 'error',
          message: { text: view.redactor.scrub(`Rule ${err.ruleId} failed on this file: ${firstLine(err.message)}`) },
          locations: [{ physicalLocation: { artifactLocation: artifactLocation(view.file, baseIds, index) } }],
          ...(ruleIndex.has(err.ruleId)
            ? { associatedRule: { id: err.ruleId, index: ruleIndex.get(err.ruleId) } }
            : {}),
        });
      let chunk = '';
      for (const result of results(view, baseIds, index, ruleIndex))
        chunk += `${written++ ? ',' : ''}\n        ${nestedJson(result, 4)}`;
      if (chunk) sink(chunk);
    },
    end(errors) {
      const scanErrors = errors.map((text) => ({ level: 'error', message: { text } }));
      const invocation = {
        // A rule that failed left the file half-checked: the run did not succeed (fail closed).
        executionSuccessful: scanErrors.length === 0 && ruleFailures.length === 0,
        ...(scanErrors.length + ruleFailures.length
          ? { toolExecutionNotifications: [...scanErrors, ...ruleFailures] }
          : {}),
      };
      sink(
        `${written ? '\n      ' : ''}],\n      "artifacts": ${nestedJson(artifacts, 3)},\n      "invocations": ${nestedJson([invocation], 3)}\n    }\n  ]\n}\n`,
      );
    },
  };
}

export function renderSarif(report: ScanReport): string {
  return renderToString(sarifWriter, report);
}
