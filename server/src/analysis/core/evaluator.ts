/**
 * The one evaluator over the common form (form.ts) into the value lattice (value.ts), shared
 * by every language that lowers into the form. It resolves names through the scope chain
 * (the last assignment before the use), follows project functions up to MAX_CALL_DEPTH
 * levels with the arguments' values bound to the parameters, gives a loop variable the set
 * of its table's entries, gives an unbound parameter the interval of its type, and evaluates
 * byte buffers to the bytes the kernel reads. Work is bounded: a step budget per evaluator.
 */
import type { Binding, Expr, FormFunction, FormScope, FormType, FormUnit } from './form';
import { wrap, type EvalLanguage, type IntType } from './numeric';
import { bytesOfExpr } from './bytes';
import { loopValue, selected, tableRows, type Row } from './tables';
import { lengthOf, readInt, sizeOf, swap } from './sizes';
import { binary, castTo, exact, interval, join, ofType, setOf, TOP, unary, valuesOf, type Value } from './value';

export const MAX_CALL_DEPTH = 3;

/** Bytes: each alternative is one concrete byte sequence (a set value gives several). */
export type Bytes = { k: 'bytes'; alts: number[][]; labels?: string[] } | { k: 'unknown' };

/** Parameter values for a function being followed (name → value). */
type Frame = Map<string, Value>;
/** Type parameters bound while following a call (name → the argument's static type). */
type TypeFrame = Map<string, FormType>;

export interface EvaluatorOptions {
  /** Total evaluation steps (default 100,000). */
  maxSteps?: number;
}

export class FormEvaluator {
  private steps: number;
  private depth = 0;
  private readonly lang: EvalLanguage;
  /** Set once the budget ran out: callers may report it. */
  exhausted = false;

  constructor(readonly unit: FormUnit, opts: EvaluatorOptions = {}) {
    this.steps = opts.maxSteps ?? 100_000;
    this.lang = unit.language;
  }

  /** The integer value of `e` at its own position (scope from the unit). */
  value(e: Expr, frame: Frame = new Map(), scope?: FormScope): Value {
    if (--this.steps < 0 || this.depth > 200) {
      this.exhausted = true;
      return TOP;
    }
    this.depth++;
    try {
      return this.inner(e, frame, scope ?? this.unit.scopeAt(e.at.start));
    } finally {
      this.depth--;
    }
  }

  private inner(e: Expr, frame: Frame, scope: FormScope): Value {
    switch (e.k) {
      case 'int':
        return exact(e.value, e.type ?? null);
      case 'name':
        return this.name(e.name, e.at.start, frame, scope);
      case 'member':
      case 'index': {
        const path = memberPath(e);
        const v = path ? this.name(path, e.at.start, frame, scope) : TOP;
        if (v.k !== 'unknown') return v;
        // `r.lo`, `T[1]`, `cfg["lo"]` of a constant initialiser (core/tables.ts).
        const item = selected(this, e, frame, scope);
        return item ? this.value(item, frame, scope) : TOP;
      }
      case 'binary':
        return binary(e.op, this.value(e.left, frame, scope), this.value(e.right, frame, scope), this.lang);
      case 'unary':
        return unary(e.op, this.value(e.arg, frame, scope), this.lang);
      case 'cond':
        return join(this.value(e.then, frame, scope), this.value(e.else, frame, scope));
      case 'cast':
        return e.type.k === 'int' ? castTo(this.value(e.arg, frame, scope), e.type.int) : this.value(e.arg, frame, scope);
      case 'sizeof': {
        const size = 'type' in e.of ? sizeOf(this.bound(e.of.type), this.unit) : this.sizeOfExpr(e.of.expr, scope);
        return size === null ? TOP : exact(size, { bits: 64, unsigned: true });
      }
      case 'bswap': {
        if (e.hostOnly && this.unit.hostByteOrder === 'big') return this.value(e.arg, frame, scope);
        const t: IntType = { bits: e.bits, unsigned: true };
        const v = castTo(this.value(e.arg, frame, scope), t);
        const vs = valuesOf(v);
        return vs ? setOf(vs.map((x) => swap(x, e.bits)), t, v.k === 'set' ? v.labels : undefined) : TOP;
      }
      case 'decode': {
        const b = this.bytes(e.bytes, frame, scope);
        if (b.k === 'unknown') return TOP;
        const t: IntType = { bits: e.size * 8, unsigned: true };
        const vs = b.alts.map((bs) => (bs.length < e.size ? null : readInt(bs.slice(0, e.size), e.order, this.unit.hostByteOrder)));
        return vs.includes(null) ? TOP : setOf(vs as bigint[], t, b.labels);
      }
      case 'len':
        return lengthOf(this.bytes(e.of, frame, scope));
      case 'call':
        return this.call(e.call.lastName, e.call.args, frame, scope);
      case 'addr':
      case 'deref':
        return this.value(e.arg, frame, scope);
      default:
        return TOP;
    }
  }

