/**
 * Go expressions → the common form's Expr. Untyped constants stay untyped (exact), typed
 * conversions `uint32(x)` wrap, strings are their bytes, `make([]byte, 4)` / `[]byte{...}` /
 * `var b [4]byte` are byte values, `append` and `binary.*Endian.AppendUint16/32` concatenate,
 * `binary.*Endian.Uint16/32/64(b)` read bytes back, `len(b)` is the byte count, `iota` is the
 * index of its const spec. Anything else is `opaque`: unknown, never guessed.
 */
import type { Node } from 'web-tree-sitter';
import { cFamilyBinary, originOf } from '../../core/build';
import type { Expr, FormCall, FormType, Origin } from '../../core/form';
import { parseIntLiteral } from '../../core/numeric';
import { endianOf, type GoPackage } from './packages';
import { goInt, lowerType, U8 } from './types';
import { goString, textOf } from './strings';

export interface GoCx {
  /** The file's text (callee names are read from it without crossing into the tree). */
  text: string;
  imports: ReadonlyMap<string, GoPackage>;
  named: ReadonlyMap<string, FormType>;
  /** Budget of nodes: hostile nesting ends in opaque. */
  steps: number;
  /** The index of the const spec being lowered (iota). */
  iota?: number;
}

const MAX_DEPTH = 150;
const MAX_BYTES = 64;

export function kids(n: Node | null): Node[] {
  return (n?.namedChildren ?? []).filter((c): c is Node => c !== null && c.type !== 'comment');
}

