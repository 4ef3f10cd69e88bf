// Code actions: one quick-fix per fix of each finding under the cursor, a suppression comment, fix-all (every safe
// fix) and fix-all per checklist category. Each carries its kind and a typed `data` payload (protocol.ts): clients
// recognize them by those, never by title. Also the flowguard/suppress and flowguard/fixAll requests.
// Every edit offered is checked as the CLI checks what it writes (fixes/apply.ts): a quick-fix whose result would not
// parse, or would leave its finding, is not offered; fix-all drops the fixes that break the YAML.
import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver/node';
import { analyze, type AnalyzeInput } from '../engine/analyze';
import { CATEGORIES, CATEGORY_TITLES, type Category, type Finding } from '../engine/types';
import { type Span, type TextEdit } from '../text/span';
import { fixSelected, ruleIdsOf, type FixSelection } from '../editor/fix-all';
import { suppressionComment } from '../engine/suppressions';
import type { RepoFileReader } from '../io/repo-files';
import {
  FIX_ALL_KIND,
  fixAllKind,
  MOVE_SECRET_COMMAND,
  SUPPRESS_FINDING_COMMAND,
  SUPPRESS_KIND,
  type CodeActionData,
  type SuppressFindingArgs,
  type FixAllParams,
  type FixAllResult,
  type LspTextEdit,
  type MoveSecretArgs,
  type SuppressParams,
  type SuppressResult,
} from '../protocol';
import { applyEdits } from '../fixes/edits';
import { checkFix } from '../fixes/apply';
import { factsFromRecords } from '../analysis/supply-chain/facts';
import { blockScalarKeyLine } from '../yaml/lines';
import { LineIndex } from '../text/lines';
import { visit } from 'yaml';
import { parseYaml, type Node } from '../yaml/parse';
import { spanToRange, rangeToSpan } from './convert';
import { findingDiagnostic } from './diagnostics';
import { WORKER_THRESHOLD, type Snapshot, type Target } from './scheduler';

/** What fix-all needs besides the snapshot: the document's target and the reader its analysis used. */
export interface FixContext {
  target: Target;
  readFile?: RepoFileReader;
  /** Where a dropped fix is logged. */
  log?: (message: string) => void;
}

function analyzeInput(snapshot: Snapshot, { target, readFile }: FixContext): AnalyzeInput {
  const { relPath: path, config, kind, facts } = target;
  return { path, text: snapshot.text, config, kind, readFile, facts: facts && factsFromRecords(facts) };
}

/**
 * Why the fix of a finding of the snapshot must not be offered (fixes/apply.ts checkFix); undefined when it may. On a
 * document large enough for the worker, re-analyzing per offered fix would block the server on every cursor move:
 * there the result's YAML is checked (parsed), not its findings.
 */
function fixDefect(snapshot: Snapshot, context: FixContext, finding: Finding, edits: readonly TextEdit[]) {
  if (snapshot.text.length >= WORKER_THRESHOLD) {
    const parseOnly = (text: string) => ({ findings: [], problems: parseYaml(text).problems });
    return checkFix(snapshot.text, parseOnly(snapshot.text), finding, edits, parseOnly);
  }
  const input = analyzeInput(snapshot, context);
  return checkFix(snapshot.text, snapshot.analysis.result, finding, edits, (text) => analyze({ ...input, text }));
}

/** What the client can do beyond plain edits. */
export interface ClientAbilities {
  /**
   * It runs SUPPRESS_FINDING_COMMAND, which asks for a reason and writes the comment with it: the suppression action
   * carries that command instead of an edit without a reason (which the audit rule would flag).
   */
  askReason?: boolean;
  /** It honours change annotations: unsafe fixes are marked needsConfirmation, so the editor previews them first. */
  confirmUnsafe?: boolean;
  /**
   * It runs MOVE_SECRET_COMMAND: a fix with a follow-up (the secret moves) carries that command and no edit, so the
   * client applies the edit itself and starts the store step only when the edit is in the document. (An editor runs a
   * code action's command only when it reports its edit applied: a previewed edit it applied without saying so left
   * the removed value with no store step.)
   */
  movesSecrets?: boolean;
}

const REVIEW_ANNOTATION = 'flowguard.unsafeFix';

