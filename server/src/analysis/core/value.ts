/**
 * The value lattice of the shared evaluator. Every expression evaluates to one of:
 * - exact: one integer (with its type, null = untyped: Python int, Go untyped constant);
 * - set: a small finite set of integers (a loop over a constant table, if/else arms, a
 *   switch on the kernel version), each with the label of where it comes from;
 * - interval: lo..hi inside a bit width, for values only bounded by their types and the
 *   arithmetic on them (`unsigned short port` + `int count`), with a witness: the inputs
 *   that reach each bound, so a message can say "for port 65000 and count 1000";
 * - unknown: nothing is guessed.
 * Arithmetic is exact on exact and set values; on intervals it is the usual interval
 * arithmetic for the monotone operators and unknown for the rest.
 */
import { binaryOp, unaryOp, wrap, type EvalLanguage, type IntType } from './numeric';

/** Sets larger than this become an interval (or unknown). */
export const MAX_SET = 64;

/** Named inputs and their values at which an interval bound is reached. */
export type Witness = ReadonlyArray<readonly [name: string, value: bigint]>;

export type Value =
  | { k: 'exact'; v: bigint; type: IntType | null }
  | { k: 'set'; vs: readonly bigint[]; type: IntType | null; labels?: readonly string[] }
  | { k: 'interval'; lo: bigint; hi: bigint; type: IntType | null; atLo?: Witness; atHi?: Witness }
  | { k: 'unknown' };

export const TOP: Value = Object.freeze({ k: 'unknown' }) as Value;

export const exact = (v: bigint | number, type: IntType | null = null): Value => ({ k: 'exact', v: BigInt(v), type });

export function setOf(vs: readonly bigint[], type: IntType | null = null, labels?: readonly string[]): Value {
  const uniq: bigint[] = [];
  const ls: string[] = [];
  // Labelled members stay apart when their labels differ (two table rows with the same hi):
  // each row keeps its own member, so combining lo and hi of one row stays possible.
  vs.forEach((v, i) => {
    const l = labels?.[i] ?? '';
    if (!uniq.some((u, j) => u === v && (!labels || ls[j] === l || !l))) {
      uniq.push(v);
      if (labels) ls.push(l);
    }
  });
  if (uniq.length === 0) return TOP;
  if (new Set(uniq).size === 1 && (!labels || uniq.length === 1)) return { k: 'exact', v: uniq[0]!, type };
  if (uniq.length > MAX_SET) return interval(min(uniq), max(uniq), type);
  return labels ? { k: 'set', vs: uniq, type, labels: ls } : { k: 'set', vs: uniq, type };
}

export function interval(lo: bigint, hi: bigint, type: IntType | null, atLo?: Witness, atHi?: Witness): Value {
  if (lo === hi) return { k: 'exact', v: lo, type };
  const out: Value = { k: 'interval', lo, hi, type };
  if (atLo) out.atLo = atLo;
  if (atHi) out.atHi = atHi;
  return out;
}

/** The full range of an integer type, as an input named `name` (a parameter, a field). */
export function ofType(t: IntType, name?: string): Value {
  const lo = t.unsigned ? 0n : -(1n << BigInt(t.bits - 1));
  const hi = t.unsigned ? (1n << BigInt(t.bits)) - 1n : (1n << BigInt(t.bits - 1)) - 1n;
  return name ? interval(lo, hi, t, [[name, lo]], [[name, hi]]) : interval(lo, hi, t);
}

const min = (xs: readonly bigint[]) => xs.reduce((a, b) => (b < a ? b : a));
const max = (xs: readonly bigint[]) => xs.reduce((a, b) => (b > a ? b : a));

/** The values of an exact or set value; null for intervals and unknown. */
export function valuesOf(v: Value): readonly bigint[] | null {
  return v.k === 'exact' ? [v.v] : v.k === 'set' ? v.vs : null;
}

/** Lower and upper bound of any value but unknown. */
export function boundsOf(v: Value): { lo: bigint; hi: bigint } | null {
  if (v.k === 'exact') return { lo: v.v, hi: v.v };
  if (v.k === 'set') return { lo: min(v.vs), hi: max(v.vs) };
  if (v.k === 'interval') return { lo: v.lo, hi: v.hi };
  return null;
}

export const typeOf = (v: Value): IntType | null => (v.k === 'unknown' ? null : v.type);

/** Least upper bound: two arms of a branch, two assignments. */
export function join(a: Value, b: Value): Value {
  if (a.k === 'unknown' || b.k === 'unknown') return TOP;
  const va = valuesOf(a);
  const vb = valuesOf(b);
  const type = a.type ?? b.type;
  if (va && vb) return setOf([...va, ...vb], type, [...labelsOf(a, va.length), ...labelsOf(b, vb.length)]);
  const ba = boundsOf(a)!;
  const bb = boundsOf(b)!;
  return interval(ba.lo < bb.lo ? ba.lo : bb.lo, ba.hi > bb.hi ? ba.hi : bb.hi, type);
}

function labelsOf(v: Value, n: number): string[] {
  return v.k === 'set' && v.labels ? [...v.labels] : Array.from({ length: n }, () => '');
}

/** Wraps to an integer type (a cast, an assignment to a typed variable). */
export function castTo(v: Value, t: IntType): Value {
  if (v.k === 'unknown') return TOP;
  const vs = valuesOf(v);
  if (vs) return setOf(vs.map((x) => wrap(x, t)), t, v.k === 'set' ? v.labels : undefined);
  const b = boundsOf(v)!;
  const wl = wrap(b.lo, t);
  const wh = wrap(b.hi, t);
  // No wrap happened inside the interval: keep it (and its witnesses).
  if (wl === b.lo && wh === b.hi) return { ...(v as Extract<Value, { k: 'interval' }>), type: t };
  return ofType(t);
}

