// Code actions: one quick-fix per fix of each finding under the cursor, a suppression comment, and fix-all.
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver/node';
import type { Finding } from '../engine/types';
import type { TextEdit } from '../text/span';
import { analyze } from '../engine/analyze';
import { fixAll } from '../fixes/apply';
import { repoFileReader } from '../io/repo-files';
import { FIX_ALL_KIND } from '../protocol';
import { blockScalarKeyLine } from '../yaml/lines';
import { type LineIndex } from '../text/lines';
import { visit } from 'yaml';
import type { Node } from '../yaml/parse';
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
          command: fix.followUp
            ? { title: fix.title, command: fix.followUp.command, arguments: fix.followUp.args }
            : undefined,
        });
      }
      const suppress = suppressionEdit(snapshot.text, snapshot.lines, f, snapshot.analysis.result.model?.root);
      if (suppress) {
        actions.push({
          title: `Suppress ${f.ruleId} ${suppress.forBlock ? 'in this script' : 'on this line'}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: { changes: { [uri]: toLspEdits(snapshot.lines, [suppress]) } },
        });
      }
    });
  }

  // Fix-all re-analyzes after each pass: only when a source action is asked for by kind (save actions, the Source
  // Action menu), never for the lightbulb's unfiltered request on every cursor move, and only on small documents.
  if (
    small &&
    only &&
    wants(FIX_ALL_KIND) &&
    snapshot.analysis.result.findings.some((f) => f.fixes.some((x) => x.safety === 'safe'))
  ) {
    const readFile = target.repoRoot ? repoFileReader(target.repoRoot) : undefined;
    const fixed = fixAll(
      snapshot.text,
      (text) => analyze({ path: target.relPath, text, config: target.config, kind: target.kind, readFile }),
      { safeOnly: true },
    );
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
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end))
    end++;
  return { span: { start, end: before.length - end }, newText: after.slice(start, after.length - end) };
}

/**
 * `# flowguard: ignore[rule]` for the finding's line. Deliberately without a reason: the engine then reports
 * `unjustified-suppression` on the new comment, prompting the user to write why (a placeholder reason would satisfy the
 * audit rule without anyone having justified anything).
 * Appended to the line when the line can take a YAML comment. Inside a `run: |` script any `#` line would be script
 * text (and in a folded `>` script it would comment out the next command), so the comment goes on its own line above
 * the key that holds the script, which the engine honors for every finding in that block.
 */
export function suppressionEdit(
  text: string,
  lines: LineIndex,
  f: Finding,
  root?: Node,
): (TextEdit & { forBlock: boolean }) | undefined {
  const line = lines.positionAt(f.span.start).line;
  const comment = `# flowguard: ignore[${f.ruleId}]`;
  const keyLine = blockScalarKeyLine(lines, line);
  if (keyLine === undefined) {
    const lineEnd = lines.lineEnd(line);
    // The analysis' own YAML tree tells multi-line quoted scalars apart; large documents analyzed in the worker come
    // back without it, and are not parsed again here (this runs on every cursor move).
    if (root && insideMultilineFlowScalar(root, text, lineEnd)) return undefined;
    return { span: { start: lineEnd, end: lineEnd }, newText: ` ${comment}`, forBlock: false };
  }
  const keyStart = lines.lineStart(keyLine);
  const indent = /^[ \t]*/.exec(lines.lineText(keyLine))![0];
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  return { span: { start: keyStart, end: keyStart }, newText: `${indent}${comment}${newline}`, forBlock: true };
}

/** A quoted or plain scalar spanning lines: a trailing `#` there would change the value or break the YAML. */
function insideMultilineFlowScalar(root: Node, text: string, offset: number): boolean {
  let inside = false;
  visit(root, {
    Scalar(_key, node) {
      if (!node.range || offset <= node.range[0] || offset >= node.range[1]) return;
      inside = text.slice(node.range[0], offset).includes('\n');
      return visit.BREAK;
    },
  });
  return inside;
}
