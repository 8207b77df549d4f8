/**
 * Writes to the locals of a C-family function body, as the common form's bindings:
 * - `x = e` in the block that declares x (not in a loop): a new binding from there on
 *   (straight-line reassignment; `r = r + 1` reads the previous one);
 * - C++: `x = e` in a nested block adds an arm (a finite set), in a loop or `x op= e` escapes;
 * - C: `x = e` in a nested block or a loop, `x op= e`, `x++`, `&x` passed to a call (other
 *   than as setsockopt's read-only optval) or stored in a pointer make x unknown from there on (a loop: from its
 *   start; `x = e` straight in a loop's body then holds for the rest of that body);
 * - C: `r.lo = a; r.hi = b;` and `v[0] = a; v[1] = b;` (each part written once, at the
 *   declaring block) give r the initialiser `{ .lo = a, .hi = b }` after the last write.
 */
import type { Node } from 'web-tree-sitter';
import { bind, originOf } from '../../core/build';
import type { Binding, Expr, FormScope, FormType, Origin } from '../../core/form';
import { lowerExpr, type CppCx } from './expr';

const LOOPS = new Set(['for_statement', 'for_range_loop', 'while_statement', 'do_statement']);

function stripParens(n: Node | null): Node | null {
  let cur = n;
  for (let i = 0; cur && i < 64 && cur.type === 'parenthesized_expression'; i++) cur = cur.namedChildren.find((c) => c !== null) ?? null;
  return cur;
}

interface Part { key: string; value: Expr | null; end: number; block: number | undefined }

export class Writes {
  private readonly parts = new Map<Binding, Part[]>();

  constructor(
    private readonly scope: FormScope,
    private readonly declBlock: Map<Binding, number>,
    private readonly cx: CppCx,
    private readonly typed: (e: Expr, t: FormType | null) => Expr,
  ) {}

  private current(name: string): Binding | undefined {
    const list = this.scope.bindings.get(name);
    const b = list?.[list.length - 1];
    return b && b.kind === 'var' ? b : undefined;
  }

  /** The outermost loop between n and the block that declares b, if any. */
  private loopAround(n: Node, b: Binding): Node | null {
    let loop: Node | null = null;
    for (let p = n.parent; p && p.id !== this.declBlock.get(b); p = p.parent) if (LOOPS.has(p.type)) loop = p;
    return loop;
  }

  /** x is unknown from offset `from` on (C). */
  private unknownFrom(b: Binding, from: number, at: Node): void {
    const o: Origin = { ...originOf(at), start: from };
    const nb = bind(this.scope, { name: b.name, kind: 'var', type: b.type, values: [{ k: 'opaque', at: o }], at: o });
    if (this.declBlock.has(b)) this.declBlock.set(nb, this.declBlock.get(b)!);
  }

  assignment(s: Node): void {
    const c = this.cx.lang === 'c';
    const left = stripParens(s.type === 'update_expression' ? s.childForFieldName('argument') : s.childForFieldName('left'));
    if (!left) return;
    if (left.type === 'field_expression' || left.type === 'subscript_expression') {
      if (c) this.part(s, left);
      else this.partWritten(left); // C++: r.hi = x leaves r's value unknown
      return;
    }
    if (left.type !== 'identifier') return;
    const b = this.current(left.text);
    if (!b) return;
    const op = s.type === 'update_expression' ? '++' : s.childForFieldName('operator')?.text;
    if (c && op !== '=') {
      for (const x of this.scope.bindings.get(b.name) ?? []) x.escapes = true;
      return;
    }
    const loop = this.loopAround(s, b);
    if (op !== '=' || (loop && !c)) {
      b.escapes = true;
      return;
    }
    if (loop) {
      this.unknownFrom(b, loop.startIndex, s);
      // C: `v = e;` straight in a loop's body holds for the rest of that iteration's body
      // (the kselftest's `range = pack_port_range(t->lo, t->hi); setsockopt(..., &range, ...)`).
      const block = s.parent?.type === 'expression_statement' ? s.parent.parent : null;
      if (c && block?.type === 'compound_statement' && block.parent && LOOPS.has(block.parent.type)) {
        const v = this.typed(lowerExpr(s.childForFieldName('right'), this.cx), b.type);
        const nb = bind(this.scope, { name: b.name, kind: 'var', type: b.type, values: [v], at: { ...originOf(s), start: s.endIndex } });
        if (this.declBlock.has(b)) this.declBlock.set(nb, this.declBlock.get(b)!);
        // After that body (the loop may not run): unknown until the next write.
        this.unknownFrom(nb, block.endIndex, block);
      }
      return;
    }
    const sameBlock = s.parent?.parent?.id === this.declBlock.get(b);
    if (!sameBlock && c) return this.unknownFrom(b, s.startIndex, s);
    const v = this.typed(lowerExpr(s.childForFieldName('right'), this.cx), b.type);
    if (sameBlock) this.declBlock.set(bind(this.scope, { name: b.name, kind: 'var', type: b.type, values: [v], at: { ...originOf(s), start: s.endIndex } }), this.declBlock.get(b)!);
    else b.values.push(v);
  }

