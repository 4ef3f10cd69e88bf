// Workflow text quoted in Markdown (hovers, the exported review): never read as Markdown or HTML, and kept on one line.

/** Escapes Markdown and HTML metacharacters and folds line breaks, so a value fits a paragraph, list item or cell. */
export function escapeMarkdown(value: unknown): string {
  return String(value ?? '')
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`);
}
