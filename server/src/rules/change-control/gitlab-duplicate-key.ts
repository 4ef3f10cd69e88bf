import { defineRule } from '../../engine/rule';
import type { Span } from '../../text/span';
import { isMap, isSeq, keyName, mapPairs, spanOf, type Node } from '../../yaml/parse';

export default defineRule({
  meta: {
    id: 'gitlab-duplicate-key',
    title: 'Key given twice in GitLab CI configuration',
    description:
      'A mapping names the same key twice. GitLab accepts the file and keeps only the last value, so what a reviewer reads first does not run.',
    severity: 'low',
    confidence: 'high',
    category: 'change-control',
    aliases: [],
    appliesTo: ['gitlab'],
    fixable: false,
    docs: {
      risk: 'YAML forbids duplicate keys, but GitLab reads the configuration with a parser that keeps the last value and drops the others without a word. A second `script:` or `variables:` silently replaces the first: a reviewer who reads the first one approves commands that never run, and the ones that do run are easy to miss. For GitHub workflows a duplicate key is an error GitHub rejects, reported as `parse-error`.',
      severity:
        'Low: the pipeline runs, only not as the text first suggests. In the corpus all six duplicate keys in GitLab files were of this kind (a repeated `script:`, job key or variable) and had been reported as high `parse-error` findings, which overstated them: GitLab runs those pipelines.',
      remediation: 'Delete the copy that should not run, or merge the two values into one key.',
      vulnerableExample: 'test:\n  script:\n    - make lint\n  script:\n    - make test\n',
      safeExample: 'test:\n  script:\n    - make lint\n    - make test\n',
      references: ['https://docs.gitlab.com/ci/yaml/'],
    },
  },
  pipeline(_pipeline, ctx) {
    // The parser flags the duplicate, but its position is not always the key's: the keys are found by walking.
    if (!ctx.parsed.problems.some((p) => p.code === 'DUPLICATE_KEY')) return;
    for (const { name, span } of duplicateKeys(ctx.parsed.doc?.contents))
      ctx.report({
        message: `'${name}' is given more than once in this mapping: GitLab keeps only the last value and silently drops the others, so text a reviewer reads does not run.`,
        span,
      });
  },
});

/** Every key after the first of its name in its mapping, anywhere in the tree (iterative: nesting is bounded, not trusted). */
function duplicateKeys(root: unknown): Array<{ name: string; span: Span }> {
  const out: Array<{ name: string; span: Span }> = [];
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (isSeq(node)) stack.push(...node.items);
    if (!isMap(node)) continue;
    const seen = new Set<string>();
    for (const pair of mapPairs(node)) {
      const name = keyName(pair);
      const span = spanOf(pair.key as Node | null);
      if (name !== undefined && span && seen.has(name)) out.push({ name, span });
      if (name !== undefined) seen.add(name);
      stack.push(pair.value);
    }
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}
