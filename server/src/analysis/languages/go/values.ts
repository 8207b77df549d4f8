/**
 * Go values as the adapter folds them: the unix/syscall constants, Go's integer types and
 * their widths, the value and binding shapes, and the per-file context.
 */
import type { Node } from 'web-tree-sitter';
import type { ByteOrder } from '../../callSite';
import type { Intended } from '../../core/halves';
import { Budget, IP_LOCAL_PORT_RANGE } from '../../core/tree';
import { functionScope } from './scope';

// ---------------------------------------------------------------- constants

/** golang.org/x/sys/unix (linux) values; IP_LOCAL_PORT_RANGE since v0.21.0 (spec §0). */
export const UNIX: Record<string, number> = {
  SOL_IP: 0, IPPROTO_IP: 0, SOL_SOCKET: 1, SOL_TCP: 6, SOL_UDP: 17, IPPROTO_TCP: 6, IPPROTO_UDP: 17,
  IPPROTO_IPV6: 0x29, SOL_IPV6: 0x29, IPPROTO_SCTP: 0x84, IPPROTO_MPTCP: 0x106, IPPROTO_ICMP: 1, IPPROTO_RAW: 0xff,
  IP_LOCAL_PORT_RANGE: 0x33, IP_PROTOCOL: 0x34, IP_BIND_ADDRESS_NO_PORT: 0x18, IPV6_RECVHOPLIMIT: 0x33,
  SO_ATTACH_REUSEPORT_CBPF: 0x33, SO_REUSEADDR: 2, SO_REUSEPORT: 0xf, SO_KEEPALIVE: 9, SO_RCVBUF: 8, SO_SNDBUF: 7,
  IP_TOS: 1, IP_TTL: 2, IPV6_V6ONLY: 0x1a, AF_INET: 2, AF_INET6: 0xa, AF_UNIX: 1,
  SOCK_STREAM: 1, SOCK_DGRAM: 2, SOCK_RAW: 3, SOCK_SEQPACKET: 5, SOCK_NONBLOCK: 0x800, SOCK_CLOEXEC: 0x80000,
};
/** Go's frozen syscall package: no IP_LOCAL_PORT_RANGE, no IP_BIND_ADDRESS_NO_PORT, no IPPROTO_MPTCP. */
export const SYSCALL: Record<string, number> = Object.fromEntries(
  Object.entries(UNIX).filter(([k]) => !['IP_LOCAL_PORT_RANGE', 'IP_PROTOCOL', 'IP_BIND_ADDRESS_NO_PORT', 'IPPROTO_MPTCP', 'SO_ATTACH_REUSEPORT_CBPF'].includes(k)),
);
export const OTHER_OPTION_51 = new Set(['IPV6_RECVHOPLIMIT', 'SO_ATTACH_REUSEPORT_CBPF']);
export const RANGE_NAME = 'IP_LOCAL_PORT_RANGE';

export type IntType = 'untyped' | 'int' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'uintptr';
export const WIDTH: Record<Exclude<IntType, 'untyped'>, [number, boolean]> = {
  int: [64, true], int8: [8, true], int16: [16, true], int32: [32, true], int64: [64, true],
  uint: [64, false], uint8: [8, false], uint16: [16, false], uint32: [32, false], uint64: [64, false], uintptr: [64, false],
};
export function intType(name: string): IntType | null {
  if (name === 'byte') return 'uint8';
  if (name === 'rune') return 'int32';
  return name in WIDTH ? (name as IntType) : null;
}

// ---------------------------------------------------------------- values

export type GoVal =
  | { k: 'int'; v: bigint; t: IntType }
  | { k: 'str'; v: string }
  | { k: 'bytes'; v: (number | null)[]; order: ByteOrder; form: string; intended: Intended | null; half?: { v: bigint | null; text: string } }
  | { k: 'pkg'; path: 'unix' | 'syscall' | 'binary' | 'net' | 'other' }
  | { k: 'endian'; order: 'little' | 'big' | 'host' };

export type Binding =
  | { kind: 'expr'; node: Node; scope: Scope; type: IntType | null; decl: Node; name?: string }
  | { kind: 'value'; value: GoVal }
  | { kind: 'param'; node: Node; type: IntType | null }
  /** A func whose body is a single `return expr` can be followed with constant arguments. */
  | { kind: 'function'; node: Node }
  | { kind: 'unknown' };

export interface Scope {
  parent: Scope | null;
  names: Map<string, Binding>;
  fn: Node | null;
}

export const UNKNOWN: Binding = { kind: 'unknown' };
export const MAX_INT = 1n << 128n;
/** Folding steps allowed per call site (and per helper call): bounds hostile input. */
export const PER_SITE_STEPS = 50_000;
export const FUNC_NODES = ['function_declaration', 'method_declaration', 'func_literal'];

export interface Ctx {
  host: 'little' | 'big';
  budget: Budget;
  visiting: Set<number>;
  pkg: Scope;
  scopes: Map<number, Scope>;
  imports: Map<string, GoVal & { k: 'pkg' }>;
  root: Node;
  /** Identifiers whose address is taken somewhere (&x). */
  addressed: Set<string>;
}



export function enclosingFunc(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (FUNC_NODES.includes(p.type)) return p;
  return null;
}

export function scopeOf(ctx: Ctx, n: Node): Scope {
  const fn = enclosingFunc(n);
  return fn ? functionScope(ctx, fn) : ctx.pkg;
}

export function addBinding(scope: Scope, name: string, b: Binding): void {
  if (name === '_') return;
  if (scope.names.has(name)) scope.names.set(name, UNKNOWN);
  else scope.names.set(name, b);
}

/** Parse a Go integer literal: 0x9C40, 0o17, 017 (octal), 0b1, 40_000. */
