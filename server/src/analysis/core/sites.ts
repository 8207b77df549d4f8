/**
 * The call-site stage over the common form: every setsockopt/getsockopt-like call of a
 * FormUnit with the (fd, level, optname, optval, optlen) shape becomes a RawCallSite when its
 * option is IP_LOCAL_PORT_RANGE. A call inside a helper that takes the option (or the value)
 * as a parameter is also judged at each caller, up to MAX_CALL_DEPTH levels: Pingora's
 * `set_opt(fd, IPPROTO_IP, IP_LOCAL_PORT_RANGE, range as c_int)` is a call site even though
 * its inner `libc::setsockopt(sock, opt, val, ...)` names no option. Values come from the one
 * evaluator (exact, a set of table entries: one site each, or unknown); the halves the author
 * meant come from the packing expression (shift-or, struct, array, byte swaps).
 * Used by the Rust and C++ lowerings (the C/Python/Go adapters keep their own stage for now).
 */
import type { ByteOrder, Language, Operand, SocketEvent, TableEntry } from '../callSite';
import type { RawCallSite } from '../languages/types';
import { decoded, intendedFromShiftOr, orderLabel, type Intended } from './halves';
import { toNum } from './numeric';
import type { Expr, FormCall, FormFunction, FormScope, FormUnit } from './form';
import { FormEvaluator, MAX_CALL_DEPTH, memberPath } from './evaluator';
import { castTo, exact, ofType, TOP, valuesOf, type Value } from './value';
import { socketContext } from './socketContext';

type Frame = Map<string, Value>;
const OPTION = 51;
const MAX_SITES = 512;

export interface SiteInput {
  unit: FormUnit;
  /** Calls of the unit's own functions (candidate callers of a helper), in source order. */
  helperCalls: readonly FormCall[];
  file: string;
  language: Language;
}

interface Shape { fd: number; level: number; opt: number; val: number; len: number }

/** (fd, level, optname, optval, optlen), optionally after one leading context argument. */
function shapeOf(c: FormCall): Shape | null {
  if (c.args.length === 5) return { fd: 0, level: 1, opt: 2, val: 3, len: 4 };
  if (c.args.length === 6) return { fd: 1, level: 2, opt: 3, val: 4, len: 5 };
  return null;
}

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
    case 'concat': kids.push(...e.parts); break;
  }
  for (const k of kids) yield* subExprs(k, depth + 1);
}

export function callSitesOf(input: SiteInput): RawCallSite[] {
  const { unit } = input;
  const ev = new FormEvaluator(unit);
  const fns = [...unit.functions.values()].flat();
  const fnAt = (offset: number): FormFunction | null => {
    let best: FormFunction | null = null;
    for (const f of fns) if (f.at.start <= offset && offset < f.at.end && (!best || f.at.end - f.at.start < best.at.end - best.at.start)) best = f;
    return best;
  };
  const callersOf = (f: FormFunction) => input.helperCalls.filter((c) => c.lastName === f.name && c.args.length === f.params.length && unit.functions.get(f.name)?.length === 1);
  const out: RawCallSite[] = [];
  for (const call of unit.calls ?? []) {
    const shape = shapeOf(call);
    if (!shape || out.length >= MAX_SITES) continue;
    const inner = fnAt(call.at.start);
    judge(input, ev, call, shape, [], inner, out);
    if (!inner) continue;
    const params = new Set(inner.params.map((p) => p.name));
    // Does an argument depend on a parameter, directly or through the locals it reads?
    const seen = new Set<string>();
    const dependsOnParam = (e: Expr, depth: number): boolean => {
      for (const s of subExprs(e)) {
        if (s.k !== 'name') continue;
        if (params.has(s.name)) return true;
        if (depth > 4 || seen.has(s.name)) continue;
        seen.add(s.name);
        const b = ev.binding(s.name, s.at.start, unit.scopeAt(s.at.start));
        if (b && b.kind !== 'const' && b.values.some((v) => dependsOnParam(v, depth + 1))) return true;
      }
      return false;
    };
    const usesParams = [shape.level, shape.opt, shape.val, shape.len].some((i) => dependsOnParam(call.args[i]!, 0));
    if (!usesParams) continue;
    // Chains of callers: [hc1 (calls inner), hc2 (calls the function holding hc1), ...].
    const grow = (chain: FormCall[], callee: FormFunction) => {
      if (chain.length >= MAX_CALL_DEPTH || out.length >= MAX_SITES) return;
      for (const hc of callersOf(callee)) {
        if (chain.includes(hc)) continue;
        const next = [...chain, hc];
        judge(input, ev, call, shape, next, inner, out);
        const holder = fnAt(hc.at.start);
        if (holder && holder !== callee) grow(next, holder);
      }
    };
    grow([], inner);
  }
  return out;
}