  /** A name: a parameter of the function being followed, a loop variable, or a binding. */
  private name(name: string, at: number, frame: Frame, scope: FormScope): Value {
    const p = frame.get(name);
    if (p) return p;
    const loop = loopValue(this, name, at, frame, scope);
    if (loop) return loop;
    const b = this.binding(name, at, scope);
    if (!b) return TOP;
    return this.bindingValue(b, at, frame);
  }

  /** The binding a name refers to at offset `at` (innermost scope first). */
  binding(name: string, at: number, scope: FormScope): Binding | null {
    for (let s: FormScope | null = scope; s; s = s.parent) {
      const bs = s.bindings.get(name);
      if (!bs || bs.length === 0) continue;
      // The binding of that name that starts last before the use (the last one written on a tie).
      let best: Binding | null = null;
      for (const b of bs) if (s === this.unit.globals || (b.at.start <= at && (!best || b.at.start >= best.at.start))) best = b;
      return best ?? null;
    }
    return null;
  }

  /** Bindings being evaluated: a cycle (`#define SELF (SELF + 1)`, `a = b; b = a`) is unknown. */
  private readonly active = new Set<Binding>();

  private bindingValue(b: Binding, at: number, frame: Frame): Value {
    if (b.escapes || this.active.has(b)) return TOP;
    this.active.add(b);
    try { return this.bindingValueOf(b, at, frame); } finally { this.active.delete(b); }
  }

  private bindingValueOf(b: Binding, at: number, frame: Frame): Value {
    const t = b.type?.k === 'int' ? b.type.int : null;
    // A parameter, or a data member no constructor of the file sets: any value of its type.
    if (b.kind === 'param' || (b.kind === 'field' && b.values.length === 0)) return t ? this.input(t, b.name, b.at.start) : TOP;
    // A member's value is its constructor's, whatever function reads it.
    if (b.kind === 'field') frame = new Map();
    const before = b.values.filter((v) => v.at.start < at || b.kind === 'const' || b.kind === 'field');
    if (before.length === 0) return TOP;
    // Several assignments reach the use only when they are branch arms; the adapter marks
    // straight-line reassignment by keeping the last one alone.
    let v: Value | null = null;
    for (const e of before) {
      const x = this.value(e, frame);
      v = v ? join(v, x) : x;
    }
    return v && t ? castTo(v, t) : v ?? TOP;
  }

  /** The rows of a constant table: an initialiser, or a name bound once to one (core/tables.ts). */
  table(e: Expr, _frame: Frame, scope: FormScope): Row[] | null {
    return tableRows(this, e, scope);
  }

  /** A project function called with these arguments: its returns, up to MAX_CALL_DEPTH deep. */
  call(name: string, args: Expr[], frame: Frame, scope: FormScope): Value {
    const fn = this.functionNamed(name);
    if (!fn || fn.returns.length === 0 || frame.size > 64) return TOP;
    const callDepth = Number(frame.get('\u0000depth')?.k === 'exact' ? (frame.get('\u0000depth') as { v: bigint }).v : 0n);
    if (callDepth >= MAX_CALL_DEPTH) return TOP;
    const inner: Frame = new Map([['\u0000depth', exact(callDepth + 1)]]);
    const savedTypes = this.types;
    if (fn.typeParams?.length) {
      this.types = new Map(savedTypes);
      fn.params.forEach((p, i) => {
        const a = args[i];
        if (a && p.type?.k === 'typeParam' && fn.typeParams!.includes(p.type.name)) {
          const t = this.typeOfExpr(a, scope);
          if (t) this.types.set(p.type.name, t);
        }
      });
    }
    try {
      return this.followed(fn, args, frame, scope, inner);
    } finally {
      this.types = savedTypes;
    }
  }

  /**
   * Free inputs met so far: integer parameters read where no caller gives their value (name →
   * type). Their value is the type's interval, named, so bounds carry witnesses; core/bounded.ts
   * searches concrete inputs by forcing values on them.
   */
  readonly inputs = new Map<string, IntType>();
  /** Values forced on free inputs by name (core/bounded.ts); null: each input is its type's interval. */
  forced: ReadonlyMap<string, Value> | null = null;

  /** Where each free input is declared (offset of its parameter or member), when known. */
  readonly inputAt = new Map<string, number>();

  private input(t: IntType, name: string, at?: number): Value {
    this.inputs.set(name, t);
    if (at !== undefined) this.inputAt.set(name, at);
    const f = this.forced?.get(name);
    return f ? castTo(f, t) : ofType(t, name);
  }

  /** A parameter's value from its argument (the one rule of every followed call): wrapped to an integer parameter's type; unknown → the type's named interval. */
  argValue(p: FormFunction['params'][number], a: Expr | undefined, frame: Frame, scope: FormScope): Value {
    const v = a ? this.value(a, frame, scope) : TOP;
    return p.type?.k !== 'int' ? v : v.k === 'unknown' ? ofType(p.type.int, p.name) : castTo(v, p.type.int);
  }

