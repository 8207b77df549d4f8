/**
 * A Go function body (or package-level declaration) → bindings, buffer steps, loops and
 * returns of the common form, in source order: `:=`, var and const (iota) declarations;
 * byte buffers filled by binary.*Endian.PutUint16/32/64, index stores, `b = append(b, ...)`;
 * `for _, r := range table`; `return e`. A write the form cannot follow (reassignment, ++,
 * op=, &x, a buffer passed elsewhere, a write inside a loop or branch) makes the name unknown.
 */
import type { Node } from 'web-tree-sitter';
import { bind, originOf } from '../../core/build';
import type { Binding, Expr, FormFunction, FormScope, FormType } from '../../core/form';
import { parseIntLiteral } from '../../core/numeric';
import { calleeAt, endianNode, kids, lowerExpr, type GoCx } from './expr';
import { lowerType } from './types';

export interface BodyState {
  /** The function whose returns this body adds to (null: package level or a closure). */
  fn: FormFunction | null;
  scope: FormScope;
  cx: GoCx;
  /** The block each binding was declared in. */
  declBlock: Map<Binding, Node>;
  /** Bindings that hold byte buffers (their other uses are checked). */
  buffers: Set<Binding>;
  /** `if` statements and three-clause `for` loops: their conditions may guard the inputs of a value. */
  guards: Node[];
  /** Called for each call expression (calls to classify) and each func literal (a nested body). */
  onCall(n: Node, st: BodyState, callee: string | null): void;
  onClosure(n: Node, st: BodyState): void;
}

const CONTROL = new Set(['for_statement', 'if_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement', 'func_literal']);

/** The binding `name` refers to at `offset`, from the scope chain (the last one declared before). */
export function visible(scope: FormScope, name: string, offset: number): Binding | null {
  for (let s: FormScope | null = scope; s; s = s.parent) {
    const bs = s.bindings.get(name);
    if (!bs) continue;
    let best: Binding | null = null;
    for (const b of bs) if (b.at.start <= offset || s.parent === null) best = b;
    if (best) return best;
  }
  return null;
}

function declare(st: BodyState, name: string, kind: Binding['kind'], type: FormType | null, value: Expr | null, stmt: Node, visibleFrom: number): void {
  if (name === '_' || !/^[A-Za-z_]\w*$/.test(name)) return;
  const b = bind(st.scope, { name, kind, type, values: value ? [value] : [], at: { ...originOf(stmt), start: visibleFrom } });
  st.declBlock.set(b, stmt.parent ?? stmt);
  if (type?.k === 'bytes' || value?.k === 'byteLit' || value?.k === 'concat') st.buffers.add(b);
}

/** The zero value of a declared type: 0, or a byte array of zeros. */
function zeroOf(t: FormType | null, at: Node): Expr | null {
  if (t?.k === 'int') return { k: 'int', value: 0n, type: t.int, at: originOf(at) };
  // [4]byte is four zero bytes; a nil []byte is empty.
  if (t?.k === 'bytes' && (t.size ?? 0) <= 64) return { k: 'byteLit', bytes: new Array<number>(t.size ?? 0).fill(0), at: originOf(at) };
  return null;
}

