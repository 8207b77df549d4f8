/**
 * inet_sk_get_local_port_range() (net/ipv4/inet_connection_sock.c), spec §4.1/§4.2.
 */
import type { KernelProfile } from './kernels';
import { unpackRange, type PortRange } from './uapi';

export type EffectiveRule =
  | 'netns'            // option unset (or cleared): the netns range
  | 'socket'           // both halves honoured
  | 'socket-lo'        // only lo honoured (hi is 0 or outside)
  | 'socket-hi'        // only hi honoured (lo is 0 or outside)
  | 'ignored';         // option set but both halves ignored: netns range

export interface EffectiveRange extends PortRange {
  /** The 6.8+ return value: true whenever the socket value is non-zero (even if ignored, quirk Q2). */
  sockRangeSet: boolean;
  rule: EffectiveRule;
}

/**
 * Mirrors inet_sk_get_local_port_range(): each half honoured only when it lies inside the
 * netns window; hi is compared with the already-updated lo. Before 6.8 the function
 * returned void, so sockRangeSet is reported false there (the connect() scan ignores it).
 */
export function inetSkGetLocalPortRange(k: KernelProfile, netns: PortRange, sockValue: number): EffectiveRange {
  let { lo, hi } = netns;
  const v = sockValue >>> 0;
  if (v === 0) return { lo, hi, sockRangeSet: false, rule: 'netns' };
  const s = unpackRange(v);
  let tookLo = false;
  let tookHi = false;
  if (s.lo !== 0 && lo <= s.lo && s.lo <= hi) { lo = s.lo; tookLo = true; }
  if (s.hi !== 0 && lo <= s.hi && s.hi <= hi) { hi = s.hi; tookHi = true; }
  const rule: EffectiveRule = tookLo && tookHi ? 'socket' : tookLo ? 'socket-lo' : tookHi ? 'socket-hi' : 'ignored';
  return { lo, hi, sockRangeSet: k.rangeFlagReturned, rule };
}
