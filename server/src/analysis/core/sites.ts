/**
 * The call-site stage over the common form: every setsockopt/getsockopt-like call of a
 * FormUnit with the (fd, level, optname, optval, optlen) shape becomes a RawCallSite when its
 * option is IP_LOCAL_PORT_RANGE. A call inside a helper that takes the option (or the value)
 * as a parameter is also judged at each caller, up to MAX_CALL_DEPTH levels: Pingora's
 * `set_opt(fd, IPPROTO_IP, IP_LOCAL_PORT_RANGE, range as c_int)` is a call site even though
 * its inner `libc::setsockopt(sock, opt, val, ...)` names no option. Values come from the one
 * evaluator (exact, a set of table entries: one site each, or unknown); the halves the author
 * meant come from the packing expression (shift-or, struct, array, byte swaps).
 * Used by every language; what a language may add (its own site rule, its last word on each
 * site) is core/siteHooks.ts.
 */
import type { Language, Operand, SocketEvent } from '../callSite';
import type { Rerun } from './bounded';
import { boundedOf, decodeValue, subExprs } from './siteValue';
import { addNote, type AnalysisNote, type RawCallSite } from '../languages/types';
import type { Shape, SiteAt, SiteHooks } from './siteHooks';
import { decoded } from './halves';
import { toNum } from './numeric';
import type { Expr, FormCall, FormFunction, FormScope, FormUnit } from './form';
import { FormEvaluator, MAX_CALL_DEPTH } from './evaluator';
import { exact, type Value } from './value';
import { socketContext } from './socketContext';

type Frame = Map<string, Value>;
const OPTION = 51;
/** Sites through helper chains per file (each direct call is always a site of its own). */
const MAX_SITES = 100_000;

/** What the stage needs; a language's hooks (site, refine) are described in core/siteHooks.ts. */
export interface SiteInput extends SiteHooks {
  unit: FormUnit;
  /** Calls of the unit's own functions (candidate callers of a helper), in source order. */
  helperCalls: readonly FormCall[];
  file: string;
  language: Language;
  /** Where the limits hit are said (AdapterInput.notes), and the step budget per call site. */
  notes?: AnalysisNote[];
  maxSteps?: number;
}

/** (fd, level, optname, optval, optlen), optionally after one leading context argument. */
function shapeOf(c: FormCall): Shape | null {
  if (c.args.length === 5) return { fd: 0, level: 1, opt: 2, val: 3, len: 4 };
  if (c.args.length === 6) return { fd: 1, level: 2, opt: 3, val: 4, len: 5 };
  return null;
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
    if (!shape) continue;
    const inner = fnAt(call.at.start);
    ev.withBudget(input.maxSteps ?? 100_000, () => (judge(input, ev, call, shape, [], inner, out), spent(input, ev, call)));
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
        ev.withBudget(input.maxSteps ?? 100_000, () => (judge(input, ev, call, shape, next, inner, out), spent(input, ev, hc)));
        const holder = fnAt(hc.at.start);
        if (holder && holder !== callee) grow(next, holder);
      }
    };
    grow([], inner);
  }
  return out;
}

/** The evaluation budget of one call site ran out: its values are unknown for that reason alone. */
function spent(input: SiteInput, ev: FormEvaluator, at: FormCall): void {
  if (!ev.exhausted) return;
  addNote(input, { kind: 'limit', id: 'budget', message: `evaluation budget spent at line ${at.at.span.line + 1}: values there are reported as not statically known` });
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
  const run = (i: number, frame: Frame, leaf: (frame: Frame) => void): void => {
    if (i < 0) return leaf(frame);
    const f = callee(i);
    if (!f) return;
    within(ev, f, chain[i]!.args, unit.scopeAt(chain[i]!.at.start), frame, (innerFrame) => run(i - 1, innerFrame, leaf));
  };
  // The same evaluation with values forced on free inputs (core/bounded.ts searches them).
  const under: Rerun = (forced, body) => {
    const saved = ev.forced;
    ev.forced = forced;
    let r: ReturnType<typeof body> | null = null;
    try {
      run(chain.length - 1, new Map(), (frame) => void (r = body(frame)));
    } finally {
      ev.forced = saved;
    }
    return r;
  };
  // Where a check of the inputs counts: each function on the path, up to its call.
  const regions = [call, ...chain].map((c) => ({ start: fnAt(c)?.at.start ?? c.at.start, end: c.at.start }));
  ev.inputs.clear();
  ev.inputAt.clear();
  run(chain.length - 1, new Map(), (frame) => {
    // The language's hooks (core/siteHooks.ts): its own rule instead of the common one, its last word on each site.
    const at: SiteAt = { file: input.file, call, shape, chain, frame, ev };
    const push = (site: RawCallSite) => {
      const kept = input.refine ? input.refine(site, at) : site;
      if (kept) out.push(kept);
    };
    if (input.site) input.site(at).forEach(push);
    else emit(input, at, push, { under, regions });
  });
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
    fn.params.forEach((p, i) => inner.set(p.name, ev.argValue(p, args[i], frame, scope)));
    return body(inner);
  } finally {
    ev.types = saved;
  }
}

