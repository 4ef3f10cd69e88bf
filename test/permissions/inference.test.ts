// Every inference source of the permissions analysis, on real YAML through the real model and knowledge base.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { job, jobs, steps } from './helpers';

describe('actions from the knowledge base', () => {
  test('checkout needs contents: read with its default token', () => {
    const j = job(steps('- uses: actions/checkout@v4'));
    assert.deepEqual(j.required, { contents: 'read' });
    assert.equal(j.needs[0].reason, 'clones the repository');
    assert.deepEqual(j.unknown, []);
  });
  test('an action given a PAT or an app token needs no GITHUB_TOKEN scope', () => {
    assert.deepEqual(
      job(steps('- uses: peter-evans/create-pull-request@v6\n  with:\n    token: ${{ secrets.BOT_PAT }}')).required,
      {},
    );
    assert.deepEqual(
      job(steps('- uses: softprops/action-gh-release@v2\n  with:\n    token: ${{ steps.app.outputs.token }}')).required,
      {},
    );
  });
  test('an explicit github.token or secrets.GITHUB_TOKEN counts like the default', () => {
    assert.deepEqual(
      job(steps('- uses: peter-evans/create-pull-request@v6\n  with:\n    token: ${{ secrets.GITHUB_TOKEN }}'))
        .required,
      { contents: 'write', 'pull-requests': 'write' },
    );
  });
  test('a token read from an env var (goreleaser) counts only when the env holds the GITHUB_TOKEN', () => {
    assert.deepEqual(
      job(steps('- uses: goreleaser/goreleaser-action@v6\n  env:\n    GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}'))
        .required,
      { contents: 'write' },
    );
    assert.deepEqual(
      job(steps('- uses: goreleaser/goreleaser-action@v6\n  env:\n    GITHUB_TOKEN: ${{ secrets.RELEASE_PAT }}'))
        .required,
      {},
    );
    assert.deepEqual(job(steps('- uses: goreleaser/goreleaser-action@v6')).required, {});
  });
  test('actions that need no token are known and need nothing', () => {
    const j = job(
      steps(
        '- uses: actions/setup-node@v4\n- uses: actions/cache@v4\n  with:\n    path: x\n    key: k\n- uses: actions/upload-artifact@v4',
      ),
    );
    assert.deepEqual(j.required, {});
    assert.deepEqual(j.unknown, []);
  });
  test('an action missing from the knowledge base is unknown, never "needs nothing"', () => {
    const j = job(steps('- uses: someone/unheard-of@v1'));
    assert.equal(j.unknown.length, 1);
    assert.match(j.unknown[0].reason, /not in the knowledge base/);
  });
});

describe('input conditions', () => {
  test('stale needs contents: write only with delete-branch: true', () => {
    assert.equal(job(steps('- uses: actions/stale@v9')).required.contents, undefined);
    assert.equal(job(steps('- uses: actions/stale@v9\n  with:\n    delete-branch: true')).required.contents, 'write');
  });
  test('codeql analyze needs security-events: write unless upload is off', () => {
    assert.equal(job(steps('- uses: github/codeql-action/analyze@v3')).required['security-events'], 'write');
    assert.equal(
      job(steps('- uses: github/codeql-action/analyze@v3\n  with:\n    upload: never')).required['security-events'],
      undefined,
    );
  });
  test('docker/login-action needs packages: write for ghcr.io with the GITHUB_TOKEN only', () => {
    const ghcr =
      '- uses: docker/login-action@v3\n  with:\n    registry: ghcr.io\n    username: ${{ github.actor }}\n    password: ';
    assert.deepEqual(job(steps(ghcr + '${{ secrets.GITHUB_TOKEN }}')).required, { packages: 'write' });
    assert.deepEqual(job(steps(ghcr + '${{ secrets.GHCR_PAT }}')).required, {});
    assert.deepEqual(
      job(steps('- uses: docker/login-action@v3\n  with:\n    username: u\n    password: ${{ github.token }}'))
        .required,
      {},
    );
  });
  test('an input set by an expression is assumed to meet the condition, and says so', () => {
    const j = job(steps('- uses: actions/stale@v9\n  with:\n    delete-branch: ${{ inputs.delete }}'));
    assert.equal(j.required.contents, 'write');
    assert.match(j.needs.find((n) => n.scope === 'contents')!.reason, /assumed/);
  });
  test('OIDC needs of actions do not depend on the GITHUB_TOKEN (aws role, pypi trusted publishing)', () => {
    assert.deepEqual(
      job(
        steps(
          '- uses: aws-actions/configure-aws-credentials@v4\n  with:\n    role-to-assume: arn:aws:iam::1:role/x\n    aws-region: us-east-1',
        ),
      ).required,
      { 'id-token': 'write' },
    );
    assert.deepEqual(
      job(
        steps(
          '- uses: aws-actions/configure-aws-credentials@v4\n  with:\n    aws-access-key-id: ${{ secrets.K }}\n    aws-secret-access-key: ${{ secrets.S }}',
        ),
      ).required,
      {},
    );
    assert.deepEqual(job(steps('- uses: pypa/gh-action-pypi-publish@release/v1')).required, { 'id-token': 'write' });
    assert.deepEqual(
      job(steps('- uses: pypa/gh-action-pypi-publish@release/v1\n  with:\n    password: ${{ secrets.PYPI }}')).required,
      {},
    );
  });
});

