/**
 * The halves the author meant for a Python integer expression, over the common form:
 * `A << 16 | B`, `B | A << 16`, `A * 65536 + B` (through names assigned once and project
 * functions), htonl/htons around either (the numbers before the swap); otherwise the value's
 * own halves. Names decide which operand is lo (core/halves.ts).
 */
import type { Expr } from '../../core/form';
import type { FormEvaluator } from '../../core/evaluator';
import { halvesOf, intendedFromHalves, intendedFromShiftOr, shiftedBy16, shiftOrParts, stripShape, type Intended } from '../../core/halves';
import { step, type At } from './describe';
import type { PyTags } from './expr';

const stripNet = (e: Expr): Expr => stripShape(e, true);

export function intendedOf(ev: FormEvaluator, tags: PyTags, x: At, depth = 0): Intended {
  const n = stripNet(x.e);
  const here = { ...x, e: n };
  const next = depth < 8 ? step(ev, tags, here) : null;
  if (next) return intendedOf(ev, tags, next, depth + 1);
  const int = (e: Expr) => {
    const v = ev.value(e, x.frame, x.scope);
    return v.k === 'exact' ? v.v : null;
  };
  const parts = shiftOrParts(n, true);
  if (parts) {
    const u = stripNet(parts.upper);
    const l = stripNet(parts.lower);
    const swappedBytes = /\b(hton|ntoh)[ls]\b/.test(parts.upper.at.text) || /\b(hton|ntoh)[ls]\b/.test(parts.lower.at.text);
    return intendedFromShiftOr(u.at.text, int(u), l.at.text, int(l), swappedBytes);
  }
  const upperOnly = n.k === 'binary' ? shiftedBy16(n, true) : null;
  if (upperOnly) {
    const u = stripNet(upperOnly);
    return intendedFromHalves(u.at.text, int(u), '', 0n);
  }
  return halvesOf(int(x.e));
}
