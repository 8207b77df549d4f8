/**
 * The kernel's port state for one network namespace (spec §5.0), in typed arrays so the hot
 * loops allocate nothing:
 *  - sockets (struct-of-arrays, one slot per socket or TIME-WAIT entry);
 *  - separate port spaces: TCP (MPTCP subflows use it too), UDP, SCTP (Q7);
 *  - TCP bind buckets (bhash) with fastreuse / fastreuseport, -1 = created by connect();
 *    the owners list per port stands in for bhash2 (owners by (port, address));
 *  - the established table (ehash): 4-tuples of connected sockets and TIME-WAIT entries,
 *    keyed by a flow id = (saddr, daddr, dport) and the local port;
 *  - the 6.18 bucket reset on release (d57f4b874946, SOCK_CONNECT_BIND) vs sticky state;
 *  - the perturb table of __inet_hash_connect (2^16 u32, INET_TABLE_PERTURB_ORDER = 16).
 */
import { rcvSaddrEqual } from './addr';
import { BindBuckets } from './bindBuckets';
import { F_CONNECT_BIND, F_EHASH, F_OWNER, F_REUSEADDR, F_REUSEPORT, F_V6ONLY, PERTURB_SIZE, S_LISTEN, S_TIMEWAIT, SPACE_TCP, TIMEWAIT_MS } from './tableConstants';

export * from './tableConstants';

/** The whole port state of a netns: sockets, bind buckets, ehash with TIME-WAIT, the perturb table. */
export class PortTables extends BindBuckets {
  // ---- ehash ----
  /**
   * ehash: a 4-tuple is present when its bit is set in flowUsed[flow]; TIME-WAIT entries
   * are also in flowTw and in this map (flow * 65536 + port -> TIME-WAIT slot).
   */
  readonly twByTuple = new Map<number, number>();
  private readonly flowIds = new Map<number, number[]>();
  readonly flowUsed: Uint32Array[] = [];
  readonly flowTw: Uint32Array[] = [];
  readonly flowSaddr: number[] = [];
  readonly flowDaddr: number[] = [];
  readonly flowDport: number[] = [];
  /** TIME-WAIT slots in entry order (for expiry). */
  private twQueue: number[] = [];
  private twHead = 0;

  // ---- __inet_hash_connect randomness ----
  readonly perturb = new Uint32Array(PERTURB_SIZE);
  readonly perturbInit = new Uint8Array(PERTURB_SIZE);

  // -------------------------------------------------------------------------------------
  // ehash: flows, 4-tuples, TIME-WAIT

  /** Flow id of (saddr, daddr, dport) with v4-mapped addresses folded onto IPv4. */
  flowOf(saddr: number, daddr: number, dport: number): number {
    const s = this.addrs.norm[saddr];
    const d = this.addrs.norm[daddr];
    // (daddr, dport) -> [saddr, flow, saddr, flow, ...]: usually one source per destination
    const key = d * 65536 + dport;
    let list = this.flowIds.get(key);
    if (list === undefined) this.flowIds.set(key, (list = []));
    for (let i = 0; i < list.length; i += 2) if (list[i] === s) return list[i + 1];
    const f = this.flowSaddr.length;
    list.push(s, f);
    this.flowSaddr.push(s);
    this.flowDaddr.push(d);
    this.flowDport.push(dport);
    this.flowUsed.push(new Uint32Array(2048));
    this.flowTw.push(new Uint32Array(2048));
    this.flowEpoch.push(0);
    this.flowMemo.push(undefined);
    this.flowSlot.push(-1);
    this.flowHashLo.push(0);
    this.flowHashHi.push(0);
    return f;
  }

  /** Is the 4-tuple (flow, port) in ehash? */
  ehashHas(flow: number, port: number): boolean {
    return (this.flowUsed[flow][port >>> 5] & (1 << (port & 31))) !== 0;
  }