const withToken = (script: string) =>
  steps(`- run: |\n${script.replace(/^/gm, '    ')}\n  env:\n    GH_TOKEN: \${{ github.token }}`);

describe('gh CLI', () => {
  test('subcommands map to scopes and levels', () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['gh pr create --fill', { 'pull-requests': 'write' }],
      ['gh pr view 1 --json title', { 'pull-requests': 'read' }],
      ['gh pr merge --squash "$PR"', { 'pull-requests': 'write', contents: 'write' }],
      ['gh issue comment 1 --body hi', { issues: 'write' }],
      ['gh issue list', { issues: 'read' }],
      ['gh release create v1 dist/*', { contents: 'write' }],
      ['gh release download v1', { contents: 'read' }],
      ['gh workflow run deploy.yml', { actions: 'write' }],
      ['gh run list --limit 1', { actions: 'read' }],
      ['gh label create bug', { issues: 'write' }],
      ['gh cache delete --all', { actions: 'write' }],
      ['gh repo view --json name', { contents: 'read' }],
    ];
    for (const [script, expected] of cases) assert.deepEqual(job(withToken(script)).required, expected, script);
  });
  test('gh api: method from -X or from fields, scope from the path', () => {
    assert.deepEqual(job(withToken('gh api repos/{owner}/{repo}/pulls/1/reviews')).required, {
      'pull-requests': 'read',
    });
    assert.deepEqual(
      job(withToken('gh api -X POST repos/$GITHUB_REPOSITORY/statuses/$SHA -f state=success')).required,
      { statuses: 'write' },
    );
    assert.deepEqual(job(withToken('gh api repos/o/r/issues/1/labels -f "labels[]=bug"')).required, {
      issues: 'write',
    });
    assert.deepEqual(job(withToken('gh api --method DELETE /repos/o/r/actions/caches?key=x')).required, {
      actions: 'write',
    });
  });
  test('gh secret / graphql / unknown subcommands are unknown', () => {
    assert.match(job(withToken('gh secret set X --body y')).unknown[0].reason, /cannot get/);
    assert.match(job(withToken('gh api graphql -f query=q')).unknown[0].reason, /GraphQL/);
  });
  test('gh without the token in its environment needs nothing from it', () => {
    assert.deepEqual(
      job(steps('- run: gh pr create --fill\n  env:\n    GH_TOKEN: ${{ secrets.BOT_PAT }}')).required,
      {},
    );
  });
  test('the token may come from job or workflow env', () => {
    const text =
      'on: push\nenv:\n  GH_TOKEN: ${{ github.token }}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh issue close 1\n';
    assert.deepEqual(job(text).required, { issues: 'write' });
  });
});

