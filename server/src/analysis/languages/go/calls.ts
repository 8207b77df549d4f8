/**
 * Folding Go calls (conversions, binary.*Endian reads, htons-like helpers, project functions
 * followed through their return) and the halves the author meant.
 */
import type { Node } from 'web-tree-sitter';
import type { ByteOrder } from '../../callSite';
import { shiftOrParts, halvesOf, intendedFromHalves, intendedFromShiftOr, type ExprSyntax, type Intended } from '../../core/halves';
import { args, operand } from '../../core/tree';
import { bytesOf } from '../../core/numeric';
import { ev, evInt, mkInt } from './evaluate';
import { bindParams } from './index';
import { lookup, parseGoInt, typeOfNode } from './scope';
import { Ctx, GoVal, IntType, Scope, intType } from './values';

export function evCall(ctx: Ctx, n: Node, scope: Scope): GoVal | null {
  const fn = n.childForFieldName('function');
  const a = args(n.childForFieldName('arguments'));
  if (!fn) return null;
  const userFn = fn.type === 'identifier' ? lookup(ctx, fn.text, scope) : null;
  if (userFn?.kind === 'function') {
    const followed = followReturn(ctx, userFn.node, a, scope);
    if (!followed || ctx.visiting.has(userFn.node.id)) return null;
    ctx.visiting.add(userFn.node.id);
    try {
      const v = ev(ctx, followed.expr, followed.scope);
      return v && v.k === 'int' && followed.result ? mkInt(v.v, followed.result) : v;
    } finally {
      ctx.visiting.delete(userFn.node.id);
    }
  }
  // conversions: uint32(x), int(x), byte(x), string(b)
  if (fn.type === 'identifier' && lookup(ctx, fn.text, scope) === null) {
    const t = intType(fn.text);
    if (t && a.length === 1) {
      const v = evInt(ctx, a[0], scope);
      return v ? mkInt(v.v, t) : null;
    }
    if (fn.text === 'string' && a.length === 1) {
      const v = ev(ctx, a[0], scope);
      return v?.k === 'bytes' || v?.k === 'str' ? v : null;
    }
    if (fn.text === 'make' && a.length >= 2) {
      const len = evInt(ctx, a[1], scope);
      const elem = a[0].childForFieldName('element')?.text;
      if (a[0].type !== 'slice_type' || (elem !== 'byte' && elem !== 'uint8') || !len || len.v < 0n || len.v > 64n) return null;
      return { k: 'bytes', v: new Array<number>(Number(len.v)).fill(0), order: 'unknown', form: 'bytes', intended: null };
    }
    if (fn.text === 'len' && a.length === 1) {
      const v = ev(ctx, a[0], scope);
      if (v?.k === 'bytes') return { k: 'int', v: BigInt(v.v.length), t: 'int' };
      if (v?.k === 'str') return { k: 'int', v: BigInt(v.v.length), t: 'int' };
      return null;
    }
  }
  // binary.LittleEndian.AppendUint32(nil, v) / AppendUint16(prefix, v)
  if (fn.type === 'selector_expression') {
    const field = fn.childForFieldName('field')?.text ?? '';
    const m = /^AppendUint(16|32|64)$/.exec(field);
    if (m && a.length === 2) {
      const endian = ev(ctx, fn.childForFieldName('operand'), scope);
      if (endian?.k !== 'endian') return null;
      const prefix = ev(ctx, a[0], scope);
      const v = evInt(ctx, a[1], scope);
      if (prefix?.k !== 'bytes') return null;
      const size = Number(m[1]) / 8;
      const order = endian.order === 'host' ? ctx.host : endian.order;
      const add: (number | null)[] = v ? bytesOf(v.v, size, order) : new Array<number | null>(size).fill(null);
      const byteOrder: ByteOrder = endian.order === 'host' ? 'host' : endian.order;
      const valueNode = stripConv(a[1]);
      let intended: Intended | null = null;
      let half: { v: bigint | null; text: string } | undefined;
      if (prefix.v.length === 0 && size === 4) intended = intendedOf(ctx, a[1], scope);
      if (prefix.v.length === 0 && size === 2) half = { v: evInt(ctx, valueNode, scope)?.v ?? null, text: valueNode.text };
      if (prefix.v.length === 2 && size === 2 && prefix.half) {
        intended = intendedFromHalves(valueNode.text, evInt(ctx, valueNode, scope)?.v ?? null, prefix.half.text, prefix.half.v);
      }
      return { k: 'bytes', v: [...prefix.v, ...add], order: prefix.v.length ? (prefix.order === byteOrder ? byteOrder : 'unknown') : byteOrder, form: `AppendUint${m[1]}`, intended, half };
    }
  }
  return null;
}

