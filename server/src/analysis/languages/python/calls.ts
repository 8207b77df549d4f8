/**
 * Folding Python calls: socket.htonl/htons, int.to_bytes, struct.pack, getattr, bytes(),
 * project functions followed through their return, and the halves the author meant.
 */
import type { Node } from 'web-tree-sitter';
import type { ByteOrder } from '../../callSite';
import { shiftOrParts, shiftedBy16, halvesOf, intendedFromHalves, intendedFromShiftOr, type ExprSyntax, type Intended } from '../../core/halves';
import { args } from '../../core/tree';
import { bswap16, bswap32, bytesOf } from '../../core/numeric';
import { ev, evInt } from './evaluate';
import { bindParams } from './index';
import { Ctx, hasSplat, keyword, lookup, positional } from './scope';
import { parseStructFormat } from './structFormat';
import { CTYPES_SIZE, HOST_ORDER, Half, PY_SOCKET, PyVal, Scope, isInt, parsePyInt } from './values';

export function evCall(ctx: Ctx, n: Node, scope: Scope): PyVal | null {
  const fnNode = n.childForFieldName('function');
  const argList = args(n.childForFieldName('arguments'));
  if (!fnNode || hasSplat(argList)) return null;
  const pos = positional(argList);
  // value.to_bytes(length, byteorder) / int.to_bytes(value, length, byteorder)
  if (fnNode.type === 'attribute' && fnNode.childForFieldName('attribute')?.text === 'to_bytes') {
    const objNode = fnNode.childForFieldName('object');
    const obj = ev(ctx, objNode, scope);
    let valNode: Node | null;
    let rest: Node[];
    if (obj?.k === 'module' && obj.name === 'int') {
      valNode = pos[0] ?? null;
      rest = pos.slice(1);
    } else {
      valNode = objNode;
      rest = pos;
    }
    const value = valNode ? ev(ctx, valNode, scope) : null;
    const lenNode = rest[0] ?? keyword(argList, 'length');
    const length = lenNode ? evInt(ctx, lenNode, scope) : 1n; // Python 3.11+: length defaults to 1
    const orderNode = rest[1] ?? keyword(argList, 'byteorder');
    const orderV = orderNode ? ev(ctx, orderNode, scope) : { k: 'str' as const, v: 'big' }; // 3.11+ default "big"
    if (length === null || length < 0n || length > 64n) return null;
    const native = orderV?.k === 'str' && orderV.v === HOST_ORDER;
    const order = native ? ctx.host : orderV?.k === 'str' && (orderV.v === 'little' || orderV.v === 'big') ? orderV.v : null;
    const len = Number(length);
    const intended = valNode ? intendedOf(ctx, valNode, scope) : null;
    if (!order) return { k: 'bytes', v: null, len, order: 'unknown', form: 'to_bytes', intended };
    return {
      k: 'bytes',
      v: isInt(value) ? bytesOf(value.v, len, order) : null,
      len,
      order: native ? 'host' : order,
      form: isInt(value) && value.net === 'htonl' ? 'htonl' : 'to_bytes',
      intended,
    };
  }
  const userFn = fnNode.type === 'identifier' ? lookup(fnNode.text, scope) : null;
  if (userFn?.kind === 'function') {
    const followed = followReturn(ctx, userFn.node, fnNode, argList, scope);
    if (!followed || ctx.visiting.has(userFn.node.id)) return null;
    ctx.visiting.add(userFn.node.id);
    try {
      return ev(ctx, followed.expr, followed.scope);
    } finally {
      ctx.visiting.delete(userFn.node.id);
    }
  }
  const fn = ev(ctx, fnNode, scope);
  if (fnNode.type === 'identifier' && lookup(fnNode.text, scope) === null) {
    // builtins (only when not shadowed)
    switch (fnNode.text) {
      case 'getattr': return evGetattr(ctx, pos, scope);
      case 'int': {
        const v = pos[0] ? ev(ctx, pos[0], scope) : null;
        return isInt(v) ? v : null;
      }
      case 'len': {
        const v = pos[0] ? ev(ctx, pos[0], scope) : null;
        if (v?.k === 'bytes') return { k: 'int', v: BigInt(v.len) };
        if (v?.k === 'str') return { k: 'int', v: BigInt(v.v.length) };
        return null;
      }
      case 'bytes':
      case 'bytearray': {
        const v = pos[0] ? ev(ctx, pos[0], scope) : null;
        if (isInt(v) && v.v >= 0n && v.v <= 64n) {
          const z = new Array<number>(Number(v.v)).fill(0);
          return { k: 'bytes', v: z, len: z.length, order: 'unknown', form: 'bytes', intended: null };
        }
        if (v?.k === 'tuple' && v.items.length <= 64) {
          const out: number[] = [];
          for (const it of v.items) {
            if (!isInt(it) || it.v < 0n || it.v > 255n) return null;
            out.push(Number(it.v));
          }
          return { k: 'bytes', v: out, len: out.length, order: 'unknown', form: 'bytes', intended: null };
        }
        if (v?.k === 'bytes') return v;
        return null;
      }
    }
  }
  // ctypes scalars expose the buffer protocol: setsockopt passes their bytes (host order).
  if (fnNode.type === 'attribute' && fnNode.childForFieldName('object')?.text === 'ctypes') {
    const size = CTYPES_SIZE[fnNode.childForFieldName('attribute')?.text ?? ''];
    if (!size) return null;
    const v = pos[0] ? ev(ctx, pos[0], scope) : { k: 'int' as const, v: 0n };
    return {
      k: 'bytes',
      v: isInt(v) ? bytesOf(v.v, size, ctx.host) : null,
      len: size,
      order: isInt(v) && v.net ? 'network' : 'host',
      form: 'ctypes',
      intended: pos[0] ? intendedOf(ctx, pos[0], scope) : null,
    };
  }
  if (fn?.k !== 'module') return null;
  switch (fn.name) {
    case 'int': {
      const v = pos[0] ? ev(ctx, pos[0], scope) : null;
      return isInt(v) ? v : null;
    }
    case 'socket.htonl':
    case 'socket.htons': {
      const v = pos[0] ? evInt(ctx, pos[0], scope) : null;
      if (v === null) return null;
      const bits = fn.name === 'socket.htonl' ? 32 : 16;
      if (v < 0n || v >= 1n << BigInt(bits)) return null; // OverflowError
      const swapped = ctx.host === 'big' ? v : bits === 32 ? bswap32(v) : bswap16(v);
      return { k: 'int', v: swapped, net: fn.name === 'socket.htonl' ? 'htonl' : 'htons' };
    }
    case 'struct.pack':
      return evStructPack(ctx, pos, scope);
    default:
      return null;
  }
}

