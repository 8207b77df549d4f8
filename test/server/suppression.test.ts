// The one suppression grammar and the one place where severities are applied (docs/diagnostics.md#suppressing-a-diagnostic).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySuppressionAndSeverity, parseSuppression, suppressedAt } from '../../server/src/diagnostics/suppression';
import { suppressEdit } from '../../server/src/features/codeActions';

const codesOf = (line: string) => {
  const s = parseSuppression(line);
  return s === null ? null : s.codes === 'all' ? 'all' : [...s.codes].sort();
};

test('grammar: bare marker and "all" mean every code; a comma list names codes; text after the list is a reason', () => {
  assert.equal(codesOf('x(); // port-range-lens: ignore'), 'all');
  assert.equal(codesOf('/* port-range-lens: ignore all */'), 'all');
  assert.equal(codesOf('# port-range-lens: ignore all, small-range'), 'all');
  assert.deepEqual(codesOf('# port-range-lens: ignore swapped-halves, bad-optlen'), ['bad-optlen', 'swapped-halves']);
  assert.deepEqual(codesOf('# port-range-lens: ignore swapped-halves,bad-optlen'), ['bad-optlen', 'swapped-halves']);
  assert.deepEqual(codesOf('// port-range-lens: ignore: small-range'), ['small-range']);
  // A space ends the list: what follows is a reason, not a code.
  assert.deepEqual(codesOf('// port-range-lens: ignore small-range because the pool is tiny'), ['small-range']);
  assert.deepEqual(codesOf('/* port-range-lens: ignore magic-number */'), ['magic-number']);
  assert.equal(codesOf('// port-range-lens: ignored'), null);
  assert.equal(codesOf('// nothing here'), null);
});

test('a comment suppresses its own line and the line below, not further', () => {
  const lines = ['// port-range-lens: ignore small-range', 'call();', 'call();'];
  assert.equal(suppressedAt('small-range', lines, 0), true);
  assert.equal(suppressedAt('small-range', lines, 1), true);
  assert.equal(suppressedAt('small-range', lines, 2), false);
  assert.equal(suppressedAt('magic-number', lines, 1), false);
});

test('severity overrides and off, applied once; the call line anchors a comment for every diagnostic of the call', () => {
  const span = (line: number) => ({ line, column: 0, endLine: line, endColumn: 1 });
  const ds = [
    { code: 'small-range' as const, severity: 'information' as const, span: span(3) },
    { code: 'magic-number' as const, severity: 'hint' as const, span: span(3) },
    { code: 'swapped-halves' as const, severity: 'error' as const, span: span(1) },
  ];
  const lines = ['', 'v = x;', '', 'call(v);'];
  const out = applySuppressionAndSeverity(ds, lines, 3, { 'small-range': 'error', 'magic-number': 'off' });
  assert.deepEqual(out.map((d) => [d.code, d.severity]), [['small-range', 'error'], ['swapped-halves', 'error']]);
  assert.equal(ds[0]!.severity, 'information', 'the input is not mutated');
  const anchored = [...lines];
  anchored[3] = 'call(v); // port-range-lens: ignore swapped-halves';
  assert.deepEqual(applySuppressionAndSeverity(ds, anchored, 3, {}).map((d) => d.code), ['small-range', 'magic-number']);
});

test('the quick fix writes the same grammar it reads', () => {
  const add = suppressEdit(['call(); // port-range-lens: ignore small-range -- why'], 0, 'magic-number', 'c')!;
  assert.equal(add.newText, ', magic-number');
  const line = 'call(); // port-range-lens: ignore small-range -- why';
  const edited = line.slice(0, add.range.start.character) + add.newText + line.slice(add.range.start.character);
  assert.deepEqual(codesOf(edited), ['magic-number', 'small-range']);
  assert.equal(suppressEdit(['call(); // port-range-lens: ignore'], 0, 'magic-number', 'c'), null, 'already suppresses everything');
  const fresh = suppressEdit(['sock.setsockopt(a, b, c)'], 0, 'magic-number', 'python')!;
  assert.deepEqual(codesOf('sock.setsockopt(a, b, c)' + fresh.newText), ['magic-number']);
});
