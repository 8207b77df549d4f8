/**
 * What Python code names that the analysis needs: CPython's socket module constants on Linux
 * (IP_LOCAL_PORT_RANGE is absent from every version), ctypes sizes on LP64, the options that
 * share the number 51, and Python's integer literals.
 */
import * as uapi from '../../../../../engine/src/uapi';

/** Constants of CPython's socket module on Linux that matter here (IP_LOCAL_PORT_RANGE is absent). */
export const PY_SOCKET: Record<string, number> = {
  SOL_IP: uapi.SOL_IP,
  IPPROTO_IP: uapi.IPPROTO_IP,
  SOL_SOCKET: uapi.SOL_SOCKET,
  SOL_TCP: 6,
  SOL_UDP: 17,
  IPPROTO_TCP: uapi.IPPROTO_TCP,
  IPPROTO_UDP: uapi.IPPROTO_UDP,
  IPPROTO_UDPLITE: 136,
  IPPROTO_IPV6: uapi.IPPROTO_IPV6,
  IPPROTO_SCTP: uapi.IPPROTO_SCTP,
  IPPROTO_MPTCP: uapi.IPPROTO_MPTCP,
  IPPROTO_ICMP: 1,
  IPPROTO_RAW: 255,
  IP_BIND_ADDRESS_NO_PORT: uapi.IP_BIND_ADDRESS_NO_PORT, // CPython >= 3.11
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
/** socket module functions the lowering understands. */
export const PY_SOCKET_FUNCS = new Set(['socket', 'htonl', 'htons', 'ntohl', 'ntohs', 'create_connection', 'create_server']);
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
/** Modules whose attributes the lowering understands. */
export const MODULES = new Set(['socket', 'struct', 'sys', 'ctypes']);
/** sys.byteorder: the host's order, whatever it is. */
export const HOST_ORDER = '\u0000host';

/** Python int literal: 40_000, 0x9C40, 0o17, 0b101, 51. */
export function parsePyInt(text: string): bigint | null {
  const t = text.replace(/_/g, '');
  if (t.length === 0 || t.length > 300) return null;
  if (!/^(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)$/.test(t)) return null;
  if (/^0[0-9]+$/.test(t) && !/^0+$/.test(t)) return null; // "0777" is a syntax error in Python 3
  try {
    return BigInt(t);
  } catch {
    return null;
  }
}
