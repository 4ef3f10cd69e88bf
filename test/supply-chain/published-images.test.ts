// The image namespaces a workflow publishes to: evidence that an image of that namespace is the repository's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { publishedImageNamespaces } from '../../server/src/analysis/supply-chain/images';

test('push commands and build-action tags name the namespaces a workflow publishes to', () => {
  const text = [
    'steps:',
    '  - uses: docker/build-push-action@v6',
    '    with:',
    '      push: true',
    '      platforms: linux/amd64,linux/arm64',
    '      tags: |',
    '        ghcr.io/acme/app:latest',
    '        docker.io/acmecorp/app:${{ github.sha }}',
    '  - run: |',
    '      docker build --tag quay.io/acme-team/tool:1 .',
    '      docker push quay.io/acme-team/tool:1',
    "  - if: startsWith(github.ref, 'refs/tags/v')",
    '    run: echo other/thing',
  ].join('\n');
  assert.deepEqual([...publishedImageNamespaces(text)].sort(), ['acme', 'acme-team', 'acmecorp']);
});

test('a workflow that pushes no image publishes to no namespace, whatever images it names', () => {
  const text = 'steps:\n  - uses: docker://rclone/rclone:latest\n  - run: docker pull ghcr.io/kastelo/ezapt\n';
  assert.deepEqual([...publishedImageNamespaces(text)], []);
});
