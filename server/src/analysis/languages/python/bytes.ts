/**
 * Calls that build bytes, as CPython runs them, in the common form: struct.pack (every
 * byte-order prefix, native sizes and alignment of LP64 Linux: structFormat.ts) as a
 * concatenation of encoded items and padding, int.to_bytes / x.to_bytes (length 1 and "big"
 * by default, sys.byteorder = host), ctypes scalars (their bytes in host order), bytes(n) and
 * bytes([..]). Each is tagged (PyTag) with what the site rules report: the form, the byte
 * order as written, the items. A format or length not known at lowering time is opaque.
 */
import type { Node } from 'web-tree-sitter';
import type { Endian, Expr, Origin } from '../../core/form';
import { CTYPES_SIZE, HOST_ORDER } from './constants';
import { intOf, opaque, strOf, type PyCx } from './expr';
import { parseStructFormat } from './structFormat';

type Sub = (c: Node | null) => Expr;

export function lowerStringLike(n: Node, fnNode: Node, q: string | null, last: string, pos: Node[], kw: (name: string) => Node | null, cx: PyCx, sub: Sub, at: Origin): Expr | null {
  if (q === 'struct.pack') return pack(pos, cx, sub, at);
  if (last === 'to_bytes' && fnNode.type === 'attribute') {
    const obj = fnNode.childForFieldName('object');
    const viaInt = obj?.type === 'identifier' && obj.text === 'int';
    const value = viaInt ? (pos[0] ? sub(pos[0]) : null) : sub(obj ?? null);
    const rest = viaInt ? pos.slice(1) : pos;
    return value ? toBytes(value, rest[0] ?? kw('length'), rest[1] ?? kw('byteorder'), cx, sub, at) : opaque(at);
  }
  if (q?.startsWith('ctypes.') && CTYPES_SIZE[q.slice(7)]) {
    const size = CTYPES_SIZE[q.slice(7)]!;
    const value = pos[0] ? sub(pos[0]) : null;
    const e: Expr = { k: 'encode', value: value ?? { k: 'int', value: 0n, type: null, at }, size, order: 'host', at };
    cx.tags.set(e, { k: 'ctypes', size, value });
    return e;
  }
  if (fnNode.type === 'identifier' && (fnNode.text === 'bytes' || fnNode.text === 'bytearray') && pos.length === 1) {
    const a = sub(pos[0]!);
    if (a.k === 'int' && a.value >= 0n && a.value <= 64n) return { k: 'byteLit', bytes: new Array<number>(Number(a.value)).fill(0), at };
    if (a.k === 'init' && a.items.length <= 64 && a.items.every((it) => it.value.k === 'int' && it.value.value >= 0n && it.value.value <= 255n)) {
      return { k: 'byteLit', bytes: a.items.map((it) => Number((it.value as { value: bigint }).value)), at };
    }
    return a.k === 'byteLit' ? a : opaque(at);
  }
  void n;
  return null;
}

function toBytes(value: Expr, lenNode: Node | null, orderNode: Node | null, cx: PyCx, sub: Sub, at: Origin): Expr {
  const length = lenNode ? intOf(sub(lenNode), cx) : 1n; // Python 3.11+: length defaults to 1
  if (length === null || length < 0n || length > 64n) return opaque(at);
  const o = orderNode ? strOf(sub(orderNode), cx) : 'big'; // 3.11+: "big" by default
  const size = Number(length);
  const order = o === HOST_ORDER ? 'host' : o === 'little' || o === 'big' ? o : 'unknown';
  const e: Expr = order === 'unknown' ? opaque(at) : { k: 'encode', value, size, order, at };
  cx.tags.set(e, { k: 'to_bytes', order, size, value });
  return e;
}

function pack(pos: Node[], cx: PyCx, sub: Sub, at: Origin): Expr {
  const fmt = pos[0] ? strOf(sub(pos[0]), cx) : null;
  const layout = fmt === null ? null : parseStructFormat(fmt);
  if (!layout || layout.items.length !== pos.length - 1) return opaque(at);
  const order: Endian = layout.order === '@' || layout.order === '=' ? 'host' : layout.order === '<' ? 'little' : 'big';
  const parts: Expr[] = [];
  const items: { value: Expr; size: number; signed: boolean }[] = [];
  let off = 0;
  const pad = (to: number) => {
    if (to > off) parts.push({ k: 'byteLit', bytes: new Array<number>(to - off).fill(0), at });
    off = Math.max(off, to);
  };
  layout.items.forEach((it, i) => {
    pad(it.offset);
    const value = sub(pos[i + 1]!);
    parts.push({ k: 'encode', value, size: it.size, order, signed: it.signed, at: value.at });
    items.push({ value, size: it.size, signed: it.signed });
    off = it.offset + it.size;
  });
  pad(layout.size);
  const e: Expr = { k: 'concat', parts, at };
  const label = layout.order === '@' || layout.order === '=' ? 'host' : layout.order === '<' ? 'little' : layout.order === '>' ? 'big' : 'network';
  cx.tags.set(e, { k: 'pack', order: label, size: layout.size, items });
  return e;
}
