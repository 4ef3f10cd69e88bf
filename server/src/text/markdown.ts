// Workflow text quoted in Markdown (hovers, the exported review): never read as Markdown or HTML, and kept on one line.

const CONTROL_AND_LINE_BREAKS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** Escapes Markdown and HTML metacharacters and folds control characters and line breaks, so a value fits a paragraph, list item or cell. */
export function escapeMarkdown(value: unknown): string {
  return String(value ?? '')
    .replace(CONTROL_AND_LINE_BREAKS, ' ')
    .replace(/[\\`*_{}[\]()#+!|<>~&]/g, (c) => `\\${c}`);
}

/** Repository text as a code span: fenced with more backticks than it contains, so it cannot close the span early. */
export function codeSpan(text: string): string {
  const flat = text.replace(CONTROL_AND_LINE_BREAKS, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || longest > 0 ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
