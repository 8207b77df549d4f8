/**
 * SCTP autobind: sctp_get_port_local(sk, addr with port 0) (net/sctp/socket.c), spec §5.4.
 * [SRC only: CONFIG_IP_SCTP is not set on the reference machine.]
 */
import { inetSkGetLocalPortRange } from './range';
import { randomBelow } from './random';
import { SPACE_SCTP, type PortTables } from './tables';

/**
 * sctp_get_port_local() with port 0: rover = low + random(N), then rover+1, rover+2, …
 * wrapping to low, N attempts; reserved ports consume an attempt (Q4); any existing SCTP
 * bind bucket on the port makes it unusable (no sharing during autobind). Returns the
 * port or -1 (bind -> EADDRINUSE; connect/sendmsg/listen autobind -> EAGAIN).
 */
export function sctpGetPortLocal(t: PortTables, s: number): number {
  const eff = inetSkGetLocalPortRange(t.kernel, t.netns.portRange, t.range[s]);
  const low = eff.lo;
  const high = eff.hi;
  let remaining = high - low + 1;
  let rover = randomBelow(t.rnd, remaining) + low;
  const exists = t.existsBits[SPACE_SCTP];
  do {
    rover++;
    if (rover < low || rover > high) rover = low;
    if (t.isReserved(rover)) continue;
    if (exists[rover >>> 5] & (1 << (rover & 31))) continue;
    return rover;
  } while (--remaining > 0);
  return -1;
}
