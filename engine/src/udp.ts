/**
 * UDP / UDP-Lite autobind: udp_lib_get_port(sk, 0) (net/ipv4/udp.c), spec §5.3.
 */
import { inetSkGetLocalPortRange } from './range';
import { reciprocalScale } from './random';
import { SPACE_UDP, type PortTables } from './tables';

/**
 * udp_lib_get_port() with snum == 0: first = low + reciprocal_scale(rand, N); the hash
 * slots (ports grouped by port mod T) are visited from `first` on, T of them; inside a slot
 * the ports are walked with the stride (rand | 1) * T (mod 2^16), so every port of the
 * range is tried once, with no parity bias. A port is busy when a conflicting socket holds
 * it (udp_lib_lport_inuse: shared by two SO_REUSEADDR sockets or a same-uid SO_REUSEPORT
 * pair, §5.3). Returns the port or -1 (bind -> EADDRINUSE, connect/sendto -> EAGAIN).
 */
export function udpLibGetPort(t: PortTables, s: number): number {
  const eff = inetSkGetLocalPortRange(t.kernel, t.netns.portRange, t.range[s]);
  const low = eff.lo;
  const high = eff.hi;
  const remaining = high - low + 1;
  const rand = t.rnd.u32() >>> 0;
  let first = (reciprocalScale(rand, remaining) + low) & 0xffff;
  const T = t.netns.udpHashSize;
  const stride = Math.imul(rand | 1, T) & 0xffff; // (rand | 1) * UDP_HTABLE_SIZE, added to a u16
  const last = (first + T) & 0xffff;
  const res = t.netns.reserved.bits;
  const head = t.head;
  do {
    let snum = first;
    do {
      if (low <= snum && snum <= high && !(res[snum >>> 5] & (1 << (snum & 31)))) {
        if (head[SPACE_UDP * 65536 + snum] < 0 || !t.udpConflict(s, snum)) return snum;
      }
      snum = (snum + stride) & 0xffff;
    } while (snum !== first);
    first = (first + 1) & 0xffff;
  } while (first !== last);
  return -1;
}
