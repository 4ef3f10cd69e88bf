// Class 6: output injection. Step and job names are the repository's text: in the text report they cannot drive the
// terminal (escape sequences, OSC 8 links, fake lines), and in hover Markdown they cannot close a code span or make a
// link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { runCli } from '../../server/src/cli/run';
import { analyze } from '../../server/src/engine/analyze';
import { hoverInfo } from '../../server/src/editor/hover';
import { tempRepo, writeFiles } from './helpers';

// YAML double-quoted escapes decode to ESC / BEL / CSI / bidi override: the model holds the raw control characters.
const EVIL_NAME =
  '"\\e[2J\\e[H\\e[32mAll checks passed\\e[0m\\n\\e]8;;https://evil.example/\\aclick\\e]8;;\\a \\x9b31m \\u202e"';

const WORKFLOW = `on: pull_request_target
jobs:
  build:
    name: ${EVIL_NAME}
    runs-on: ubuntu-latest
    steps:
      - name: ${EVIL_NAME}
        uses: actions/checkout@v4
        with:
          ref: \${{ github.event.pull_request.head.sha }}
      - name: ${EVIL_NAME}
        run: npm ci && echo "\${{ github.event.pull_request.title }}"
`;

test('the text report carries no control characters from the repository', async (t) => {
  const repo = tempRepo(t);
  writeFiles(repo, { '.github/workflows/ci.yml': WORKFLOW });
  let out = '';
  const io = {
    cwd: repo,
    env: {},
    stdout: (s: string) => (out += s),
    stderr: (s: string) => (out += s),
    stdoutIsTTY: false,
  };
  const status = await runCli(['scan', '--format', 'text', '.'], io);
  assert.equal(status, 1);
  assert.match(out, /template-injection/);
  assert.doesNotMatch(out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  assert.ok(!out.split('\n').some((l) => l.trim().startsWith('All checks passed')), 'no forged line');
});

test('hover Markdown: a job id cannot leave its code span, names cannot make links', () => {
  const id = 'x`[click](https://evil.example/)`';
  const text = `on: push\npermissions: {}\njobs:\n  "${id}":\n    permissions:\n      contents: write\n    runs-on: ubuntu-latest\n    steps:\n      - name: "[open](https://evil.example/) <img src=x>"\n        uses: someone/mystery@v1\n`;
  const result = analyze({ path: '.github/workflows/ci.yml', text });
  const md = new MarkdownIt();
  const hovers = [text.indexOf('permissions:\n      contents') + 2, text.indexOf('someone/mystery') + 2]
    .map((at) => hoverInfo(result, at)?.markdown)
    .filter((m): m is string => !!m);
  assert.ok(hovers.length >= 1);
  for (const markdown of hovers) {
    const html = md.render(markdown);
    assert.doesNotMatch(html, /<a href="https:\/\/evil/, markdown);
    assert.doesNotMatch(html, /<img/, markdown);
  }
  assert.match(md.render(hovers[0]), /<code>x`\[click\]\(https:\/\/evil\.example\/\)`<\/code>/);
});