/** Pointwise for exact/set, interval arithmetic for + - * << | & >> on intervals. */
export function binary(op: string, a: Value, b: Value, lang: EvalLanguage): Value {
  if (a.k === 'unknown' || b.k === 'unknown') return TOP;
  const va = valuesOf(a);
  const vb = valuesOf(b);
  if (va && vb && va.length * vb.length <= MAX_SET) {
    const out: bigint[] = [];
    const labels: string[] = [];
    let type: IntType | null = null;
    const la = labelsOf(a, va.length);
    const lb = labelsOf(b, vb.length);
    for (let i = 0; i < va.length; i++)
      for (let j = 0; j < vb.length; j++) {
        const r = binaryOp(op, { value: va[i]!, type: a.type }, { value: vb[j]!, type: b.type }, lang);
        if (r.value === null) return TOP;
        type = r.type;
        out.push(r.value);
        labels.push([la[i], lb[j]].filter(Boolean).join(', '));
      }
    return setOf(out, type, a.k === 'set' || b.k === 'set' ? labels : undefined);
  }
  return intervalBinary(op, a, b, lang);
}

function intervalBinary(op: string, a: Value, b: Value, lang: EvalLanguage): Value {
  const A = boundsOf(a)!;
  const B = boundsOf(b)!;
  const type = binaryOp(op, { value: 0n, type: typeOf(a) }, { value: 0n, type: typeOf(b) }, lang).type;
  const wa = (side: 'lo' | 'hi', v: Value): Witness => (v.k === 'interval' ? (side === 'lo' ? v.atLo : v.atHi) ?? [] : []);
  const merge = (x: Witness, y: Witness): Witness => [...x, ...y.filter(([n]) => !x.some(([m]) => m === n))];
  let lo: bigint;
  let hi: bigint;
  let atLo: Witness;
  let atHi: Witness;
  switch (op) {
    case '+':
      [lo, hi, atLo, atHi] = [A.lo + B.lo, A.hi + B.hi, merge(wa('lo', a), wa('lo', b)), merge(wa('hi', a), wa('hi', b))];
      break;
    case '-':
      [lo, hi, atLo, atHi] = [A.lo - B.hi, A.hi - B.lo, merge(wa('lo', a), wa('hi', b)), merge(wa('hi', a), wa('lo', b))];
      break;
    case '*':
    case '<<':
      if (A.lo < 0n || B.lo < 0n || (op === '<<' && B.hi > 64n)) return TOP;
      [lo, hi] = op === '*' ? [A.lo * B.lo, A.hi * B.hi] : [A.lo << B.lo, A.hi << B.hi];
      [atLo, atHi] = [merge(wa('lo', a), wa('lo', b)), merge(wa('hi', a), wa('hi', b))];
      break;
    case '>>':
      if (A.lo < 0n || B.lo < 0n) return TOP;
      [lo, hi, atLo, atHi] = [A.lo >> B.hi, A.hi >> B.lo, merge(wa('lo', a), wa('hi', b)), merge(wa('hi', a), wa('lo', b))];
      break;
    case '&': {
      // x & mask with a non-negative constant mask: 0..mask (or 0..x).
      if (A.lo < 0n || B.lo < 0n) return TOP;
      [lo, hi, atLo, atHi] = [0n, A.hi < B.hi ? A.hi : B.hi, [], []];
      break;
    }
    case '|':
    case '^': {
      if (A.lo < 0n || B.lo < 0n) return TOP;
      const top = A.hi > B.hi ? A.hi : B.hi;
      [lo, hi, atLo, atHi] = [0n, (1n << BigInt(top.toString(2).length)) - 1n, [], []];
      break;
    }
    default:
      return TOP;
  }
  const r = interval(lo, hi, type, atLo.length ? atLo : undefined, atHi.length ? atHi : undefined);
  return type && type.unsigned ? castTo(r, type) : r;
}

export function unary(op: string, a: Value, lang: EvalLanguage): Value {
  if (a.k === 'unknown') return TOP;
  const va = valuesOf(a);
  if (va) {
    const out: bigint[] = [];
    let type: IntType | null = null;
    for (const x of va) {
      const r = unaryOp(op, { value: x, type: a.type }, lang);
      if (r.value === null) return TOP;
      type = r.type;
      out.push(r.value);
    }
    return setOf(out, type, a.k === 'set' ? a.labels : undefined);
  }
  if (op === '-' && a.k === 'interval') return interval(-a.hi, -a.lo, a.type, a.atHi, a.atLo);
  if (op === '+') return a;
  return TOP;
}

/** Does any value in v satisfy pred? null when unknown. */
export function some(v: Value, pred: (x: bigint) => boolean): boolean | null {
  const vs = valuesOf(v);
  if (vs) return vs.some(pred);
  const b = boundsOf(v);
  if (!b) return null;
  return pred(b.lo) || pred(b.hi);
}

/** A short human form: "40000", "{40000, 50000}", "0..131069". */
export function show(v: Value): string {
  if (v.k === 'exact') return String(v.v);
  if (v.k === 'set') return `{${v.vs.join(', ')}}`;
  if (v.k === 'interval') return `${v.lo}..${v.hi}`;
  return 'unknown';
}

/**
 * The label of a table entry, carried by set values (value.ts `labels`) down to the call site
 * (DecodedValue.entry): `RANGES[2] = {41000, 40999}` for a named table, else the entry's text.
 */
export function entryLabel(table: string | null, index: number, text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  const short = t.length > 60 ? t.slice(0, 59) + '…' : t;
  return table ? `${table}[${index}] = ${short}` : short;
}
