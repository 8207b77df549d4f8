/**
 * C++ expressions → the common form's Expr: literals (C rules: suffixes, the first type that
 * fits), names qualified through namespaces and namespace aliases (`o::kLo` → net.opts.kLo,
 * `Ports::lo` → Ports.lo), C casts, static_cast/reinterpret_cast, functional casts
 * `std::uint32_t(x)` and `std::uint32_t{x}`, sizeof (parenthesised or not), `&x`/`*p`,
 * std::bit_cast, htonl/htons, `arr.data()`, initialiser lists, `?:`, calls and method calls.
 */
import type { Node } from 'web-tree-sitter';
import { cFamilyBinary, originOf } from '../../core/build';
import { parseIntLiteral } from '../../core/numeric';
import type { Expr, FormCall, FormType } from '../../core/form';
import { intNamed, lowerType, typeName, type TypeEnv } from './types';

export interface CppCx extends TypeEnv {
  /** Namespace aliases: o → net.opts. */
  nsAliases: ReadonlyMap<string, string>;
  steps: number;
  /** The grammar: C files lower through the same rules (tree-sitter-c's nodes are nearly a subset). */
  lang?: 'c' | 'cpp';
}

/** Byte-swapping calls of the C family (libc, glibc, the kernel's and BSD spellings). */
export const BYTE_SWAP16 = /^(htons|ntohs|__builtin_bswap16|bswap_16|__bswap_16|cpu_to_be16|be16_to_cpu|htobe16|be16toh|sys_cpu_to_be16)$/;
export const BYTE_SWAP32 = /^(htonl|ntohl|__builtin_bswap32|bswap_32|__bswap_32|cpu_to_be32|be32_to_cpu|htobe32|be32toh|sys_cpu_to_be32)$/;

const U8: FormType = { k: 'int', int: { bits: 8, unsigned: true }, name: 'uint8_t' };

/** A qualified name as a member path: `::setsockopt` → setsockopt, `o::kLo` → net.opts.kLo. */
export function qualified(text: string, nsAliases: ReadonlyMap<string, string>): string {
  const segs = text.replace(/\s+/g, '').replace(/<[^<>]*>/g, '').replace(/^::/, '').split('::').filter(Boolean);
  if (segs.length > 1 && nsAliases.has(segs[0]!)) segs.splice(0, 1, ...nsAliases.get(segs[0]!)!.split('.'));
  if (segs[0] === 'std' && segs.length === 2) segs.shift();
  return segs.join('.');
}

