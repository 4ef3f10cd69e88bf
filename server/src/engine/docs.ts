// The one place that knows where a rule's documentation lives (SARIF helpUri, LSP codeDescription.href, docs links).
export const DOCS_BASE_URL = 'https://github.com/flowguard-dev/flowguard/blob/main/docs/rules';

export function ruleDocsUrl(id: string): string {
  return `${DOCS_BASE_URL}/${id}.md`;
}
