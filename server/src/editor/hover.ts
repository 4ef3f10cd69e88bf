// Hover text for a position in an analyzed file, as Markdown. Adapters (the language server) only render it.
import { ALL_RULES } from '../rules/index';
import type { AnalysisResult } from '../engine/analyze';
import { ruleDocsUrl } from '../engine/docs';
import type { Finding } from '../engine/types';
import type { Span } from '../text/span';
import { codeSpan, escapeMarkdown } from '../text/markdown';
import {
  computeWorkflowPermissions,
  formatScopes,
  levelRank,
  sortedScopes,
  TOKEN_SCOPES,
  type JobPermissions,
  type WorkflowPermissions,
} from '../analysis/permissions/index';
import type { Workflow } from '../model/workflow';
import { gitlabHover } from './gitlab-hover';

export interface HoverInfo {
  markdown: string;
  /** The range the hover is about (the finding's span). */
  span: Span;
}

const RULES_BY_ID = new Map(ALL_RULES.map((r) => [r.meta.id, r.meta]));

/**
 * What to show when hovering `offset`: every finding whose span contains it, with the rule's risk, remediation and a
 * docs link, and on a `permissions:` key what it grants against what the jobs need. `result.model` is absent when a
 * large document was analyzed in a worker.
 */
export function hoverInfo(
  result: AnalysisResult,
  offset: number,
  workflowPermissions?: WorkflowPermissions,
): HoverInfo | undefined {
  const hits = result.findings.filter((f) => f.span.start <= offset && offset <= f.span.end);
  const permissions =
    result.model?.kind === 'workflow'
      ? permissionsHover(result.model, offset, workflowPermissions)
      : result.model?.kind === 'gitlab'
        ? gitlabHover(result.model, offset)
        : undefined;
  if (hits.length === 0) return permissions;
  const span = { start: Math.max(...hits.map((f) => f.span.start)), end: Math.min(...hits.map((f) => f.span.end)) };
  const sections = hits.map(findingMarkdown);
  if (permissions) sections.unshift(permissions.markdown);
  return { markdown: sections.join('\n\n---\n\n'), span: permissions?.span ?? span };
}

/**
 * On a `permissions:` key: what it grants against what the jobs it governs need, with a reason per scope.
 * `perms` should come from the same repository reader as the rules' (default: without one).
 */
export function permissionsHover(wf: Workflow, offset: number, perms?: WorkflowPermissions): HoverInfo | undefined {
  const job = wf.jobs.find(
    (j) => j.permissions && j.permissions.keySpan.start <= offset && offset <= j.permissions.keySpan.end,
  );
  const atWorkflow =
    !job && wf.permissions && wf.permissions.keySpan.start <= offset && offset <= wf.permissions.keySpan.end;
  if (!job && !atWorkflow) return undefined;
  perms ??= computeWorkflowPermissions(wf);
  const governed = job ? perms.jobs.filter((j) => j.job === job) : perms.jobs.filter((j) => !j.job.permissions);
  const block = job ? job.permissions! : wf.permissions!;
  const granted = governed[0]?.granted.scopes ?? {};
  const parts = [
    `**GITHUB_TOKEN permissions** ${job ? `of job ${codeSpan(job.id)}` : 'for every job without its own block'}`,
  ];
  parts.push(
    `Granted: ${block.kind === 'write-all' || block.kind === 'read-all' ? block.kind : formatScopes(grantedFromBlock(block.scopes))}`,
  );
  if (!job && governed.length === 0) parts.push('Every job declares its own permissions: this block grants nothing.');
  for (const jp of governed) parts.push(jobSection(jp, granted));
  return { markdown: parts.join('\n\n'), span: block.keySpan };
}

function grantedFromBlock(scopes: Array<{ scope: string; level: string }>): Record<string, 'read' | 'write'> {
  const out: Record<string, 'read' | 'write'> = {};
  for (const s of scopes) if (s.level === 'read' || s.level === 'write') out[s.scope] = s.level;
  return out;
}

function jobSection(jp: JobPermissions, granted: Partial<Record<string, string>>): string {
  const lines = [`Job ${codeSpan(jp.job.id)} needs: ${escapeMarkdown(formatScopes(jp.required))}`];
  for (const scope of sortedScopes(jp.required)) {
    const n = jp.needs.find((x) => x.scope === scope && x.level === jp.required[scope])!;
    const short = levelRank(granted[scope]) < levelRank(jp.required[scope]) ? ' **(not granted)**' : '';
    lines.push(
      `- \`${scope}: ${jp.required[scope]}\`${short}: ${escapeMarkdown(n.reason)} (${escapeMarkdown(n.stepLabel)})`,
    );
  }
  const unused = TOKEN_SCOPES.filter((s) => granted[s] && levelRank(granted[s]) > levelRank(jp.required[s]));
  if (unused.length && jp.unknown.length === 0)
    lines.push(`- granted but unused: ${unused.map((s) => `\`${s}: ${granted[s]}\``).join(', ')}`);
  for (const u of jp.unknown)
    lines.push(`- not understood: ${escapeMarkdown(u.stepLabel)}: ${escapeMarkdown(u.reason)}`);
  return lines.join('\n');
}

/**
 * One finding: a one-line summary, the risk, the fix, the docs link. Not the message: the editor shows the diagnostic's
 * message right above the hover already.
 */
function findingMarkdown(f: Finding): string {
  const meta = RULES_BY_ID.get(f.ruleId);
  const title = meta?.title ?? f.ruleId;
  const parts = [`**${escapeMarkdown(title)}** \`${f.ruleId}\` · ${f.severity} · ${f.confidence} confidence`];
  const quickFix = f.fixes.length ? ` Quick-fix: ${f.fixes.map((x) => escapeMarkdown(x.title)).join('; ')}.` : '';
  if (meta) {
    parts.push(`**Risk.** ${meta.docs.risk}`);
    parts.push(`**Fix.** ${meta.docs.remediation}${quickFix}`);
  } else if (quickFix) parts.push(`**Fix.**${quickFix}`);
  parts.push(`[Rule documentation](${ruleDocsUrl(f.ruleId)})`);
  return parts.join('\n\n');
}
