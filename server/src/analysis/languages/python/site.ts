/**
 * Python's site rule for the common call-site stage (SiteHooks.site in core/siteHooks.ts): the
 * option (option.ts), the level, the value as CPython passes it (describe.ts) and the socket context (socket.ts)
 * of one setsockopt/getsockopt call, as written or seen from a helper call that forwards the
 * option or the value (then the operands are the helper call's arguments, the facts are the
 * arguments', and the span is the helper call's).
 */
import type { SyntacticFacts } from '../../callSite';
import { decoded } from '../../core/halves';
import type { Expr, FormScope } from '../../core/form';
import type { FormEvaluator } from '../../core/evaluator';
import { MAX_SET, type Value } from '../../core/value';
import { traced } from '../../core/sites';
import { entryOf, loopRows } from '../../core/tables';
import type { SiteAt } from '../../core/siteHooks';
import type { RawCallSite } from '../types';
import { describe, operandOf, type Described } from './describe';
import type { PyLowered } from './lower';
import { classify } from './option';
import { PySockets } from './socket';

/**
 * One frame per entry of each constant table the call sits in a loop over (`for lo, hi in
 * RANGES:`, `for r in RANGES: ... r[0]`): each entry is judged on its own, its halves from one row.
 */
function rowFrames(ev: FormEvaluator, at: number, frame: Map<string, Value>, scope: FormScope): Row[] {
  let rows: Row[] = [{ frame, labels: [] }];
  for (let s: FormScope | null = scope; s; s = s.parent) {
    for (const l of s.loops) {
      if (at < l.body.start || at > l.body.end) continue;
      const table = loopRows(ev, l, frame, scope);
      if (!table || table.length * rows.length > MAX_SET) continue;
      rows = rows.flatMap((f) => table.map((r) => {
        const g = new Map(f.frame);
        l.vars.forEach((v, i) => {
          const e = entryOf(l, r, i);
          if (e) g.set(v, ev.value(e, f.frame, scope));
        });
        return { frame: g, labels: [...f.labels, r.label] };
      }));
    }
  }
  return rows;
}

interface Row { frame: Map<string, Value>; labels: string[] }

export function pythonSites(py: PyLowered, sockets: () => PySockets, x: SiteAt): RawCallSite[] {
  const { ev, call, chain, frame, shape } = x;
  const unit = ev.unit;
  const scope = unit.scopeAt(call.at.start);
  const a = call.args;
  const op = /setsockopt$/.test(call.lastName) ? 'set' : 'get';
  const outer = chain.length ? chain[chain.length - 1]! : call;
  // At a helper call, an operand that is a parameter is shown (and judged) as the argument.
  const atCall = (e: Expr): Expr | null => (chain.length && e.k === 'name' && frame.has(e.name) ? traced(e, chain, unit, call) : null);
  const outerAt = (e: Expr) => ({ e, frame: new Map(), scope: unit.scopeAt(e.at.start) });
  const optE = a[shape.opt]!;
  const optArg = atCall(optE);
  const opt = optArg ? classify(ev, py.tags, optArg, new Map(), unit.scopeAt(optArg.at.start)) : classify(ev, py.tags, optE, frame, scope);
  if (!opt.isRange) return [];
  const levelE = a[shape.level]!;
  const levelV = ev.value(levelE, frame, scope);
  const level = levelV.k === 'exact' ? Number(levelV.v) : null;
  if (opt.otherName && level !== null && level !== 0) return []; // e.g. HOP_LIMIT = 51 at IPPROTO_IPV6
  const facts: SyntacticFacts = chain.length && !optArg ? {} : { ...opt.facts };
  const fdE = a[shape.fd]!;
  const receiver = chain.length ? atCall(fdE)?.at.text ?? null : fdE.at.text;
  const base: RawCallSite = {
    file: x.file,
    language: 'python',
    op,
    span: outer.at.span,
    callee: outer.callee.at.text,
    level: operandOf(atCall(levelE) ?? levelE, level),
    optname: operandOf(optArg ?? optE, opt.value),
    value: null,
    socket: sockets().context(receiver, outer),
    facts,
    ...(chain.length ? { via: { helper: outer.lastName, span: call.at.span } } : {}),
  };
  if (op === 'get') return [base];
  const valE = a[shape.val]!;
  const lenE = a[shape.len]!;
  const valArg = atCall(valE);
  const lenGiven = py.synthetic.has(lenE) ? null : lenE;
  const rows = valArg || chain.length ? [{ frame, labels: [] }] : rowFrames(ev, call.at.start, frame, scope);
  const all = rows.flatMap((r) => (valArg ? describe(ev, py.tags, outerAt(valArg), lenGiven && (atCall(lenGiven) ?? lenGiven)) : describe(ev, py.tags, { e: valE, frame: r.frame, scope }, lenGiven)).map((d) => ({ ...d, label: r.labels.join(', ') })));
  // One site per table entry, each naming its entry; a value the loop does not change is one site.
  const seen = new Set<string>();
  const ds = all.filter((d) => !seen.has(`${d.packed}:${d.optlen}:${d.form}`) && !!seen.add(`${d.packed}:${d.optlen}:${d.form}`));
  const entries = ds.length > 1 && ds.some((d) => d.label);
  if (ds.length === 0) {
    if (!chain.length) facts.valueExpr = operandOf(valE, null);
    return [base];
  }
  return ds.map((d, i) => {
    const f: SyntacticFacts = { ...facts, ...d.facts };
    // A fix must not rewrite the helper's body for one call: at a helper call only an argument is a value expression.
    if (chain.length && !valArg) delete f.valueExpr;
    const span = (chain.length ? outer : valE).at.span;
    const value = decoded(d.packed, d.order, d.optlen, d.form, d.intended, span);
    if (entries) value.entry = { label: d.label || `entry ${i + 1}`, index: i, count: ds.length };
    return { ...base, facts: f, value };
  });
}