describe('git', () => {
  test('git push after checkout uses the persisted GITHUB_TOKEN', () => {
    const j = job(steps('- uses: actions/checkout@v4\n- run: |\n    git commit -am update\n    git push'));
    assert.deepEqual(j.required, { contents: 'write' });
    assert.equal(j.needs.find((n) => n.level === 'write')!.source, 'git');
  });
  test('pushing tags is contents: write too', () => {
    assert.match(job(steps('- uses: actions/checkout@v4\n- run: git push origin --tags')).needs[1].reason, /tags/);
  });
  test('no persisted credentials, or a checkout with a PAT: the push does not use the GITHUB_TOKEN', () => {
    assert.deepEqual(
      job(steps('- uses: actions/checkout@v4\n  with:\n    persist-credentials: false\n- run: git push')).required,
      { contents: 'read' },
    );
    assert.deepEqual(
      job(steps('- uses: actions/checkout@v4\n  with:\n    token: ${{ secrets.PAT }}\n- run: git push')).required,
      {},
    );
  });
  test('a push with the token in the URL counts without checkout', () => {
    assert.deepEqual(
      job(steps('- run: git push https://x-access-token:${{ github.token }}@github.com/o/r.git HEAD:main')).required,
      { contents: 'write' },
    );
  });
});

describe('REST calls with curl and wget', () => {
  test('method and path give the scope', () => {
    const curl = (cmd: string) =>
      job(steps(`- run: |\n    ${cmd}\n  env:\n    TOKEN: \${{ secrets.GITHUB_TOKEN }}`)).required;
    assert.deepEqual(
      curl('curl -sS -H "Authorization: Bearer $TOKEN" https://api.github.com/repos/o/r/releases/latest'),
      { contents: 'read' },
    );
    assert.deepEqual(
      curl('curl -X POST -H "Authorization: token $TOKEN" https://api.github.com/repos/o/r/dispatches -d "{}"'),
      { contents: 'write' },
    );
    assert.deepEqual(
      curl(
        'curl -H "Authorization: Bearer $TOKEN" --data @body.json "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/issues/1/comments"',
      ),
      { issues: 'write' },
    );
    assert.deepEqual(curl('wget --header="Authorization: Bearer $TOKEN" https://api.github.com/repos/o/r/check-runs'), {
      checks: 'read',
    });
  });
});

describe('actions/github-script', () => {
  const script = (body: string, extra = '') =>
    job(steps(`- uses: actions/github-script@v7\n  with:\n${extra}    script: |\n${body.replace(/^/gm, '      ')}`));
  test('github.rest.<namespace>.<method> gives scope and level', () => {
    assert.deepEqual(
      script('await github.rest.issues.addLabels({ ...context.repo, issue_number: 1, labels: ["x"] })').required,
      { issues: 'write' },
    );
    assert.deepEqual(
      script('const { data } = await github.rest.pulls.listFiles({ ...context.repo, pull_number: 1 })').required,
      { 'pull-requests': 'read' },
    );
    assert.deepEqual(
      script('await github.rest.repos.createCommitStatus({})\nawait github.rest.actions.listWorkflowRuns({})').required,
      { statuses: 'write', actions: 'read' },
    );
    assert.deepEqual(script("await github.request('POST /repos/{owner}/{repo}/deployments', {})").required, {
      deployments: 'write',
    });
    assert.deepEqual(script('await github.paginate(github.rest.issues.listComments, {})').required, { issues: 'read' });
  });
  test('permission checks of the actor need no scope', () => {
    const j = script(
      'await github.rest.repos.getCollaboratorPermissionLevel({ ...context.repo, username: context.actor })',
    );
    assert.deepEqual(j.required, {});
    assert.deepEqual(j.unknown, []);
  });
  test('graphql and local modules are unknown', () => {
    assert.match(script('await github.graphql(`query { viewer { login } }`)').unknown[0].reason, /GraphQL/);
    assert.match(
      script("const run = require('./.github/scripts/triage.js')\nawait run({ github, context })").unknown[0].reason,
      /script file/,
    );
  });
  test('github-script given a PAT needs nothing from the GITHUB_TOKEN', () => {
    assert.deepEqual(
      script('await github.rest.issues.addLabels({})', '    github-token: ${{ secrets.PAT }}\n').required,
      {},
    );
  });
});

