/**
 * Rust expressions → the common form's Expr. Casts (`as`), `u32::from`, byte conversions
 * (`to_ne_bytes`, `to_be_bytes`, `from_ne_bytes`, `u32::to_be`), `size_of::<T>()` and
 * `size_of_val(&x)`, references and raw-pointer casts (`&v as *const _ as *const c_void` is
 * the object v), struct and array literals, blocks and `if` (their value), method calls.
 * Anything else is `opaque`: unknown, never guessed.
 */
import type { Node } from 'web-tree-sitter';
import { parseIntLiteral } from '../../core/numeric';
import type { Endian, Expr, FormCall, FormScope, FormType, Origin } from '../../core/form';
import { cFamilyBinary, originOf } from '../../core/build';
import { intType, lastSegment, lowerType } from './types';

export interface RustCx {
  aliases: ReadonlyMap<string, FormType>;
  /** Budget of nodes; hostile nesting ends in opaque. */
  steps: number;
  /** The declared type of a name visible here (lets and params seen so far), for `x.to_ne_bytes()`. */
  nameType?: (name: string) => FormType | null;
  /** `#[repr(C)]` structs of the file: literals get their layout, fields in declared order. */
  structs: ReadonlyMap<string, FormType>;
  /** Generic parameters in scope (fn f<T>): `size_of::<T>()` stays bound to the caller's T. */
  typeParams: ReadonlySet<string>;
  /** The declared integer result of the file's one function of that name (`let v = self.packed()` is a u32). */
  resultOf?: (fn: string) => FormType | null;
  /** The function scope being lowered and its impl type (a method call's receiver, methods.ts). */
  scope?: FormScope;
  selfOwner?: string | null;
  /** Completes a method call `r.apply(fd)` (lower.ts: which type's method, the receiver's fields). */
  methodCall?: (call: FormCall, cx: RustCx) => void;
}

export const origin = originOf;

const ENDIAN: Record<string, Endian> = { ne: 'host', be: 'big', le: 'little' };

/** `a::b::c` → the path segments. */
export function pathOf(n: Node): string[] {
  return n.text.replace(/\s+/g, '').replace(/<[^<>]*>/g, '').split('::').filter(Boolean);
}