  /** Runs `fn` with its own step budget, leaving the file's budget as it was. */
  withBudget<R>(steps: number, fn: () => R): R {
    const saved = [this.steps, this.exhausted] as const;
    this.steps = steps;
    try {
      return fn();
    } finally {
      [this.steps, this.exhausted] = saved;
    }
  }

  /** Type parameters bound by the calls being followed (core/sites.ts binds them for a caller). */
  types: TypeFrame = new Map();

  private bound(t: FormType): FormType { return t.k === 'typeParam' ? this.types.get(t.name) ?? t : t; }

  private followed(fn: FormFunction, args: Expr[], frame: Frame, scope: FormScope, inner: Frame): Value {
    fn.params.forEach((p, i) => inner.set(p.name, this.argValue(p, args[i], frame, scope)));
    let r: Value | null = null;
    for (const ret of fn.returns) {
      const x = this.value(ret, inner, fn.scope);
      r = r ? join(r, x) : x;
    }
    return r && fn.result?.k === 'int' ? castTo(r, fn.result.int) : r ?? TOP;
  }

  functionNamed(name: string): FormFunction | null {
    const fs = this.unit.functions.get(name);
    return fs && fs.length === 1 ? fs[0]! : null;
  }

  /** The bytes of a byte-valued expression (core/bytes.ts). */
  bytes(e: Expr, frame: Frame = new Map(), scope?: FormScope): Bytes {
    return bytesOfExpr(this, e, frame, scope ?? this.unit.scopeAt(e.at.start));
  }

  /** One evaluation step of the budget: false (and `exhausted`) once it is spent. */
  spend(): boolean {
    if (--this.steps >= 0) return true;
    this.exhausted = true;
    return false;
  }

  private sizeOfExpr(e: Expr, scope: FormScope): number | null {
    const t = this.typeOfExpr(e, scope);
    return t ? sizeOf(this.bound(t), this.unit) : null;
  }

  /** The static type of an expression, as far as names and derefs tell. */
  typeOfExpr(e: Expr, scope: FormScope): FormType | null {
    if (e.k === 'name') {
      const b = this.binding(e.name, e.at.start, scope);
      // `v := uint32(hi)<<16 | lo` (Go), `let v = x as u32` (Rust): the type its one value has.
      const t = b?.type ?? (b && b.values.length === 1 && b.values[0]!.k !== 'name' ? this.typeOfExpr(b.values[0]!, scope) : null);
      return t ? this.bound(t) : null;
    }
    if (e.k === 'binary' && ['<<', '>>', '|', '&', '^', '+', '-', '*'].includes(e.op)) {
      // Go and Rust: both operands share a type, a shift has its left operand's; an untyped literal takes the other's.
      if (this.lang !== 'go' && this.lang !== 'rust') return null;
      const l = this.typeOfExpr(e.left, scope);
      return e.op === '<<' || e.op === '>>' || e.right.k === 'int' ? l : e.left.k === 'int' && !e.left.type ? this.typeOfExpr(e.right, scope) : l;
    }
    if (e.k === 'cast') return e.type;
    if (e.k === 'int' && e.type) return { k: 'int', int: e.type, name: `${e.type.unsigned ? 'u' : 'i'}${e.type.bits}` };
    if (e.k === 'init') return e.type;
    if (e.k === 'member') {
      const path = memberPath(e);
      const direct = path ? this.binding(path, e.at.start, scope)?.type : null;
      if (direct) return direct;
      let t = this.typeOfExpr(e.object, scope);
      if (t?.k === 'pointer') t = t.to;
      if (t && t.k !== 'struct') t = this.unit.types.get(t.k === 'typeParam' ? t.name : t.name) ?? t;
      return t?.k === 'struct' ? t.fields.find((f) => f.name === e.field)?.type ?? null : null;
    }
    if (e.k === 'deref' || e.k === 'index') {
      const t = this.typeOfExpr(e.k === 'deref' ? e.arg : e.object, scope);
      return t?.k === 'pointer' ? t.to : t?.k === 'array' ? t.elem : null;
    }
    if (e.k === 'addr') {
      const t = this.typeOfExpr(e.arg, scope);
      return t ? { k: 'pointer', to: t, name: `${t.name}*` } : null;
    }
    return null;
  }
}

/** `a.b.c` (and `t[i].lo`) for a member chain of names, else null. */
export function memberPath(e: Expr): string | null {
  if (e.k === 'name') return e.name;
  const o = e.k === 'member' || e.k === 'index' ? memberPath(e.object) : null;
  if (o !== null && e.k === 'member') return `${o}.${e.field}`;
  // `tbl[i]`: the entry of an index loop over a constant table (a loop variable, FormLoop).
  return o !== null && e.k === 'index' && e.index.k === 'name' ? `${o}[${e.index.name}]` : null;
}

export { exact, interval, TOP, wrap, sizeOf };
