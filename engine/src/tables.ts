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
import { AddrTable, rcvSaddrEqual } from './addr';
import type { KernelProfile } from './kernels';
import type { RandomSource } from './random';
import type { NetnsState } from './sysctl';

export const SPACE_TCP = 0;
export const SPACE_UDP = 1;
export const SPACE_SCTP = 2;

/** Socket kinds; MPTCP allocates in the TCP space (§5.5). */
export const K_TCP = 0;
export const K_UDP = 1;
export const K_SCTP = 2;
export const K_MPTCP = 3;
export const KIND_SPACE = [SPACE_TCP, SPACE_UDP, SPACE_SCTP, SPACE_TCP];

/** Socket states (a subset of TCP_* / SCTP_SS_* that matters for port allocation). */
export const S_FREE = 0;
export const S_OPEN = 1;
export const S_BOUND = 2;
export const S_LISTEN = 3;
export const S_CONNECTED = 4;
export const S_TIMEWAIT = 5;

/** Socket flags. */
export const F_REUSEADDR = 1; // sk_reuse == SK_CAN_REUSE
export const F_REUSEPORT = 2; // sk_reuseport
export const F_NOPORT = 4; // IP_BIND_ADDRESS_NO_PORT
export const F_CONNECT_BIND = 8; // SOCK_CONNECT_BIND / tw_connect_bind (6.18)
export const F_V6ONLY = 16; // IPV6_V6ONLY
export const F_BINDPORT_LOCK = 32; // SOCK_BINDPORT_LOCK: bind() named a port
export const F_OWNER = 64; // linked in the owners list of (space, port)
export const F_EHASH = 128; // present in ehash
export const F_BINDADDR_LOCK = 256; // SOCK_BINDADDR_LOCK: bind() named an address

/** TCP_TIMEWAIT_LEN. */
export const TIMEWAIT_MS = 60000;
/** INET_TABLE_PERTURB_ORDER = 16 (CONFIG default; this machine). */
export const PERTURB_SIZE = 1 << 16;

export class PortTables {
  readonly addrs = new AddrTable();
  now = 0;
  /**
   * Use the exact shortcuts (word skipping over busy bitmap words, memo of fruitless
   * connect() passes). Off = visit every position like the kernel; tests compare both.
   */
  fastPaths = true;
  /** Model the peer: a TCP connect with no listener on (daddr, dport) fails with ECONNREFUSED. */
  refuseWithoutListener = false;

  // ---- sockets (struct of arrays) ----
  private cap = 0;
  private top = 0;
  private readonly freeSlots: number[] = [];
  kind = new Uint8Array(0);
  family = new Uint8Array(0);
  state = new Uint8Array(0);
  flags = new Uint16Array(0);
  /** Stored IP_LOCAL_PORT_RANGE value (u32, hi<<16|lo). */
  range = new Uint32Array(0);
  /** Bound/source address id (0 = 0.0.0.0, 1 = ::). */
  laddr = new Int32Array(0);
  port = new Int32Array(0);
  daddr = new Int32Array(0);
  dport = new Int32Array(0);
  flow = new Int32Array(0);
  ownNext = new Int32Array(0);
  ownPrev = new Int32Array(0);
  twEntry = new Float64Array(0);

  // ---- per-space owners lists and bitmaps ----
  /** head[space * 65536 + port] = first owner slot or -1. */
  readonly head = new Int32Array(3 * 65536).fill(-1);
  /** bit set = some owner holds (space, port): a bind bucket exists. */
  readonly existsBits = [new Uint32Array(2048), new Uint32Array(2048), new Uint32Array(2048)];
  /** TCP bucket fields (valid while the bucket exists). */
  readonly fastreuse = new Int8Array(65536);
  readonly fastreuseport = new Int8Array(65536);
  /** bit set = TCP bucket exists with fastreuse >= 0 or fastreuseport >= 0 (explicitly bound). */
  readonly explicitBits = new Uint32Array(2048);
  /** Count of IPV6_V6ONLY owners per space (disables the wildcard fast path). */
  readonly v6onlyOwners = new Int32Array(3);

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

  constructor(
    readonly kernel: KernelProfile,
    public netns: NetnsState,
    readonly rnd: RandomSource,
  ) {
    this.grow(64);
  }

