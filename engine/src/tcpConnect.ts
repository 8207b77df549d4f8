/**
 * TCP connect() port selection: __inet_hash_connect() (net/ipv4/inet_hashtables.c), spec §5.1,
 * for IPv4, IPv6 and MPTCP subflows; plus the bound-port path (check_established only).
 */
import { inetSkGetLocalPortRange } from './range';
import { randomBelow } from './random';
import { F_CONNECT_BIND, PERTURB_SIZE, S_CONNECTED, type PortTables } from './tables';

/** Result codes (negative = failure). */
export const CONNECT_EADDRNOTAVAIL = -1;

/** ~0 mask of bits a..b (inclusive) of a 32-bit word, as int32. */
function bitsBetween(a: number, b: number): number {
  return (0xffffffff >>> (31 - b)) & (0xffffffff << a);
}
const EVEN_BITS = 0x55555555;
const ODD_BITS = 0xaaaaaaaa | 0;

/**
 * check_established() for a socket that already owns `port` (bind(port) / bind(addr,0)):
 * the 4-tuple must be unique; a TIME-WAIT entry may be taken over at once (twp == NULL, no
 * delay: spec §5.1 tcp_tw_reusable(autobind = false)). Returns the flow or -1.
 */
export function checkEstablished(t: PortTables, s: number, saddr: number, daddr: number, dport: number): number {
  const flow = t.flowOf(saddr, daddr, dport);
  const port = t.port[s];
  if (t.ehashHas(flow, port)) {
    const o = t.timeWaitAt(flow, port);
    if (o < 0 || !t.twReusable(o, false)) return -1;
    t.killTimeWait(o);
  }
  return flow;
}

/**
 * __inet_hash_connect(): chooses the local port for an unbound (or NO_PORT-bound) socket
 * connecting from `saddr` to (daddr, dport). Returns the port, or CONNECT_EADDRNOTAVAIL.
 *
 *  - offset = (perturb[h & 0xffff] + (h >> 32)) % remaining, h = keyed hash (Q6);
 *  - step 2 with low's parity first, `remaining` rounded down to even (Q1), unless the
 *    socket has IP_LOCAL_PORT_RANGE set on 6.8+ (step 1, even if ignored: Q2);
 *  - wrap by `remaining`, not by the range size;
 *  - reserved ports and explicitly bound buckets (fastreuse/fastreuseport >= 0) are skipped;
 *  - a connect-created bucket is shared when the 4-tuple is unique (TIME-WAIT reuse rules);
 *  - perturb[idx] += max(i, random(0..7) * step) + step after success.
 */
export function inetHashConnect(t: PortTables, s: number, saddr: number, daddr: number, dport: number): number {
  const eff = inetSkGetLocalPortRange(t.kernel, t.netns.portRange, t.range[s]);
  const step = t.kernel.connectStep1WithSockRange && eff.sockRangeSet ? 1 : 2;
  const low = eff.lo;
  const highX = eff.hi + 1;
  let remaining = highX - low;
  if (step === 2 && remaining > 1) remaining &= ~1;

  const flow = t.flowOf(saddr, daddr, dport);
  const h = t.portOffset(flow);
  const idx = h.lo & (PERTURB_SIZE - 1);
  let offset = ((t.perturbAt(idx) + h.hi) >>> 0) % remaining;
  if (step === 2) offset &= ~1;

  const res = t.netns.reserved.bits;
  const expl = t.explicitBits;
  const used = t.flowUsed[flow];
  const tw = t.flowTw[flow];
  let found = -1;
  let foundI = 0;
  let takeover = -1;
  const fast = t.fastPaths;
  scan: for (;;) {
    // The ports this pass visits: all of one parity when `remaining` covers the range; on an
    // odd-sized range (Q1) the wrap by `remaining` makes the set depend on the exact offset.
    const offKey = remaining === highX - low ? offset & 1 : 65536 + offset;
    const passKey = ((low * 131072 + remaining) * 2 + (step - 1)) * 131072 + offKey;
    if (fast && t.passKnownFull(flow, passKey)) {
      if (step === 1) break;
      offset++;
      if (offset & 1 && remaining > 1) continue;
      break;
    }
    let port = low + offset;
    for (let i = 0; i < remaining; i += step, port += step) {
      if (port >= highX) port -= remaining;
      const w = port >>> 5;
      const bit = 1 << (port & 31);
      // reserved, explicitly bound, or 4-tuple held by a live socket of this flow
      const busy = res[w] | expl[w] | (used[w] & ~tw[w]);
      if (busy & bit) {
        if (!fast) continue;
        // Fast-forward over the rest of this word when every position in it is busy too:
        // the result (port and i) is the same as visiting them one by one.
        let lim = port | 31;
        if (lim > highX - 1) lim = highX - 1;
        const last = port + (((remaining - 1 - i) / step) | 0) * step;
        if (lim > last) lim = last;
        if (lim > port) {
          let mask = bitsBetween(port & 31, lim & 31);
          if (step === 2) mask &= port & 1 ? ODD_BITS : EVEN_BITS;
          if ((busy & mask) === mask) {
            const k = ((lim - port) / step) | 0;
            i += k * step;
            port += k * step;
          }
        }
        continue;
      }
      if (tw[w] & bit) {
        // TIME-WAIT on this 4-tuple: check_established -> tcp_twsk_unique(autobind)
        const o = t.timeWaitAt(flow, port);
        if (t.twReusable(o, true)) {
          found = port;
          foundI = i;
          takeover = o;
          break scan;
        }
        continue;
      }
      // no bucket: create one (-1,-1); bucket (-1,-1) and unique 4-tuple: share it
      found = port;
      foundI = i;
      break scan;
    }
    if (fast) t.rememberPassFull(flow, passKey);
    if (step === 1) break;
    offset++;
    if (offset & 1 && remaining > 1) continue;
    break;
  }
  if (found < 0) return CONNECT_EADDRNOTAVAIL;

  // "add a little bit of randomness to the next source port": max(i, random(0..7) * step)
  const r = randomBelow(t.rnd, 8) * step;
  t.perturb[idx] = (t.perturb[idx] + (foundI > r ? foundI : r) + step) >>> 0;

  if (takeover >= 0) t.killTimeWait(takeover);
  t.laddr[s] = saddr;
  t.daddr[s] = daddr;
  t.dport[s] = dport;
  t.tcpJoinByConnect(s, found);
  t.ehashAdd(s, flow, found);
  t.state[s] = S_CONNECTED;
  return found;
}

/** True when the socket's port was chosen by connect() (SOCK_CONNECT_BIND, 6.18+). */
export function isConnectBound(t: PortTables, s: number): boolean {
  return (t.flags[s] & F_CONNECT_BIND) !== 0;
}
