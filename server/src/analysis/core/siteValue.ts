/**
 * The value of a call site (core/sites.ts): the u32 the kernel reads through optval, once per
 * alternative (one site per table entry, each naming its entry), the halves the author meant
 * (shift-or, struct, array, byte swaps), and, for a value bounded only by free inputs, the
 * witnesses core/bounded.ts finds (suppressed by a guard on the inputs before the call).
 */
import type { BoundedValue, ByteOrder, Operand, TableEntry } from '../callSite';
import type { RawCallSite } from '../languages/types';
import { intendedFromShiftOr, orderLabel, shiftOrParts, type Intended } from './halves';
import type { Expr, FormScope, FormUnit } from './form';
import { memberPath, type FormEvaluator } from './evaluator';
import { TOP, valuesOf, type Value } from './value';
import { boundedValue, type Rerun } from './bounded';
import { nameText, throughHelpers, type Followed } from './follow';

type Frame = Map<string, Value>;

/** Every sub-expression (bounded). */
export function* subExprs(e: Expr, depth = 0): Generator<Expr> {
  if (depth > 64) return;
  yield e;
  const kids: Expr[] = [];
  switch (e.k) {
    case 'member': kids.push(e.object); break;
    case 'index': kids.push(e.object, e.index); break;
    case 'binary': case 'compare': kids.push(e.left, e.right); break;
    case 'unary': case 'cast': case 'addr': case 'deref': case 'bswap': kids.push(e.arg); break;
    case 'cond': kids.push(e.test, e.then, e.else); break;
    case 'sizeof': if ('expr' in e.of) kids.push(e.of.expr); break;
    case 'call': kids.push(...e.call.args, ...(e.call.receiver ? [e.call.receiver] : [])); break;
    case 'init': kids.push(...e.items.map((i) => i.value)); break;
    case 'encode': kids.push(e.value); break;
    case 'decode': kids.push(e.bytes); break;
    case 'len': kids.push(e.of); break;
    case 'concat': kids.push(...e.parts); break;
  }
  for (const k of kids) yield* subExprs(k, depth + 1);
}

/** A value not constant but bounded by free inputs: the witnesses core/bounded.ts finds. */
export function boundedOf(ev: FormEvaluator, val: Expr, scope: FormScope, unit: FormUnit, search: { under: Rerun; regions: { start: number; end: number }[] }): BoundedValue | null {
  const inputs = new Map(ev.inputs);
  if (inputs.size === 0) return null;
  const def = definition(ev, val.k === 'addr' ? val.arg : val, scope);
  const form = formOf(ev, def, scope);
  let pair: [lo: Expr, hi: Expr] | null = null;
  if (form.shift) pair = [form.shift.lower, form.shift.upper];
  else if (def.k === 'init' && def.items.length === 2) {
    const [x, y] = def.items.map((i) => i.value) as [Expr, Expr];
    pair = form.name === 'struct-swapped' ? [y, x] : [x, y];
  }
  const halves = pair ? { lo: pair[0], hi: pair[1], scope, show: { lo: definition(ev, pair[0], scope), hi: definition(ev, pair[1], scope) } } : null;
  const packedAt = (frame: Frame): number | null => {
    const ds = decodeValue(ev, val, frame, scope, unit);
    return ds.length === 1 ? ds[0]!.packed : null;
  };
  const b = boundedValue({ ev, inputs, under: search.under, packedAt, halves });
  if (!b) return null;
  // A check counts on the path up to the call, and anywhere in the function that declares an
  // input off that path (a constructor whose parameters set the members the call reads).
  const regions = [...search.regions];
  for (const i of b.inputs) {
    const at = ev.inputAt.get(i.name);
    const s = at === undefined ? null : unit.scopeAt(at);
    const whole = unit.globals.at.end - unit.globals.at.start;
    if (s && s.at.end - s.at.start < whole && !search.regions.some((r) => r.start <= at! && at! < r.end)) regions.push({ start: s.at.start, end: s.at.end });
  }
  const guard = guardFor(unit, ev, new Set(b.inputs.map((i) => i.name)), regions);
  return guard ? { ...b, guard } : b;
}

export interface Decoded { packed: number | null; order: ByteOrder; form: string; intended: Intended | null; facts?: RawCallSite['facts']; entry?: TableEntry }

