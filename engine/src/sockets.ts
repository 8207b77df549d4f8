/**
 * The socket layer around the allocators: __inet_bind / inet6_bind, inet_stream_connect,
 * inet_dgram_connect + inet_autobind, inet_listen, inet_sendmsg autobind, tcp_disconnect /
 * udp_disconnect, and close (TIME-WAIT). Every function returns 0 or a positive errno.
 * Errnos on exhaustion follow spec §5.6.
 */
import { ERRNO } from './errno';
import { inetCskFindOpenPort } from './tcpBind';
import { checkEstablished, inetHashConnect } from './tcpConnect';
import { sctpGetPortLocal } from './sctp';
import { udpLibGetPort } from './udp';
import {
  F_BINDADDR_LOCK, F_BINDPORT_LOCK, F_EHASH, F_NOPORT, F_OWNER, K_SCTP, K_UDP, S_BOUND, S_CONNECTED, S_LISTEN, S_OPEN,
  SPACE_TCP, type PortTables,
} from './tables';

const { EADDRINUSE, EADDRNOTAVAIL, EAGAIN, ECONNREFUSED, EINVAL, EISCONN, EOPNOTSUPP, EPIPE } = ERRNO;

/** Was the last operation an automatic port search (for the statistics)? */
export interface OpTrace {
  auto: boolean;
  /** Port chosen by a connect that was then refused (getsockname still shows it). */
  refusedPort?: number;
}

function isTcp(t: PortTables, s: number): boolean {
  return t.space(s) === SPACE_TCP;
}

/**
 * bind(addr, port). Port 0 runs the protocol's autobind (inet_csk_find_open_port,
 * udp_lib_get_port, sctp_get_port_local) unless IP_BIND_ADDRESS_NO_PORT defers it (TCP/UDP
 * only, §2.8). An explicit port ignores IP_LOCAL_PORT_RANGE and reserved ports (§2.7, Q4).
 */
export function sockBind(t: PortTables, s: number, addr: number, port: number, tr: OpTrace): number {
  tr.auto = false;
  // __inet_bind: "sk->sk_state != TCP_CLOSE || inet->inet_num" -> EINVAL (active or double bind)
  if (t.state[s] !== S_OPEN || t.port[s] !== 0) return EINVAL;
  const kind = t.kind[s];
  t.laddr[s] = addr;
  const lock = t.addrs.any[addr] ? 0 : F_BINDADDR_LOCK;
  if (port === 0 && t.flags[s] & F_NOPORT && kind !== K_SCTP) {
    // __inet_bind: "if (snum || !inet->bind_address_no_port) get_port()" -> address only
    t.flags[s] |= lock;
    return 0;
  }
  let p = port;
  if (p === 0) {
    tr.auto = true;
    p = kind === K_UDP ? udpLibGetPort(t, s) : kind === K_SCTP ? sctpGetPortLocal(t, s) : inetCskFindOpenPort(t, s);
    if (p < 0) {
      t.laddr[s] = t.family[s] === 6 ? 1 : 0;
      return EADDRINUSE;
    }
  } else {
    const conflict = kind === K_UDP ? t.udpConflict(s, p) : kind === K_SCTP ? t.sctpConflict(s, p) : t.tcpBindConflict(s, p, true, true);
    if (conflict) {
      t.laddr[s] = t.family[s] === 6 ? 1 : 0;
      return EADDRINUSE;
    }
  }
  if (isTcp(t, s)) t.tcpUpdateFastreuse(s, p);
  t.ownerAdd(s, p);
  t.flags[s] |= lock | (port !== 0 ? F_BINDPORT_LOCK : 0);
  t.state[s] = S_BOUND;
  return 0;
}

/**
 * inet_autobind (UDP) / sctp_autobind (SCTP): an unbound socket takes an exclusive port
 * from udp_lib_get_port / sctp_get_port_local. Returns -1 when none is free (the callers'
 * EAGAIN, spec §5.6), 0 otherwise (also when the socket already owns a port).
 */
function datagramAutobind(t: PortTables, s: number, tr: OpTrace): number {
  if (t.port[s] !== 0) return 0;
  tr.auto = true;
  const p = t.kind[s] === K_UDP ? udpLibGetPort(t, s) : sctpGetPortLocal(t, s);
  if (p < 0) return -1;
  t.ownerAdd(s, p);
  return 0;
}

