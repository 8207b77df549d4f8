/**
 * Go's sockopt calls in the (fd, level, optname, optval, optlen) shape of core/sites.ts:
 * x/sys/unix and syscall pass a value, not a pointer and a length. SetsockoptInt(fd, l, o, v)
 * passes v as a 4-byte int in host order; SetsockoptString(fd, l, o, s) passes s's bytes with
 * optlen len(s) (as SetsockoptBytes); SetsockoptByte one byte; GetsockoptInt(fd, l, o) reads 4.
 * A package-local wrapper named like setsockopt with 4 arguments is the int form; with 5 it is
 * already the C shape, with 6 the C shape after a leading context argument.
 */
import type { Node } from 'web-tree-sitter';
import { originOf } from '../../core/build';
import type { Expr, FormCall, Origin } from '../../core/form';
import { kids, lowerExpr, packageOf, type GoCx } from './expr';

export type GoCallKind = 'int' | 'string' | 'byte' | 'get' | 'c';

export interface GoSockopt {
  call: FormCall;
  kind: GoCallKind;
  /** Where the value argument is written (`string(b)`, `40511<<16|40000`), for spans and fixes. */
  written: Origin | null;
  node: Node;
}

export function sockoptCall(n: Node, cx: GoCx): GoSockopt | null {
  const fn = n.childForFieldName('function');
  if (!fn) return null;
  const selector = fn.type === 'selector_expression';
  const method = selector ? fn.childForFieldName('field')?.text ?? '' : fn.text;
  const pkg = selector ? packageOf(fn.childForFieldName('operand'), cx) : null;
  const argNodes = kids(n.childForFieldName('arguments'));
  const args = argNodes.map((a) => lowerExpr(a, cx));
  const set = /^[A-Za-z0-9_]*[sS]etsockopt/.test(method);
  const at = originOf(n);
  if (args.length < 3 || (set && args.length < 4)) return null;
  const int = (v: number): Expr => ({ k: 'int', value: BigInt(v), type: null, at });
  const [fd, level, opt] = args as [Expr, Expr, Expr];
  const callee = lowerExpr(fn, cx);
  const lastName = set ? 'setsockopt' : 'getsockopt';
  const mk = (kind: GoCallKind, val: Expr, len: Expr): GoSockopt => ({
    call: { callee, lastName, args: [fd, level, opt, val, len], at }, kind, written: set ? originOf(argNodes[3]!) : null, node: n,
  });
  if (!pkg && args.length === 5) return { call: { callee, lastName, args, at }, kind: 'c', written: originOf(argNodes[3]!), node: n };
  // A wrapper with one leading context argument, (ctx, fd, level, opt, val, len): the C shape after it.
  if (!pkg && args.length === 6) return { call: { callee, lastName, args, at }, kind: 'c', written: originOf(argNodes[4]!), node: n };
  if (!set) return mk('get', { k: 'opaque', at }, int(4));
  if (/Int$/.test(method) || (!/String$|Byte$|Bytes$/.test(method) && !pkg)) return mk('int', args[3]!, int(4));
  if (/Byte$/.test(method)) return mk('byte', args[3]!, int(1));
  const val = args[3]!;
  return mk('string', val, { k: 'len', of: val, at: val.at });
}
