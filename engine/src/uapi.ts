/**
 * The UAPI of IP_LOCAL_PORT_RANGE (spec §2): constants, pack/unpack, setsockopt
 * validation (do_ip_setsockopt) and getsockopt read-back (do_ip_getsockopt).
 */
import type { ErrnoName } from './errno';
import type { KernelProfile } from './kernels';

export const SOL_IP = 0;
export const IPPROTO_IP = 0;
export const SOL_SOCKET = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_SCTP = 132;
export const IPPROTO_MPTCP = 262;
export const IP_LOCAL_PORT_RANGE = 51;
export const IP_PROTOCOL = 52;
export const IP_BIND_ADDRESS_NO_PORT = 24;
export const IPV6_RECVHOPLIMIT = 51;
export const SO_ATTACH_REUSEPORT_CBPF = 51;

export interface PortRange {
  lo: number;
  hi: number;
}

/** A "LO-HI" text that is not an option value; the message says what was expected. */
export class RangeTextError extends Error {
  override name = 'RangeTextError';
}

/**
 * The one reader of an IP_LOCAL_PORT_RANGE value typed as "LO-HI" (simulate's --range and
 * dialogue, the decoder's LO-HI form): two decimal halves, each a u16 (0..65535, 0 = no limit
 * on that bound). lo > hi is accepted: it is a value the kernel rejects (EINVAL), which the
 * callers show rather than refuse. Separators: "-", ":" or ",", spaces around them allowed.
 */
export function parseRangeText(text: string): PortRange {
  const m = /^\s*(\d+)\s*[-:,]\s*(\d+)\s*$/.exec(text);
  if (!m) throw new RangeTextError(`${JSON.stringify(text)} is not a port range (expected LO-HI, e.g. 40000-40511)`);
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  for (const [name, v] of [['lo', m[1]!], ['hi', m[2]!]] as const) {
    if (v.length > 5 || Number(v) > 0xffff) throw new RangeTextError(`${name} must be a port in 0..65535: each half is a u16 (got ${v})`);
  }
  return { lo, hi };
}

/** value_u32 = (hi << 16) | lo (spec §2.2). Halves must fit 16 bits. */
export function packRange(lo: number, hi: number): number {
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi < 0 || lo > 0xffff || hi > 0xffff) {
    throw new RangeError(`port range halves must be integers in 0..65535 (got lo=${lo}, hi=${hi})`);
  }
  return ((hi << 16) | lo) >>> 0;
}

/** lo = low 16 bits, hi = high 16 bits of the u32 (spec §2.2). */
export function unpackRange(value: number): PortRange {
  const v = value >>> 0;
  return { lo: v & 0xffff, hi: (v >>> 16) & 0xffff };
}

export type SetsockoptResult = { ok: true; stored: number } | { ok: false; errno: ErrnoName; reason: string };

export type SocketKind =
  | 'tcp' | 'udp' | 'udplite' | 'sctp' | 'mptcp' | 'dccp' | 'raw' | 'ping' | 'unix';

export interface SetsockoptInput {
  level: number;
  optname: number;
  /** Bytes passed as optlen; may be negative (C API). */
  optlen: number;
  /** The first min(optlen,4) bytes interpreted as a host-order u32; null = NULL/unreadable pointer. */
  value: number | null;
  family?: 4 | 6;
  kind?: SocketKind;
}

/**
 * do_ip_setsockopt() for IP_LOCAL_PORT_RANGE (spec §2.3), plus the socket-layer and
 * level routing of §2.5/§2.6. Returns what the kernel would store, or the errno.
 */