const CALLEE = /^(?:[A-Za-z_]\w*\s*\.\s*)*([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)?\(/;

/** The last name of the callee of the call starting at `start` (`SetsockoptInt` in unix.SetsockoptInt(...)). */
export function calleeAt(text: string, start: number): string | null {
  return CALLEE.exec(text.slice(start, start + 160))?.[1] ?? null;
}

/** The package a selector's operand names (`unix` in unix.SOL_IP), if any. */
export function packageOf(n: Node | null, cx: GoCx): GoPackage | null {
  return n?.type === 'identifier' ? cx.imports.get(n.text) ?? null : null;
}

/** binary.BigEndian etc.: the byte order, when `n` is one. */
export function endianNode(n: Node | null, cx: GoCx): 'big' | 'little' | 'host' | null {
  if (n?.type !== 'selector_expression' || packageOf(n.childForFieldName('operand'), cx) !== 'binary') return null;
  return endianOf(n.childForFieldName('field')?.text ?? '');
}

const opaque = (at: Origin): Expr => ({ k: 'opaque', at });

export function lowerExpr(n: Node | null, cx: GoCx, depth = 0): Expr {
  if (!n) return opaque({ start: 0, end: 0, span: { line: 0, column: 0, endLine: 0, endColumn: 0 }, text: '' });
  const at = originOf(n);
  if (--cx.steps < 0 || depth > MAX_DEPTH) return opaque(at);
  const sub = (c: Node | null) => lowerExpr(c, cx, depth + 1);
  switch (n.type) {
    case 'int_literal': {
      const f = parseIntLiteral(n.text, 'go');
      return f && f.value !== null ? { k: 'int', value: f.value, type: null, at } : opaque(at);
    }
    case 'rune_literal': {
      const s = goString(n.text.slice(1, -1), false);
      return s && s.length >= 1 ? { k: 'int', value: BigInt(s.length === 1 ? s[0]! : runeOf(s)), type: null, at } : opaque(at);
    }
    case 'interpreted_string_literal':
    case 'raw_string_literal': {
      const bytes = n.type === 'raw_string_literal' ? [...new TextEncoder().encode(n.text.slice(1, -1))] : goString(n.text.slice(1, -1), true);
      return bytes ? { k: 'byteLit', bytes, at } : opaque(at);
    }
    case 'nil':
      return { k: 'byteLit', bytes: [], at };
    case 'iota':
      return cx.iota === undefined ? opaque(at) : { k: 'int', value: BigInt(cx.iota), type: null, at };
    case 'identifier':
      return { k: 'name', name: n.text, at };
    case 'selector_expression': {
      const operand = n.childForFieldName('operand');
      const field = n.childForFieldName('field')?.text ?? '';
      const pkg = packageOf(operand, cx);
      if (pkg === 'unix' || pkg === 'syscall') return { k: 'name', name: `${pkg}.${field}`, at };
      if (pkg) return { k: 'name', name: `${operand!.text}.${field}`, at };
      return { k: 'member', object: sub(operand), field, at };
    }
    case 'parenthesized_expression':
      return sub(kids(n)[0] ?? null);
    case 'unary_expression': {
      const op = n.childForFieldName('operator')?.text;
      const arg = sub(n.childForFieldName('operand'));
      if (op === '-' || op === '+') return { k: 'unary', op, arg, at };
      if (op === '^') return { k: 'unary', op: '~', arg, at };
      if (op === '&') return { k: 'addr', arg, at };
      if (op === '*') return { k: 'deref', arg, at };
      return opaque(at);
    }
    case 'binary_expression': {
      const op = n.childForFieldName('operator')?.text ?? '';
      const left = sub(n.childForFieldName('left'));
      const right = sub(n.childForFieldName('right'));
      return op === '&^' ? { k: 'binary', op, left, right, at } : cFamilyBinary(op, left, right, at);
    }
    case 'type_conversion_expression': {
      const t = lowerType(n.childForFieldName('type'), cx.named);
      const arg = sub(n.childForFieldName('operand'));
      return t?.k === 'int' ? { k: 'cast', type: t, arg, at } : arg;
    }
    case 'slice_expression': {
      // b[:] and b[0:] are b; other slices as values are not followed.
      const start = n.childForFieldName('start');
      return !start || start.text === '0' ? sub(n.childForFieldName('operand')) : opaque(at);
    }
    case 'index_expression':
      return { k: 'index', object: sub(n.childForFieldName('operand')), index: sub(n.childForFieldName('index')), at };
    case 'composite_literal':
      return composite(n, lowerType(n.childForFieldName('type'), cx.named), cx, depth);
    case 'call_expression':
      return call(n, cx, depth, at);
    default:
      return opaque(at);
  }
}

function runeOf(bytes: number[]): number {
  return textOf(bytes).codePointAt(0) ?? 0;
}

/** One byte of a []byte literal or an append: its value as a 1-byte encoding. */
function byteOf(e: Expr): Expr {
  return { k: 'encode', value: { k: 'cast', type: U8, arg: e, at: e.at }, size: 1, order: 'little', at: e.at };
}

/** A composite literal of a known type: bytes, an array/slice, a struct (fields in declared order). */
function composite(n: Node, type: FormType | null, cx: GoCx, depth: number): Expr {
  const at = originOf(n);
  const elems = kids(n.childForFieldName('body') ?? (n.type === 'literal_value' ? n : null));
  const valueOf = (el: Node, t: FormType | null): Expr => {
    const inner = el.type === 'literal_element' ? kids(el)[0] ?? null : el;
    if (inner?.type === 'literal_value') return composite(inner, t, cx, depth + 1);
    return lowerExpr(inner, cx, depth + 1);
  };
  if (type?.k === 'bytes') {
    if (elems.length > MAX_BYTES || elems.some((e) => e.type === 'keyed_element')) return opaque(at);
    const items = elems.map((e) => valueOf(e, U8));
    const size = type.size ?? items.length;
    if (size > MAX_BYTES) return opaque(at);
    if (items.every((i) => i.k === 'int')) {
      const bytes = items.map((i) => Number((i as { value: bigint }).value & 0xffn));
      return { k: 'byteLit', bytes: [...bytes, ...new Array<number>(Math.max(0, size - bytes.length)).fill(0)], at };
    }
    const pad: Expr[] = size > items.length ? [{ k: 'byteLit', bytes: new Array<number>(size - items.length).fill(0), at }] : [];
    return { k: 'concat', parts: [...items.map(byteOf), ...pad], at };
  }
  if (type?.k === 'struct') {
    const items = elems.map((e, i) => {
      if (e.type !== 'keyed_element') return { field: type.fields[i]?.name, value: valueOf(e, type.fields[i]?.type ?? null) };
      const [k, v] = [e.childForFieldName('key') ?? kids(e)[0], e.childForFieldName('value') ?? kids(e)[1]];
      const field = k?.text ?? '';
      return { field, value: v ? valueOf(v, type.fields.find((f) => f.name === field)?.type ?? null) : opaque(at) };
    });
    if (items.every((it) => type.fields.some((f) => f.name === it.field))) {
      items.sort((a, b) => type.fields.findIndex((f) => f.name === a.field) - type.fields.findIndex((f) => f.name === b.field));
      return { k: 'init', type, items, at };
    }
    return { k: 'init', type: { k: 'unknown', name: type.name }, items, at };
  }
  if (type?.k === 'array') {
    if (elems.some((e) => e.type === 'keyed_element') || elems.length > 4096) return opaque(at);
    const t: FormType = type.count === null ? { ...type, count: elems.length } : type;
    return { k: 'init', type: t, items: elems.map((e) => ({ value: valueOf(e, type.elem) })), at };
  }
  // net.Dialer{...}, unix.SockaddrInet4{...}: kept keyed for the socket context, values unknown.
  const items = elems.map((e) => ({ field: e.type === 'keyed_element' ? (e.childForFieldName('key') ?? kids(e)[0])?.text : undefined, value: opaque(originOf(e)) }));
  return { k: 'init', type: type ?? { k: 'unknown', name: '?' }, items, at };
}

function call(n: Node, cx: GoCx, depth: number, at: Origin): Expr {
  const sub = (c: Node | null) => lowerExpr(c, cx, depth + 1);
  const fn = n.childForFieldName('function');
  const args = kids(n.childForFieldName('arguments'));
  if (!fn) return opaque(at);
  if (fn.type === 'identifier') {
    const t = goInt(fn.text) ?? (cx.named.get(fn.text)?.k === 'int' ? cx.named.get(fn.text)! : null);
    if (t && args.length === 1) return { k: 'cast', type: t, arg: sub(args[0]!), at };
    if (fn.text === 'string' && args.length === 1) return sub(args[0]!);
    if (fn.text === 'len' && args.length === 1) return { k: 'len', of: sub(args[0]!), at };
    if (fn.text === 'make' && args.length >= 2) {
      const t2 = lowerType(args[0]!, cx.named);
      const len = parseIntLiteral(args[1]!.text, 'go')?.value ?? null;
      return t2?.k === 'bytes' && len !== null && len <= BigInt(MAX_BYTES) ? { k: 'byteLit', bytes: new Array<number>(Number(len)).fill(0), at } : opaque(at);
    }
    if (fn.text === 'append' && args.length >= 1) {
      const rest = args.slice(1).map((a) => (a.type === 'variadic_argument' ? sub(kids(a)[0] ?? null) : byteOf(sub(a))));
      return { k: 'concat', parts: [sub(args[0]!), ...rest], at };
    }
  }
  if (fn.type === 'selector_expression') {
    const operand = fn.childForFieldName('operand');
    const field = fn.childForFieldName('field')?.text ?? '';
    const order = endianNode(operand, cx);
    const m = /^(Append)?Uint(16|32|64)$/.exec(field);
    if (order && m) {
      const size = Number(m[2]) / 8;
      if (m[1] && args.length === 2) return { k: 'concat', parts: [sub(args[0]!), { k: 'encode', value: sub(args[1]!), size, order, at }], at };
      if (!m[1] && args.length === 1) return { k: 'decode', bytes: sub(args[0]!), size, order, at };
    }
    if (packageOf(operand, cx) === 'unsafe' && field === 'Sizeof' && args.length === 1) return { k: 'sizeof', of: { expr: sub(args[0]!) }, at };
    // unsafe.Pointer(&v): the pointer itself (the raw Syscall6(SYS_SETSOCKOPT, ...) wrappers' optval).
    if (packageOf(operand, cx) === 'unsafe' && field === 'Pointer' && args.length === 1) return sub(args[0]!);
    const pkg = packageOf(operand, cx);
    const c: FormCall = { callee: sub(fn), lastName: field, args: args.map(sub), at };
    if (!pkg) c.receiver = sub(operand);
    return { k: 'call', call: c, at };
  }
  const c: FormCall = { callee: sub(fn), lastName: fn.type === 'identifier' ? fn.text : '', args: args.map(sub), at };
  return { k: 'call', call: c, at };
}
