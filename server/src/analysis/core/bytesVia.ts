/**
 * Bytes the evaluator reaches through a name it cannot read as bytes itself: a field bound
 * once (`self.value` assigned in Python's `__init__`), or a project function with one
 * `return` of bytes (followed like FormEvaluator.call, up to MAX_CALL_DEPTH levels).
 */
import type { Expr, FormScope } from './form';
import { MAX_CALL_DEPTH, memberPath, type Bytes, type FormEvaluator } from './evaluator';
import { exact, type Value } from './value';

const NO_BYTES: Bytes = { k: 'unknown' };

export function bytesVia(ev: FormEvaluator, e: Expr, frame: Map<string, Value>, sc: FormScope): Bytes {
  if (e.k === 'member') {
    const path = memberPath(e);
    const b = path ? ev.binding(path, e.at.start, sc) : null;
    if (!b || b.escapes || b.kind !== 'field' || b.values.length !== 1) return NO_BYTES;
    return ev.bytes(b.values[0]!, new Map(), ev.unit.scopeAt(b.values[0]!.at.start));
  }
  if (e.k !== 'call') return NO_BYTES;
  const fn = ev.functionNamed(e.call.lastName);
  if (!fn || fn.returns.length !== 1 || frame.size > 64) return NO_BYTES;
  const d = frame.get('\u0000depth');
  const depth = d?.k === 'exact' ? d.v : 0n;
  if (depth >= BigInt(MAX_CALL_DEPTH)) return NO_BYTES;
  const inner = new Map<string, Value>([['\u0000depth', exact(depth + 1n)]]);
  fn.params.forEach((p, i) => inner.set(p.name, ev.argValue(p, e.call.args[i], frame, sc)));
  return ev.bytes(fn.returns[0]!, inner, fn.scope);
}