export function lowerExpr(n: Node | null, cx: CppCx, depth = 0): Expr {
  if (!n) return { k: 'opaque', at: { start: 0, end: 0, span: { line: 0, column: 0, endLine: 0, endColumn: 0 }, text: '' } };
  const at = originOf(n);
  if (--cx.steps < 0 || depth > 150) return { k: 'opaque', at };
  const sub = (c: Node | null | undefined) => lowerExpr(c ?? null, cx, depth + 1);
  const kids = () => n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  switch (n.type) {
    case 'number_literal': {
      const f = parseIntLiteral(n.text, cx.lang ?? 'cpp');
      return f && f.value !== null ? { k: 'int', value: f.value, type: f.type, at } : { k: 'opaque', at };
    }
    case 'char_literal': {
      const m = /^'([^\\'])'$/.exec(n.text);
      return m ? { k: 'int', value: BigInt(m[1]!.charCodeAt(0)), type: { bits: 32, unsigned: false }, at } : { k: 'opaque', at };
    }
    case 'comma_expression':
      return sub(n.childForFieldName('right'));
    case 'true':
    case 'false':
      return { k: 'int', value: n.type === 'true' ? 1n : 0n, type: { bits: 8, unsigned: true }, at };
    case 'identifier':
    case 'field_identifier':
      return { k: 'name', name: n.text, at };
    case 'this':
      return { k: 'name', name: 'this', at };
    case 'qualified_identifier':
      return { k: 'name', name: qualified(n.text, cx.nsAliases), at };
    case 'field_expression': {
      // this->fd_ and this.fd_ are the member fd_ of the enclosing class.
      const obj = n.childForFieldName('argument');
      const field = n.childForFieldName('field')?.text ?? '';
      if (obj?.type === 'this') return { k: 'name', name: field, at };
      return { k: 'member', object: sub(obj), field, at };
    }
    case 'parenthesized_expression':
      return sub(kids()[0]);
    case 'subscript_expression': {
      const idx = n.childForFieldName('index') ?? n.childForFieldName('indices')?.namedChildren.find((c) => c !== null) ?? null;
      return { k: 'index', object: sub(n.childForFieldName('argument')), index: sub(idx), at };
    }
    case 'binary_expression': {
      const op = n.childForFieldName('operator')?.text ?? '';
      return cFamilyBinary(op, sub(n.childForFieldName('left')), sub(n.childForFieldName('right')), at);
    }
    case 'unary_expression': {
      const op = n.childForFieldName('operator')?.text;
      const arg = sub(n.childForFieldName('argument'));
      return op === '-' || op === '~' || op === '+' || op === '!' ? { k: 'unary', op: op as '-', arg, at } : { k: 'opaque', at };
    }
    case 'pointer_expression': {
      const op = n.childForFieldName('operator')?.text;
      const arg = sub(n.childForFieldName('argument'));
      return op === '&' ? { k: 'addr', arg, at } : { k: 'deref', arg, at };
    }
    case 'cast_expression': {
      const t = lowerType(n.childForFieldName('type'), cx);
      const v = sub(n.childForFieldName('value'));
      return t && t.k === 'int' ? { k: 'cast', type: t, arg: v, at } : v;
    }
    case 'compound_literal_expression': {
      // std::uint32_t{x}, OptName{IP_LOCAL_PORT_RANGE}, Range{lo, hi}
      const t = lowerType(n.childForFieldName('type'), cx);
      const items = kids().find((c) => c.type === 'initializer_list')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
      if (t?.k === 'int' && items.length === 1) return { k: 'cast', type: t, arg: sub(items[0]), at };
      if (items.length === 1 && t?.k === 'unknown') return sub(items[0]); // an enum class value
      return { k: 'init', type: t, items: items.map((c) => initItem(c, sub)), at };
    }
    case 'initializer_list':
      return { k: 'init', type: null, items: kids().map((c) => initItem(c, sub)), at };
    case 'sizeof_expression': {
      const t = n.childForFieldName('type');
      if (t) {
        const ft = lowerType(t, cx);
        return ft ? { k: 'sizeof', of: { type: ft }, at } : { k: 'opaque', at };
      }
      let v = n.childForFieldName('value');
      while (v?.type === 'parenthesized_expression') v = v.namedChildren.find((c) => c !== null) ?? null;
      // sizeof(T) of a template parameter or a type name parses as an expression.
      if (v?.type === 'identifier' && (cx.typeParams.has(v.text) || intNamed(v.text) || cx.aliases.has(v.text))) {
        const t: FormType = cx.typeParams.has(v.text) ? { k: 'typeParam', name: v.text } : cx.aliases.get(v.text) ?? intNamed(v.text)!;
        return { k: 'sizeof', of: { type: t }, at };
      }
      return { k: 'sizeof', of: { expr: sub(v) }, at };
    }
    case 'conditional_expression':
      return { k: 'cond', test: sub(n.childForFieldName('condition')), then: sub(n.childForFieldName('consequence')), else: sub(n.childForFieldName('alternative')), at };
    case 'call_expression':
      return lowerCall(n, cx, depth, at);
    default:
      return { k: 'opaque', at };
  }
}