  private grow(n: number): void {
    const c = Math.max(n, this.cap * 2);
    const g8 = (a: Uint8Array) => { const b = new Uint8Array(c); b.set(a); return b; };
    const g16 = (a: Uint16Array) => { const b = new Uint16Array(c); b.set(a); return b; };
    const g32 = (a: Int32Array) => { const b = new Int32Array(c); b.set(a); return b; };
    this.kind = g8(this.kind);
    this.family = g8(this.family);
    this.state = g8(this.state);
    this.flags = g16(this.flags);
    const r = new Uint32Array(c); r.set(this.range); this.range = r;
    this.laddr = g32(this.laddr);
    this.port = g32(this.port);
    this.daddr = g32(this.daddr);
    this.dport = g32(this.dport);
    this.flow = g32(this.flow);
    this.ownNext = g32(this.ownNext);
    this.ownPrev = g32(this.ownPrev);
    const t = new Float64Array(c); t.set(this.twEntry); this.twEntry = t;
    this.cap = c;
  }

  /** socket(): a fresh slot. */
  alloc(kind: number, family: 4 | 6): number {
    let s = this.freeSlots.pop();
    if (s === undefined) {
      if (this.top >= this.cap) this.grow(this.top + 1);
      s = this.top++;
    }
    this.kind[s] = kind;
    this.family[s] = family;
    this.state[s] = S_OPEN;
    this.flags[s] = 0;
    this.range[s] = 0;
    this.laddr[s] = family === 6 ? 1 : 0;
    this.port[s] = 0;
    this.daddr[s] = -1;
    this.dport[s] = 0;
    this.flow[s] = -1;
    this.ownNext[s] = -1;
    this.ownPrev[s] = -1;
    return s;
  }

  /** Releases a slot whose ownership and ehash entries are already gone. */
  freeSlot(s: number): void {
    this.state[s] = S_FREE;
    this.freeSlots.push(s);
  }

  space(s: number): number {
    return KIND_SPACE[this.kind[s]];
  }

  isReserved(port: number): boolean {
    return (this.netns.reserved.bits[port >>> 5] & (1 << (port & 31))) !== 0;
  }

  // -------------------------------------------------------------------------------------
  // Owners (bhash / bhash2 / UDP hash slots / SCTP bind buckets)

  ownerAdd(s: number, port: number): void {
    const sp = this.space(s);
    const h = sp * 65536 + port;
    const first = this.head[h];
    this.ownNext[s] = first;
    this.ownPrev[s] = -1;
    if (first >= 0) this.ownPrev[first] = s;
    this.head[h] = s;
    this.port[s] = port;
    this.flags[s] |= F_OWNER;
    this.existsBits[sp][port >>> 5] |= 1 << (port & 31);
    if (this.flags[s] & F_V6ONLY) this.v6onlyOwners[sp]++;
    if (sp === SPACE_TCP) this.countAddr(this.laddr[s], 1);
  }

  /** TCP owners per bound address id (for the all-owners-overlap shortcut of bind(0)). */
  private readonly tcpAddrCount = new Map<number, number>();
  private countAddr(a: number, d: number): void {
    const n = (this.tcpAddrCount.get(a) ?? 0) + d;
    if (n > 0) this.tcpAddrCount.set(a, n);
    else this.tcpAddrCount.delete(a);
  }

  /** Changes a socket's bound/source address, keeping the owner bookkeeping right. */
  setLaddr(s: number, a: number): void {
    if (this.flags[s] & F_OWNER && this.space(s) === SPACE_TCP) {
      this.countAddr(this.laddr[s], -1);
      this.countAddr(a, 1);
    }
    this.laddr[s] = a;
  }

  /**
   * True when every current TCP owner's address overlaps s's (and no IPV6_V6ONLY socket is
   * involved): then, in a non-relaxed pass, a port conflicts exactly when its bucket exists.
   */
  allTcpOwnersOverlap(s: number): boolean {
    if (this.v6onlyOwners[SPACE_TCP] > 0 || this.flags[s] & F_V6ONLY) return false;
    for (const a of this.tcpAddrCount.keys()) {
      if (!rcvSaddrEqual(this.addrs, this.family[s], this.laddr[s], false, this.addrs.fam[a], a, false, true)) return false;
    }
    return true;
  }

