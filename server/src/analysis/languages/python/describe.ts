/**
 * The value a Python setsockopt passes, as CPython hands it to the kernel, over the common
 * form: an int is the C int CPython parses with "i" (4 bytes, host order: pythonIntForm, the
 * Python int kept for python-int-overflow); bytes (struct.pack, to_bytes, ctypes, literals,
 * concatenations) are read as the kernel reads them; `None` with an optlen is a buffer
 * request. Also how the value was built (form, byte order as written, struct.error) and the
 * halves the author meant, through names, project functions and byte swaps.
 */
import type { ByteOrder, Operand, SyntacticFacts } from '../../callSite';
import type { Expr, FormScope, Origin } from '../../core/form';
import { MAX_CALL_DEPTH, memberPath, type FormEvaluator } from '../../core/evaluator';
import { halvesOf, intendedFromHalves, orderLabel, type Intended } from '../../core/halves';
import { kernelRead, toNum, wrapBits } from '../../core/numeric';
import { subExprs } from '../../core/sites';
import { exact, TOP, valuesOf, type Value } from '../../core/value';
import type { PyTags } from './expr';
import { intendedOf } from './intended';

type Frame = Map<string, Value>;
export interface At { e: Expr; frame: Frame; scope: FormScope }

export interface Described {
  packed: number | null;
  order: ByteOrder;
  optlen: number | null;
  form: string;
  intended: Intended | null;
  facts: SyntacticFacts;
}

export function operandOf(x: Expr | Origin, value: number | null): Operand {
  const at = 'span' in x ? x : x.at;
  return { text: at.text, value, span: at.span };
}

/** One step towards the definition: a name bound once, a project function's single return. */
export function step(ev: FormEvaluator, tags: PyTags, x: At): At | null {
  const e = x.e;
  if (tags.has(e)) return null;
  if (e.k === 'name' || e.k === 'member') {
    const path = memberPath(e);
    if (!path || x.frame.has(path)) return null;
    const b = ev.binding(path, e.at.start, x.scope);
    if (!b || b.escapes || b.kind === 'param' || b.values.length !== 1) return null;
    const v = b.values[0]!;
    // A local's value reads the same parameters; a module constant or a field none.
    return { e: v, frame: b.kind === 'var' ? x.frame : new Map(), scope: ev.unit.scopeAt(v.at.start) };
  }
  if (e.k === 'call') {
    const fn = ev.functionNamed(e.call.lastName);
    const d = x.frame.get('\u0000depth');
    const depth = d?.k === 'exact' ? d.v : 0n;
    if (!fn || fn.returns.length !== 1 || depth >= BigInt(MAX_CALL_DEPTH)) return null;
    const inner: Frame = new Map([['\u0000depth', exact(depth + 1n)]]);
    fn.params.forEach((p, i) => inner.set(p.name, e.call.args[i] ? ev.value(e.call.args[i]!, x.frame, x.scope) : TOP));
    return { e: fn.returns[0]!, frame: inner, scope: fn.scope };
  }
  return null;
}

export function follow(ev: FormEvaluator, tags: PyTags, x: At): At {
  let cur = x;
  for (let i = 0; i < 12; i++) {
    const next = step(ev, tags, cur);
    if (!next) break;
    cur = next;
  }
  return cur;
}

/** htonl/htons anywhere in the value (through names): 'htonl' | 'htons' | null. */
export function netOf(ev: FormEvaluator, tags: PyTags, x: At, depth = 0): 'htonl' | 'htons' | null {
  for (const s of subExprs(x.e)) {
    if (s.k === 'bswap') return s.bits === 32 ? 'htonl' : 'htons';
    if ((s.k === 'name' || s.k === 'call') && depth < 4) {
      const n = step(ev, tags, { ...x, e: s });
      const r = n ? netOf(ev, tags, n, depth + 1) : null;
      if (r) return r;
    }
  }
  return null;
}

const exactOf = (ev: FormEvaluator, x: At): bigint | null => {
  const v = ev.value(x.e, x.frame, x.scope);
  return v.k === 'exact' ? v.v : null;
};