/** Evaluates the call under the chain's frames (outermost first) and emits its sites. */
function judge(input: SiteInput, ev: FormEvaluator, call: FormCall, shape: Shape, chain: FormCall[], inner: FormFunction | null, out: RawCallSite[]): void {
  const { unit } = input;
  const fnAt = (c: FormCall): FormFunction | null => {
    let best: FormFunction | null = null;
    for (const f of [...unit.functions.values()].flat()) if (f.at.start <= c.at.start && c.at.start < f.at.end && (!best || f.at.end - f.at.start < best.at.end - best.at.start)) best = f;
    return best;
  };
  // callee(i): the function hc_i calls: inner for hc_1, the holder of hc_{i-1} above.
  const callee = (i: number) => (i === 0 ? inner : fnAt(chain[i - 1]!));
  const run = (i: number, frame: Frame): void => {
    if (i < 0) return emit(input, ev, call, shape, chain, frame, out);
    const f = callee(i);
    if (!f) return;
    within(ev, f, chain[i]!.args, unit.scopeAt(chain[i]!.at.start), frame, (innerFrame) => run(i - 1, innerFrame));
  };
  run(chain.length - 1, new Map());
}

/**
 * Runs `body` with `fn`'s parameters bound to `args` (evaluated in `scope` under `frame`):
 * values, and type parameters from the arguments' static types (`payload: T`, and `value: &T`
 * with a pointer argument binds T to what it points to), as when `fn` is called there.
 */
function within<T>(ev: FormEvaluator, fn: FormFunction, args: Expr[], scope: FormScope, frame: Frame, body: (inner: Frame) => T): T {
  const depth = frame.get('\u0000depth');
  const inner: Frame = new Map([['\u0000depth', exact((depth?.k === 'exact' ? depth.v : 0n) + 1n)]]);
  const saved = ev.types;
  ev.types = new Map(saved);
  try {
    fn.params.forEach((p, i) => {
      const a = args[i];
      if (!a || !p.type) return;
      const pt = p.type.k === 'pointer' && p.type.to.k === 'typeParam' ? p.type.to : p.type;
      if (pt.k !== 'typeParam' || !fn.typeParams?.includes(pt.name)) return;
      let t = ev.typeOfExpr(a, scope);
      if (t && p.type.k === 'pointer') t = t.k === 'pointer' ? t.to : null;
      if (t) ev.types.set(pt.name, t);
    });
    fn.params.forEach((p, i) => {
      const a = args[i];
      let v = a ? ev.value(a, frame, scope) : TOP;
      if (v.k === 'unknown' && p.type?.k === 'int') v = ofType(p.type.int, p.name);
      else if (p.type?.k === 'int') v = castTo(v, p.type.int);
      inner.set(p.name, v);
    });
    return body(inner);
  } finally {
    ev.types = saved;
  }
}

/** An argument of the innermost call traced out to the outermost call of the chain. */
function traced(e: Expr, chain: FormCall[], unit: FormUnit, call: FormCall): Expr | null {
  let cur = e;
  let holder: FormCall = call;
  for (const hc of chain) {
    const f = [...unit.functions.values()].flat().find((x) => x.at.start <= holder.at.start && holder.at.start < x.at.end && x.name === hc.lastName);
    if (!f || cur.k !== 'name') return null;
    const idx = f.params.findIndex((p) => p.name === (cur as { name: string }).name);
    if (idx < 0) return null;
    cur = hc.args[idx]!;
    holder = hc;
  }
  return cur;
}

function num(v: Value): number | null {
  return v.k === 'exact' ? toNum(v.v) : null;
}

function operandOf(e: Expr, value: number | null): Operand {
  return { text: e.at.text, value, span: e.at.span };
}