  /** The TIME-WAIT entry on (flow, port), or -1. */
  timeWaitAt(flow: number, port: number): number {
    if (!(this.flowTw[flow][port >>> 5] & (1 << (port & 31)))) return -1;
    return this.twByTuple.get(flow * 65536 + port) ?? -1;
  }

  ehashAdd(s: number, flow: number, port: number): void {
    this.flow[s] = flow;
    this.flowUsed[flow][port >>> 5] |= 1 << (port & 31);
    this.flags[s] |= F_EHASH;
  }

  ehashRemove(s: number): void {
    if (!(this.flags[s] & F_EHASH)) return;
    const flow = this.flow[s];
    const port = this.port[s];
    if (this.state[s] === S_TIMEWAIT) this.twByTuple.delete(flow * 65536 + port);
    this.flowUsed[flow][port >>> 5] &= ~(1 << (port & 31));
    this.flowTw[flow][port >>> 5] &= ~(1 << (port & 31));
    this.flags[s] &= ~F_EHASH;
    this.flowEpoch[flow]++;
  }

  /** tcp_time_wait(): the connected socket's 4-tuple and bucket ownership move to a TIME-WAIT entry. */
  enterTimeWait(s: number): void {
    const tw = this.alloc(this.kind[s], this.family[s] as 4 | 6);
    const keepFlags = this.flags[s] & (F_REUSEADDR | F_REUSEPORT | F_CONNECT_BIND | F_V6ONLY);
    const port = this.port[s];
    const flow = this.flow[s];
    // take s out, put tw in its place (same port, same flow)
    this.ehashRemove(s);
    const wasOwner = (this.flags[s] & F_OWNER) !== 0;
    if (wasOwner) this.ownerRemove(s);
    this.flags[tw] = keepFlags;
    this.laddr[tw] = this.laddr[s];
    this.daddr[tw] = this.daddr[s];
    this.dport[tw] = this.dport[s];
    this.state[tw] = S_TIMEWAIT;
    this.twEntry[tw] = this.now;
    if (wasOwner) this.ownerAdd(tw, port);
    this.ehashAdd(tw, flow, port);
    this.flowTw[flow][port >>> 5] |= 1 << (port & 31);
    this.twByTuple.set(flow * 65536 + port, tw);
    this.twQueue.push(tw);
  }

  /** inet_twsk_kill(): drop a TIME-WAIT entry (expired or taken over). */
  killTimeWait(tw: number): void {
    if (this.state[tw] !== S_TIMEWAIT) return;
    this.ehashRemove(tw);
    this.tcpLeave(tw);
    this.freeSlot(tw);
  }

  /** Advances the clock and expires TIME-WAIT entries older than TCP_TIMEWAIT_LEN. */
  advance(ms: number): void {
    this.now += ms;
    if (ms > 0) this.globalEpoch++; // TIME-WAIT entries may have become reusable
    while (this.twHead < this.twQueue.length) {
      const tw = this.twQueue[this.twHead];
      if (this.state[tw] === S_TIMEWAIT && this.now - this.twEntry[tw] < TIMEWAIT_MS) break;
      this.twHead++;
      if (this.state[tw] === S_TIMEWAIT) this.killTimeWait(tw);
    }
    if (this.twHead > 1024 && this.twHead * 2 > this.twQueue.length) {
      this.twQueue = this.twQueue.slice(this.twHead);
      this.twHead = 0;
    }
  }

  /**
   * tcp_twsk_unique() (§5.1): may a connecting socket take over this TIME-WAIT 4-tuple?
   * autobind = the port is being chosen by __inet_hash_connect (twp != NULL).
   * Every TIME-WAIT entry is modelled as having seen timestamps (tcp_timestamps = 1).
   */
  twReusable(tw: number, autobind: boolean): boolean {
    let reuse: number = this.netns.tcpTwReuse;
    if (reuse === 2 && !(this.addrs.loopback[this.laddr[tw]] || this.addrs.loopback[this.daddr[tw]])) reuse = 0;
    if (!autobind) return true;
    if (reuse === 0) return false;
    if (this.kernel.hasTwReuseDelay) return this.now > this.twEntry[tw] + this.netns.tcpTwReuseDelayMs;
    // before 6.14: time_after32(ktime_get_seconds(), tw_ts_recent_stamp)
    return Math.floor(this.now / 1000) > Math.floor(this.twEntry[tw] / 1000);
  }