/** const/var declarations (and `:=`): one binding per name, the first name of a call's results. */
export function declareSpecs(n: Node, st: BodyState, kind: 'const' | 'var'): void {
  let iota = 0;
  let prev: { values: Node[]; type: Node | null } = { values: [], type: null };
  for (const spec of kids(n).flatMap((c) => (c.type === 'var_spec_list' ? kids(c) : [c]))) {
    if (spec.type !== 'const_spec' && spec.type !== 'var_spec') continue;
    const names = spec.childrenForFieldName('name').filter((c): c is Node => c !== null && c.isNamed);
    let values = kids(spec.childForFieldName('value'));
    let typeNode = spec.childForFieldName('type');
    // Implicit repetition in a const block: the previous spec's expressions with this iota.
    if (kind === 'const' && values.length === 0) ({ values, type: typeNode } = prev);
    else if (kind === 'const') prev = { values, type: typeNode };
    const type = lowerType(typeNode, st.cx.named);
    const cx: GoCx = kind === 'const' ? { ...st.cx, iota } : st.cx;
    names.forEach((nm, i) => {
      let v: Expr | null = null;
      if (values.length === names.length) v = lowerExpr(values[i]!, cx);
      else if (values.length === 1 && i === 0 && kind === 'var') v = lowerExpr(values[0]!, cx);
      else if (values.length === 0) v = zeroOf(type, spec);
      st.cx.steps = cx.steps;
      declare(st, nm.text, kind, type, v, spec, st.fn || st.scope.parent ? spec.endIndex : 0);
    });
    iota++;
  }
}

function shortVar(n: Node, st: BodyState): void {
  const left = kids(n.childForFieldName('left'));
  const right = kids(n.childForFieldName('right'));
  left.forEach((l, i) => {
    if (l.type !== 'identifier') return;
    const r = right.length === left.length ? right[i] : i === 0 && right.length === 1 ? right[0] : undefined;
    const v = r ? lowerExpr(r, st.cx) : null;
    const type = v?.k === 'cast' ? v.type : null;
    const old = visible(st.scope, l.text, n.startIndex);
    // Redeclared in the same statement list (a, err := ...; b, err := ...): an assignment.
    if (old && st.declBlock.get(old)?.id === n.parent?.id && right.length !== left.length) {
      old.escapes = true;
      return;
    }
    declare(st, l.text, 'var', type, v, n, n.endIndex);
  });
}

/** Between a write and its binding's declaration: a loop, branch or closure (the write may not run once). */
function conditional(n: Node, b: Binding, st: BodyState): boolean {
  const block = st.declBlock.get(b);
  for (let p = n.parent; p && p.id !== block?.id; p = p.parent) if (CONTROL.has(p.type)) return true;
  return !block;
}

function assignment(n: Node, st: BodyState): void {
  const op = n.childForFieldName('operator')?.text ?? '=';
  const left = kids(n.childForFieldName('left'));
  const right = kids(n.childForFieldName('right'));
  left.forEach((l, i) => {
    if (l.type === 'identifier') {
      const b = visible(st.scope, l.text, n.startIndex);
      if (!b) return;
      const r = right.length === left.length ? right[i] : undefined;
      const v = r && op === '=' && st.buffers.has(b) ? lowerExpr(r, st.cx) : null;
      // b = append(b, ...) / b = binary.LittleEndian.AppendUint16(b, v): one more step on b.
      if (v?.k === 'concat' && v.parts[0]?.k === 'name' && v.parts[0].name === l.text && !conditional(n, b, st)) {
        const value: Expr = v.parts.length === 2 ? v.parts[1]! : { k: 'concat', parts: v.parts.slice(1), at: v.at };
        (b.steps ??= []).push({ k: 'append', value, at: originOf(n) });
      } else b.escapes = true;
    } else if (l.type === 'index_expression' && l.childForFieldName('operand')?.type === 'identifier') {
      const name = l.childForFieldName('operand')!.text;
      const b = visible(st.scope, name, n.startIndex);
      const idx = parseIntLiteral(l.childForFieldName('index')?.text ?? '', 'go')?.value ?? null;
      const r = right.length === left.length ? right[i] : undefined;
      if (!b) return;
      if (!st.buffers.has(b) || op !== '=' || idx === null || !r || conditional(n, b, st)) b.escapes = true;
      else (b.steps ??= []).push({ k: 'store', index: Number(idx), value: lowerExpr(r, st.cx), at: originOf(n) });
    } else {
      // r.Hi = x, t[i].Lo = x: the value r was built with no longer holds.
      let base: Node | null = l;
      while (base && (base.type === 'selector_expression' || base.type === 'index_expression' || base.type === 'parenthesized_expression')) base = base.childForFieldName('operand') ?? kids(base)[0] ?? null;
      const b = base?.type === 'identifier' ? visible(st.scope, base.text, n.startIndex) : null;
      if (b) b.escapes = true;
    }
  });
}

