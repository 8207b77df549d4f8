/**
 * The shared value analysis on hand-built common-form units: the lattice (exact, set,
 * interval with witnesses, unknown), names through scopes, loops over constant tables,
 * helpers followed up to three levels, byte buffers read back as the kernel reads them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Expr, FormFunction, Origin } from '../../server/src/analysis/core/form';
import { bind, intType, newScope, newUnit, originAt } from '../../server/src/analysis/core/build';
import { FormEvaluator } from '../../server/src/analysis/core/evaluator';
import { binary, castTo, exact, join, ofType, setOf, show, TOP } from '../../server/src/analysis/core/value';

let pos = 100;
const at = (text = ''): Origin => originAt(pos, ++pos, text);
const int = (v: number): Expr => ({ k: 'int', value: BigInt(v), at: at(String(v)) });
const name = (n: string, o?: Origin): Expr => ({ k: 'name', name: n, at: o ?? at(n) });
const bin = (op: '+' | '-' | '<<' | '|', l: Expr, r: Expr): Expr => ({ k: 'binary', op, left: l, right: r, at: at() });
const U16 = { bits: 16, unsigned: true };
const U32 = { bits: 32, unsigned: true };

test('lattice: sets, joins, casts, intervals with witnesses', () => {
  assert.equal(show(join(exact(1), exact(2))), '{1, 2}');
  assert.equal(show(castTo(exact(-1), U32)), '4294967295');
  assert.equal(show(castTo(exact(40001), { bits: 8, unsigned: true })), '65');
  const hi = binary('-', binary('+', ofType(U16, 'port'), ofType(U16, 'count'), 'c'), exact(1), 'c');
  assert.equal(hi.k, 'interval');
  if (hi.k !== 'interval') return;
  assert.equal(hi.hi, 131069n);
  assert.deepEqual(hi.atHi, [['port', 65535n], ['count', 65535n]]);
  assert.equal(binary('+', TOP, exact(1), 'c').k, 'unknown');
  assert.equal(show(binary('|', binary('<<', setOf([40100n, 50100n]), exact(16), 'c'), exact(40000), 'c')),
    `{${(40100n << 16n) | 40000n}, ${(50100n << 16n) | 40000n}}`);
});

test('names: the last assignment before the use, wrapped to its type', () => {
  const g = newScope(null, originAt(0, 10_000));
  bind(g, { name: 'LO', kind: 'const', type: null, values: [int(40000)], at: at() });
  const minusOne = int(-1);
  bind(g, { name: 'x', kind: 'var', type: intType(32, true), values: [minusOne], at: originAt(minusOne.at.start, minusOne.at.end) });
  const use1 = at('x');
  const unit = newUnit('c', 'little', g);
  const ev = new FormEvaluator(unit);
  assert.equal(show(ev.value(name('LO'))), '40000');
  assert.equal(show(ev.value(name('x', use1))), '4294967295');
  assert.equal(ev.value(name('nowhere')).k, 'unknown');
});

test('loops over a constant table: the loop variable is the set of entries, labelled', () => {
  const g = newScope(null, originAt(0, 10_000));
  const row = (lo: number, hi: number): Expr => ({ k: 'init', type: null, items: [{ value: int(lo) }, { value: int(hi) }], at: at(`{${lo}, ${hi}}`) });
  bind(g, { name: 'RANGES', kind: 'const', type: null, values: [{ k: 'init', type: null, items: [{ value: row(40000, 40100) }, { value: row(50000, 49000) }], at: at() }], at: at() });
  const body = originAt(5000, 6000);
  g.loops.push({ vars: ['lo', 'hi'], over: name('RANGES'), body, at: originAt(4990, 6000) });
  const unit = newUnit('python', 'little', g);
  const ev = new FormEvaluator(unit);
  const hiUse: Expr = { k: 'name', name: 'hi', at: originAt(5100, 5102, 'hi') };
  const v = ev.value(hiUse);
  assert.equal(v.k, 'set');
  if (v.k === 'set') {
    assert.deepEqual(v.vs, [40100n, 49000n]);
    assert.deepEqual(v.labels, ['RANGES[0] = {40000, 40100}', 'RANGES[1] = {50000, 49000}']);
  }
  // Outside the loop body the name is unknown.
  assert.equal(ev.value({ k: 'name', name: 'hi', at: originAt(7000, 7002) }).k, 'unknown');
});

test('helpers are followed three levels deep with their arguments, not four', () => {
  const g = newScope(null, originAt(0, 100_000));
  const fn = (n: string, ret: (p: Expr) => Expr, start: number): FormFunction => {
    const scope = newScope(g, originAt(start, start + 1000));
    const p = originAt(start + 1, start + 2, 'v');
    bind(scope, { name: 'v', kind: 'param', type: intType(32, true), values: [], at: p });
    return { name: n, params: [{ name: 'v', type: intType(32, true) }], result: intType(32, true), returns: [ret({ k: 'name', name: 'v', at: originAt(start + 10, start + 11) })], scope, at: originAt(start, start + 1000) };
  };
  const call = (n: string, a: Expr): Expr => ({ k: 'call', call: { callee: name(n), lastName: n, args: [a], at: at() }, at: at() });
  const pack = fn('pack', (v) => bin('|', bin('<<', v, int(16)), int(40000)), 10_000);
  const l2 = fn('l2', (v) => call('pack', v), 20_000);
  const l3 = fn('l3', (v) => call('l2', v), 30_000);
  const l4 = fn('l4', (v) => call('l3', v), 40_000);
  const unit = newUnit('go', 'little', g, [pack, l2, l3, l4]);
  const ev = new FormEvaluator(unit);
  assert.equal(show(ev.value(call('l3', int(40100)))), String((40100 << 16 | 40000) >>> 0));
  assert.equal(ev.value(call('l4', int(40100))).k, 'unknown');
});

test('byte buffers: PutUint16 per half read back with BigEndian.Uint32', () => {
  const g = newScope(null, originAt(0, 10_000));
  const mk: Expr = { k: 'byteLit', bytes: [0, 0, 0, 0], at: originAt(10, 11) };
  bind(g, {
    name: 'b', kind: 'var', type: null, values: [mk], at: originAt(10, 11),
    steps: [
      { k: 'put', offset: 0, value: int(40000), size: 2, order: 'little', at: originAt(20, 21) },
      { k: 'put', offset: 2, value: int(40100), size: 2, order: 'little', at: originAt(30, 31) },
    ],
  });
  const unit = newUnit('go', 'little', g);
  const ev = new FormEvaluator(unit);
  const read = (order: 'big' | 'little'): Expr => ({ k: 'decode', bytes: { k: 'name', name: 'b', at: originAt(40, 41) }, size: 4, order, at: originAt(40, 50) });
  assert.equal(show(ev.value(read('little'))), String((40100 << 16 | 40000) >>> 0));
  // Little-endian halves read back big-endian: each half byte-swapped and the halves exchanged.
  const swapped = ev.value(read('big'));
  assert.equal(show(swapped), String(0x409ca49c));
});

test('table rows sharing a value stay apart: lo and hi of one row combine, rows never mix', () => {
  const g = newScope(null, originAt(0, 10_000));
  const row = (lo: number, hi: number): Expr => ({ k: 'init', type: null, items: [{ value: int(lo) }, { value: int(hi) }], at: at(`{${lo}, ${hi}}`) });
  bind(g, { name: 'RANGES', kind: 'const', type: null, values: [{ k: 'init', type: null, items: [{ value: row(40000, 40999) }, { value: row(41000, 40999) }], at: at() }], at: at() });
  g.loops.push({ vars: ['lo', 'hi'], over: name('RANGES'), body: originAt(5000, 6000), at: originAt(4990, 6000) });
  const ev = new FormEvaluator(newUnit('python', 'little', g));
  const hi = ev.value({ k: 'name', name: 'hi', at: originAt(5100, 5102, 'hi') });
  // Both rows have hi 40999: two members, one per row (a single member would lose row 1).
  assert.equal(hi.k, 'set');
  if (hi.k === 'set') assert.deepEqual(hi.labels, ['RANGES[0] = {40000, 40999}', 'RANGES[1] = {41000, 40999}']);
});