/**
 * One level of helper: `def f(lo, hi): return <expr>` (an optional docstring first) called
 * with arguments: the returned expression in a scope where the parameters are the arguments.
 */
function followReturn(ctx: Ctx, fn: Node, callee: Node, callArgs: Node[], callerScope: Scope): { expr: Node; scope: Scope } | null {
  const body = args(fn.childForFieldName('body'));
  const stmts = body.filter((st, i) => !(i === 0 && st.type === 'expression_statement' && args(st)[0]?.type === 'string'));
  if (stmts.length !== 1 || stmts[0].type !== 'return_statement') return null;
  const expr = args(stmts[0])[0];
  if (!expr) return null;
  const bound = bindParams(ctx, fn, callee, callArgs, callerScope);
  return bound ? { expr, scope: bound.scope } : null;
}

function evGetattr(ctx: Ctx, pos: Node[], scope: Scope): PyVal | null {
  if (pos.length < 2) return null;
  const obj = ev(ctx, pos[0], scope);
  const name = ev(ctx, pos[1], scope);
  if (obj?.k !== 'module' || obj.name !== 'socket' || name?.k !== 'str') return null;
  if (name.v in PY_SOCKET) return { k: 'int', v: BigInt(PY_SOCKET[name.v]) };
  // Attribute absent from CPython's socket module (IP_LOCAL_PORT_RANGE on every version): the default.
  return pos[2] ? ev(ctx, pos[2], scope) : null;
}

