/**
 * The option a Python call passes, over the common form: `socket.IP_LOCAL_PORT_RANGE` and
 * `from socket import IP_LOCAL_PORT_RANGE` do not exist in CPython (missingConstant: the
 * intent is 51), getattr(socket, "IP_LOCAL_PORT_RANGE", d) falls back to d (fallbackDefine
 * when d is not 51), a constant of our own (fallbackDefine when not 51), a bare 51
 * (magicNumber), and 51 under a name that says another option (HOP_LIMIT = 51: that level's option).
 */
import type { SyntacticFacts } from '../../callSite';
import type { Expr, FormScope } from '../../core/form';
import type { FormEvaluator } from '../../core/evaluator';
import { memberPath } from '../../core/evaluator';
import { toNum } from '../../core/numeric';
import type { Value } from '../../core/value';
import { OTHER_OPTION_51, RANGE_NAME } from './constants';
import type { PyTags } from './expr';
import { operandOf } from './describe';

const OPTION = 51;

export interface OptInfo {
  value: number | null;
  isRange: boolean;
  /** The option's name when known (socket events). */
  name: string | null;
  facts: SyntacticFacts;
  /** 51 through a name that does not say "range": at another level, that level's option 51. */
  otherName?: boolean;
}

function withoutMagic(f: SyntacticFacts): SyntacticFacts {
  const out = { ...f };
  delete out.magicNumber; // a named constant, even if it is 51
  return out;
}

export function classify(ev: FormEvaluator, tags: PyTags, e: Expr, frame: Map<string, Value>, scope: FormScope, depth = 0): OptInfo {
  const v = ev.value(e, frame, scope);
  const num = v.k === 'exact' ? toNum(v.v) : null;
  const base: OptInfo = { value: num, isRange: false, name: null, facts: {} };
  const tag = tags.get(e);
  if (tag?.k === 'getattr') {
    base.name = tag.name;
    if (tag.name !== RANGE_NAME) return base;
    base.isRange = true;
    if (tag.dflt && num !== null && num !== OPTION) base.facts.fallbackDefine = operandOf(tag.dflt, num);
    return base;
  }
  if (e.k === 'int') {
    base.isRange = num === OPTION;
    if (base.isRange) base.facts.magicNumber = operandOf(e, num);
    base.name = num === OPTION ? RANGE_NAME : num === 24 ? 'IP_BIND_ADDRESS_NO_PORT' : null;
    return base;
  }
  const path = e.k === 'name' || e.k === 'member' ? memberPath(e) : null;
  if (!path) return { ...base, isRange: num === OPTION };
  if (path.startsWith('socket.')) {
    base.name = path.slice(7);
    if (base.name === RANGE_NAME) {
      // the intent; at run time this is an AttributeError (or an ImportError)
      Object.assign(base, { isRange: true, value: OPTION });
      base.facts.missingConstant = operandOf(e, OPTION);
    }
    return base;
  }
  base.name = path;
  const b = frame.has(path) ? null : ev.binding(path, e.at.start, scope);
  const single = b && !b.escapes && b.kind !== 'param' && b.values.length === 1 ? b.values[0]! : null;
  const inner = single && depth < 8 ? classify(ev, tags, single, new Map(), ev.unit.scopeAt(single.at.start), depth + 1) : null;
  if (path === RANGE_NAME) {
    base.isRange = true;
    if (inner) base.facts = withoutMagic(inner.facts);
    if (b && num !== null && num !== OPTION) base.facts.fallbackDefine = operandOf(b.at, num);
    return base;
  }
  if (inner) return { ...inner, facts: withoutMagic(inner.facts), value: num ?? inner.value, name: inner.name ?? path, otherName: inner.otherName || !/range/i.test(path) };
  base.isRange = num === OPTION && !OTHER_OPTION_51.has(path);
  return base;
}