  /** Unlinks an owner; returns true when the port has no owners left (bucket freed). */
  ownerRemove(s: number): boolean {
    if (!(this.flags[s] & F_OWNER)) return false;
    const sp = this.space(s);
    const port = this.port[s];
    const h = sp * 65536 + port;
    const n = this.ownNext[s];
    const p = this.ownPrev[s];
    if (p >= 0) this.ownNext[p] = n; else this.head[h] = n;
    if (n >= 0) this.ownPrev[n] = p;
    this.flags[s] &= ~F_OWNER;
    if (this.flags[s] & F_V6ONLY) this.v6onlyOwners[sp]--;
    if (sp === SPACE_TCP) this.countAddr(this.laddr[s], -1);
    if (this.head[h] < 0) {
      this.existsBits[sp][port >>> 5] &= ~(1 << (port & 31));
      return true;
    }
    return false;
  }

  // -------------------------------------------------------------------------------------
  // TCP bind buckets: fastreuse / fastreuseport (§5.0)

  private setExplicitBit(port: number): void {
    const explicit = this.fastreuse[port] >= 0 || this.fastreuseport[port] >= 0;
    if (explicit) this.explicitBits[port >>> 5] |= 1 << (port & 31);
    else if (this.explicitBits[port >>> 5] & (1 << (port & 31))) {
      this.explicitBits[port >>> 5] &= ~(1 << (port & 31));
      this.globalEpoch++;
    }
  }

  // -------------------------------------------------------------------------------------
  // "This scan pass is full" memo for __inet_hash_connect. A pass that found nothing stays
  // fruitless until something is released: a 4-tuple of that flow (flowEpoch), an explicit
  // bucket, the netns settings or the clock (globalEpoch). Both counters only grow, so
  // their sum identifies the state. Skipping a memoised pass gives exactly the result of
  // scanning it (no port, i = remaining).
  globalEpoch = 0;
  readonly flowEpoch: number[] = [];
  private readonly flowMemo: (Map<number, number> | undefined)[] = [];

  passKnownFull(flow: number, key: number): boolean {
    const m = this.flowMemo[flow];
    return m !== undefined && m.get(key) === this.flowEpoch[flow] + this.globalEpoch;
  }

  rememberPassFull(flow: number, key: number): void {
    let m = this.flowMemo[flow];
    if (!m) this.flowMemo[flow] = m = new Map();
    m.set(key, this.flowEpoch[flow] + this.globalEpoch);
  }

  /** Replaces the netns settings (a `sysctl` operation). */
  setNetns(ns: NetnsState): void {
    this.netns = ns;
    this.globalEpoch++;
  }

  /** __inet_hash_connect: join or create a bucket as a connect()-bound owner (-1, -1). */
  tcpJoinByConnect(s: number, port: number): void {
    if (this.head[SPACE_TCP * 65536 + port] < 0) {
      this.fastreuse[port] = -1;
      this.fastreuseport[port] = -1;
      this.setExplicitBit(port);
    }
    this.ownerAdd(s, port);
    if (this.kernel.bucketResetOnRelease) this.flags[s] |= F_CONNECT_BIND;
  }

  /**
   * inet_csk_update_fastreuse() after a successful bind()/listen() get_port (call it before
   * ownerAdd for a new owner): the bucket becomes "explicitly bound" (at least one field
   * >= 0), so connect() skips it.
   */
  tcpUpdateFastreuse(s: number, port: number): void {
    const f = this.flags[s];
    const reuse = (f & F_REUSEADDR) !== 0 && this.state[s] !== S_LISTEN;
    if (this.head[SPACE_TCP * 65536 + port] < 0) {
      this.fastreuse[port] = reuse ? 1 : 0;
      this.fastreuseport[port] = f & F_REUSEPORT ? 1 : 0; // FASTREUSEPORT_ANY
    } else {
      if (!reuse) this.fastreuse[port] = 0;
      if (f & F_REUSEPORT) {
        if (this.fastreuseport[port] <= 0) this.fastreuseport[port] = 2; // FASTREUSEPORT_STRICT
      } else this.fastreuseport[port] = 0;
    }
    this.setExplicitBit(port);
    this.flags[s] &= ~F_CONNECT_BIND;
  }

