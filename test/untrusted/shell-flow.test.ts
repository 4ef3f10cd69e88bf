// Data flow inside run: scripts, through the real engine: what the script reader takes as a heredoc, which hops a
// sink's message names, and that hostile scripts stay bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';
import { posixStatements } from '../../server/src/analysis/shell-words';

function findings(script: string, rule: string, shell = 'bash') {
  const text = `on: issue_comment
jobs:
  bot:
    runs-on: ubuntu-latest
    steps:
      - env:
          BODY: \${{ github.event.comment.body }}
        shell: ${shell}
        run: |
${script
  .split('\n')
  .map((l) => `          ${l}`)
  .join('\n')}
`;
  const result = analyze({ path: '.github/workflows/bot.yml', text });
  assert.deepEqual(result.ruleErrors, []);
  return result.findings
    .filter((f) => f.ruleId === rule)
    .map((f) => ({ at: text.slice(f.span.start, f.span.end), message: f.message, related: f.related?.length ?? 0 }));
}

test('a heredoc body is attached to its command, not read as commands; arithmetic shifts and here-strings are not heredocs', () => {
  const script = 'x=$((1<<2))\ncat <<EOF > out\neval $BODY\nEOF\nread -r y <<< "$x"\necho done\n';
  const statements = posixStatements(script, 0, script.length);
  assert.deepEqual(
    statements.map((s) => s.words.map((w) => w.text).join(' ')),
    ['x=$((1<<2))', 'cat <<EOF > out', 'read -r y <<< "$x"', 'echo done'],
  );
  assert.equal(script.slice(statements[1].heredocs[0].start, statements[1].heredocs[0].end), 'eval $BODY\n');
});

test('the message names every hop from the env var to the eval, and the assignments are related locations', () => {
  const [f] = findings('FIRST=$(echo "$BODY" | head -n1)\nCMD=${FIRST#/run }\neval "$CMD"', 'shell-eval-injection');
  assert.equal(f.at, '$CMD');
  assert.match(f.message, /via env\.BODY -> \$FIRST -> \$CMD\)/);
  assert.equal(f.related, 2);
});

test('a variable rewritten in place is one hop; a pipe into a command that is not a text filter carries nothing', () => {
  const [f] = findings('X="$BODY"\nX=$(echo "$X" | sed s/a/b/)\neval "$X"', 'shell-eval-injection');
  assert.match(f.message, /via env\.BODY -> \$X\)/);
  assert.deepEqual(findings('N=$(echo "$BODY" | wc -c)\neval "echo $N"', 'shell-eval-injection'), []);
});

test('pwsh: a variable set from $env: reaches Invoke-Expression; a single-quoted string expands nothing', () => {
  assert.equal(findings('$c = $env:BODY\niex "echo $c"', 'shell-eval-injection', 'pwsh')[0].at, '$c');
  assert.deepEqual(findings("$c = $env:BODY\niex 'echo $c'", 'shell-eval-injection', 'pwsh'), []);
});

test('cmd: %X% in any line is code; a variable set from it carries the taint to the env file', () => {
  const found = findings('set "NOTE=%BODY%"\necho NOTE=%NOTE%>> %GITHUB_ENV%', 'github-env', 'cmd');
  assert.deepEqual(
    found.map((f) => f.at),
    ['echo NOTE=%NOTE%>> %GITHUB_ENV%'],
  );
});

test('hostile scripts stay bounded: deep substitutions, an unterminated heredoc, thousands of assignments', () => {
  const deep = `X=${'$(echo '.repeat(2000)}"$BODY"${')'.repeat(2000)}\neval "$X"`;
  const chain = Array.from({ length: 3000 }, (_, i) => `V${i + 1}="$V${i}"`).join('\n');
  const started = Date.now();
  findings(deep, 'shell-eval-injection');
  findings(`cat >> "$GITHUB_ENV" <<EOF\n${'A=$BODY\n'.repeat(5000)}`, 'github-env');
  assert.equal(findings(`V0="$BODY"\n${chain}\neval "$V3000"`, 'shell-eval-injection').length, 1);
  // A hang catcher, not a timing assertion: linear work takes well under a second.
  assert.ok(Date.now() - started < 20_000);
});