export function lowerExpr(n: Node | null, cx: RustCx, depth = 0): Expr {
  if (!n) return { k: 'opaque', at: { start: 0, end: 0, span: { line: 0, column: 0, endLine: 0, endColumn: 0 }, text: '' } };
  const at = origin(n);
  if (--cx.steps < 0 || depth > 150) return { k: 'opaque', at };
  const sub = (c: Node | null) => lowerExpr(c, cx, depth + 1);
  switch (n.type) {
    case 'integer_literal': {
      const f = parseIntLiteral(n.text, 'rust');
      return f && f.value !== null ? { k: 'int', value: f.value, type: f.type, at } : { k: 'opaque', at };
    }
    case 'boolean_literal':
      return { k: 'int', value: n.text === 'true' ? 1n : 0n, type: { bits: 8, unsigned: true }, at };
    case 'identifier':
    case 'self':
      return { k: 'name', name: n.text, at };
    case 'scoped_identifier': {
      // `crate::sys::X`, `self::sys::X`, `super::X`: the path inside the crate (`sys.X`).
      const segs = pathOf(n);
      while (segs.length > 2 && /^(crate|self|super)$/.test(segs[0]!)) segs.shift();
      // libc::SOL_IP, nix::libc::X → X (the constant itself); Type::CONST → member path "Type.CONST".
      const last = segs[segs.length - 1] ?? n.text;
      // The libc crate has no IP_LOCAL_PORT_RANGE: kept apart from a local const of that name (lower.ts binds it as missing).
      if (last === 'IP_LOCAL_PORT_RANGE' && segs.includes('libc')) return { k: 'name', name: 'libc.IP_LOCAL_PORT_RANGE', at };
      if (segs.length >= 2 && /^(libc|nix|std|core|mem|self|crate|super)$/.test(segs[segs.length - 2]!)) return { k: 'name', name: last, at };
      if (segs.length >= 2 && segs[0] === 'libc') return { k: 'name', name: last, at };
      return { k: 'name', name: segs.join('.'), at };
    }
    case 'field_expression': {
      const field = n.childForFieldName('field')?.text ?? '';
      const value = n.childForFieldName('value');
      // `self.lo`: one name, a method's input (methods.ts), so a caller's receiver can give it.
      if (value?.type === 'self') return { k: 'name', name: `self.${field}`, at };
      return { k: 'member', object: sub(value), field, at };
    }
    case 'parenthesized_expression':
      return sub(n.namedChildren.find((c) => c !== null && c.type !== 'comment') ?? null);
    case 'binary_expression': {
      const op = n.childForFieldName('operator')?.text ?? '';
      return cFamilyBinary(op, sub(n.childForFieldName('left')), sub(n.childForFieldName('right')), at);
    }
    case 'unary_expression': {
      const op = n.child(0)?.text;
      const arg = sub(n.namedChildren.find((c) => c !== null) ?? null);
      if (op === '-') return { k: 'unary', op: '-', arg, at };
      if (op === '!') return { k: 'unary', op: '~', arg, at }; // ! on an integer is bitwise not
      if (op === '*') return { k: 'deref', arg, at };
      return { k: 'opaque', at };
    }
    case 'reference_expression':
      return { k: 'addr', arg: sub(n.childForFieldName('value')), at };
    case 'type_cast_expression': {
      const value = sub(n.childForFieldName('value'));
      const t = lowerType(n.childForFieldName('type'), cx.aliases, cx.typeParams);
      // Pointer casts keep the object: `&v as *const u32 as *const c_void` is v's address.
      if (!t || t.k === 'pointer' || t.k === 'unknown') return value;
      return { k: 'cast', type: t, arg: value, at };
    }
    case 'struct_expression': {
      const name = lastSegment(n.childForFieldName('name')?.text ?? '');
      const items: { field?: string; value: Expr }[] = [];
      for (const f of n.childForFieldName('body')?.namedChildren ?? []) {
        if (!f) continue;
        if (f.type === 'field_initializer') items.push({ field: f.childForFieldName('field')?.text ?? '', value: sub(f.childForFieldName('value')) });
        else if (f.type === 'shorthand_field_initializer') items.push({ field: f.text, value: { k: 'name', name: f.text, at: origin(f) } });
        else if (f.type === 'base_field_initializer') return { k: 'opaque', at };
      }
      const st = cx.structs.get(name);
      if (st?.k === 'struct' && items.every((it) => st.fields.some((f) => f.name === it.field))) {
        items.sort((a, b) => st.fields.findIndex((f) => f.name === a.field) - st.fields.findIndex((f) => f.name === b.field));
        return { k: 'init', type: st, items, at };
      }
      return { k: 'init', type: { k: 'unknown', name }, items, at };
    }
    case 'array_expression': {
      const len = n.childForFieldName('length');
      if (len) {
        const count = /^\d+$/.test(len.text) ? Number(len.text) : NaN;
        if (!(count >= 0 && count <= 64)) return { k: 'opaque', at };
        const v = sub(n.namedChildren.find((c) => c !== null && c.id !== len.id) ?? null);
        return { k: 'init', type: null, items: Array.from({ length: count }, () => ({ value: v })), at };
      }
      return { k: 'init', type: null, items: n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment').map((c) => ({ value: sub(c) })), at };
    }
    case 'tuple_expression':
      return { k: 'init', type: null, items: n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment').map((c) => ({ value: sub(c) })), at };
    case 'block':
    case 'unsafe_block': {
      const block = n.type === 'unsafe_block' ? n.namedChildren.find((c) => c?.type === 'block') ?? null : n;
      const last = block?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment').pop();
      return last && last.type !== 'expression_statement' && last.type !== 'let_declaration' ? sub(last) : { k: 'opaque', at };
    }
    case 'if_expression': {
      const then = sub(n.childForFieldName('consequence'));
      const alt = n.childForFieldName('alternative')?.namedChildren.find((c) => c !== null) ?? null;
      return alt ? { k: 'cond', test: sub(n.childForFieldName('condition')), then, else: sub(alt), at } : { k: 'opaque', at };
    }
    case 'call_expression':
      return lowerCall(n, cx, depth, at);
    case 'macro_invocation': {
      // `ptr::addr_of!(v)` / `addr_of_mut!(v)`: the address of a place, written as a macro.
      const name = lastSegment(n.childForFieldName('macro')?.text ?? '');
      const tree = n.namedChildren.find((c) => c?.type === 'token_tree');
      const place = tree?.text.slice(1, -1).trim() ?? '';
      if ((name === 'addr_of' || name === 'addr_of_mut') && /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(place)) {
        const parts = place.split('.');
        let e: Expr = { k: 'name', name: parts[0]!, at };
        for (const f of parts.slice(1)) e = { k: 'member', object: e, field: f, at };
        return { k: 'addr', arg: e, at };
      }
      return { k: 'opaque', at };
    }
    default:
      return { k: 'opaque', at };
  }
}

function intOf(name: string): FormType | null {
  return intType(name);
}

function lowerCall(n: Node, cx: RustCx, depth: number, at: Origin): Expr {
  const sub = (c: Node | null) => lowerExpr(c, cx, depth + 1);
  const fn = n.childForFieldName('function');
  const argNodes = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((c): c is Node => c !== null && c.type !== 'comment');
  if (!fn) return { k: 'opaque', at };
  // size_of::<T>() / mem::size_of::<T>()
  if (fn.type === 'generic_function') {
    const name = lastSegment(fn.childForFieldName('function')?.text ?? '');
    const targ = fn.childForFieldName('type_arguments')?.namedChildren.find((c) => c !== null) ?? null;
    if (name === 'size_of' && argNodes.length === 0) {
      const t = lowerType(targ, cx.aliases, cx.typeParams);
      return t ? { k: 'sizeof', of: { type: t }, at } : { k: 'opaque', at };
    }
    // `(&v as *const u32).cast::<c_void>()`: a pointer cast, the object kept.
    const inner = fn.childForFieldName('function');
    if (inner?.type === 'field_expression' && (name === 'cast' || name === 'cast_mut' || name === 'cast_const') && argNodes.length === 0) return sub(inner.childForFieldName('value'));
    return plainCall(n, name, fn, argNodes, cx, depth, at);
  }
  if (fn.type === 'field_expression') {
    // Method call: receiver.method(args)
    const method = fn.childForFieldName('field')?.text ?? '';
    const recvNode = fn.childForFieldName('value');
    const recv = sub(recvNode);
    const m = /^to_(ne|be|le)_bytes$/.exec(method);
    if (m && argNodes.length === 0) {
      const size = sizeOfRecv(recv, cx);
      return size ? { k: 'encode', value: recv, size, order: ENDIAN[m[1]!]!, at } : { k: 'opaque', at };
    }
    if ((method === 'to_be' || method === 'swap_bytes') && argNodes.length === 0) {
      const size = sizeOfRecv(recv, cx);
      return size === 2 || size === 4 ? { k: 'bswap', bits: size === 2 ? 16 : 32, arg: recv, hostOnly: method === 'to_be', at } : { k: 'opaque', at };
    }
    if ((method === 'to_le' || method === 'into' || method === 'clone' || method === 'unwrap' || method === 'cast') && argNodes.length === 0) return recv;
    if ((method === 'as_ptr' || method === 'as_mut_ptr') && argNodes.length === 0) return { k: 'addr', arg: recv, at };
    if (method === 'len' && argNodes.length === 0) return { k: 'sizeof', of: { expr: recv }, at };
    const call: FormCall = { callee: sub(fn), lastName: method, receiver: recv, args: argNodes.map(sub), at };
    cx.methodCall?.(call, cx);
    return { k: 'call', call, at };
  }
  const segs = fn.type === 'scoped_identifier' || fn.type === 'identifier' ? pathOf(fn) : [];
  const name = segs[segs.length - 1] ?? '';
  const owner = segs.length >= 2 ? segs[segs.length - 2]! : '';
  const ownerType = intOf(owner);
  if (ownerType && ownerType.k === 'int') {
    const bytes = ownerType.int.bits / 8;
    const fm = /^from_(ne|be|le)_bytes$/.exec(name);
    if (fm && argNodes.length === 1) {
      let b = sub(argNodes[0]!);
      // A byte-array literal: its elements are u8.
      if (b.k === 'init' && b.type === null) b = { ...b, type: { k: 'array', elem: { k: 'int', int: { bits: 8, unsigned: true }, name: 'u8' }, count: b.items.length, name: '[u8]' } };
      return { k: 'decode', bytes: b, size: bytes, order: ENDIAN[fm[1]!]!, at };
    }
    if ((name === 'from' || name === 'try_from') && argNodes.length === 1) return { k: 'cast', type: ownerType, arg: sub(argNodes[0]!), at };
    if ((name === 'to_be' || name === 'swap_bytes') && argNodes.length === 1 && (bytes === 2 || bytes === 4)) {
      return { k: 'bswap', bits: bytes === 2 ? 16 : 32, arg: { k: 'cast', type: ownerType, arg: sub(argNodes[0]!), at }, hostOnly: name === 'to_be', at };
    }
    if ((name === 'to_le' || name === 'from_le') && argNodes.length === 1) return { k: 'cast', type: ownerType, arg: sub(argNodes[0]!), at };
  }
  if (name === 'size_of_val' && argNodes.length === 1) {
    const a = sub(argNodes[0]!);
    return { k: 'sizeof', of: { expr: a.k === 'addr' ? a.arg : a }, at };
  }
  if ((name === 'htonl' || name === 'htons') && argNodes.length === 1) {
    const bits = name === 'htonl' ? 32 : 16;
    return { k: 'bswap', bits, arg: { k: 'cast', type: { k: 'int', int: { bits, unsigned: true }, name: `u${bits}` }, arg: sub(argNodes[0]!), at }, hostOnly: true, at };
  }
  if (name === 'Some' && argNodes.length === 1) return sub(argNodes[0]!);
  // `ptr::from_ref(&v)`, `ptr::from_mut(&mut v)`: the reference as a raw pointer, the same object.
  if ((name === 'from_ref' || name === 'from_mut') && owner === 'ptr' && argNodes.length === 1) return sub(argNodes[0]!);
  return plainCall(n, name, fn, argNodes, cx, depth, at);
}

function plainCall(_n: Node, name: string, fn: Node, argNodes: Node[], cx: RustCx, depth: number, at: Origin): Expr {
  const call: FormCall = { callee: lowerExpr(fn, cx, depth + 1), lastName: name, args: argNodes.map((a) => typedOperation(lowerExpr(a, cx, depth + 1), cx)), at };
  return { k: 'call', call, at };
}

/**
 * An argument computed by arithmetic keeps its operands' type in Rust (no promotion): `u32::from(hi)
 * << 16 | u32::from(lo)` is a u32, so a generic `payload: T` binds T to u32 (size_of::<T>() is 4).
 */
function typedOperation(e: Expr, cx: RustCx): Expr {
  if (e.k !== 'binary') return e;
  const size = sizeOfRecv(e, cx);
  const t = size ? operandType(e, cx) : null;
  return t && t.k === 'int' && t.int.bits / 8 === size ? { k: 'cast', type: t, arg: e, at: e.at } : e;
}

/** The integer type an operand states (a cast or a suffixed literal), searched like sizeOfRecv. */
function operandType(e: Expr, cx: RustCx): FormType | null {
  if (e.k === 'cast') return e.type;
  if (e.k === 'name') return cx.nameType?.(e.name) ?? null;
  if (e.k === 'int' && e.type) return { k: 'int', int: e.type, name: `${e.type.unsigned ? 'u' : 'i'}${e.type.bits}` };
  if (e.k === 'binary') return e.op === '<<' || e.op === '>>' ? operandType(e.left, cx) : operandType(e.left, cx) ?? operandType(e.right, cx);
  return null;
}

/** Byte size of a receiver whose type its syntax tells (a cast, a suffixed literal). */
function sizeOfRecv(e: Expr, cx: RustCx): number | null {
  if (e.k === 'cast' && e.type.k === 'int') return e.type.int.bits / 8;
  if (e.k === 'int' && e.type) return e.type.bits / 8;
  if (e.k === 'name') {
    const t = cx.nameType?.(e.name);
    return t?.k === 'int' ? t.int.bits / 8 : null;
  }
  if (e.k === 'binary') return e.op === '<<' || e.op === '>>' ? sizeOfRecv(e.left, cx) : sizeOfRecv(e.left, cx) ?? sizeOfRecv(e.right, cx);
  return null;
}