/** The u32 the kernel reads through optval, once per value alternative (a table gives several). */
export function decodeValue(ev: FormEvaluator, val: Expr, frame: Frame, scope: FormScope, unit: FormUnit): Decoded[] {
  const host = unit.hostByteOrder;
  const fol = throughHelpers(ev, definition(ev, val.k === 'addr' ? val.arg : val, scope), frame, scope, (e, s) => definition(ev, e, s));
  const def = fol.def;
  const swap = [...subExprs(def)].find((s) => (s.k === 'bswap' && (!s.hostOnly || host === 'little')) || (s.k === 'encode' && s.order !== 'host' && s.order !== host));
  const order = swap ? orderLabel('big', host) : 'host';
  const form = formOf(ev, def, fol.scope, fol, val);
  const b = ev.bytes(val, frame, scope);
  let packs: (number | null)[];
  let labels: readonly string[] | undefined;
  if (b.k === 'bytes') {
    const rows = sameRow(b.alts, b.labels);
    packs = rows.vs.map((bs) => readU32([...bs, 0, 0, 0, 0].slice(0, 4), host));
    labels = rows.labels;
  } else {
    // &t[i] or &r.f: the kernel reads 4 bytes from there, the element's value only when it is as wide.
    const elem = val.k === 'addr' && (val.arg.k === 'index' || val.arg.k === 'member') ? ev.typeOfExpr(val.arg, scope) : null;
    const narrow = elem !== null && (elem.k !== 'int' || elem.int.bits < 32);
    const v = narrow ? TOP : ev.value(val.k === 'addr' ? val.arg : val, frame, scope);
    const vs = valuesOf(v);
    const rows = vs ? sameRow(vs, v.k === 'set' ? v.labels : undefined) : null;
    packs = rows ? rows.vs.map((x) => Number(BigInt.asUintN(32, x))) : [null];
    labels = rows?.labels;
  }
  // One site per table entry, each naming its entry (DecodedValue.entry).
  const entries = labels && labels.some(Boolean) && packs.length > 1 ? labels : null;
  return packs.slice(0, 64).map((packed, i) => ({ ...decodeOne(ev, packed, order, form, swap, fol, entries?.[i]), ...(entries ? { entry: { label: entries[i] || `entry ${i + 1}`, index: i, count: Math.min(packs.length, 64) } } : {}) }));
}

/**
 * Values built from two fields of the same table row (lo and hi of one entry) combine as a
 * cross product in the lattice; keep the combinations whose parts come from one row, each
 * with its row's label.
 */
function sameRow<T>(vs: readonly T[], labels: readonly string[] | undefined): { vs: T[]; labels?: string[] } {
  if (!labels) return { vs: [...vs] };
  const atoms = new Set(labels.map(repeated).filter((x): x is string => x !== null));
  const keep = vs.map((_, i) => !mixedRows(labels[i] ?? '', atoms));
  return { vs: vs.filter((_, i) => keep[i]), labels: labels.filter((_, i) => keep[i]).map((l) => repeated(l) ?? l) };
}

/** The members of v that come from table row `row` (all of v when it is not a labelled set). */
function ofRow(v: Value, row: string | undefined): readonly bigint[] | null {
  const vs = valuesOf(v);
  if (!vs || !row || v.k !== 'set' || !v.labels) return vs;
  const picked = [...new Set(vs.filter((_, i) => v.labels![i] === row))];
  return picked.length ? picked : vs;
}

function decodeOne(ev: FormEvaluator, packed: number | null, order: ByteOrder, form: FormInfo, swap: Expr | undefined, fol: Followed, row?: string): Decoded {
  const { frame, scope } = fol;
  let intended: Intended | null = packed === null ? null : { lo: BigInt(packed & 0xffff), hi: BigInt(packed >>> 16) };
  let f = form.name;
  if (swap && packed !== null) {
    const orig = swap.k === 'bswap' || swap.k === 'encode' ? valuesOf(ev.value(swap.k === 'bswap' ? swap.arg : swap.value, frame, scope)) : null;
    if (orig?.length === 1) intended = { lo: orig[0]! & 0xffffn, hi: (orig[0]! >> 16n) & 0xffffn };
  } else if (form.shift && packed !== null) {
    // Per table entry: the halves of that entry's row (its own swapped or too wide half).
    const up = ofRow(ev.value(form.shift.upper, frame, scope), row);
    const lo = ofRow(ev.value(form.shift.lower, frame, scope), row);
    if (up?.length === 1 && lo?.length === 1) {
      intended = intendedFromShiftOr(nameText(form.shift.upper, fol.names), up[0]!, nameText(form.shift.lower, fol.names), lo[0]!);
      if (intended.lo === up[0] && intended.lo !== intended.hi) f = 'shift-or-swapped';
    }
  } else if (form.name === 'array' && packed !== null) {
    const lo = packed & 0xffff;
    const hi = packed >>> 16;
    if (lo > hi && hi !== 0) (f = 'array-swapped'), (intended = { lo: BigInt(hi), hi: BigInt(lo) });
  } else if (form.name === 'struct-swapped' && packed !== null) intended = { lo: BigInt(packed >>> 16), hi: BigInt(packed & 0xffff) };
  // Per table entry: the signed shift overflows only for the entries whose upper half does.
  let ss = form.signedShift;
  const rowUp = ss && row && form.shift ? ofRow(ev.value(form.shift.upper, frame, scope), row) : null;
  if (ss && rowUp?.length === 1) ss = rowUp[0]! < 32768n ? undefined : ev.unit.language === 'c' ? { ...ss, value: Number(rowUp[0]) } : ss;
  return { packed, order, form: f, intended, ...(ss ? { facts: { signedShift: ss } } : {}) };
}

