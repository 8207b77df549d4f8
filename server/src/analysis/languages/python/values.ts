/**
 * Python values as the adapter folds them: the socket module's constants, ctypes sizes,
 * the value and binding shapes, and CPython's exact integer rules (floor division, modulo).
 */
import type { Node } from 'web-tree-sitter';
import type { ByteOrder } from '../../callSite';
import type { Intended } from '../../core/halves';
import { IP_LOCAL_PORT_RANGE } from '../../core/tree';

// ---------------------------------------------------------------- constants

/** Constants of CPython's socket module on Linux that matter here (IP_LOCAL_PORT_RANGE is absent). */
export const PY_SOCKET: Record<string, number> = {
  SOL_IP: 0,
  IPPROTO_IP: 0,
  SOL_SOCKET: 1,
  SOL_TCP: 6,
  SOL_UDP: 17,
  IPPROTO_TCP: 6,
  IPPROTO_UDP: 17,
  IPPROTO_UDPLITE: 136,
  IPPROTO_IPV6: 41,
  IPPROTO_SCTP: 132,
  IPPROTO_MPTCP: 262,
  IPPROTO_ICMP: 1,
  IPPROTO_RAW: 255,
  IP_BIND_ADDRESS_NO_PORT: 24, // CPython >= 3.11
  IP_TOS: 1,
  IP_TTL: 2,
  IPV6_RECVHOPLIMIT: 51,
  IPV6_V6ONLY: 26,
  SO_REUSEADDR: 2,
  SO_REUSEPORT: 15,
  SO_KEEPALIVE: 9,
  SO_LINGER: 13,
  SO_RCVBUF: 8,
  SO_SNDBUF: 7,
  AF_INET: 2,
  AF_INET6: 10,
  AF_UNIX: 1,
  SOCK_STREAM: 1,
  SOCK_DGRAM: 2,
  SOCK_RAW: 3,
  SOCK_SEQPACKET: 5,
};
/** Names that, at their level, mean another option with the number 51 (spec §2.6). */
export const OTHER_OPTION_51 = new Set(['IPV6_RECVHOPLIMIT', 'SO_ATTACH_REUSEPORT_CBPF']);
/** ctypes integer types on LP64 Linux: their size in bytes. */
export const CTYPES_SIZE: Record<string, number> = {
  c_uint8: 1, c_ubyte: 1, c_int8: 1, c_byte: 1,
  c_uint16: 2, c_ushort: 2, c_int16: 2, c_short: 2,
  c_uint32: 4, c_uint: 4, c_int32: 4, c_int: 4,
  c_uint64: 8, c_ulong: 8, c_ulonglong: 8, c_int64: 8, c_long: 8, c_longlong: 8, c_size_t: 8,
};
export const RANGE_NAME = 'IP_LOCAL_PORT_RANGE';
/** Modules whose attributes the folding understands. */
export const MODULES = new Set(['socket', 'struct', 'sys', 'ctypes']);
/** sys.byteorder: the host's order, whatever it is. */
export const HOST_ORDER = '\u0000host';

// ---------------------------------------------------------------- values

export type PyVal =
  | { k: 'int'; v: bigint; net?: 'htonl' | 'htons' }
  | { k: 'str'; v: string }
  | {
      k: 'bytes';
      /** null bytes = length known, content not. */
      v: number[] | null;
      len: number;
      order: ByteOrder;
      form: string;
      intended: Intended | null;
      /** For concatenations of 2-byte halves: the halves in memory order. */
      halves?: Half[];
    }
  | { k: 'tuple'; items: (PyVal | null)[] }
  | { k: 'none' }
  | { k: 'module'; name: string };

export interface Half {
  v: bigint | null;
  text: string;
}

export type Binding =
  | { kind: 'expr'; node: Node; scope: Scope }
  | { kind: 'value'; value: PyVal; node?: Node }
  | { kind: 'param'; node: Node }
  /** A def whose body is a single `return expr` can be followed with constant arguments. */
  | { kind: 'function'; node: Node }
  /** `from socket import IP_LOCAL_PORT_RANGE`: ImportError at run time. */
  | { kind: 'missing'; node: Node }
  | { kind: 'unknown' };

export interface Scope {
  parent: Scope | null;
  names: Map<string, Binding>;
  /** `from socket import *` seen in this scope. */
  starSocket: boolean;
  /** The function_definition this scope belongs to (null = module). */
  fn: Node | null;
}

const MAX_INT = 1n << 512n;
/** Folding steps allowed per call site (and per helper call): bounds hostile input. */
export const PER_SITE_STEPS = 50_000;
export const UNKNOWN: Binding = { kind: 'unknown' };

export function isInt(v: PyVal | null): v is { k: 'int'; v: bigint; net?: 'htonl' | 'htons' } {
  return v !== null && v.k === 'int';
}

export function bounded(v: bigint): PyVal | null {
  return v > MAX_INT || v < -MAX_INT ? null : { k: 'int', v };
}

/** Python int literal: 40_000, 0x9C40, 0o17, 0b101, 51. */
export function parsePyInt(text: string): bigint | null {
  const t = text.replace(/_/g, '').replace(/[lL]$/, '');
  if (t.length === 0 || t.length > 300) return null;
  if (!/^(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)$/.test(t)) return null;
  if (/^0[0-9]+$/.test(t) && !/^0+$/.test(t)) return null; // "0777" is a syntax error in Python 3
  try {
    return BigInt(t);
  } catch {
    return null;
  }
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

export function pyMod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r;
}