export function validateSetsockopt(k: KernelProfile, input: SetsockoptInput): SetsockoptResult {
  const family = input.family ?? 4;
  const kind = input.kind ?? 'tcp';
  if (kind === 'unix') return { ok: false, errno: 'EOPNOTSUPP', reason: 'AF_UNIX sockets have no IP options' };
  if (input.optlen < 0) return { ok: false, errno: 'EINVAL', reason: 'negative optlen is rejected by the socket layer' };
  if (input.level !== SOL_IP) {
    const meaning = meaningAtLevel(input.level, input.optname);
    if (input.optname === IP_LOCAL_PORT_RANGE && input.level === IPPROTO_IPV6) {
      if (family === 6) return { ok: true, stored: 0 }; // silently sets IPV6_RECVHOPLIMIT (spec §2.6)
      return { ok: false, errno: 'ENOPROTOOPT', reason: `${meaning} does not exist on an IPv4 socket` };
    }
    if (input.optname === IP_LOCAL_PORT_RANGE && input.level === SOL_SOCKET) {
      return { ok: false, errno: 'EINVAL', reason: `${meaning} needs a 16-byte struct sock_fprog` };
    }
    return { ok: false, errno: 'ENOPROTOOPT', reason: `option ${input.optname} is not defined at level ${input.level}` };
  }
  if (input.optname !== IP_LOCAL_PORT_RANGE) {
    return { ok: false, errno: 'ENOPROTOOPT', reason: `only IP_LOCAL_PORT_RANGE (51) is modelled, got ${input.optname}` };
  }
  if (family === 6 && kind === 'raw') {
    return { ok: false, errno: 'ENOPROTOOPT', reason: 'ipv6_setsockopt does not forward SOL_IP for raw sockets' };
  }
  if (!k.hasLocalPortRange) {
    return { ok: false, errno: 'ENOPROTOOPT', reason: `Linux ${k.version} has no IP_LOCAL_PORT_RANGE (added in 6.3, back-ported to 6.1.32)` };
  }
  if (kind === 'mptcp' && !k.mptcpSupportsOption) {
    return { ok: false, errno: 'ENOPROTOOPT', reason: `MPTCP accepts IP_LOCAL_PORT_RANGE only since 6.8 (target ${k.version})` };
  }
  if (kind === 'dccp' && !k.hasDccp) {
    return { ok: false, errno: 'ENOPROTOOPT', reason: 'DCCP was removed in 6.16' };
  }
  // Prologue reads up to 4 bytes first: an unreadable pointer faults before the length check.
  if (input.optlen >= 1 && input.value === null) return { ok: false, errno: 'EFAULT', reason: 'optval is NULL or unreadable' };
  if (input.optlen !== 4) return { ok: false, errno: 'EINVAL', reason: `optlen must be exactly 4 (got ${input.optlen})` };
  const { lo, hi } = unpackRange(input.value ?? 0);
  if (lo !== 0 && hi !== 0 && lo > hi) return { ok: false, errno: 'EINVAL', reason: `lo ${lo} > hi ${hi}` };
  return { ok: true, stored: (input.value ?? 0) >>> 0 };
}

/**
 * do_ip_getsockopt() generic int-option copy-out (spec §2.4): returns the bytes written
 * (little- or big-endian host) and the resulting optlen, or EINVAL for len < 0.
 */
export function getsockoptBytes(
  stored: number,
  len: number,
  hostOrder: 'little' | 'big' = 'little',
): { ok: true; bytes: number[]; optlen: number } | { ok: false; errno: ErrnoName } {
  if (len < 0) return { ok: false, errno: 'EINVAL' };
  const asInt = stored | 0;
  if (len > 0 && len < 4 && asInt >= 0 && asInt <= 255) return { ok: true, bytes: [asInt], optlen: 1 };
  const n = Math.min(len, 4);
  const v = stored >>> 0;
  const le = [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
  const all = hostOrder === 'little' ? le : le.slice().reverse();
  return { ok: true, bytes: all.slice(0, n), optlen: n };
}

/** What option number `optname` means at `level` (spec §2.1, §2.6). */
export function meaningAtLevel(level: number, optname: number): string {
  if (optname === 51) {
    switch (level) {
      case SOL_IP: return 'IP_LOCAL_PORT_RANGE';
      case IPPROTO_IPV6: return 'IPV6_RECVHOPLIMIT';
      case SOL_SOCKET: return 'SO_ATTACH_REUSEPORT_CBPF';
      case IPPROTO_TCP: return 'nothing at IPPROTO_TCP (ENOPROTOOPT)';
      case IPPROTO_UDP: return 'nothing at IPPROTO_UDP (ENOPROTOOPT)';
      default: return `unknown option 51 at level ${level}`;
    }
  }
  if (level === SOL_IP && optname === IP_PROTOCOL) return 'IP_PROTOCOL';
  if (level === SOL_IP && optname === IP_BIND_ADDRESS_NO_PORT) return 'IP_BIND_ADDRESS_NO_PORT';
  return `option ${optname} at level ${level}`;
}