function emit(input: SiteInput, ev: FormEvaluator, call: FormCall, shape: Shape, chain: FormCall[], frame: Frame, out: RawCallSite[]): void {
  const { unit } = input;
  const scope = unit.scopeAt(call.at.start);
  const a = call.args;
  const optE = a[shape.opt]!;
  const optV = ev.value(optE, frame, scope);
  const named = optE.k === 'name' && /(^|\.)IP_LOCAL_PORT_RANGE$/.test(optE.name);
  const reached = chain.length ? traced(optE, chain, unit, call) : optE;
  const namedOuter = reached?.k === 'name' && /(^|\.)IP_LOCAL_PORT_RANGE$/.test(reached.name);
  if (num(optV) !== OPTION && !named && !namedOuter) return;
  const outer = chain.length ? chain[chain.length - 1]! : call;
  const op = /getsockopt$/.test(call.lastName) ? 'get' : 'set';
  const tr = (i: number) => (chain.length ? traced(a[i]!, chain, unit, call) : a[i]!);
  const outerE: Expr = { k: 'call', call: outer, at: outer.at };
  const levelE = tr(shape.level) ?? outerE;
  const levelV = num(ev.value(a[shape.level]!, frame, scope));
  const optOuter = reached ?? outerE;
  const lenE = a[shape.len]!;
  const optlen = num(ev.value(lenE, frame, scope));
  const facts: RawCallSite['facts'] = {};
  if (optOuter.k === 'int' && optOuter.value === 51n) facts.magicNumber = operandOf(optOuter, 51);
  const defName = optOuter.k === 'name' && /IP_LOCAL_PORT_RANGE$/.test(optOuter.name) ? optOuter : named ? optE : null;
  if (defName?.k === 'name') {
    const b = ev.binding(defName.name, defName.at.start, unit.scopeAt(defName.at.start));
    if (b && b.kind === 'const' && b.values.length === 1 && !/^(libc::|<)/.test(b.at.text)) {
      facts.fallbackDefine = operandOf(b.values[0]!, num(ev.value(b.values[0]!, new Map(), unit.scopeAt(b.values[0]!.at.start))));
    }
  }
  const valOuter = tr(shape.val);
  if (valOuter) facts.valueExpr = operandOf(valOuter, null);
  const lenOuter = tr(shape.len);
  if (lenOuter && op === 'set') facts.optlenExpr = operandOf(lenOuter, optlen);
  const fnName = chain.length ? outer.lastName : null;
  const base = {
    file: input.file,
    language: input.language,
    op,
    span: outer.at.span,
    callee: outer.callee.at.text || outer.lastName,
    level: operandOf(levelE, levelV),
    optname: operandOf(optOuter, num(optV)),
    socket: socketContext(unit, outer, a[shape.fd]!, chain),
    facts,
    ...(fnName ? { via: { helper: fnName, span: call.at.span } } : {}),
  } as const;
  if (op === 'get') {
    out.push({ ...base, value: decoded(null, 'host', optlen, 'buffer', null, a[shape.val]!.at.span) });
    return;
  }
  for (const d of decodeValue(ev, a[shape.val]!, frame, scope, unit)) {
    const vspan = (valOuter ?? outerE).at.span;
    const value = decoded(d.packed, d.order, optlen, d.form, d.intended, vspan);
    if (d.entry) value.entry = d.entry;
    out.push({ ...base, value, facts: { ...facts, ...d.facts } });
  }
}

interface Decoded { packed: number | null; order: ByteOrder; form: string; intended: Intended | null; facts?: RawCallSite['facts']; entry?: TableEntry }