  // -------------------------------------------------------------------------------------
  // __inet_hash_connect randomness

  /**
   * Stand-in for secure_ipv{4,6}_port_ephemeral(saddr, daddr, dport) whose net_secret is
   * re-salted every 10 s (Q6): two u32 draws per (flow, 10 s slot), drawn on first use.
   */
  portOffset(flow: number): { lo: number; hi: number } {
    // the clock only moves forward, so one cached slot per flow is enough
    const slot = Math.floor(this.now / 10000);
    if (this.flowSlot[flow] !== slot) {
      this.flowSlot[flow] = slot;
      this.flowHashLo[flow] = this.rnd.u32() >>> 0;
      this.flowHashHi[flow] = this.rnd.u32() >>> 0;
    }
    this.scratch.lo = this.flowHashLo[flow];
    this.scratch.hi = this.flowHashHi[flow];
    return this.scratch;
  }
  private readonly scratch = { lo: 0, hi: 0 };
  private readonly flowSlot: number[] = [];
  private readonly flowHashLo: number[] = [];
  private readonly flowHashHi: number[] = [];

  /** table_perturb[idx], filled with random bits on first use (get_random_sleepable_once). */
  perturbAt(idx: number): number {
    if (!this.perturbInit[idx]) {
      this.perturbInit[idx] = 1;
      this.perturb[idx] = this.rnd.u32() >>> 0;
    }
    return this.perturb[idx];
  }

  private readonly src4Loop = this.addrs.intern4(0x7f000001);
  private readonly src4Other = this.addrs.intern4(0x0a000002);

  /** Is some TCP socket listening on `port` at an address that covers `daddr`? */
  hasListener(daddr: number, port: number): boolean {
    for (let o = this.head[SPACE_TCP * 65536 + port]; o >= 0; o = this.ownNext[o]) {
      if (this.state[o] !== S_LISTEN) continue;
      const a = this.addrs;
      if (rcvSaddrEqual(a, this.family[o], this.laddr[o], (this.flags[o] & F_V6ONLY) !== 0, a.fam[daddr], daddr, false, true)) return true;
    }
    return false;
  }

  /** 127.0.0.1 or ::1 for the socket's family. */
  loopbackFor(s: number): number {
    return this.family[s] === 6 ? this.addrs.intern6([0, 0, 0, 0, 0, 0, 0, 1]) : this.src4Loop;
  }

  /** Address used as the source for a destination (route lookup stand-in). */
  sourceFor(s: number, daddr: number): number {
    const la = this.laddr[s];
    if (!this.addrs.any[la]) return la;
    const a = this.addrs;
    if (this.family[s] === 4 || a.v6type[daddr] === 1) {
      // 127/8 destinations leave from 127.0.0.1 (local route "src 127.0.0.1"); others from a
      // stand-in primary address
      const v4 = a.rcv4[daddr];
      const loop = (v4 >>> 24) === 127;
      if (this.family[s] === 4) return loop ? this.src4Loop : this.src4Other;
      const src = loop ? 0x7f000001 : 0x0a000002;
      return a.intern6([0, 0, 0, 0, 0, 0xffff, Math.floor(src / 65536), src % 65536]);
    }
    // IPv6: the model treats the destination as on-link/local, so it is its own best source
    // (RFC 6724 rule 1: ::1 -> ::1, 2001:db8::2 on lo -> itself)
    return daddr;
  }
}