/** Every value alternative the call passes ([] when nothing is known, not even a length). */
export function describe(ev: FormEvaluator, tags: PyTags, x: At, lenGiven: Expr | null): Described[] {
  const host = ev.unit.hostByteOrder;
  const r = follow(ev, tags, x);
  const tag = tags.get(r.e);
  const val = x.e;
  if (tag?.k === 'none') {
    if (!lenGiven) return [];
    const n = exactOf(ev, { ...x, e: lenGiven });
    return [{ packed: null, order: 'unknown', optlen: n === null ? null : toNum(n), form: 'none', intended: null, facts: { valueExpr: operandOf(val, null) } }];
  }
  const bytesLike = r.e.k === 'byteLit' || r.e.k === 'concat' || r.e.k === 'encode' || (tag !== undefined && tag.k !== 'getattr');
  if (!bytesLike) {
    const v = ev.value(r.e, r.frame, r.scope);
    const vs = valuesOf(v);
    if (!vs) return [];
    const net = netOf(ev, tags, r);
    const intended = vs.length === 1 ? intendedOf(ev, tags, r) : null;
    // CPython: PyArg_ParseTuple "i" -> a C int passed by address with optlen sizeof(int) = 4.
    return vs.map((py) => ({
      packed: Number(wrapBits(py, 32, false)),
      order: net ? orderLabel('network', host) : 'host',
      optlen: 4,
      form: net === 'htonl' ? 'htonl' : 'int',
      intended: intended ?? halvesOf(py),
      // valueExpr keeps the Python int itself: CPython raises TypeError exactly outside [-2^31, 2^31).
      facts: { pythonIntForm: true, valueExpr: operandOf(val, toNum(py)) },
    }));
  }
  const shape = bytesShape(ev, tags, r);
  const b = ev.bytes(r.e, r.frame, r.scope);
  const alts: (number[] | null)[] = b.k === 'bytes' ? b.alts : [null];
  return alts.map((bs) => {
    const packed = bs ? kernelRead(bs, host) : null;
    return {
      packed,
      order: orderLabel(shape.order, host),
      optlen: lenGiven ? null : shape.size ?? bs?.length ?? null, // 4-argument form: the optlen given
      form: shape.form,
      intended: shape.intended,
      facts: { valueExpr: operandOf(val, packed) },
    };
  });
}

interface Shape { form: string; order: ByteOrder; size: number | null; intended: Intended | null; halves?: { v: bigint | null; text: string }[] }

/** How a bytes value was built: the call's own form, order as written, length, intended halves. */
function bytesShape(ev: FormEvaluator, tags: PyTags, r: At): Shape {
  const tag = tags.get(r.e);
  const at = (e: Expr): At => ({ ...r, e });
  if (tag?.k === 'pack') {
    const net = tag.items.map((it) => netOf(ev, tags, at(it.value))).find((n) => n) ?? null;
    let rangeError = false;
    const halves = tag.items.map((it) => {
      const v = exactOf(ev, at(it.value));
      const bits = BigInt(it.size * 8);
      const min = it.signed ? -(1n << (bits - 1n)) : 0n;
      const max = it.signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
      // Out of range: struct.error ("argument out of range"); the bytes shown are the wrapped value.
      if (v !== null && (v < min || v > max)) rangeError = true;
      const inner = it.value.k === 'bswap' ? exactOf(ev, at(it.value.arg)) : null;
      return { v: inner ?? v, text: it.value.at.text };
    });
    const two = tag.items.length === 2 && tag.items.every((it) => it.size === 2);
    const intended = two ? intendedFromHalves(halves[1]!.text, halves[1]!.v, halves[0]!.text, halves[0]!.v) : tag.items.length === 1 ? intendedOf(ev, tags, at(tag.items[0]!.value)) : null;
    return {
      form: rangeError ? 'struct.pack-range-error' : net === 'htonl' ? 'htonl' : 'struct.pack',
      order: net && tag.order === 'host' ? 'network' : tag.order,
      size: tag.size,
      intended,
      ...(tag.items.length === 1 && tag.items[0]!.size === 2 ? { halves } : {}),
    };
  }
  if (tag?.k === 'to_bytes') {
    const net = netOf(ev, tags, at(tag.value));
    return { form: net === 'htonl' ? 'htonl' : 'to_bytes', order: tag.order, size: tag.size, intended: intendedOf(ev, tags, at(tag.value)) };
  }
  if (tag?.k === 'ctypes') {
    const net = tag.value ? netOf(ev, tags, at(tag.value)) : null;
    return { form: 'ctypes', order: net ? 'network' : 'host', size: tag.size, intended: tag.value ? intendedOf(ev, tags, at(tag.value)) : null };
  }
  if (r.e.k === 'concat' && !tag) {
    const parts = r.e.parts.map((p) => bytesShape(ev, tags, follow(ev, tags, at(p))));
    const halves = parts.every((p) => p.halves) ? parts.flatMap((p) => p.halves!) : null;
    const sizes = parts.map((p) => p.size);
    return {
      form: parts.every((p) => p.form === parts[0]!.form) ? parts[0]!.form : 'bytes',
      order: parts.every((p) => p.order === parts[0]!.order) ? parts[0]!.order : 'unknown',
      size: sizes.includes(null) ? null : sizes.reduce((a, b) => a! + b!, 0),
      intended: halves?.length === 2 ? intendedFromHalves(halves[1]!.text, halves[1]!.v, halves[0]!.text, halves[0]!.v) : null,
      ...(halves ? { halves } : {}),
    };
  }
  if (r.e.k === 'byteLit') return { form: 'bytes', order: 'unknown', size: r.e.bytes.length, intended: null };
  return { form: 'bytes', order: 'unknown', size: null, intended: null };
}
