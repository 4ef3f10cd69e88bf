import { defineRule } from '../../engine/rule';
import { duplicateKeys } from '../../yaml/parse';

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
    for (const { name, span } of duplicateKeys(ctx.parsed.doc))
      ctx.report({
        message: `'${name}' is given more than once in this mapping: GitLab keeps only the last value and silently drops the others, so text a reviewer reads does not run.`,
        span,
      });
  },
});