describe('OIDC and registries in scripts', () => {
  test('npm publish --provenance and a direct OIDC request need id-token: write', () => {
    assert.deepEqual(job(steps('- run: npm publish --provenance --access public')).required, { 'id-token': 'write' });
    assert.deepEqual(job(steps('- run: npm publish\n  env:\n    NPM_CONFIG_PROVENANCE: true')).required, {
      'id-token': 'write',
    });
    assert.deepEqual(
      job(
        steps(
          '- run: |\n    curl -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=x"',
        ),
      ).required,
      { 'id-token': 'write' },
    );
    assert.deepEqual(
      job(steps('- run: npm publish\n  env:\n    NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}')).required,
      {},
    );
  });
  test('publishing without a registry token is trusted publishing: id-token: write', () => {
    for (const cmd of [
      'npm publish',
      'npx lerna publish from-package --yes',
      'uv publish',
      'cargo publish',
      'pnpm -r publish',
    ]) {
      assert.deepEqual(job(steps(`- run: ${cmd}`)).required, { 'id-token': 'write' }, cmd);
    }
    assert.deepEqual(job(steps('- run: uv publish --token "$PYPI"')).required, {});
    assert.deepEqual(
      job(steps('- run: cargo publish\n  env:\n    CARGO_REGISTRY_TOKEN: ${{ secrets.CRATES }}')).required,
      {},
    );
  });
  test('logging in to ghcr.io with the token needs packages: write', () => {
    const j = job(
      steps(
        '- run: |\n    echo "$GITHUB_TOKEN" | docker login ghcr.io -u "$GITHUB_ACTOR" --password-stdin\n    docker push ghcr.io/o/r:latest\n  env:\n    GITHUB_TOKEN: ${{ github.token }}',
      ),
    );
    assert.deepEqual(j.required, { packages: 'write' });
  });
});

describe('opaque scripts', () => {
  test('a script that holds the token and runs code we cannot see is unknown', () => {
    const j = job(steps('- run: ./scripts/release.sh\n  env:\n    GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}'));
    assert.equal(j.unknown.length, 1);
    assert.match(j.unknown[0].reason, /release\.sh/);
  });
  test('commands after if/while are seen too', () => {
    const j = job(
      steps(
        '- run: |\n    if uv run smokeshow upload htmlcov; then echo ok; fi\n  env:\n    SMOKESHOW_GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}',
      ),
    );
    assert.equal(j.unknown.length, 1);
  });
  test('a script without the token is not unknown', () => {
    assert.deepEqual(job(steps('- run: ./scripts/build.sh')).unknown, []);
  });
});

describe('reusable workflows and local actions', () => {
  const caller = 'on: push\njobs:\n  call:\n    uses: ./.github/workflows/release.yml\n';
  test("a local callee's needs become the caller job's", () => {
    const callee = steps(
      '- uses: actions/checkout@v4\n- run: gh release create v1\n  env:\n    GH_TOKEN: ${{ github.token }}',
    ).replace('on: push', 'on: workflow_call');
    const j = job(caller, { '.github/workflows/release.yml': callee });
    assert.deepEqual(j.required, { contents: 'write' });
    assert.equal(j.needs[0].source, 'reusable-workflow');
    assert.match(j.needs[1].reason, /gh release create/);
  });
  test("a callee job's declared permissions are needs of the caller", () => {
    const callee =
      'on: workflow_call\njobs:\n  x:\n    runs-on: ubuntu-latest\n    permissions:\n      issues: write\n    steps:\n      - run: echo\n';
    assert.deepEqual(job(caller, { '.github/workflows/release.yml': callee }).required, { issues: 'write' });
  });
  test('remote and missing callees are unknown', () => {
    assert.match(
      job('on: push\njobs:\n  r:\n    uses: org/repo/.github/workflows/x.yml@v1\n').unknown[0].reason,
      /remote reusable workflow/,
    );
    assert.match(job(caller).unknown[0].reason, /not found/);
  });
  test('a callee that calls itself does not loop', () => {
    const loop = 'on: workflow_call\njobs:\n  again:\n    uses: ./.github/workflows/release.yml\n';
    assert.ok(job(caller, { '.github/workflows/release.yml': loop }).unknown.length > 0);
  });
  test('a local composite action is followed, with token inputs defaulting to github.token', () => {
    const action =
      'name: x\ninputs:\n  token:\n    default: ${{ github.token }}\nruns:\n  using: composite\n  steps:\n    - run: gh pr comment 1 --body hi\n      shell: bash\n      env:\n        GH_TOKEN: ${{ inputs.token }}\n';
    const text = steps('- uses: ./.github/actions/comment');
    assert.deepEqual(job(text, { '.github/actions/comment/action.yml': action }).required, {
      'pull-requests': 'write',
    });
    assert.deepEqual(
      job(steps('- uses: ./.github/actions/comment\n  with:\n    token: ${{ secrets.PAT }}'), {
        '.github/actions/comment/action.yml': action,
      }).required,
      {},
    );
  });
});

