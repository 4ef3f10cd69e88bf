// Code actions: one quick-fix per fix of each finding under the cursor, "suppress on this line", and fix-all.
import { CodeActionKind, type CodeAction, type CodeActionParams, type TextEdit as LspTextEdit } from 'vscode-languageserver/node';
import type { Finding, Span, TextEdit } from '../engine/types';
import { fixAll } from '../fixes/apply';
import { repoFileReader } from '../io/repo-files';
import { FIX_ALL_KIND } from '../protocol';
import type { LineIndex } from '../yaml/lines';
import { visit } from 'yaml';
import { parseYaml } from '../yaml/parse';
import { spanToRange, rangeToSpan } from './convert';
import { findingDiagnostic } from './diagnostics';
import { WORKER_THRESHOLD, type Snapshot, type Target } from './documents';

export function codeActions(params: CodeActionParams, snapshot: Snapshot, target: Target): CodeAction[] {
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const { uri } = params.textDocument;
  const actions: CodeAction[] = [];
  const small = snapshot.text.length < WORKER_THRESHOLD;

  if (wants(CodeActionKind.QuickFix)) {
    const requested = rangeToSpan(snapshot.lines, params.range);
    const findings = snapshot.analysis.result.findings;
    findings.forEach((f, index) => {
      if (f.span.start > requested.end || requested.start > f.span.end) return;
      const diagnostic = findingDiagnostic(uri, snapshot.lines, f, snapshot.version, index);
      for (const fix of f.fixes) {
        actions.push({
          title: fix.safety === 'safe' ? fix.title : `${fix.title} (review the change)`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: fix.isPreferred === true,
          edit: { changes: { [uri]: toLspEdits(snapshot.lines, fix.edits) } },
          command: fix.followUp ? { title: fix.title, command: fix.followUp.command, arguments: fix.followUp.args } : undefined,
        });
      }
      const suppress = small ? suppressionEdit(snapshot.text, snapshot.lines, f) : undefined;
      if (suppress) {
        actions.push({
          title: `Suppress ${f.ruleId} on this line`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: { changes: { [uri]: toLspEdits(snapshot.lines, [suppress]) } },
        });
      }
    });
  }

  // Fix-all re-analyses after each pass; on a large document that would block the server, so it is offered on small ones.
  if (small && wants(FIX_ALL_KIND) && snapshot.analysis.result.findings.some((f) => f.fixes.some((x) => x.safety === 'safe'))) {
    const readFile = target.repoRoot ? repoFileReader(target.repoRoot) : undefined;
    const fixed = fixAll({ path: target.relPath, text: snapshot.text, config: target.config, kind: target.kind, readFile }, { safeOnly: true });
    if (fixed.text !== snapshot.text) {
      actions.push({
        title: `Fix all safe Flowguard issues (${fixed.applied.length})`,
        kind: FIX_ALL_KIND,
        edit: { changes: { [uri]: toLspEdits(snapshot.lines, [minimalEdit(snapshot.text, fixed.text)]) } },
      });
    }
  }
  return actions;
}

function toLspEdits(lines: LineIndex, edits: readonly TextEdit[]): LspTextEdit[] {
  return edits.map((e) => ({ range: spanToRange(lines, e.span), newText: e.newText }));
}

/** One edit covering only what changed between two texts (common prefix and suffix kept). */
export function minimalEdit(before: string, after: string): TextEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return { span: { start, end: before.length - end }, newText: after.slice(start, after.length - end) };
}

/**
 * `# flowguard: ignore[rule]` for the finding's line. Deliberately without a reason: the engine then reports
 * `unjustified-suppression` on the new comment, prompting the user to write why (a placeholder reason would satisfy the
 * audit rule without anyone having justified anything).
 * Appended to the line when that is a YAML comment; when the line is inside a multi-line scalar (a `run: |` script), a
 * trailing `#` would change the value, so the comment goes on its own line above, which the engine also honours.
 */
export function suppressionEdit(text: string, lines: LineIndex, f: Finding): TextEdit | undefined {
  const line = lines.positionAt(f.span.start).line;
  const comment = `# flowguard: ignore[${f.ruleId}]`;
  const lineEnd = lines.lineEnd(line);
  if (!insideMultilineScalar(text, lineEnd)) return { span: { start: lineEnd, end: lineEnd }, newText: ` ${comment}` };
  const lineStart = lines.lineStart(line);
  const indent = /^[ \t]*/.exec(lines.lineText(line))![0];
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  return { span: { start: lineStart, end: lineStart }, newText: `${indent}${comment}${newline}` };
}

function insideMultilineScalar(text: string, offset: number): boolean {
  const parsed = parseYaml(text);
  if (!parsed.doc) return false;
  let inside = false;
  visit(parsed.doc, {
    Scalar(_key, node) {
      const range: Span | undefined = node.range ? { start: node.range[0], end: node.range[1] } : undefined;
      if (!range || offset <= range.start || offset >= range.end) return;
      // The header line of a block scalar (`run: |`) may carry a comment; its content lines may not.
      const firstBreak = text.indexOf('\n', range.start);
      const isBlock = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
      if (!isBlock || (firstBreak !== -1 && offset > firstBreak)) inside = true;
      return visit.BREAK;
    },
  });
  return inside;
}