  /** C++: `r.hi = x`, `t[1].lo = x`, `r.a.b += 1`: every binding of r escapes. */
  private partWritten(left: Node): void {
    let base: Node | null = left;
    for (let i = 0; i < 16 && base && (base.type === 'field_expression' || base.type === 'subscript_expression'); i++) base = stripParens(base.childForFieldName('argument'));
    if (base?.type === 'identifier') for (const b of this.scope.bindings.get(base.text) ?? []) b.escapes = true;
  }

  /** `r.lo = a`, `v[1] = b` (C). */
  private part(s: Node, left: Node): void {
    const base = stripParens(left.childForFieldName('argument'));
    if (base?.type !== 'identifier') return;
    const b = this.current(base.text);
    if (!b) return;
    let key: string | null = null;
    if (left.type === 'field_expression') key = left.childForFieldName('field')?.text ?? null;
    else {
      const idx = left.childForFieldName('index')?.text.trim() ?? '';
      key = /^\d+$/.test(idx) ? `[${Number(idx)}]` : null;
    }
    const ok = s.type === 'assignment_expression' && s.childForFieldName('operator')?.text === '=' && key !== null && !this.loopAround(s, b);
    const list = this.parts.get(b) ?? [];
    list.push({ key: key ?? '?', value: ok ? lowerExpr(s.childForFieldName('right'), this.cx) : null, end: s.endIndex, block: s.parent?.parent?.id });
    this.parts.set(b, list);
  }

  /** `&x` passed to a call (C): x may be written there, unknown from the call on. */
  addressTaken(p: Node): void {
    if (p.childForFieldName('operator')?.text !== '&') return;
    const arg = stripParens(p.childForFieldName('argument'));
    if (arg?.type !== 'identifier') return;
    const b = this.current(arg.text);
    if (!b) return;
    let a: Node = p;
    while (a.parent && (a.parent.type === 'cast_expression' || a.parent.type === 'parenthesized_expression')) a = a.parent;
    const list = a.parent?.type === 'argument_list' ? a.parent : null;
    const call = list?.parent?.type === 'call_expression' ? list.parent : null;
    // `struct r *p = &a;`, `p = &a;`: writes through p are not followed, a is unknown from there on.
    if (!call) {
      const stored = a.parent?.type === 'init_declarator' || (a.parent?.type === 'assignment_expression' && a.parent.childForFieldName('right')?.id === a.id);
      if (stored) this.unknownFrom(b, a.parent!.endIndex, a.parent!);
      return;
    }
    const fn = call.childForFieldName('function');
    const name = fn?.type === 'field_expression' ? fn.childForFieldName('field')?.text ?? '' : fn?.text ?? '';
    const args = list!.namedChildren.filter((c) => c !== null && c.type !== 'comment');
    const idx = args.findIndex((c) => c?.id === a.id);
    if (/set_?sock_?opt$/i.test(name) && idx === args.length - 2) return; // setsockopt reads optval
    this.unknownFrom(b, call.endIndex, call);
  }

  /** Struct and array parts written one by one: an initialiser after the last write. */
  finish(): void {
    for (const [b, parts] of this.parts) {
      const t = b.type;
      const keys = new Set(parts.map((p) => p.key));
      const clean = parts.every((p) => p.value && p.block === this.declBlock.get(b)) && keys.size === parts.length;
      const last = Math.max(...parts.map((p) => p.end));
      const o: Origin = { ...b.at, start: last, end: last };
      if (!clean || !t || (t.k !== 'struct' && t.k !== 'array' && t.k !== 'unknown')) {
        bind(this.scope, { name: b.name, kind: 'var', type: b.type, values: [{ k: 'opaque', at: o }], at: o });
        continue;
      }
      const prev = b.values.length === 1 && b.values[0]!.k === 'init' ? (b.values[0] as Extract<Expr, { k: 'init' }>).items : [];
      const items: { field?: string; value: Expr }[] = [];
      if (t.k === 'array') {
        const n = t.count ?? Math.max(prev.length, ...parts.map((p) => Number(p.key.slice(1, -1)) + 1));
        for (let i = 0; i < n; i++) {
          const p = parts.find((x) => x.key === `[${i}]`);
          const v = p?.value ?? prev[i]?.value;
          if (!v) return void bind(this.scope, { name: b.name, kind: 'var', type: b.type, values: [{ k: 'opaque', at: o }], at: o });
          items.push({ value: v });
        }
      } else for (const p of parts) items.push({ field: p.key, value: p.value! });
      for (const it of prev) if (it.field && !items.some((x) => x.field === it.field)) items.push(it);
      const init = this.typed({ k: 'init', type: null, items, at: o }, t);
      const it = init.k === 'init' ? init.type : null;
      if (!prev.length && it?.k === 'struct' && parts.length < it.fields.length) {
        bind(this.scope, { name: b.name, kind: 'var', type: b.type, values: [{ k: 'opaque', at: o }], at: o });
        continue;
      }
      bind(this.scope, { name: b.name, kind: 'var', type: b.type, values: [init], at: o });
    }
  }
}
