// A rule's documentation rendered from its metadata: shared by the SARIF `help` of each rule and by docs/rules/*.md,
// so the two can never disagree.
import type { RuleMeta } from '../engine/types';

function yamlBlock(code: string): string {
  return '```yaml\n' + code.replace(/\n+$/, '') + '\n```';
}

/** Risk, remediation, examples and references as Markdown (no title: the caller decides the heading level). */
export function ruleHelpMarkdown(meta: RuleMeta): string {
  const parts = [`${meta.description}`, `**Risk.** ${meta.docs.risk}`, `**Remediation.** ${meta.docs.remediation}`];
  if (meta.docs.severity) parts.push(`**Severity.** ${meta.docs.severity}`);
  if (meta.fixSafety) parts.push(`**Fix safety.** ${meta.fixSafety}`);
  if (meta.docs.vulnerableExample) parts.push('Vulnerable:', yamlBlock(meta.docs.vulnerableExample));
  if (meta.docs.safeExample) parts.push('Safe:', yamlBlock(meta.docs.safeExample));
  if (meta.docs.references?.length)
    parts.push('References:\n\n' + meta.docs.references.map((r) => `- <${r}>`).join('\n'));
  return parts.join('\n\n') + '\n';
}

/** The same as plain text, for SARIF viewers that do not render Markdown. */
export function ruleHelpText(meta: RuleMeta): string {
  const parts = [meta.description, `Risk: ${meta.docs.risk}`, `Remediation: ${meta.docs.remediation}`];
  if (meta.docs.severity) parts.push(`Severity: ${meta.docs.severity}`);
  if (meta.fixSafety) parts.push(`Fix safety: ${meta.fixSafety}`);
  if (meta.docs.vulnerableExample) parts.push(`Vulnerable:\n${meta.docs.vulnerableExample.replace(/\n+$/, '')}`);
  if (meta.docs.safeExample) parts.push(`Safe:\n${meta.docs.safeExample.replace(/\n+$/, '')}`);
  if (meta.docs.references?.length) parts.push('References:\n' + meta.docs.references.join('\n'));
  return parts.join('\n\n');
}
