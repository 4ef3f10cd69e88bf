// Text the client writes into the workspace: the secure starter workflow (welcome button) and a .flowguard.yml
// built from the configuration schema's defaults. Pure: no vscode import.
import { stringify } from 'yaml';
import configSchema from '../../schemas/flowguard-config.schema.json';

/** Read-only token, pinned actions, a timeout and cancel-in-progress concurrency: passes every Flowguard check. */
export const SECURE_CI_WORKFLOW = `name: CI

on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read

concurrency:
  group: \${{ github.workflow }}-\${{ github.ref }}
  cancel-in-progress: true

jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - name: Build and test
        run: |
          echo "Replace with your build and test commands"
`;

interface SchemaProperty {
  description?: string;
  default?: unknown;
  enum?: unknown[];
  type?: string;
}

/**
 * .flowguard.yml with every top-level setting: its description as a comment and its schema default as value.
 * Settings without a default are written commented out, with their allowed values.
 */
export function configFromSchema(): string {
  const schema = configSchema as { title?: string; properties: Record<string, SchemaProperty> };
  const lines = [
    `# ${schema.title ?? 'Flowguard configuration'}`,
    '# Every setting below is the default; edit what you need.',
    '',
  ];
  for (const [key, property] of Object.entries(schema.properties)) {
    if (property.description) lines.push(`# ${property.description}`);
    if (property.default === undefined) {
      const hint = property.enum ? property.enum.join(' | ') : (property.type ?? 'value');
      lines.push(`# ${key}: ${hint}`, '');
      continue;
    }
    lines.push(stringify({ [key]: property.default }, { flowCollectionPadding: false }).trimEnd(), '');
  }
  return lines.join('\n');
}