test('jobs are independent', () => {
  const m = jobs(
    'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n  b:\n    runs-on: x\n    steps:\n      - run: echo\n',
  );
  assert.deepEqual(m.get('a')!.required, { contents: 'read' });
  assert.deepEqual(m.get('b')!.required, {});
});

describe('local JavaScript and Docker actions', () => {
  const action = (input: string) =>
    `name: x\ninputs:\n  token:\n    required: false\n${input}runs:\n  using: node20\n  main: index.js\n`;
  test('one that is never handed the token needs nothing', () => {
    const j = job(steps('- uses: ./tools/lint'), { 'tools/lint/action.yml': action('') });
    assert.deepEqual(j.required, {});
    assert.deepEqual(j.unknown, []);
  });
  test('one whose input defaults to github.token, or that is passed it, is unknown', () => {
    assert.match(
      job(steps('- uses: ./tools/lint'), { 'tools/lint/action.yml': action('    default: ${{ github.token }}\n') })
        .unknown[0].reason,
      /receives the token/,
    );
    assert.equal(
      job(steps('- uses: ./tools/lint\n  with:\n    token: ${{ secrets.GITHUB_TOKEN }}'), {
        'tools/lint/action.yml': action(''),
      }).unknown.length,
      1,
    );
  });
});

test('bad input never crashes: huge scripts, odd values, empty jobs, self-referencing composites', () => {
  const big = Array.from(
    { length: 20000 },
    (_, i) =>
      `gh pr comment ${i} --body "x" && curl -X POST https://api.github.com/repos/o/r/issues/${i}/comments -d '{}' \\`,
  ).join('\n');
  const j = job(
    steps(`- run: |\n${big.replace(/^/gm, '    ')}\n    echo done\n  env:\n    GH_TOKEN: \${{ github.token }}`),
  );
  assert.deepEqual(j.required, { 'pull-requests': 'write', issues: 'write' });
  for (const text of [
    'on: push\njobs:\n  a:\n',
    'on: push\njobs:\n  a:\n    permissions: 7\n    steps: [1, null, {uses: }]\n',
    'on: push\njobs:\n  a:\n    steps:\n      - uses: ""\n      - run: ""\n      - uses: actions/stale@v9\n        with: ${{ fromJSON(x) }}\n',
  ]) {
    assert.doesNotThrow(() => jobs(text));
  }
  const self = 'name: x\nruns:\n  using: composite\n  steps:\n    - uses: ./a\n';
  assert.ok(job(steps('- uses: ./a'), { 'a/action.yml': self }).unknown.length > 0);
});

test('REST paths written with expressions: ${{ github.repository }} and ${{ github.api_url }}', () => {
  const j = job(
    steps(
      '- run: |\n    curl -X POST -H "Authorization: token ${{ secrets.GITHUB_TOKEN }}" "${{ github.api_url }}/repos/${{ github.repository }}/pulls/${{ github.event.number }}/requested_reviewers" -d "{}"',
    ),
  );
  assert.deepEqual(j.required, { 'pull-requests': 'write' });
});

test('a condition on an unset input uses the default the action documents (lock-threads locks discussions by default)', () => {
  assert.equal(job(steps('- uses: dessant/lock-threads@v5')).required.discussions, 'write');
  assert.equal(
    job(steps('- uses: dessant/lock-threads@v5\n  with:\n    process-only: issues, prs')).required.discussions,
    undefined,
  );
});

test('a tool we do not know that runs with the token in its environment makes the step unknown', () => {
  const j = job(
    steps('- run: brew bump --open-pr --formulae\n  env:\n    HOMEBREW_GITHUB_API_TOKEN: ${{ secrets.GITHUB_TOKEN }}'),
  );
  assert.match(j.unknown[0].reason, /`brew`/);
  assert.deepEqual(
    job(
      steps(
        '- run: |\n    echo "$GITHUB_REF" | cut -d/ -f3\n    ls -la\n  env:\n    GITHUB_TOKEN: ${{ github.token }}',
      ),
    ).unknown,
    [],
  );
});