/** binary.X.PutUint16(b[2:], v): a put step on b at offset 2. */
function put(n: Node, st: BodyState): boolean {
  const fn = n.childForFieldName('function');
  const m = fn?.type === 'selector_expression' ? /^PutUint(16|32|64)$/.exec(fn.childForFieldName('field')?.text ?? '') : null;
  const order = m ? endianNode(fn!.childForFieldName('operand'), st.cx) : null;
  const args = kids(n.childForFieldName('arguments'));
  if (!m || !order || args.length !== 2) return false;
  let target = args[0]!;
  let offset: bigint | null = 0n;
  if (target.type === 'slice_expression') {
    const start = target.childForFieldName('start');
    offset = start ? parseIntLiteral(start.text, 'go')?.value ?? null : 0n;
    target = target.childForFieldName('operand') ?? target;
  }
  const b = target.type === 'identifier' ? visible(st.scope, target.text, n.startIndex) : null;
  if (!b || !st.buffers.has(b)) return true;
  if (offset === null || conditional(n, b, st)) b.escapes = true;
  else (b.steps ??= []).push({ k: 'put', offset: Number(offset), value: lowerExpr(args[1]!, st.cx), size: Number(m[1]) / 8, order, at: originOf(n) });
  return true;
}

/** A buffer's name used where its bytes may change or be kept (anything but a read or a step). */
function bufferUse(id: Node, st: BodyState): void {
  const b = visible(st.scope, id.text, id.startIndex);
  if (!b || !st.buffers.has(b) || b.escapes) return;
  let c = id;
  let p = id.parent;
  if (p?.type === 'slice_expression' && p.childForFieldName('operand')?.id === c.id) [c, p] = [p, p.parent];
  if (!p) return;
  if (p.type === 'index_expression' && p.childForFieldName('operand')?.id === c.id) return;
  if (p.type === 'var_spec' || p.type === 'type_conversion_expression') return;
  if (p.type === 'expression_list' && (p.parent?.type === 'assignment_statement' || p.parent?.type === 'short_var_declaration') && p.parent.childForFieldName('left')?.id === p.id) return;
  if (p.type === 'argument_list') {
    const f = p.parent?.childForFieldName('function');
    const first = kids(p)[0]?.id === c.id;
    if (f?.type === 'identifier' && (f.text === 'string' || f.text === 'len' || (f.text === 'append' && first))) return;
    if (f?.type === 'selector_expression' && endianNode(f.childForFieldName('operand'), st.cx) && first) return;
    if (f && /[sS]etsockopt\w*$/.test(f.text)) return;
  }
  b.escapes = true;
}

function rangeLoop(n: Node, st: BodyState): void {
  const clause = kids(n).find((c) => c.type === 'range_clause');
  const body = n.childForFieldName('body');
  if (!clause || !body) return;
  const left = kids(clause.childForFieldName('left'));
  const over = lowerExpr(clause.childForFieldName('right'), st.cx);
  const at = originOf(n);
  const index = left[0]?.text;
  if (index && index !== '_') st.scope.loops.push({ vars: [index], over, indexOver: true, body: originOf(body), at });
  const elem = left[1]?.text;
  if (!elem || elem === '_') return;
  // A table of structs: the loop variable's fields are the per-entry values (r.lo, r.hi).
  const table = over.k === 'name' ? visible(st.scope, over.name, n.startIndex)?.values[0] : over;
  const tt = table?.k === 'init' ? table.type : null;
  const et = tt?.k === 'array' ? tt.elem : null;
  const st2 = et?.k === 'unknown' ? st.cx.named.get(et.name) : et;
  const vars = st2?.k === 'struct' ? st2.fields.map((f) => `${elem}.${f.name}`) : [elem];
  st.scope.loops.push({ vars, over, body: originOf(body), at });
}