/** An argument of the innermost call traced out to the outermost call of the chain. */
export function traced(e: Expr, chain: readonly FormCall[], unit: FormUnit, call: FormCall): Expr | null {
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

/** Option names whose number can also be 51 (IPV6_RECVHOPLIMIT, SO_ATTACH_REUSEPORT_CBPF...). */
const OTHER_OPTION = /^(IPV6_|SO_|TCP_|UDP_|SCTP_|MPTCP_|IP_(?!LOCAL_PORT_RANGE))/;

/** A 51 reached through a name that says it is another option: never the port range. */
function namesOtherOption(...es: (Expr | null)[]): boolean {
  return es.some((e) => e !== null && [...subExprs(e)].some((s) => s.k === 'name' && OTHER_OPTION.test(s.name.split('.').pop()!)));
}

function num(v: Value): number | null {
  return v.k === 'exact' ? toNum(v.v) : null;
}

function operandOf(e: Expr, value: number | null): Operand {
  return { text: e.at.text, value, span: e.at.span };
}

/** The common site rule: the sites of one call judged through one chain, each given to `push`. */
function emit(input: SiteInput, at: SiteAt, push: (site: RawCallSite) => void, search: { under: Rerun; regions: { start: number; end: number }[] }): void {
  const { unit } = input;
  const { ev, call, shape, chain, frame } = at;
  const scope = unit.scopeAt(call.at.start);
  const a = call.args;
  const optE = a[shape.opt]!;
  const optV = ev.value(optE, frame, scope);
  const named = optE.k === 'name' && /(^|\.)IP_LOCAL_PORT_RANGE$/.test(optE.name);
  const reached = chain.length ? traced(optE, chain, unit, call) : optE;
  const namedOuter = reached?.k === 'name' && /(^|\.)IP_LOCAL_PORT_RANGE$/.test(reached.name);
  if (num(optV) !== OPTION && !named && !namedOuter) return;
  if (!named && !namedOuter && namesOtherOption(optE, reached)) return;
  const outer = chain.length ? chain[chain.length - 1]! : call;
  const op = /get_?sock_?opt$/i.test(call.lastName) ? 'get' : 'set';
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
    if (b?.missing) facts.missingConstant = operandOf(defName, OPTION);
    else if (b && b.kind === 'const' && b.values.length === 1 && !/^(libc::|<)/.test(b.at.text)) {
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
    socket: socketContext(unit, outer, tr(shape.fd) ?? a[shape.fd]!, chain, ev),
    facts,
    ...(fnName ? { via: { helper: fnName, span: call.at.span } } : {}),
  } as const;
  if (op === 'get') return push({ ...base, value: decoded(null, 'host', optlen, 'buffer', null, a[shape.val]!.at.span) });
  const ds = decodeValue(ev, a[shape.val]!, frame, scope, unit);
  for (const d of ds) {
    const vspan = (valOuter ?? outerE).at.span;
    const value = decoded(d.packed, d.order, optlen, d.form, d.intended, vspan);
    if (d.entry) value.entry = d.entry;
    if (ds.length === 1 && d.packed === null) {
      const b = boundedOf(ev, a[shape.val]!, scope, unit, search);
      if (b) value.bounded = b;
    }
    push({ ...base, value, facts: { ...facts, ...d.facts } });
  }
}

export type { SocketEvent };
export { subExprs };