  /**
   * inet_put_port() / TIME-WAIT bind unhash: drop an owner from its TCP bucket. On 6.18+
   * (d57f4b874946) the bucket returns to (-1,-1) once every remaining owner is connect-bound;
   * before 6.18 the state is sticky until the bucket is freed.
   */
  tcpLeave(s: number): void {
    const port = this.port[s];
    if (!(this.flags[s] & F_OWNER)) return;
    const freed = this.ownerRemove(s);
    if (freed) {
      this.explicitBits[port >>> 5] &= ~(1 << (port & 31));
      return;
    }
    if (this.kernel.bucketResetOnRelease && (this.fastreuse[port] >= 0 || this.fastreuseport[port] >= 0)) {
      for (let o = this.head[SPACE_TCP * 65536 + port]; o >= 0; o = this.ownNext[o]) {
        if (!(this.flags[o] & F_CONNECT_BIND)) return;
      }
      this.fastreuse[port] = -1;
      this.fastreuseport[port] = -1;
      this.setExplicitBit(port);
    }
  }

  /** Generic release of a slot's port (any space). */
  leavePort(s: number): void {
    if (this.space(s) === SPACE_TCP) this.tcpLeave(s);
    else this.ownerRemove(s);
  }

  // -------------------------------------------------------------------------------------
  // Conflicts

  /** Do the bound addresses of s and o overlap (inet_rcv_saddr_equal, match_wildcard = true)? */
  addrOverlap(s: number, o: number): boolean {
    return rcvSaddrEqual(
      this.addrs,
      this.family[s], this.laddr[s], (this.flags[s] & F_V6ONLY) !== 0,
      this.family[o], this.laddr[o], (this.flags[o] & F_V6ONLY) !== 0,
      true,
    );
  }

  /**
   * inet_bind_conflict() + inet_rcv_saddr_equal() over the owners of the TCP port
   * (inet_csk_bind_conflict). relax/reuseportOk as in the kernel: autobind passes
   * reuseport_ok = false; explicit bind passes relax = true, reuseport_ok = true.
   * All sockets share one uid in the model.
   */
  tcpBindConflict(s: number, port: number, relax: boolean, reuseportOk: boolean): boolean {
    const f = this.flags[s];
    for (let o = this.head[SPACE_TCP * 65536 + port]; o >= 0; o = this.ownNext[o]) {
      if (o === s) continue;
      const g = this.flags[o];
      let conflict: boolean;
      if (f & F_REUSEADDR && g & F_REUSEADDR && this.state[o] !== S_LISTEN) {
        conflict = !relax || (!reuseportOk && (f & F_REUSEPORT) !== 0 && (g & F_REUSEPORT) !== 0);
      } else {
        conflict = !reuseportOk || !(f & F_REUSEPORT) || !(g & F_REUSEPORT);
      }
      if (conflict && this.addrOverlap(s, o)) return true;
    }
    return false;
  }

  /** udp_lib_lport_inuse(): some owner of the UDP port conflicts with s. */
  udpConflict(s: number, port: number): boolean {
    const f = this.flags[s];
    for (let o = this.head[SPACE_UDP * 65536 + port]; o >= 0; o = this.ownNext[o]) {
      if (o === s) continue;
      const g = this.flags[o];
      if (f & F_REUSEADDR && g & F_REUSEADDR) continue;
      if (!this.addrOverlap(s, o)) continue;
      if (f & F_REUSEPORT && g & F_REUSEPORT) continue; // same uid in the model
      return true;
    }
    return false;
  }

  /** sctp_get_port_local() explicit-port check: owners whose addresses overlap and that cannot share. */
  sctpConflict(s: number, port: number): boolean {
    const f = this.flags[s];
    for (let o = this.head[SPACE_SCTP * 65536 + port]; o >= 0; o = this.ownNext[o]) {
      if (o === s) continue;
      const g = this.flags[o];
      const shareable = (f & F_REUSEADDR) !== 0 && (g & F_REUSEADDR) !== 0 && this.state[o] !== S_LISTEN;
      if (shareable) continue;
      if (f & F_REUSEPORT && g & F_REUSEPORT) continue;
      if (this.addrOverlap(s, o)) return true;
    }
    return false;
  }

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
