/**
 * The packing expression of a value built by a project function or a function-like macro
 * (`pack_port_range(40000, 40511)`, `PACK(lo, hi)`): followed into the function's one return,
 * up to MAX_CALL_DEPTH levels, with its parameters bound to the call's arguments, so the
 * call-site stage sees the `hi << 16 | lo` inside (halves, names, signed shifts). The names the
 * author gave are the caller's: a parameter passed a named value is judged by that name.
 */
import type { Expr, FormScope } from './form';
import { FormEvaluator, MAX_CALL_DEPTH } from './evaluator';
import { exact, type Value } from './value';

type Frame = Map<string, Value>;

export interface Followed {
  def: Expr;
  frame: Frame;
  scope: FormScope;
  /** The outermost helper followed (for messages), null when none. */
  helper: string | null;
  /** Parameter → the caller's argument text (only names: a literal keeps the parameter's name). */
  names: Map<string, string>;
}

function strip(e: Expr): Expr {
  while (e.k === 'cast') e = e.arg;
  return e;
}

/** Follows `def` into project functions; `next` follows names to their single assignment. */
export function throughHelpers(ev: FormEvaluator, def: Expr, frame: Frame, scope: FormScope, next: (e: Expr, s: FormScope) => Expr): Followed {
  const out: Followed = { def, frame, scope, helper: null, names: new Map() };
  for (let depth = 0; depth < MAX_CALL_DEPTH; depth++) {
    const c = strip(out.def);
    if (c.k !== 'call') break;
    const fn = ev.functionNamed(c.call.lastName);
    if (!fn || fn.returns.length !== 1 || fn.params.length !== c.call.args.length) break;
    const inner: Frame = new Map([['\u0000depth', exact(depth + 1)]]);
    const names = new Map<string, string>();
    fn.params.forEach((p, i) => {
      const a = c.call.args[i]!;
      inner.set(p.name, ev.argValue(p, a, out.frame, out.scope));
      const text = out.names.get(a.at.text) ?? a.at.text;
      if (/[A-Za-z_]/.test(text)) names.set(p.name, text);
    });
    out.helper ??= fn.name;
    out.frame = inner;
    out.scope = fn.scope;
    out.names = names;
    out.def = next(fn.returns[0]!, fn.scope);
  }
  return out;
}

/** The text an operand stands for: a parameter's argument name, or its own text. */
export function nameText(e: Expr, names: ReadonlyMap<string, string>): string {
  const s = strip(e);
  return s.k === 'name' ? names.get(s.name) ?? e.at.text : e.at.text;
}
