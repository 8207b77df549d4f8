/**
 * Go's labels on a decoded value (SiteHooks.refine): how x/sys/unix passes it (SetsockoptInt:
 * an int in host order; SetsockoptString: the bytes, as they were written with
 * binary.*Endian.PutUint16/32/64, AppendUint16/32 or literally), the byte order those writes
 * used, and the halves the author meant: the shift-or inside a project helper
 * (`func pack(lo, hi uint16) int`), the two 16-bit writes of a buffer, or a buffer read back
 * with binary.*Endian.Uint32: a read in another order than the writes is network-byte-order,
 * halves written in the read's order but swapped are swapped-halves.
 */
import type { ByteOrder } from '../../callSite';
import { intendedFromHalves, intendedFromShiftOr, orderLabel, shiftOrParts, stripShape, type Intended } from '../../core/halves';
import type { Endian, Expr, FormScope } from '../../core/form';
import type { FormEvaluator } from '../../core/evaluator';
import type { Value } from '../../core/value';

type Frame = Map<string, Value>;
interface Write { offset: number; size: number; order: Endian | null; value: Expr | null; form: string }
interface Layout { writes: Write[]; length: number }

export interface Labels { order: ByteOrder; form: string; intended: Intended | null }

const strip = (e: Expr): Expr => stripShape(e);

function exactOf(ev: FormEvaluator, e: Expr, frame: Frame, scope: FormScope): bigint | null {
  const v = ev.value(e, frame, scope);
  return v.k === 'exact' ? v.v : null;
}

/** Follows names (assigned once, unchanged) to their value, up to `depth` steps. */
export function definition(ev: FormEvaluator, e: Expr, frame: ReadonlyMap<string, Value>, scope: FormScope): { e: Expr; scope: FormScope } {
  let cur = strip(e);
  let sc = scope;
  for (let i = 0; i < 8 && cur.k === 'name' && !frame.has(cur.name); i++) {
    const b = ev.binding(cur.name, cur.at.start, sc);
    if (!b || b.escapes || b.kind === 'param' || b.values.length !== 1 || b.steps?.length) break;
    cur = strip(b.values[0]!);
    sc = ev.unit.scopeAt(cur.at.start);
  }
  return { e: cur, scope: sc };
}

/** The writes that built a byte value, at their offsets (null when not followed). */
function layout(ev: FormEvaluator, e: Expr, scope: FormScope, use: number, depth = 0): Layout | null {
  if (depth > 8) return null;
  const x = strip(e);
  switch (x.k) {
    case 'byteLit':
      return { writes: [], length: x.bytes.length };
    case 'encode':
      return { writes: [{ offset: 0, size: x.size, order: x.size > 1 ? x.order : null, value: x.value, form: x.size > 1 ? `AppendUint${x.size * 8}` : 'bytes' }], length: x.size };
    case 'concat': {
      const out: Layout = { writes: [], length: 0 };
      for (const p of x.parts) {
        const l = layout(ev, p, scope, use, depth + 1);
        if (!l) return null;
        out.writes.push(...l.writes.map((w) => ({ ...w, offset: w.offset + out.length })));
        out.length += l.length;
      }
      return out;
    }
    case 'name': {
      const b = ev.binding(x.name, x.at.start, scope);
      if (!b || b.escapes || b.values.length !== 1) return null;
      const base = layout(ev, b.values[0]!, ev.unit.scopeAt(b.values[0]!.at.start), use, depth + 1);
      if (!base) return null;
      for (const s of b.steps ?? []) {
        if (s.at.start >= use) break;
        if (s.k === 'put') base.writes.push({ offset: s.offset, size: s.size, order: s.order, value: s.value, form: `PutUint${s.size * 8}` });
        else if (s.k === 'store') base.writes.push({ offset: s.index, size: 1, order: null, value: s.value, form: 'bytes' });
        else {
          const l = layout(ev, s.value, scope, use, depth + 1);
          if (!l) return null;
          base.writes.push(...l.writes.map((w) => ({ ...w, offset: w.offset + base.length })));
          base.length += l.length;
        }
      }
      return base;
    }
    default:
      return null;
  }
}