export function codeActions(
  params: CodeActionParams,
  snapshot: Snapshot,
  context: FixContext,
  { askReason = false, confirmUnsafe = false, movesSecrets = false }: ClientAbilities = {},
): CodeAction[] {
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const { uri } = params.textDocument;
  const actions: CodeAction[] = [];
  const small = snapshot.text.length < WORKER_THRESHOLD;
  const findings = snapshot.analysis.result.findings;
  const version = snapshot.version;

  if (wants(CodeActionKind.QuickFix)) {
    const requested = rangeToSpan(snapshot.lines, params.range);
    findings.forEach((f, findingIndex) => {
      if (f.span.start > requested.end || requested.start > f.span.end) return;
      const diagnostic = findingDiagnostic(uri, snapshot.lines, f, version, findingIndex);
      f.fixes.forEach((fix, fixIndex) => {
        const defect = fixDefect(snapshot, context, f, fix.edits);
        if (defect) return context.log?.(`dropped the fix "${fix.title}" of ${f.ruleId}: ${defect}`);
        const data: CodeActionData = {
          type: 'fix',
          ruleId: f.ruleId,
          version,
          findingIndex,
          fixIndex,
          safety: fix.safety,
        };
        const title = fix.safety === 'safe' ? fix.title : `${fix.title} (review the change)`;
        if (movesSecrets && fix.followUp) {
          const args: MoveSecretArgs = {
            uri,
            version,
            title: fix.title,
            edits: toLspEdits(snapshot.lines, fix.edits),
            needsConfirmation: confirmUnsafe && fix.safety === 'unsafe',
            store: { title: fix.title, command: fix.followUp.command, arguments: fix.followUp.args },
          };
          actions.push({
            title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            isPreferred: fix.isPreferred === true,
            command: { title, command: MOVE_SECRET_COMMAND, arguments: [args] },
            data,
          });
          return;
        }
        actions.push({
          title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: fix.isPreferred === true,
          edit:
            confirmUnsafe && fix.safety === 'unsafe'
              ? {
                  documentChanges: [
                    {
                      textDocument: { uri, version },
                      edits: toLspEdits(snapshot.lines, fix.edits).map((e) => ({
                        ...e,
                        annotationId: REVIEW_ANNOTATION,
                      })),
                    },
                  ],
                  changeAnnotations: {
                    [REVIEW_ANNOTATION]: {
                      label: fix.title,
                      description: 'may change what the workflow does: review before applying',
                      needsConfirmation: true,
                    },
                  },
                }
              : { changes: { [uri]: toLspEdits(snapshot.lines, fix.edits) } },
          command: fix.followUp
            ? { title: fix.title, command: fix.followUp.command, arguments: fix.followUp.args }
            : undefined,
          data,
        });
      });
      if (!wants(SUPPRESS_KIND)) return;
      const suppress = suppressionEdit(snapshot.text, snapshot.lines, f, snapshot.analysis.result.model?.root);
      if (suppress) {
        const data: CodeActionData = { type: 'suppress', ruleId: f.ruleId, version, findingIndex };
        const title = `Suppress ${f.ruleId} ${suppress.forBlock ? 'in this script' : 'on this line'}`;
        const args: SuppressFindingArgs = { uri, ruleId: f.ruleId, range: diagnostic.range };
        actions.push({
          title: askReason ? `${title}…` : title,
          kind: SUPPRESS_KIND,
          diagnostics: [diagnostic],
          ...(askReason
            ? { command: { title, command: SUPPRESS_FINDING_COMMAND, arguments: [args] } }
            : { edit: { changes: { [uri]: toLspEdits(snapshot.lines, [suppress]) } } }),
          data,
        });
      }
    });
  }

  // Fix-all re-analyzes after each pass: only when a source action is asked for by kind (save actions, the Source
  // Action menu), never for the lightbulb's unfiltered request on every cursor move, and only on small documents.
  if (!small || !only) return actions;
  const fixAllAction = (
    selection: FixSelection,
    kind: string,
    title: string,
    safeOnly: boolean,
    category?: Category,
  ) => {
    const ruleIds = ruleIdsOf(selection);
    const offered = findings.some(
      (f) => (!ruleIds || ruleIds.includes(f.ruleId)) && f.fixes.some((x) => !safeOnly || x.safety === 'safe'),
    );
    if (!offered) return;
    const fixed = fixSelected(analyzeInput(snapshot, context), selection, { safeOnly });
    if (fixed.text === snapshot.text) return;
    const data: CodeActionData = { type: 'fixAll', version, category, applied: fixed.applied.length };
    actions.push({
      title: `${title} (${fixed.applied.length})`,
      kind,
      edit: { changes: { [uri]: toLspEdits(snapshot.lines, [minimalEdit(snapshot.text, fixed.text)]) } },
      data,
    });
  };
  if (wants(FIX_ALL_KIND)) fixAllAction({ all: true }, FIX_ALL_KIND, 'Fix all safe Flowguard issues', true);
  // A category's fix-all applies fixes that need review too: only when asked for by its exact kind, so a save action
  // naming source.fixAll (or source.fixAll.flowguard) never applies them.
  for (const category of CATEGORIES) {
    const kind = fixAllKind(category);
    if (only.includes(kind))
      fixAllAction({ category }, kind, `Fix all ${CATEGORY_TITLES[category]} issues`, false, category);
  }
  return actions;
}

