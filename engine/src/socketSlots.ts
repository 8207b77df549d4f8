/**
 * The sockets of one network namespace as a struct of arrays (one slot per socket or
 * TIME-WAIT entry, so the hot loops allocate nothing), with the netns settings and the
 * random source they are allocated under. Extended by BindBuckets and PortTables (tables.ts).
 */
import { AddrTable } from './addr';
import type { KernelProfile } from './kernels';
import type { RandomSource } from './random';
import type { NetnsState } from './sysctl';
import { KIND_SPACE, S_FREE, S_OPEN } from './tableConstants';

export class SocketSlots {
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

}
