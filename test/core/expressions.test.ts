import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findExpressions } from '../../server/src/expressions/parse';

const D = '$';

test('finds expressions with exact offsets and context paths', () => {
  const text = `run: echo "${D}{{ github.event.pull_request.title }}" ${D}{{ toJSON(github.event.*.body) }}`;
  const found = findExpressions(text);
  assert.equal(found.length, 2);
  assert.equal(text.slice(found[0].span.start, found[0].span.end), `${D}{{ github.event.pull_request.title }}`);
  const ctx = found[0].contexts[0];
  assert.equal(ctx.path, 'github.event.pull_request.title');
  assert.equal(text.slice(ctx.span.start, ctx.span.end), 'github.event.pull_request.title');
  assert.deepEqual(found[1].contexts[0].segments, ['github', 'event', '*', 'body']);
  assert.deepEqual(found[1].contexts[0].enclosingFunctions, ['tojson']);
});

test('bracket indexing is normalized to the dotted path and keeps its span', () => {
  const text = `${D}{{ github['head_ref'] }}`;
  const [e] = findExpressions(text);
  assert.equal(e.contexts[0].path, 'github.head_ref');
  assert.equal(text.slice(e.contexts[0].span.start, e.contexts[0].span.end), "github['head_ref']");
});

test('a computed index is a wildcard and its own contexts are collected', () => {
  const [e] = findExpressions(`${D}{{ steps.build.outputs[matrix.key] }}`);
  assert.deepEqual(
    e.contexts.map((c) => c.path),
    ['steps.build.outputs.*', 'matrix.key'],
  );
});

test('`}}` inside a string literal does not end the expression', () => {
  const text = `${D}{{ format('{0}}}', github.head_ref) }} tail`;
  const [e] = findExpressions(text);
  assert.equal(text.slice(e.span.end), ' tail');
  assert.deepEqual(
    e.contexts.map((c) => c.path),
    ['github.head_ref'],
  );
});

test('an expression GitHub rejects still yields its context paths', () => {
  const [e] = findExpressions(`${D}{{ github.event.issue.title ++ }}`);
  assert.ok(e.error);
  assert.deepEqual(
    e.contexts.map((c) => c.path),
    ['github.event.issue.title'],
  );
});

test('multi-line expressions map positions across lines', () => {
  const text = `${D}{{\n  github.event.comment.body\n}}`;
  const [e] = findExpressions(text);
  assert.equal(text.slice(e.contexts[0].span.start, e.contexts[0].span.end), 'github.event.comment.body');
});

test('an unterminated expression is ignored, not a crash', () => {
  assert.deepEqual(findExpressions(`${D}{{ github.head_ref`), []);
});