function lowerCall(n: Node, cx: CppCx, depth: number, at: ReturnType<typeof originOf>): Expr {
  const sub = (c: Node | null | undefined) => lowerExpr(c ?? null, cx, depth + 1);
  const fn = n.childForFieldName('function');
  const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((c): c is Node => c !== null && c.type !== 'comment');
  if (!fn) return { k: 'opaque', at };
  // static_cast<T>(x), std::bit_cast<T>(x): a template_function callee (maybe qualified).
  const tf = fn.type === 'template_function' ? fn : fn.type === 'qualified_identifier' && fn.childForFieldName('name')?.type === 'template_function' ? fn.childForFieldName('name') : null;
  if (tf) {
    const name = tf.childForFieldName('name')?.text ?? '';
    const targ = tf.childForFieldName('arguments')?.namedChildren.find((c) => c !== null) ?? null;
    const t = lowerType(targ, cx);
    if (/^(static_cast|reinterpret_cast|const_cast|narrow_cast)$/.test(name) && args.length === 1) {
      return t?.k === 'int' ? { k: 'cast', type: t, arg: sub(args[0]), at } : sub(args[0]);
    }
    if (name === 'bit_cast' && args.length === 1 && t?.k === 'int') {
      return { k: 'decode', bytes: sub(args[0]), size: t.int.bits / 8, order: 'host', at };
    }
    if (name === 'make_pair' && args.length === 2) {
      const targs = (tf.childForFieldName('arguments')?.namedChildren ?? []).filter((c): c is Node => c !== null).map((c) => lowerType(c, cx));
      return pairOf(targs[0]?.k === 'int' && targs[1]?.k === 'int' ? [targs[0], targs[1]] : null, args, sub, at);
    }
  }
  const path = fn.type === 'field_expression' ? null : qualified(fn.text, cx.nsAliases);
  const last = path ? path.split('.').pop()! : fn.childForFieldName('field')?.text ?? '';
  if (last === 'make_pair' && args.length === 2) return pairOf(null, args, sub, at);
  // Functional cast: std::uint32_t(x), unsigned(x).
  const asType = path && !cx.aliases.has(last) ? intNamed(typeName(fn.text)) : null;
  if (asType && args.length === 1) return { k: 'cast', type: asType, arg: sub(args[0]), at };
  if ((BYTE_SWAP16.test(last) || BYTE_SWAP32.test(last)) && args.length === 1) {
    const bits = BYTE_SWAP32.test(last) ? 32 : 16;
    return { k: 'bswap', bits, arg: { k: 'cast', type: { k: 'int', int: { bits, unsigned: true }, name: `uint${bits}_t` }, arg: sub(args[0]), at }, hostOnly: true, at };
  }
  if (fn.type === 'field_expression') {
    const recv = sub(fn.childForFieldName('argument'));
    if ((last === 'data' || last === 'begin') && args.length === 0) return { k: 'addr', arg: recv, at };
    if (last === 'size' && args.length === 0) return { k: 'opaque', at };
    const call: FormCall = { callee: sub(fn), lastName: last, receiver: recv, args: args.map(sub), at };
    return { k: 'call', call, at };
  }
  const call: FormCall = { callee: sub(fn), lastName: last, args: args.map(sub), at };
  return { k: 'call', call, at };
}

/** An initialiser item: `x`, or C's designated `.lo = x` (the field's name kept). */
function initItem(c: Node, sub: (c: Node | null) => Expr): { field?: string; value: Expr } {
  if (c.type !== 'initializer_pair') return { value: sub(c) };
  const d = c.childForFieldName('designator');
  const value = sub(c.childForFieldName('value'));
  return d?.type === 'field_designator' ? { field: d.text.replace(/^\./, ''), value } : { value };
}

export { U8 };

/** `std::make_pair(a, b)`: a pair literal, its items `first` and `second` (typed when the template arguments say). */
function pairOf(types: [FormType, FormType] | null, args: Node[], sub: (c: Node | null | undefined) => Expr, at: ReturnType<typeof originOf>): Expr {
  const type: FormType | null = types ? { k: 'struct', name: 'pair', fields: [{ name: 'first', type: types[0] }, { name: 'second', type: types[1] }] } : null;
  return { k: 'init', type, items: [{ field: 'first', value: sub(args[0]) }, { field: 'second', value: sub(args[1]) }], at };
}

