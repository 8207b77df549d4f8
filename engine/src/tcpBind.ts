/**
 * TCP bind(addr, 0) and listen() autobind: inet_csk_get_port(sk, 0) ->
 * inet_csk_find_open_port() (net/ipv4/inet_connection_sock.c), spec §5.2.
 * Also used by MPTCP (same TCP port space, §5.5).
 */
import { inetSkGetLocalPortRange } from './range';
import { randomBelow } from './random';
import { F_REUSEADDR, SPACE_TCP, type PortTables } from './tables';

/**
 * inet_csk_find_open_port(): returns a port for socket `s` (not yet an owner) or -1
 * (bind()/listen() then fail with EADDRINUSE, §5.6).
 *  - SO_REUSEADDR: the lower half [low, low + 2*floor(N/4)) first, then the upper half
 *    (only when N >= 4);
 *  - `remaining` rounded down to even (Q1); offset = random(remaining) | 1, so the first
 *    pass covers ports of the parity opposite to low, the second pass (offset-1) the rest;
 *  - the IP_LOCAL_PORT_RANGE flag is ignored here (Q3), only the clamped bounds are used;
 *  - a port is usable when its bucket does not exist or no owner conflicts (address-aware);
 *  - ip_autobind_reuse = 1: one more "relaxed" pass after all of that fails.
 */
export function inetCskFindOpenPort(t: PortTables, s: number): number {
  const res = t.netns.reserved.bits;
  const exists = t.existsBits[SPACE_TCP];
  const head = t.head;
  // When every owner's address overlaps this socket's (always true for a wildcard binder
  // without IPV6_V6ONLY around), a port conflicts in the normal pass exactly when its bucket
  // exists, so busy bitmap words can be skipped whole.
  const wildcard = t.fastPaths && t.allTcpOwnersOverlap(s);
  let relax = false;
  for (;;) {
    // ports_exhausted:
    let attemptHalf = t.flags[s] & F_REUSEADDR ? 1 : 0;
    for (;;) {
      // other_half_scan: the range is re-read each time (Q5)
      const eff = inetSkGetLocalPortRange(t.kernel, t.netns.portRange, t.range[s]);
      let low = eff.lo;
      let high = eff.hi + 1;
      if (high - low < 4) attemptHalf = 0;
      if (attemptHalf) {
        const half = low + (((high - low) >> 2) << 1);
        if (attemptHalf === 1) high = half;
        else low = half;
      }
      let remaining = high - low;
      if (remaining > 1) remaining &= ~1;
      let offset = randomBelow(t.rnd, remaining) | 1;
      for (;;) {
        // other_parity_scan:
        let port = low + offset;
        for (let i = 0; i < remaining; i += 2, port += 2) {
          if (port >= high) port -= remaining;
          const w = port >>> 5;
          const bit = 1 << (port & 31);
          if (res[w] & bit) continue;
          if (!(exists[w] & bit)) return port;
          if (wildcard && !relax) {
            // skip the rest of the word if every same-parity port there is taken or reserved
            const busy = res[w] | exists[w];
            let lim = port | 31;
            if (lim > high - 1) lim = high - 1;
            const last = port + (((remaining - 1 - i) >> 1) << 1);
            if (lim > last) lim = last;
            if (lim > port) {
              const mask = (0xffffffff >>> (31 - (lim & 31))) & (0xffffffff << (port & 31)) & (port & 1 ? 0xaaaaaaaa | 0 : 0x55555555);
              if ((busy & mask) === mask) {
                const k = (lim - port) >> 1;
                i += 2 * k;
                port += 2 * k;
              }
            }
            continue;
          }
          if (head[SPACE_TCP * 65536 + port] >= 0 && !t.tcpBindConflict(s, port, relax, false)) return port;
        }
        offset--;
        if (!(offset & 1)) continue;
        break;
      }
      if (attemptHalf === 1) {
        attemptHalf = 2; // now the upper half
        continue;
      }
      break;
    }
    if (t.netns.ipAutobindReuse && !relax) {
      relax = true; // "We still have a chance to connect to different destinations"
      continue;
    }
    return -1;
  }
}