/** "X, X" (or more parts), every part the same row: X; else null. */
function repeated(label: string): string | null {
  for (let k = 2; k <= 8; k++) {
    const len = (label.length - 2 * (k - 1)) / k;
    if (!Number.isInteger(len) || len <= 0) continue;
    const x = label.slice(0, len);
    if (Array.from({ length: k }, () => x).join(', ') === label) return x;
  }
  return null;
}

/** "A, B" with A and B two different rows of the same table. */
export function mixedRows(label: string, atoms: ReadonlySet<string>): boolean {
  if (repeated(label) !== null) return false;
  for (const a of atoms) if (label.startsWith(a + ', ') && atoms.has(label.slice(a.length + 2))) return true;
  return false;
}

function readU32(bs: number[], host: 'little' | 'big'): number {
  const seq = host === 'little' ? [...bs].reverse() : bs;
  return seq.reduce((acc, x) => acc * 256 + (x & 0xff), 0);
}

/** The expression a value comes from: names followed to their single assignment (a few steps). */
function definition(ev: FormEvaluator, e: Expr, scope: FormScope): Expr {
  let cur = e;
  for (let i = 0; i < 6; i++) {
    while (cur.k === 'cast' || cur.k === 'addr' || cur.k === 'deref') cur = cur.arg;
    const path = cur.k === 'name' || cur.k === 'member' ? memberPath(cur) : null;
    if (!path) break;
    const b = ev.binding(path, cur.at.start, scope);
    if (!b || b.values.length !== 1 || b.escapes) break;
    cur = b.values[0]!;
  }
  return cur;
}

interface FormInfo { name: string; shift?: { upper: Expr; lower: Expr }; signedShift?: Operand }


/** How the value was built: `(hi << 16) | lo`, a struct of two u16, an array, an integer. */
function formOf(ev: FormEvaluator, def: Expr, scope: FormScope, fol?: Followed, val?: Expr): FormInfo {
  for (const s of subExprs(def)) {
    const parts = shiftOrParts(s);
    if (!parts) continue;
    const { upper, lower: l, shift: su } = parts;
    const t = ev.typeOfExpr(upper, scope);
    const uv = ev.value(upper, fol?.frame ?? new Map(), scope);
    const v = valuesOf(uv);
    const c = ev.unit.language === 'c';
    // C: integer promotion makes a 16-bit operand an int (signed) before the shift.
    const it = c ? (t?.k === 'int' ? t.int : uv.k !== 'unknown' ? uv.type : null) : null;
    const signed = c && it ? !it.unsigned || it.bits < 32 : upper.k === 'int' ? upper.type === null || upper.type === undefined || !upper.type.unsigned : t?.k === 'int' && !t.int.unsigned && t.int.bits <= 32;
    const info: FormInfo = { name: 'shift-or', shift: { upper, lower: l } };
    if (su.k === 'binary' && su.op === '<<' && signed && upper.k !== 'cast' && v?.some((x) => x >= 32768n) && (c || ev.unit.language === 'cpp')) {
      const value = c && v.length === 1 ? Number(v[0]!) : null;
      info.signedShift = fol?.helper && val ? { text: `${su.at.text} in ${fol.helper}()`, value, span: val.at.span } : { text: su.at.text, value, span: su.at.span };
    }
    return info;
  }
  if (def.k === 'init') {
    const t = def.type;
    if (t?.k === 'struct' && t.fields.length === 2) {
      const first = t.fields[0]!.name.toLowerCase();
      return { name: /^(hi|high|max|upper|end)/.test(first) ? 'struct-swapped' : 'struct' };
    }
    return { name: 'array' };
  }
  if (def.k === 'decode') return formOf(ev, def.bytes.k === 'name' ? definition(ev, def.bytes, scope) : def.bytes, scope).name === 'array' ? { name: 'array' } : { name: 'bytes' };
  return { name: 'int' };
}


/**
 * The first guard (an `if`/`assert` condition recorded by the lowering) inside one of the
 * `regions` (the functions on the call's path, each up to its call) that reads one of `names`
 * or a local computed from them: its text; null when the code checks none of them.
 */
export function guardFor(unit: FormUnit, ev: FormEvaluator, names: ReadonlySet<string>, regions: ReadonlyArray<{ start: number; end: number }>): string | null {
  const reads = (n: string, at: number, depth: number): boolean => {
    if (names.has(n)) return true;
    if (depth > 3) return false;
    const b = ev.binding(n, at, unit.scopeAt(at));
    return !!b && b.kind !== 'param' && b.values.some((v) => [...subExprs(v)].some((x) => x.k === 'name' && x.name !== n && reads(x.name, x.at.start, depth + 1)));
  };
  for (const g of unit.guards ?? []) {
    if (!regions.some((r) => r.start <= g.at.start && g.at.start < r.end)) continue;
    if (g.names.some((n) => reads(n, g.at.start, 0))) return g.at.text;
  }
  return null;
}
