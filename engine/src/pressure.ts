/**
 * Port pressure: how full the ephemeral range is per protocol and destination, given the
 * sockets a machine holds right now (`port-range-lens pressure`, docs/pressure.md). Pure: the
 * socket list comes from the caller. The sharing rules are the allocators' (spec §5):
 *
 *  - TCP connect() (`__inet_hash_connect`, §5.1): a port is usable for a destination when no
 *    connection of the same 4-tuple holds it (TIME-WAIT included) and its bind bucket is not
 *    owned by an explicit bind or a listener (§5.0: such buckets are not connect-shareable).
 *    Ports used toward other destinations are shared, so each (source address, destination)
 *    has the whole range: capacity = (usable ports − ports held by listeners) × source addresses.
 *  - UDP (`udp_lib_get_port`, §5.3): an autobound port is not shared (without SO_REUSEADDR on
 *    both sides), so a destination's capacity is the usable ports minus those held by UDP
 *    sockets toward other destinations or unconnected.
 *  Usable ports = the netns range minus ip_local_reserved_ports (`inet_is_local_reserved_port`).
 */
import type { NetnsState } from './sysctl';

export type PressureProto = 'tcp' | 'udp';

/** One socket of the machine, as `ss -tuan` or /proc/net/{tcp,udp}{,6} shows it. */
export interface HeldSocket {
  proto: PressureProto;
  /** ss state names: ESTAB, SYN-SENT, TIME-WAIT, LISTEN, UNCONN, ... */
  state: string;
  localAddr: string;
  localPort: number;
  /** null when unconnected (`*:*`). */
  remoteAddr: string | null;
  remotePort: number;
}

export interface DestinationPressure {
  proto: PressureProto;
  /** "HOST:PORT" (IPv6 as "[ADDR]:PORT"); "*" = unconnected UDP sockets. */
  destination: string;
  inUse: number;
  timeWait: number;
  capacity: number;
  usedFraction: number;
  /** Distinct source addresses toward this destination (TCP capacity is per source address). */
  sources: number;
}

export interface SlicePressure {
  lo: number;
  hi: number;
  /** Distinct (protocol, local port) pairs in use inside the slice. */
  inUse: number;
  /** Usable ports of the slice: inside the netns range, not reserved. */
  capacity: number;
  usedFraction: number;
}

export function hostPort(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/** Ports of lo..hi that automatic selection may hand out (range ∩ netns range, minus reserved). */
export function usablePorts(ns: NetnsState, lo = ns.portRange.lo, hi = ns.portRange.hi): number {
  const a = Math.max(lo, ns.portRange.lo);
  const b = Math.min(hi, ns.portRange.hi);
  return b < a ? 0 : b - a + 1 - ns.reserved.count(a, b);
}

const frac = (used: number, cap: number) => (cap > 0 ? used / cap : used > 0 ? 1 : 0);

/** Per protocol and destination, busiest first. */
export function destinationPressure(ns: NetnsState, sockets: Iterable<HeldSocket>): DestinationPressure[] {
  const { lo, hi } = ns.portRange;
  const usable = usablePorts(ns);
  const tcpListen = new Set<number>();
  const udpHolders = new Map<number, Set<string>>(); // port -> destinations holding it
  type Row = DestinationPressure & { saddrs: Set<string> };
  // proto -> remote address -> remote port -> row (no per-socket string building: 100k+ sockets)
  const byProto = { tcp: new Map<string, Map<number, Row>>(), udp: new Map<string, Map<number, Row>>() };
  const rows: Row[] = [];
  for (const s of sockets) {
    if (s.localPort < lo || s.localPort > hi || ns.reserved.has(s.localPort)) continue;
    if (s.proto === 'tcp' && s.state === 'LISTEN') { tcpListen.add(s.localPort); continue; }
    if (s.proto === 'tcp' && s.remoteAddr === null) continue; // closed/bound-only: not a connection
    const addrKey = s.remoteAddr ?? '*';
    let ports = byProto[s.proto].get(addrKey);
    if (!ports) byProto[s.proto].set(addrKey, (ports = new Map()));
    let r = ports.get(s.remotePort);
    if (!r) {
      const destination = s.remoteAddr === null ? '*' : hostPort(s.remoteAddr, s.remotePort);
      ports.set(s.remotePort, (r = { proto: s.proto, destination, inUse: 0, timeWait: 0, capacity: 0, usedFraction: 0, sources: 0, saddrs: new Set() }));
      rows.push(r);
    }
    r.inUse++;
    if (s.state === 'TIME-WAIT') r.timeWait++;
    r.saddrs.add(s.localAddr);
    if (s.proto === 'udp') {
      let h = udpHolders.get(s.localPort);
      if (!h) udpHolders.set(s.localPort, (h = new Set()));
      h.add(r.destination);
    }
  }
  const out: DestinationPressure[] = [];
  for (const r of rows) {
    let capacity: number;
    if (r.proto === 'tcp') capacity = Math.max(0, usable - tcpListen.size) * Math.max(1, r.saddrs.size);
    else {
      let others = 0;
      for (const h of udpHolders.values()) if (!h.has(r.destination)) others++;
      capacity = Math.max(0, usable - others);
    }
    const { saddrs, ...row } = r;
    out.push({ ...row, capacity, usedFraction: frac(r.inUse, capacity), sources: saddrs.size });
  }
  return out.sort((a, b) => b.usedFraction - a.usedFraction || b.inUse - a.inUse || (a.destination < b.destination ? -1 : 1));
}

/** Usage of declared slices (e.g. the IP_LOCAL_PORT_RANGE values found in a source tree). */
export function slicePressure(ns: NetnsState, slices: { lo: number; hi: number }[], sockets: Iterable<HeldSocket>): SlicePressure[] {
  const used = new Uint8Array(65536 * 2); // (proto, port) seen
  for (const s of sockets) {
    if (s.proto === 'tcp' && (s.state === 'LISTEN' || s.remoteAddr === null)) continue;
    used[(s.proto === 'tcp' ? 0 : 65536) + s.localPort] = 1;
  }
  return slices.map(({ lo, hi }) => {
    let inUse = 0;
    for (let p = lo; p <= hi; p++) inUse += used[p] + used[65536 + p];
    const capacity = usablePorts(ns, lo, hi);
    return { lo, hi, inUse, capacity, usedFraction: frac(inUse, capacity) };
  });
}

/**
 * Rate of new connections per destination between two samples (4-tuples present now and not
 * before, per second) and the seconds until the capacity is reached at that rate.
 */
export function exhaustionEstimate(row: DestinationPressure, newConnections: number, seconds: number): { rate: number; secondsToExhaustion: number | null } {
  const rate = seconds > 0 ? newConnections / seconds : 0;
  const free = Math.max(0, row.capacity - row.inUse);
  return { rate, secondsToExhaustion: rate > 0 ? free / rate : null };
}