function evStructPack(ctx: Ctx, pos: Node[], scope: Scope): PyVal | null {
  const fmtV = pos[0] ? ev(ctx, pos[0], scope) : null;
  if (fmtV?.k !== 'str') return null;
  const layout = parseStructFormat(fmtV.v);
  if (!layout || layout.items.length !== pos.length - 1) return null;
  const order = layout.order === '@' || layout.order === '=' ? ctx.host : layout.order === '<' ? 'little' : 'big';
  const byteOrder: ByteOrder = layout.order === '@' || layout.order === '=' ? 'host' : layout.order === '<' ? 'little' : layout.order === '>' ? 'big' : 'network';
  const bytes: number[] = new Array<number>(layout.size).fill(0);
  let known = true;
  let net: 'htonl' | 'htons' | undefined;
  const halves: Half[] = [];
  let rangeError = false;
  layout.items.forEach((it, i) => {
    const v = ev(ctx, pos[i + 1], scope);
    if (!isInt(v)) {
      known = false;
      halves.push({ v: null, text: pos[i + 1].text });
      return;
    }
    net = net ?? v.net;
    halves.push({ v: intendedHalfValue(ctx, pos[i + 1], scope) ?? v.v, text: pos[i + 1].text });
    // Out-of-range values raise struct.error ("argument out of range"): the form says so; the
    // recorded bytes are the wrapped value and intendedLo/intendedHi keep the author's numbers.
    const bits = BigInt(it.size * 8);
    const min = it.signed ? -(1n << (bits - 1n)) : 0n;
    const max = it.signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
    if (v.v < min || v.v > max) rangeError = true;
    const bs = bytesOf(v.v, it.size, order);
    bs.forEach((b, j) => { bytes[it.offset + j] = b; });
  });
  let intended: Intended | null = null;
  const twoHalves = layout.items.length === 2 && layout.items.every((it) => it.size === 2);
  if (twoHalves) intended = intendedFromHalves(halves[1].text, halves[1].v, halves[0].text, halves[0].v);
  else if (layout.items.length === 1) intended = intendedOf(ctx, pos[1], scope);
  const netOrder: ByteOrder = net && byteOrder === 'host' ? 'network' : byteOrder;
  return {
    k: 'bytes',
    v: known ? bytes : null,
    len: layout.size,
    order: netOrder,
    form: rangeError ? 'struct.pack-range-error' : net === 'htonl' ? 'htonl' : 'struct.pack',
    intended,
    halves: layout.items.length === 1 && layout.items[0].size === 2 ? halves : undefined,
  };
}

/** A half's value as the author meant it: htons(x) -> x. */
function intendedHalfValue(ctx: Ctx, n: Node, scope: Scope): bigint | null {
  const inner = stripNet(n);
  return inner.id === n.id ? null : evInt(ctx, inner, scope);
}

/** Strip parentheses, int(...), socket.htonl/htons/ntohl/ntohs(...) around an expression. */
function stripNet(n: Node): Node {
  let cur = n;
  for (let i = 0; i < 20; i++) {
    if (cur.type === 'parenthesized_expression' && args(cur)[0]) {
      cur = args(cur)[0];
      continue;
    }
    if (cur.type === 'call') {
      const f = cur.childForFieldName('function');
      const a = positional(args(cur.childForFieldName('arguments')));
      const name = f?.type === 'attribute' ? f.childForFieldName('attribute')?.text : f?.text;
      if (a.length === 1 && name && ['int', 'htonl', 'htons', 'ntohl', 'ntohs'].includes(name)) {
        cur = a[0];
        continue;
      }
    }
    break;
  }
  return cur;
}

/**
 * The halves the author meant for an integer expression: `A << 16 | B`, `B | A << 16`,
 * `A << 16 + B`, `A * 65536 + B` (through names assigned once); otherwise the value's halves.
 */
export function intendedOf(ctx: Ctx, node: Node, scope: Scope, depth = 0): Intended {
  let n = stripNet(node);
  let s = scope;
  if (n.type === 'identifier' && depth < 8) {
    const b = lookup(n.text, s);
    if (b?.kind === 'expr') return intendedOf(ctx, b.node, b.scope, depth + 1);
  }
  if (n.type === 'call' && depth < 8) {
    const f = n.childForFieldName('function');
    const b = f?.type === 'identifier' ? lookup(f.text, s) : null;
    if (b?.kind === 'function' && f) {
      const followed = followReturn(ctx, b.node, f, args(n.childForFieldName('arguments')), s);
      if (followed) return intendedOf(ctx, followed.expr, followed.scope, depth + 1);
    }
  }
  const parts = shiftOrParts(n, PY_SYNTAX);
  if (parts) {
    const uNode = stripNet(parts.upper);
    const lNode = stripNet(parts.lower);
    const swappedBytes = /\b(hton|ntoh)[ls]\b/.test(parts.upper.text) || /\b(hton|ntoh)[ls]\b/.test(parts.lower.text);
    return intendedFromShiftOr(uNode.text, evInt(ctx, uNode, s), lNode.text, evInt(ctx, lNode, s), swappedBytes);
  }
  const upperOnly = n.type === 'binary_operator' ? shiftedBy16(n, PY_SYNTAX) : null;
  if (upperOnly) {
    const uNode = stripNet(upperOnly);
    return intendedFromHalves(uNode.text, evInt(ctx, uNode, s), '', 0n);
  }
  n = node;
  return halvesOf(evInt(ctx, n, s));
}

/** Python's expression shapes for the packing heuristics (parentheses stripped). */
const PY_SYNTAX: ExprSyntax = {
  binary: 'binary_operator',
  intLiteral: 'integer',
  parseInt: (t) => parsePyInt(t),
  strip: (n) => {
    let cur = n;
    while (cur.type === 'parenthesized_expression' && args(cur)[0]) cur = args(cur)[0];
    return cur;
  },
};