/** The halves meant by two 16-bit writes at offsets 0 and 2, or by one 32-bit write's value. */
function halvesOfWrites(ev: FormEvaluator, ws: Write[], frame: Frame, scope: FormScope): Intended | null {
  const at = (o: number, size: number) => ws.find((w) => w.offset === o && w.size === size && w.value);
  const [first, second] = [at(0, 2), at(2, 2)];
  if (first && second) {
    const [f, s] = [strip(first.value!), strip(second.value!)];
    return intendedFromHalves(s.at.text, exactOf(ev, s, frame, scope), f.at.text, exactOf(ev, f, frame, scope));
  }
  const whole = ws.find((w) => w.offset === 0 && w.size >= 4 && w.value);
  return whole ? intendedOf(ev, whole.value!, frame, scope) : null;
}

/** Labels of a byte value passed as optval (SetsockoptString). */
export function bytesLabels(ev: FormEvaluator, e: Expr, frame: Frame, scope: FormScope, use: number): Labels | null {
  const l = layout(ev, e, scope, use);
  if (!l) return null;
  const host = ev.unit.hostByteOrder;
  const orders = new Set(l.writes.filter((w) => w.order).map((w) => (w.order === 'host' ? 'host' : w.order!)));
  let order: ByteOrder = 'unknown';
  if (orders.size === 1) order = orderLabel([...orders][0]!, host);
  else if (orders.size > 1 && [...orders].some((o) => o !== 'host' && o !== host)) order = orderLabel(host === 'little' ? 'big' : 'little', host);
  const forms = new Set(l.writes.map((w) => w.form));
  return { order, form: forms.size === 1 ? [...forms][0]! : 'bytes', intended: halvesOfWrites(ev, l.writes, frame, scope) };
}

/** Labels of an int built by reading a buffer back (binary.*Endian.Uint32(b)), else null. */
export function readBackLabels(ev: FormEvaluator, e: Expr, frame: Frame, scope: FormScope, use: number): Labels | null {
  const d = definition(ev, e, frame, scope);
  if (d.e.k !== 'decode') return null;
  const l = layout(ev, d.e.bytes, d.scope, use);
  if (!l) return null;
  const host = ev.unit.hostByteOrder;
  const resolve = (o: Endian) => (o === 'host' ? host : o);
  const read = resolve(d.e.order);
  const mixed = l.writes.some((w) => w.order && resolve(w.order) !== read);
  return { order: mixed ? orderLabel(host === 'little' ? 'big' : 'little', host) : 'host', form: 'int', intended: halvesOfWrites(ev, l.writes, frame, d.scope) };
}

/**
 * The halves the author meant for an int: the `hi << 16 | lo` it is built with, seen through
 * names and project functions with one return (their parameters bound to the arguments).
 */
export function intendedOf(ev: FormEvaluator, e: Expr, frame: Frame, scope: FormScope, depth = 0): Intended | null {
  if (depth > 8) return null;
  const d = definition(ev, e, frame, scope);
  const x = d.e;
  if (x.k === 'call') {
    const fn = ev.functionNamed(x.call.lastName);
    if (!fn || fn.returns.length !== 1 || fn.params.length !== x.call.args.length) return null;
    const inner: Frame = new Map();
    fn.params.forEach((p, i) => inner.set(p.name, ev.argValue(p, x.call.args[i], frame, d.scope)));
    return intendedOf(ev, fn.returns[0]!, inner, fn.scope, depth + 1);
  }
  const parts = shiftOrParts(x);
  if (!parts) return null;
  const upper = strip(parts.upper);
  const lower = strip(parts.lower);
  const [uv, lv] = [exactOf(ev, upper, frame, d.scope), exactOf(ev, lower, frame, d.scope)];
  if (uv === null || lv === null) return null;
  return intendedFromShiftOr(upper.at.text, uv, lower.at.text, lv);
}
