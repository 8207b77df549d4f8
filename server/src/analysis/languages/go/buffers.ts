/**
 * Byte buffers built step by step (make, []byte{...}, PutUint16/PutUint32, Append*, index
 * stores) up to the use, as the kernel reads them.
 */
import type { Node } from 'web-tree-sitter';
import type { ByteOrder } from '../../callSite';
import { intendedFromHalves, type Intended } from '../../core/halves';
import { args, walk, operand } from '../../core/tree';
import { bytesOf, wrapBits } from '../../core/numeric';
import { stripConv } from './calls';
import { ev, evInt } from './evaluate';
import { lookup } from './scope';
import { Ctx, Scope, enclosingFunc, scopeOf } from './values';

// ---------------------------------------------------------------- byte buffers

/** The buffer variable behind `b`, `b[:]`, `b[0:]`, `string(b[:])`, and the offset it starts at. */
export function bufferRef(n: Node): { name: string; start: Node | null; node: Node } | null {
  let cur = n;
  while (cur.type === 'parenthesized_expression' && args(cur)[0]) cur = args(cur)[0];
  if (cur.type === 'identifier') return { name: cur.text, start: null, node: cur };
  if (cur.type === 'slice_expression') {
    const op = cur.childForFieldName('operand');
    if (op?.type === 'identifier') return { name: op.text, start: cur.childForFieldName('start'), node: op };
  }
  return null;
}

function insideLoopOrBranch(n: Node, stop: Node): boolean {
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent) {
    if (['for_statement', 'if_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement', 'func_literal'].includes(p.type)) {
      return !(stop.startIndex >= p.startIndex && stop.endIndex <= p.endIndex);
    }
  }
  return false;
}

export interface BufferResult {
  bytes: (number | null)[];
  order: ByteOrder;
  form: string;
  intended: Intended | null;
}

/**
 * Replay the writes to a byte buffer declared once in scope, up to the point of use:
 * binary.X.PutUint16/32/64(buf[off:], v), buf[i] = v. Any other use of the buffer
 * (passed elsewhere, copied into, reassigned) makes its content unknown.
 */
export function evalBuffer(ctx: Ctx, ref: { name: string; node: Node }, use: Node, scope: Scope): BufferResult | null {
  const b = lookup(ctx, ref.name, scope);
  if (b?.kind !== 'expr') return null;
  const init = ev(ctx, b.node, b.scope);
  if (init?.k !== 'bytes') return null;
  const bytes = [...init.v];
  const declFn = b.scope.fn;
  const region = declFn?.childForFieldName('body') ?? ctx.root;
  const orders = new Set<string>();
  const halves: { off: number; v: bigint | null; text: string; size: number }[] = [];
  let forms = new Set<string>();
  let unknown = false;
  const writes: Node[] = [];
  walk(region, (n) => {
    if (n.type !== 'identifier' || n.text !== ref.name) return;
    if (b.decl.startIndex <= n.startIndex && n.endIndex <= b.decl.endIndex) return; // the declaration
    if (lookup(ctx, ref.name, scopeOf(ctx, n)) !== b) return; // another variable of that name
    writes.push(n);
  }, []);
  writes.sort((x, y) => x.startIndex - y.startIndex);
  for (const occ of writes) {
    if (occ.startIndex >= use.startIndex && enclosingFunc(occ)?.id === enclosingFunc(use)?.id) break; // later code
    let p = occ.parent;
    if (!p) continue;
    if (p.type === 'slice_expression' || (p.type === 'parenthesized_expression')) p = p.parent ?? p;
    // string(buf) / len(buf) at the use site itself are reads
    if (use.startIndex <= occ.startIndex && occ.endIndex <= use.endIndex) continue;
    if (p.type === 'argument_list') {
      const call = p.parent;
      const f = call?.childForFieldName('function');
      const field = f?.type === 'selector_expression' ? f.childForFieldName('field')?.text ?? '' : '';
      const m = /^PutUint(16|32|64)$/.exec(field);
      const callArgs = args(p);
      if (f?.type === 'identifier' && (f.text === 'string' || f.text === 'len')) continue; // reads
      if (!m || callArgs.length !== 2 || !call) { unknown = true; continue; }
      const endian = ev(ctx, f!.childForFieldName('operand'), scope);
      const target = bufferRef(callArgs[0]);
      if (endian?.k !== 'endian' || !target) { unknown = true; continue; }
      const off = target.start ? evInt(ctx, target.start, scope) : { v: 0n };
      if (!off) { unknown = true; continue; }
      if (insideLoopOrBranch(call, use)) { unknown = true; continue; }
      const size = Number(m[1]) / 8;
      const v = evInt(ctx, callArgs[1], scopeOf(ctx, call));
      const o = Number(off.v);
      if (o < 0 || o + size > bytes.length) { unknown = true; continue; } // would panic
      const order = endian.order === 'host' ? ctx.host : endian.order;
      const bs: (number | null)[] = v ? bytesOf(v.v, size, order) : new Array<null>(size).fill(null);
      bs.forEach((x, j) => { bytes[o + j] = x; });
      orders.add(endian.order === 'host' ? 'host' : endian.order);
      forms.add(`PutUint${m[1]}`);
      const hv = stripConv(callArgs[1]);
      halves.push({ off: o, v: size === 2 ? evInt(ctx, hv, scopeOf(ctx, call))?.v ?? null : null, text: hv.text, size });
      if (size === 4) halves[halves.length - 1].v = null;
      continue;
    }
    if (p.type === 'index_expression' && p.parent?.type === 'expression_list' && p.parent.parent?.type === 'assignment_statement' &&
        p.parent.id === p.parent.parent.childForFieldName('left')?.id) {
      const stmt = p.parent.parent;
      const lefts = args(p.parent);
      const rights = args(stmt.childForFieldName('right'));
      const idx = evInt(ctx, p.childForFieldName('index'), scope);
      const opText = stmt.children.find((c) => c !== null && /=$/.test(c.type))?.type ?? '=';
      if (!idx || lefts.length !== rights.length || opText !== '=' || insideLoopOrBranch(stmt, use)) { unknown = true; continue; }
      const i = Number(idx.v);
      if (i < 0 || i >= bytes.length) { unknown = true; continue; }
      const v = evInt(ctx, rights[lefts.findIndex((l) => l.id === p!.id)], scopeOf(ctx, stmt));
      bytes[i] = v ? Number(wrapBits(v.v, 8, false)) : null;
      forms.add('bytes');
      continue;
    }
    if (p.type === 'index_expression') continue; // a read
    unknown = true;
  }
  if (unknown) return { bytes: bytes.map(() => null), order: 'unknown', form: [...forms][0] ?? init.form, intended: null };
  if (forms.size === 0) forms = new Set([init.form]);
  const order: ByteOrder = orders.size === 1 ? ([...orders][0] as ByteOrder) : orders.size === 0 ? init.order : 'unknown';
  let intended: Intended | null = null;
  const putHalf = halves.filter((h) => h.size === 2);
  if (putHalf.length === 2 && putHalf.some((h) => h.off === 0) && putHalf.some((h) => h.off === 2)) {
    const first = putHalf.find((h) => h.off === 0)!;
    const second = putHalf.find((h) => h.off === 2)!;
    intended = intendedFromHalves(second.text, second.v, first.text, first.v);
  }
  // (a single PutUint32: decodeValue reads the structure of its argument, see put32Intended)
  return { bytes, order, form: forms.size === 1 ? [...forms][0] : 'bytes', intended };
}