/** connect(daddr, dport) for any protocol. */
export function sockConnect(t: PortTables, s: number, daddrIn: number, dport: number, tr: OpTrace): number {
  tr.auto = false;
  tr.refusedPort = undefined;
  // connect() to INADDR_ANY / in6addr_any means loopback (ip_route_output_key_hash_rcu,
  // tcp_v6_connect)
  const daddr = t.addrs.any[daddrIn] ? t.loopbackFor(s) : daddrIn;
  const st = t.state[s];
  const kind = t.kind[s];
  if (kind === K_UDP) {
    // inet_dgram_connect: autobind first (EAGAIN), then ip4_datagram_connect
    if (datagramAutobind(t, s, tr) < 0) return EAGAIN;
    if (t.addrs.any[t.laddr[s]]) t.setLaddr(s, t.sourceFor(s, daddr));
    t.daddr[s] = daddr;
    t.dport[s] = dport;
    t.state[s] = S_CONNECTED;
    return 0;
  }
  if (st === S_CONNECTED) return EISCONN;
  if (st === S_LISTEN) return EISCONN;
  const saddr = t.sourceFor(s, daddr);
  if (kind === K_SCTP) {
    // sctp_connect -> sctp_autobind when unbound (EAGAIN); one port per socket
    if (datagramAutobind(t, s, tr) < 0) return EAGAIN;
    if (t.addrs.any[t.laddr[s]]) t.setLaddr(s, saddr);
    t.daddr[s] = daddr;
    t.dport[s] = dport;
    t.state[s] = S_CONNECTED;
    return 0;
  }
  // TCP / MPTCP: inet_hash_connect
  if (t.port[s] !== 0) {
    const flow = checkEstablished(t, s, saddr, daddr, dport);
    if (flow < 0) return EADDRNOTAVAIL;
    t.setLaddr(s, saddr);
    t.daddr[s] = daddr;
    t.dport[s] = dport;
    t.ehashAdd(s, flow, t.port[s]);
    t.state[s] = S_CONNECTED;
  } else {
    tr.auto = true;
    const p = inetHashConnect(t, s, saddr, daddr, dport);
    if (p < 0) return EADDRNOTAVAIL;
  }
  if (t.refuseWithoutListener && !t.hasListener(daddr, dport)) {
    // the SYN is answered by RST: tcp_done() -> TCP_CLOSE unhashes the 4-tuple and, unless
    // bind() named the port, releases it (inet_put_port); getsockname still shows the port
    t.ehashRemove(s);
    if (!(t.flags[s] & F_BINDPORT_LOCK)) t.leavePort(s);
    t.daddr[s] = -1;
    t.dport[s] = 0;
    t.state[s] = S_OPEN;
    tr.refusedPort = t.port[s];
    if (!(t.flags[s] & F_BINDPORT_LOCK)) t.port[s] = 0;
    return ECONNREFUSED;
  }
  return 0;
}

/** listen(): TCP autobind via inet_csk_get_port (EADDRINUSE), SCTP autobind (EAGAIN). */
export function sockListen(t: PortTables, s: number, tr: OpTrace): number {
  tr.auto = false;
  const kind = t.kind[s];
  if (kind === K_UDP) return EOPNOTSUPP;
  const st = t.state[s];
  if (st === S_LISTEN) return 0;
  if (st === S_CONNECTED) return EINVAL;
  if (kind === K_SCTP) {
    if (t.port[s] === 0) {
      tr.auto = true;
      const p = sctpGetPortLocal(t, s);
      if (p < 0) return EAGAIN;
      t.ownerAdd(s, p);
    }
    t.state[s] = S_LISTEN;
    return 0;
  }
  // inet_csk_listen_start: state = LISTEN, then get_port(sk, inet_num)
  t.state[s] = S_LISTEN;
  if (t.port[s] === 0) {
    tr.auto = true;
    const p = inetCskFindOpenPort(t, s);
    if (p < 0) {
      t.state[s] = S_OPEN;
      return EADDRINUSE;
    }
    t.tcpUpdateFastreuse(s, p);
    t.ownerAdd(s, p);
    return 0;
  }
  if (t.tcpBindConflict(s, t.port[s], true, true)) {
    t.state[s] = S_BOUND;
    return EADDRINUSE;
  }
  t.tcpUpdateFastreuse(s, t.port[s]);
  return 0;
}

/** sendto(): UDP/SCTP autobind on an unbound socket (EAGAIN); TCP needs a connection (EPIPE). */
export function sockSendto(t: PortTables, s: number, tr: OpTrace): number {
  tr.auto = false;
  const kind = t.kind[s];
  if (kind === K_UDP || kind === K_SCTP) {
    if (t.port[s] !== 0) return 0;
    if (datagramAutobind(t, s, tr) < 0) return EAGAIN;
    if (t.state[s] === S_OPEN) t.state[s] = S_BOUND;
    return 0;
  }
  return t.state[s] === S_CONNECTED ? 0 : EPIPE;
}

/**
 * connect(AF_UNSPEC): tcp_disconnect / udp_disconnect. The 4-tuple goes away; a port that
 * bind() did not name (SOCK_BINDPORT_LOCK) is released, the address too unless bound.
 */
export function sockDisconnect(t: PortTables, s: number): number {
  t.ehashRemove(s);
  if (!(t.flags[s] & F_BINDPORT_LOCK) && t.flags[s] & F_OWNER) {
    t.leavePort(s);
    t.port[s] = 0;
  }
  if (!(t.flags[s] & F_BINDADDR_LOCK)) t.setLaddr(s, t.family[s] === 6 ? 1 : 0);
  t.daddr[s] = -1;
  t.dport[s] = 0;
  t.state[s] = t.port[s] !== 0 ? S_BOUND : S_OPEN;
  return 0;
}

/**
 * close(): a connected TCP socket enters TIME-WAIT (active close; its 4-tuple and bucket
 * ownership stay), unless closed with RST (SO_LINGER {1,0}). Everything else releases the
 * port at once.
 */
export function sockClose(t: PortTables, s: number, rst: boolean): void {
  if (isTcp(t, s) && t.state[s] === S_CONNECTED && t.flags[s] & F_EHASH && !rst) {
    t.enterTimeWait(s);
  } else {
    t.ehashRemove(s);
    t.leavePort(s);
  }
  t.freeSlot(s);
}