/**
 * One level of helper: `func f(lo, hi uint16) uint32 { return <expr> }` called with
 * arguments: the returned expression in a scope where the parameters are the arguments.
 */
function followReturn(ctx: Ctx, fn: Node, callArgs: Node[], callerScope: Scope): { expr: Node; scope: Scope; result: IntType | null } | null {
  const body = fn.childForFieldName('body');
  const stmts = args(body?.namedChildren.find((c) => c?.type === 'statement_list') ?? body);
  if (stmts.length !== 1 || stmts[0].type !== 'return_statement') return null;
  const list = args(stmts[0]);
  const exprs = list[0]?.type === 'expression_list' ? args(list[0]) : list;
  if (exprs.length !== 1) return null;
  const bound = bindParams(ctx, fn, callArgs, callerScope);
  if (!bound) return null;
  return { expr: exprs[0], scope: bound.scope, result: typeOfNode(fn.childForFieldName('result')) };
}

// ---------------------------------------------------------------- intended halves

export function stripConv(n: Node): Node {
  let cur = n;
  for (let i = 0; i < 20; i++) {
    if (cur.type === 'parenthesized_expression' && args(cur)[0]) { cur = args(cur)[0]; continue; }
    if (cur.type === 'call_expression') {
      const f = cur.childForFieldName('function');
      const a = args(cur.childForFieldName('arguments'));
      if (f?.type === 'identifier' && intType(f.text) && a.length === 1) { cur = a[0]; continue; }
    }
    break;
  }
  return cur;
}

/** Go's expression shapes for the packing heuristics (conversions and parentheses stripped). */
const GO_SYNTAX: ExprSyntax = { binary: 'binary_expression', intLiteral: 'int_literal', parseInt: (t) => parseGoInt(t), strip: (n) => stripConv(n) };

/** Halves the author meant for an integer expression (see fold.intendedFromHalves). */
export function intendedOf(ctx: Ctx, node: Node, scope: Scope, depth = 0): Intended {
  const n = stripConv(node);
  if (n.type === 'identifier' && depth < 8) {
    const b = lookup(ctx, n.text, scope);
    if (b?.kind === 'expr') return intendedOf(ctx, b.node, b.scope, depth + 1);
  }
  if (n.type === 'call_expression' && depth < 8) {
    const f = n.childForFieldName('function');
    const b = f?.type === 'identifier' ? lookup(ctx, f.text, scope) : null;
    if (b?.kind === 'function') {
      const followed = followReturn(ctx, b.node, args(n.childForFieldName('arguments')), scope);
      if (followed) return intendedOf(ctx, followed.expr, followed.scope, depth + 1);
    }
  }
  const parts = shiftOrParts(n, GO_SYNTAX);
  if (parts) {
    const u = stripConv(parts.upper);
    const lo = stripConv(parts.lower);
    return intendedFromShiftOr(u.text, evInt(ctx, u, scope)?.v ?? null, lo.text, evInt(ctx, lo, scope)?.v ?? null);
  }
  return halvesOf(evInt(ctx, node, scope)?.v ?? null);
}