const KINDS = ['short_var_declaration', 'var_declaration', 'const_declaration', 'assignment_statement', 'inc_statement', 'dec_statement',
  'unary_expression', 'call_expression', 'return_statement', 'for_statement', 'if_statement', 'func_literal'];
/** Where a byte buffer can be: then every identifier's use is checked (bufferUse). */
const BUFFERISH = /byte|uint8|append|Append|nil/;

/**
 * Walks a body in source order (one native scan for the node kinds that matter), not entering
 * func literals (handed to onClosure).
 */
export function walkBody(root: Node, st: BodyState): void {
  const kinds = BUFFERISH.test(root.text) ? [...KINDS, 'identifier'] : KINDS;
  let skipTo = -1;
  for (const n of root.descendantsOfType(kinds)) {
    if (!n || n.startIndex < skipTo) continue;
    if (n.id !== root.id && n.type === 'func_literal') {
      st.onClosure(n, st);
      skipTo = n.endIndex;
      continue;
    }
    switch (n.type) {
      case 'short_var_declaration': shortVar(n, st); break;
      case 'var_declaration': declareSpecs(n, st, 'var'); break;
      case 'const_declaration': declareSpecs(n, st, 'const'); break;
      case 'assignment_statement': assignment(n, st); break;
      case 'inc_statement':
      case 'dec_statement': {
        const t = kids(n)[0];
        const b = t?.type === 'identifier' ? visible(st.scope, t.text, n.startIndex) : null;
        if (b) b.escapes = true;
        break;
      }
      case 'unary_expression': {
        const t = n.childForFieldName('operand');
        const b = n.childForFieldName('operator')?.text === '&' && t?.type === 'identifier' ? visible(st.scope, t.text, n.startIndex) : null;
        if (b && !setsockoptReads(n)) b.escapes = true;
        break;
      }
      case 'identifier': bufferUse(n, st); break;
      case 'call_expression': {
        const callee = calleeAt(st.cx.text, n.startIndex);
        if (!(callee?.startsWith('PutUint') && put(n, st))) st.onCall(n, st, callee);
        break;
      }
      case 'return_statement': {
        const list = kids(n)[0];
        const first = list?.type === 'expression_list' ? kids(list)[0] : list;
        if (first && st.fn) st.fn.returns.push(lowerExpr(first, st.cx));
        break;
      }
      case 'for_statement': rangeLoop(n, st); st.guards.push(n); break;
      case 'if_statement': st.guards.push(n); break;
    }
  }
}

/** The condition of an `if` or of a `for` clause (core/bounded.ts: a check of the inputs before the call). */
export function goCondition(n: Node): Node | null {
  if (n.type === 'if_statement') return n.childForFieldName('condition');
  const clause = kids(n).find((c) => c.type === 'for_clause');
  return clause?.childForFieldName('condition') ?? null;
}

/**
 * `&v` (or `unsafe.Pointer(&v)`) passed as the optval of a setsockopt-named call in the C shape
 * (5 arguments, or 6 after a context; the raw `Syscall6(SYS_SETSOCKOPT, ...)` wrappers): read, not written.
 */
function setsockoptReads(n: Node): boolean {
  let a: Node = n;
  const up = (x: Node) => x.parent?.type === 'argument_list' && x.parent.parent?.type === 'call_expression' ? x.parent.parent : null;
  const conv = up(a);
  if (conv && /^unsafe\.Pointer$/.test(conv.childForFieldName('function')?.text ?? '')) a = conv;
  const call = up(a);
  const args = a.parent?.namedChildren.filter((c) => c !== null && c.type !== 'comment') ?? [];
  const fn = call?.childForFieldName('function');
  const name = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text ?? '' : fn?.text ?? '';
  return /setsockopt$/i.test(name) && (args.length === 5 || args.length === 6) && args[args.length - 2]?.id === a.id;
}