/** The u32 the kernel reads through optval, once per value alternative (a table gives several). */
function decodeValue(ev: FormEvaluator, val: Expr, frame: Frame, scope: FormScope, unit: FormUnit): Decoded[] {
  const host = unit.hostByteOrder;
  const def = definition(ev, val.k === 'addr' ? val.arg : val, scope);
  const swap = [...subExprs(def)].find((s) => (s.k === 'bswap' && (!s.hostOnly || host === 'little')) || (s.k === 'encode' && s.order !== 'host' && s.order !== host));
  const order = swap ? orderLabel('big', host) : 'host';
  const form = formOf(ev, def, scope);
  const b = ev.bytes(val, frame, scope);
  let packs: (number | null)[];
  let labels: readonly string[] | undefined;
  if (b.k === 'bytes') {
    const rows = sameRow(b.alts, b.labels);
    packs = rows.vs.map((bs) => readU32([...bs, 0, 0, 0, 0].slice(0, 4), host));
    labels = rows.labels;
  } else {
    const v = ev.value(val.k === 'addr' ? val.arg : val, frame, scope);
    const vs = valuesOf(v);
    const rows = vs ? sameRow(vs, v.k === 'set' ? v.labels : undefined) : null;
    packs = rows ? rows.vs.map((x) => Number(BigInt.asUintN(32, x))) : [null];
    labels = rows?.labels;
  }
  // One site per table entry, each naming its entry (DecodedValue.entry).
  const entries = labels && labels.some(Boolean) && packs.length > 1 ? labels : null;
  return packs.slice(0, 64).map((packed, i) => ({ ...decodeOne(ev, packed, order, form, swap, frame, scope), ...(entries ? { entry: { label: entries[i] || `entry ${i + 1}`, index: i, count: Math.min(packs.length, 64) } } : {}) }));
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

function decodeOne(ev: FormEvaluator, packed: number | null, order: ByteOrder, form: FormInfo, swap: Expr | undefined, frame: Frame, scope: FormScope): Decoded {
  let intended: Intended | null = packed === null ? null : { lo: BigInt(packed & 0xffff), hi: BigInt(packed >>> 16) };
  let f = form.name;
  if (swap && packed !== null) {
    const orig = swap.k === 'bswap' || swap.k === 'encode' ? valuesOf(ev.value(swap.k === 'bswap' ? swap.arg : swap.value, frame, scope)) : null;
    if (orig?.length === 1) intended = { lo: orig[0]! & 0xffffn, hi: (orig[0]! >> 16n) & 0xffffn };
  } else if (form.shift && packed !== null) {
    const up = valuesOf(ev.value(form.shift.upper, frame, scope));
    const lo = valuesOf(ev.value(form.shift.lower, frame, scope));
    if (up?.length === 1 && lo?.length === 1) {
      intended = intendedFromShiftOr(form.shift.upper.at.text, up[0]!, form.shift.lower.at.text, lo[0]!);
      if (intended.lo === up[0] && intended.lo !== intended.hi) f = 'shift-or-swapped';
    }
  } else if (form.name === 'array' && packed !== null) {
    const lo = packed & 0xffff;
    const hi = packed >>> 16;
    if (lo > hi && hi !== 0) (f = 'array-swapped'), (intended = { lo: BigInt(hi), hi: BigInt(lo) });
  } else if (form.name === 'struct-swapped' && packed !== null) intended = { lo: BigInt(packed >>> 16), hi: BigInt(packed & 0xffff) };
  return { packed, order, form: f, intended, ...(form.signedShift ? { facts: { signedShift: form.signedShift } } : {}) };
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

function strip(e: Expr): Expr {
  while (e.k === 'cast') e = e.arg;
  return e;
}

/** How the value was built: `(hi << 16) | lo`, a struct of two u16, an array, an integer. */
function formOf(ev: FormEvaluator, def: Expr, scope: FormScope): FormInfo {
  for (const s of subExprs(def)) {
    if (s.k !== 'binary' || (s.op !== '|' && s.op !== '+' && s.op !== '^')) continue;
    for (const [u, l] of [[s.left, s.right], [s.right, s.left]] as const) {
      const su = strip(u);
      if (su.k === 'binary' && su.op === '<<' && su.right.k === 'int' && su.right.value === 16n) {
        const upper = su.left;
        const t = ev.typeOfExpr(strip(upper) === upper ? upper : upper, scope);
        const signed = upper.k === 'int' ? upper.type === null || upper.type === undefined || !upper.type.unsigned : t?.k === 'int' && !t.int.unsigned && t.int.bits <= 32;
        const v = valuesOf(ev.value(upper, new Map(), scope));
        const info: FormInfo = { name: 'shift-or', shift: { upper, lower: l } };
        if (signed && upper.k !== 'cast' && v?.some((x) => x >= 32768n) && (ev.unit.language === 'c' || ev.unit.language === 'cpp')) {
          info.signedShift = { text: su.at.text, value: null, span: su.at.span };
        }
        return info;
      }
    }
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

export type { SocketEvent };
