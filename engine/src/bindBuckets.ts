/**
 * Port ownership per port space: the owners list per (space, port) standing in for bhash2,
 * TCP bind buckets with fastreuse / fastreuseport (-1 = created by connect()), the 6.18
 * bucket reset on release (d57f4b874946, SOCK_CONNECT_BIND) vs sticky state, the bind
 * conflict rules of each protocol, and the "pass is full" memo of __inet_hash_connect (spec §5.0).
 */
import { rcvSaddrEqual } from './addr';
import type { NetnsState } from './sysctl';
import { SocketSlots } from './socketSlots';
import { F_CONNECT_BIND, F_OWNER, F_REUSEADDR, F_REUSEPORT, F_V6ONLY, S_LISTEN, SPACE_SCTP, SPACE_TCP, SPACE_UDP } from './tableConstants';

export class BindBuckets extends SocketSlots {
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
    else this.dropExplicitBit(port);
  }

  /** A port no longer explicitly bound: a connect scan that found it busy may find it free now. */
  private dropExplicitBit(port: number): void {
    if (this.explicitBits[port >>> 5] & (1 << (port & 31))) {
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
  protected readonly flowMemo: (Map<number, number> | undefined)[] = [];

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
      this.dropExplicitBit(port);
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

}