/** flowguard/fixAll: the selected findings' preferred fixes, pass by pass, with their follow-up commands. */
export function fixAllRequest(params: FixAllParams, snapshot: Snapshot, context: FixContext): FixAllResult {
  const fixed = fixSelected(analyzeInput(snapshot, context), params.selection, { safeOnly: params.safeOnly });
  let text = snapshot.text;
  let lines = snapshot.lines;
  const passes = fixed.passes.map((pass) => {
    // Each pass' offsets are into the text the previous passes left.
    const edits = toLspEdits(lines, pass.edits);
    text = applyEdits(text, pass.edits);
    lines = new LineIndex(text);
    return {
      edits,
      fixes: pass.fixes.map((x) => ({ ruleId: x.ruleId, title: x.fix.title })),
      followUps: pass.fixes.flatMap(({ fix }) =>
        fix.followUp ? [{ title: fix.title, command: fix.followUp.command, arguments: fix.followUp.args }] : [],
      ),
    };
  });
  return { version: snapshot.version, passes, converged: fixed.converged };
}

/**
 * flowguard/suppress: `# flowguard: ignore[rule] reason` for the finding of `ruleId` at `range` (the one whose span
 * matches the range best), placed like the suppression code action. Null when no such finding or no place.
 */
export function suppressRequest(params: SuppressParams, snapshot: Snapshot): SuppressResult | null {
  const requested = rangeToSpan(snapshot.lines, params.range);
  const candidates = snapshot.analysis.result.findings.filter(
    (f) => f.ruleId === params.ruleId && f.span.start <= requested.end && requested.start <= f.span.end,
  );
  const distance = (s: Span) => Math.abs(s.start - requested.start) + Math.abs(s.end - requested.end);
  const finding = candidates.sort((a, b) => distance(a.span) - distance(b.span))[0];
  if (!finding) return null;
  const edit = suppressionEdit(
    snapshot.text,
    snapshot.lines,
    finding,
    snapshot.analysis.result.model?.root,
    params.reason,
  );
  return edit ? { version: snapshot.version, edits: toLspEdits(snapshot.lines, [edit]) } : null;
}

export function toLspEdits(lines: LineIndex, edits: readonly TextEdit[]): LspTextEdit[] {
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
 * `# flowguard: ignore[rule] reason` for the finding's line. For clients that cannot ask for a reason the code action
 * has none: the engine then reports `unjustified-suppression` on the new comment, prompting the user to write why (a
 * placeholder reason would satisfy the audit rule without anyone having justified anything).
 * Appended to the line when the line can take a YAML comment. Inside a `run: |` script any `#` line would be script
 * text (and in a folded `>` script it would comment out the next command), so the comment goes on its own line above
 * the key that holds the script, which the engine honors for every finding in that block.
 */
export function suppressionEdit(
  text: string,
  lines: LineIndex,
  f: Finding,
  root?: Node,
  reason?: string,
): (TextEdit & { forBlock: boolean }) | undefined {
  const line = lines.positionAt(f.span.start).line;
  const comment = suppressionComment(f.ruleId, reason);
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
