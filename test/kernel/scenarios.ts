/**
 * The differential scenarios (docs/differential.md): each is run by the engine and, for real, by
 * server/src/kernel/runner.py inside `unshare -n`. `expect` holds what spec §9 observed on 6.18, checked
 * against the kernel (it validates the runner itself); the engine is compared with the kernel.
 */
import type { NetnsConfig, Op, Proto, Family } from '../../engine/src/scenarioTypes';
import type { Compare } from '../../server/src/kernel/compare';

export type { Compare };

export interface Expect {
  /** Autobind results in order, compact: "8,EADDRNOTAVAIL" = 8 successes then EADDRNOTAVAIL. */
  allocs: string;
  /** Set of allocated ports, as [lo, hi] inclusive or an explicit list. */
  set?: [number, number] | number[];
  /** Allocated ports in order (deterministic scenarios). */
  seq?: number[];
  /** Parity of allocations in order, e.g. "eeeeoooo". */
  paritySeq?: string;
  /** Results of labelled ops: errno name, or a port number for success, or null (success, no port). */
  labels?: Record<string, string | number | null>;
}

export interface Scenario {
  name: string;
  /** Spec references this scenario exercises. */
  spec: string;
  netns: NetnsConfig;
  ops: Op[];
  labels: Map<number, string>;
  compare: Compare;
  expect: Expect;
  /** A property every allocated port must satisfy on both sides (e.g. lower half only). */
  invariant?: { text: string; test: (port: number) => boolean };
}

const LISTEN_BASE = 1000;

/** Small fluent builder so scenarios read like the socket calls they make. */
class B {
  ops: Op[] = [];
  labels = new Map<number, string>();
  private nextSock = 0;
  private nextListener = LISTEN_BASE;

  /** Labels the op added last. */
  as(label: string): this {
    this.labels.set(this.ops.length - 1, label);
    return this;
  }
  sock(proto: Proto = 'tcp', family: Family = 4): number {
    const id = this.nextSock++;
    this.ops.push({ op: 'socket', sock: id, proto, family });
    return id;
  }
  range(sock: number, lo: number, hi: number, optlen?: number): this {
    this.ops.push(optlen === undefined
      ? { op: 'setsockopt', sock, name: 'IP_LOCAL_PORT_RANGE', lo, hi }
      : { op: 'setsockopt', sock, name: 'IP_LOCAL_PORT_RANGE', lo, hi, optlen });
    return this;
  }
  flag(sock: number, name: 'SO_REUSEADDR' | 'SO_REUSEPORT' | 'IP_BIND_ADDRESS_NO_PORT' | 'IPV6_V6ONLY', value = true): this {
    this.ops.push({ op: 'setsockopt', sock, name, value });
    return this;
  }
  bind(sock: number, addr: string, port = 0): this {
    this.ops.push({ op: 'bind', sock, addr, port });
    return this;
  }
  connect(sock: number, addr: string, port: number): this {
    this.ops.push({ op: 'connect', sock, addr, port });
    return this;
  }
  listen(sock: number): this {
    this.ops.push({ op: 'listen', sock, backlog: 4096 });
    return this;
  }
  sendto(sock: number, addr: string, port: number): this {
    this.ops.push({ op: 'sendto', sock, addr, port });
    return this;
  }
  disconnect(sock: number): this {
    this.ops.push({ op: 'disconnect', sock });
    return this;
  }
  close(sock: number, rst = false): this {
    this.ops.push(rst ? { op: 'close', sock, rst: true } : { op: 'close', sock });
    return this;
  }
  sleep(ms: number): this {
    this.ops.push({ op: 'sleep', ms });
    return this;
  }
  sysctl(netns: NetnsConfig): this {
    this.ops.push({ op: 'sysctl', netns });
    return this;
  }
  /** A TCP (or MPTCP) listener on addr:port with SO_REUSEADDR; ids from 1000 up. */
  listener(addr: string, port: number, family: Family = 4, proto: Proto = 'tcp'): number {
    const id = this.nextListener++;
    this.ops.push({ op: 'socket', sock: id, proto, family });
    this.flag(id, 'SO_REUSEADDR');
    this.bind(id, addr, port);
    this.listen(id);
    return id;
  }
  /** n fresh sockets, each configured by `setup` and then handed to `act`. */
  times(n: number, proto: Proto, family: Family, setup: (s: number) => void, act: (s: number) => void): this {
    for (let i = 0; i < n; i++) {
      const s = this.sock(proto, family);
      setup(s);
      act(s);
    }
    return this;
  }
}

type Def = Omit<Scenario, 'ops' | 'labels' | 'compare'> & { compare?: Partial<Compare>; build: (b: B) => void };

function def(d: Def): Scenario {
  const b = new B();
  d.build(b);
  const { build: _build, compare, ...rest } = d;
  return { ...rest, ops: b.ops, labels: b.labels, compare: { ports: 'set', parity: 'split', ...compare } };
}

const N8: NetnsConfig = { portRange: { lo: 40000, hi: 40007 } };
const N10: NetnsConfig = { portRange: { lo: 40000, hi: 40009 } };
const NBIG: NetnsConfig = { portRange: { lo: 40000, hi: 49999 } };
const RESERVED = '40000-40004,40007';
const L4 = '127.0.0.1';
const L6 = '::1';
const none = () => undefined;

export const SCENARIOS: Scenario[] = [
  // ---------------- TCP connect(): __inet_hash_connect (§5.1) ----------------
  def({
    name: 'tcp4 connect, option unset: low-parity pass first, 8-port netns',
    spec: '§5.1 parity, §9 V8',
    netns: N8,
    compare: { parityOrder: true },
    expect: { allocs: '8,EADDRNOTAVAIL', set: [40000, 40007], paritySeq: 'eeeeoooo' },
    build: (b) => {
      b.listener(L4, 5000);
      b.times(9, 'tcp', 4, none, (s) => b.connect(s, L4, 5000));
    },
  }),
  def({
    name: 'tcp4 connect, option inside netns range',
    spec: '§4.3, §5.1, §9 V10',
    netns: NBIG,
    expect: { allocs: '8,EADDRNOTAVAIL', set: [40000, 40007] },
    build: (b) => {
      b.listener(L4, 5000);
      b.times(9, 'tcp', 4, (s) => b.range(s, 40000, 40007), (s) => b.connect(s, L4, 5000));
    },
  }),
  def({
    name: 'tcp4 connect, option ignored (above netns range): step-1 scan of netns range',
    spec: '§4.1 Q2, §9 V9',
    netns: N8,
    expect: { allocs: '8,EADDRNOTAVAIL', set: [40000, 40007] },
    build: (b) => {
      b.listener(L4, 5000);
      b.times(9, 'tcp', 4, (s) => b.range(s, 50000, 60000), (s) => b.connect(s, L4, 5000));
    },
  }),
  def({
    name: 'tcp4 connect, option clamped (lo below netns range ignored)',
    spec: '§4.3 (30000,40004)',
    netns: N10,
    expect: { allocs: '5,EADDRNOTAVAIL', set: [40000, 40004] },
    build: (b) => {
      b.listener(L4, 5000);
      b.times(6, 'tcp', 4, (s) => b.range(s, 30000, 40004), (s) => b.connect(s, L4, 5000));
    },
  }),
  def({
    name: 'tcp4 connect, single-port option',
    spec: '§4.3 (45000,45000), §6.1 single_port_range',
    netns: NBIG,
    compare: { portOrder: true },
    expect: { allocs: '1,EADDRNOTAVAIL', seq: [45000] },
    build: (b) => {
      b.listener(L4, 5000);
      b.times(2, 'tcp', 4, (s) => b.range(s, 45000, 45000), (s) => b.connect(s, L4, 5000));
    },
  }),
  def({
    name: 'tcp4 connect, lo-only option (odd size, step 1 reaches all 3)',
    spec: '§4.3 (40007,0), §5.7 Q1',
    netns: N10,
    expect: { allocs: '3,EADDRNOTAVAIL', set: [40007, 40009] },
    build: (b) => {
      b.listener(L4, 5000);
      b.times(4, 'tcp', 4, (s) => b.range(s, 40007, 0), (s) => b.connect(s, L4, 5000));
    },
  }),
  def({
    name: 'tcp4 connect, hi-only option',
    spec: '§4.3 (0,40003)',
    netns: N10,
    expect: { allocs: '4,EADDRNOTAVAIL', set: [40000, 40003] },
    build: (b) => {
      b.listener(L4, 5000);
      b.times(5, 'tcp', 4, (s) => b.range(s, 0, 40003), (s) => b.connect(s, L4, 5000));
    },
  }),
  def({
    name: 'tcp4 connect, reserved ports skipped (option unset)',
    spec: '§3.3, §5.7 Q4, §9 V16',
    netns: { ...N10, reservedPorts: RESERVED },
    compare: { parityOrder: true },
    expect: { allocs: '4,EADDRNOTAVAIL,EADDRNOTAVAIL', set: [40005, 40006, 40008, 40009], paritySeq: 'eeoo', labels: { allReserved: 'EADDRNOTAVAIL' } },
    build: (b) => {
      b.listener(L4, 5000);
      b.listener(L4, 5001);
      b.times(5, 'tcp', 4, none, (s) => b.connect(s, L4, 5000));
      const r = b.sock();
      b.range(r, 40000, 40004).connect(r, L4, 5001).as('allReserved');
    },
  }),
  def({
    name: 'tcp4 connect, option unset, 3-port netns range: top port never used (Q1)',
    spec: '§5.7 Q1, §9 V21',
    netns: { portRange: { lo: 40000, hi: 40002 } },
    compare: { parityOrder: true },
    expect: { allocs: '2,EADDRNOTAVAIL', set: [40000, 40001], paritySeq: 'eo' },
    build: (b) => {
      b.listener(L4, 5000);
      b.times(3, 'tcp', 4, none, (s) => b.connect(s, L4, 5000));
    },
  }),
  def({
    name: 'tcp4 connect re-reads the netns range and reserved ports at every allocation',
    spec: '§2.7, §5.7 Q5',
    netns: { portRange: { lo: 40000, hi: 40003 } },
    expect: { allocs: '4,EADDRNOTAVAIL,3,EADDRNOTAVAIL', set: [40000, 40006] },
    build: (b) => {
      b.listener(L4, 5000);
      b.times(5, 'tcp', 4, none, (s) => b.connect(s, L4, 5000));
      b.sysctl({ portRange: { lo: 40000, hi: 40007 }, reservedPorts: '40007' });
      b.times(4, 'tcp', 4, none, (s) => b.connect(s, L4, 5000));
    },
  }),
  def({
    name: 'tcp4 connect, 8 ports serve 8 per distinct destination',
    spec: '§5.1 capacity, §9 V10',
    netns: NBIG,
    expect: { allocs: '8,EADDRNOTAVAIL,8,EADDRNOTAVAIL,8,EADDRNOTAVAIL', set: [40000, 40007] },
    build: (b) => {
      b.listener(L4, 5000);
      b.listener(L4, 5001);
      b.listener('127.0.0.2', 5000);
      for (const [a, p] of [[L4, 5000], [L4, 5001], ['127.0.0.2', 5000]] as const) {
        b.times(9, 'tcp', 4, (s) => b.range(s, 40000, 40007), (s) => b.connect(s, a, p));
      }
    },
  }),
  def({
    name: 'tcp6 connect, option inside netns range',
    spec: '§5.5 IPv6, §9 V8',
    netns: NBIG,
    expect: { allocs: '8,EADDRNOTAVAIL', set: [40000, 40007] },
    build: (b) => {
      b.listener(L6, 5000, 6);
      b.times(9, 'tcp', 6, (s) => b.range(s, 40000, 40007), (s) => b.connect(s, L6, 5000));
    },
  }),
  def({
    name: 'tcp6 socket to a v4-mapped destination honours the SOL_IP option',
    spec: '§2.5 (AF_INET6 at SOL_IP), §9 V22',
    netns: NBIG,
    expect: { allocs: '8,EADDRNOTAVAIL', set: [41000, 41007] },
    build: (b) => {
      b.listener(L4, 5000);
      b.times(9, 'tcp', 6, (s) => b.range(s, 41000, 41007), (s) => b.connect(s, '::ffff:127.0.0.1', 5000));
    },
  }),
  def({
    name: 'tcp6 connect, option unset, odd low: odd ports first',
    spec: '§5.1 parity, §9 V8 (low=40001)',
    netns: { portRange: { lo: 40001, hi: 40008 } },
    compare: { parityOrder: true },
    expect: { allocs: '8,EADDRNOTAVAIL', set: [40001, 40008], paritySeq: 'ooooeeee' },
    build: (b) => {
      b.listener(L6, 5000, 6);
      b.times(9, 'tcp', 6, none, (s) => b.connect(s, L6, 5000));
    },
  }),
  def({
    name: 'tcp4 IP_BIND_ADDRESS_NO_PORT: bind leaves port 0, connect picks it',
    spec: '§2.8, §6.1 late_bind',
    netns: NBIG,
    expect: { allocs: '8,EADDRNOTAVAIL', set: [40100, 40107], labels: { nobind: null } },
    build: (b) => {
      b.listener(L4, 5000);
      for (let i = 0; i < 9; i++) {
        const s = b.sock();
        b.range(s, 40100, 40107).flag(s, 'IP_BIND_ADDRESS_NO_PORT').bind(s, L4, 0);
        if (i === 0) b.as('nobind');
        b.connect(s, L4, 5000);
      }
    },
  }),
  def({
    name: 'tcp4 NO_PORT + 1-port range: one port shared by two 4-tuples',
    spec: '§2.7, §9 V23',
    netns: NBIG,
    compare: { portOrder: true },
    expect: { allocs: '2,EADDRNOTAVAIL', seq: [41600, 41600] },
    build: (b) => {
      b.listener(L4, 5000);
      b.listener(L4, 5001);
      for (const dport of [5000, 5001, 5000]) {
        const s = b.sock();
        b.range(s, 41600, 41600).flag(s, 'IP_BIND_ADDRESS_NO_PORT').bind(s, L4, 0).connect(s, L4, dport);
      }
    },
  }),
  def({
    name: 'tcp4 connect skips ports held by bind(0)',
    spec: '§5.0 explicitly-bound buckets, §5.1',
    netns: N8,
    expect: { allocs: '2,6,EADDRNOTAVAIL', set: [40000, 40007] },
    build: (b) => {
      b.listener(L4, 5000);
      b.times(2, 'tcp', 4, none, (s) => b.bind(s, L4, 0));
      b.times(7, 'tcp', 4, none, (s) => b.connect(s, L4, 5000));
    },
  }),
  def({
    name: 'tcp4 bind(0) is address-aware; wildcard bind and connect are blocked',
    spec: '§5.2 address-aware, §9 V10',
    netns: NBIG,
    expect: {
      allocs: '8,1,EADDRINUSE,EADDRNOTAVAIL',
      set: [40100, 40107],
      labels: { otherIp: 'ok', wildcard: 'EADDRINUSE', connect: 'EADDRNOTAVAIL' },
    },
    build: (b) => {
      b.listener(L4, 5000);
      b.times(8, 'tcp', 4, (s) => b.range(s, 40100, 40107), (s) => b.bind(s, L4, 0));
      const a = b.sock();
      b.range(a, 40100, 40107).bind(a, '127.0.0.2', 0).as('otherIp');
      const w = b.sock();
      b.range(w, 40100, 40107).bind(w, '0.0.0.0', 0).as('wildcard');
      const c = b.sock();
      b.range(c, 40100, 40107).connect(c, L4, 5000).as('connect');
    },
  }),
  def({
    name: 'tcp4 bind(0)/listen() vs ports held by connect(): same IP blocked, other IP free',
    spec: '§5.2 address-aware, §5.0, §9 V10',
    netns: NBIG,
    compare: { parity: 'none' },
    expect: {
      allocs: '8,EADDRINUSE,1,EADDRINUSE,1',
      set: [40000, 40007],
      labels: { sameIp: 'EADDRINUSE', otherIp: 'ok', listen: 'EADDRINUSE', udp: 'ok' },
    },
    build: (b) => {
      b.listener(L4, 5000);
      b.times(8, 'tcp', 4, (s) => b.range(s, 40000, 40007), (s) => b.connect(s, L4, 5000));
      const a = b.sock();
      b.range(a, 40000, 40007).bind(a, L4, 0).as('sameIp');
      const o = b.sock();
      b.range(o, 40000, 40007).bind(o, '127.0.0.3', 0).as('otherIp');
      const l = b.sock();
      b.range(l, 40000, 40007).listen(l).as('listen');
      const u = b.sock('udp');
      b.range(u, 40000, 40007).bind(u, L4, 0).as('udp');
    },
  }),
  def({
    name: 'tcp4 connect: TIME-WAIT blocks the 4-tuple at once, RST close frees it',
    spec: '§5.1 TIME-WAIT, §9 V14',
    netns: NBIG,
    compare: { parity: 'none' },
    expect: { allocs: '4,EADDRNOTAVAIL,4,4,EADDRNOTAVAIL', set: [40000, 40003] },
    build: (b) => {
      b.listener(L4, 5000);
      b.listener(L4, 5001);
      const first: number[] = [];
      b.times(4, 'tcp', 4, (s) => b.range(s, 40000, 40003), (s) => { b.connect(s, L4, 5000); first.push(s); });
      for (const s of first) b.close(s); // orderly close: the 4-tuples stay in TIME-WAIT
      b.times(1, 'tcp', 4, (s) => b.range(s, 40000, 40003), (s) => b.connect(s, L4, 5000));
      const second: number[] = [];
      b.times(4, 'tcp', 4, (s) => b.range(s, 40000, 40003), (s) => { b.connect(s, L4, 5001); second.push(s); });
      for (const s of second) b.close(s, true); // RST: the 4-tuples are gone at once
      b.times(5, 'tcp', 4, (s) => b.range(s, 40000, 40003), (s) => b.connect(s, L4, 5001));
    },
  }),
  def({
    name: 'tcp4 connect takes over TIME-WAIT 4-tuples after tcp_tw_reuse_delay (reuse=2, loopback)',
    spec: '§3.5, §5.1 tcp_tw_reusable, §9 V14',
    netns: { ...NBIG, tcpTwReuse: 2, tcpTwReuseDelayMs: 100 },
    compare: { parity: 'none' },
    expect: { allocs: '4,EADDRNOTAVAIL,4,EADDRNOTAVAIL', set: [40000, 40003] },
    build: (b) => {
      b.listener(L4, 5000);
      const first: number[] = [];
      b.times(4, 'tcp', 4, (s) => b.range(s, 40000, 40003), (s) => { b.connect(s, L4, 5000); first.push(s); });
      for (const s of first) b.close(s); // active close, the peer closes too: TIME-WAIT
      b.times(1, 'tcp', 4, (s) => b.range(s, 40000, 40003), (s) => b.connect(s, L4, 5000));
      b.sleep(250);
      b.times(5, 'tcp', 4, (s) => b.range(s, 40000, 40003), (s) => b.connect(s, L4, 5000));
    },
  }),
  def({
    name: 'tcp4 connect never takes over TIME-WAIT with tcp_tw_reuse=0',
    spec: '§3.5, §5.1 tcp_tw_reusable, §9 V14',
    netns: { ...NBIG, tcpTwReuse: 0, tcpTwReuseDelayMs: 100 },
    compare: { parity: 'none' },
    expect: { allocs: '4,EADDRNOTAVAIL,EADDRNOTAVAIL,1', set: [40000, 40003] },
    build: (b) => {
      b.listener(L4, 5000);
      b.listener(L4, 5001);
      const first: number[] = [];
      b.times(4, 'tcp', 4, (s) => b.range(s, 40000, 40003), (s) => { b.connect(s, L4, 5000); first.push(s); });
      for (const s of first) b.close(s);
      b.sleep(250);
      b.times(2, 'tcp', 4, (s) => b.range(s, 40000, 40003), (s) => b.connect(s, L4, 5000));
      b.times(1, 'tcp', 4, (s) => b.range(s, 40000, 40003), (s) => b.connect(s, L4, 5001)); // other 4-tuple: fine
    },
  }),
  def({
    name: 'tcp4 bind(0) skips ports held only by TIME-WAIT sockets (same IP); other IP free',
    spec: '§5.7 Q7, §5.2 conflicts()',
    netns: NBIG,
    compare: { parity: 'none' },
    expect: { allocs: '4,EADDRINUSE,1', set: [40000, 40003], labels: { sameIp: 'EADDRINUSE', otherIp: 'ok' } },
    build: (b) => {
      b.listener(L4, 5000);
      const first: number[] = [];
      b.times(4, 'tcp', 4, (s) => b.range(s, 40000, 40003), (s) => { b.connect(s, L4, 5000); first.push(s); });
      for (const s of first) b.close(s);
      const a = b.sock();
      b.range(a, 40000, 40003).bind(a, L4, 0).as('sameIp');
      const o = b.sock();
      b.range(o, 40000, 40003).bind(o, '127.0.0.2', 0).as('otherIp');
    },
  }),
  def({
    name: 'tcp4 explicitly bound sockets sharing a port: second connect to the same 4-tuple fails',
    spec: '§5.6 check_established, §5.1 unique_4tuple',
    netns: NBIG,
    expect: { allocs: '', labels: { b1: 41000, c1: 41000, b2: 41000, c2: 'EADDRNOTAVAIL', c3: 41000 } },
    build: (b) => {
      b.listener(L4, 5000);
      b.listener(L4, 5001);
      const s1 = b.sock();
      b.flag(s1, 'SO_REUSEADDR').bind(s1, L4, 41000).as('b1').connect(s1, L4, 5000).as('c1');
      const s2 = b.sock();
      b.flag(s2, 'SO_REUSEADDR').bind(s2, L4, 41000).as('b2').connect(s2, L4, 5000).as('c2');
      const s3 = b.sock();
      b.flag(s3, 'SO_REUSEADDR').bind(s3, L4, 41000).connect(s3, L4, 5001).as('c3');
    },
  }),
  def({
    name: 'tcp4 connect cannot share a port with a listener on another IP',
    spec: '§6.3 share_port_with_listening_socket, §9 V19',
    netns: NBIG,
    expect: { allocs: 'EADDRNOTAVAIL', labels: { listener: 40000, c: 'EADDRNOTAVAIL' } },
    build: (b) => {
      b.listener(L4, 5000);
      const l = b.sock();
      b.bind(l, L4, 40000).as('listener').listen(l);
      const c = b.sock();
      b.range(c, 40000, 40000).flag(c, 'IP_BIND_ADDRESS_NO_PORT').bind(c, '127.0.0.2', 0).connect(c, L4, 5000).as('c');
    },
  }),
  def({
    name: 'setsockopt after bind(0) succeeds and changes nothing',
    spec: '§2.3 socket state, §9 V5',
    netns: { portRange: { lo: 40000, hi: 40000 } },
    compare: { portOrder: true },
    expect: { allocs: '1', seq: [40000], labels: { late: 40000, conn: 40000 } },
    build: (b) => {
      b.listener(L4, 5000);
      const s = b.sock();
      b.bind(s, L4, 0).range(s, 45000, 45000).as('late').connect(s, L4, 5000).as('conn');
    },
  }),
  def({
    name: 'tcp4 connect to 127.0.0.2 from an unbound socket uses source 127.0.0.1',
    spec: '§5.2 address-aware, §5.0 bhash2 (route source selection on lo)',
    netns: NBIG,
    expect: { allocs: '1,EADDRINUSE,1', seq: [40000, 40000], labels: { src1: 'EADDRINUSE', src2: 40000 } },
    compare: { portOrder: true },
    build: (b) => {
      b.listener('127.0.0.2', 5000);
      const c = b.sock();
      b.range(c, 40000, 40000).connect(c, '127.0.0.2', 5000);
      const a = b.sock();
      b.range(a, 40000, 40000).bind(a, L4, 0).as('src1');
      const o = b.sock();
      b.range(o, 40000, 40000).bind(o, '127.0.0.2', 0).as('src2');
    },
  }),
  def({
    name: 'tcp4 NO_PORT + 1-port range: one connection per source address to one destination',
    spec: '§5.1 capacity per (saddr, daddr, dport)',
    netns: NBIG,
    compare: { portOrder: true },
    expect: { allocs: '1,1,1,EADDRNOTAVAIL', seq: [41700, 41700, 41700] },
    build: (b) => {
      b.listener(L4, 5000);
      for (const src of ['127.0.0.11', '127.0.0.12', '127.0.0.13', '127.0.0.11']) {
        const s = b.sock();
        b.range(s, 41700, 41700).flag(s, 'IP_BIND_ADDRESS_NO_PORT').bind(s, src, 0).connect(s, L4, 5000);
      }
    },
  }),
  def({
    name: 'tcp4 6.18 bucket reset: port shareable again after the explicit binder closes',
    spec: '§5.0, §6.2 can_reuse_port_after_bind_and_close, §9 V17',
    netns: { portRange: { lo: 40000, hi: 40000 } },
    compare: { portOrder: true },
    expect: { allocs: '1,EADDRNOTAVAIL,1', seq: [40000, 40000], labels: { blocker: 40000, c2: 'EADDRNOTAVAIL', c2again: 40000 } },
    build: (b) => {
      b.listener(L4, 30000);
      const c1 = b.sock();
      b.flag(c1, 'IP_BIND_ADDRESS_NO_PORT').bind(c1, '127.1.1.1', 0).connect(c1, L4, 30000);
      const pb = b.sock();
      b.flag(pb, 'SO_REUSEADDR').bind(pb, '127.3.3.3', 40000).as('blocker');
      const c2 = b.sock();
      b.flag(c2, 'IP_BIND_ADDRESS_NO_PORT').bind(c2, '127.2.2.2', 0).connect(c2, L4, 30000).as('c2');
      b.close(pb);
      b.connect(c2, L4, 30000).as('c2again');
    },
  }),
  def({
    name: 'tcp4 port blocked after disconnect + explicit re-bind (6.18)',
    spec: '§6.2 port_block_after_disconnect, §9 V18',
    netns: { portRange: { lo: 40000, hi: 40000 } },
    compare: { portOrder: true },
    expect: { allocs: '1,EADDRNOTAVAIL', seq: [40000], labels: { disc: null, rebind: 40000, pb: 40000, c2: 'EADDRNOTAVAIL' } },
    build: (b) => {
      b.listener(L4, 30000);
      const c1 = b.sock();
      b.flag(c1, 'IP_BIND_ADDRESS_NO_PORT').bind(c1, '127.1.1.1', 0).connect(c1, L4, 30000);
      b.disconnect(c1).as('disc');
      b.flag(c1, 'SO_REUSEADDR').bind(c1, '127.3.3.3', 40000).as('rebind');
      const pb = b.sock();
      b.flag(pb, 'SO_REUSEADDR').bind(pb, '127.3.3.3', 40000).as('pb');
      b.close(pb);
      const c2 = b.sock();
      b.flag(c2, 'IP_BIND_ADDRESS_NO_PORT').bind(c2, '127.2.2.2', 0).connect(c2, L4, 30000).as('c2');
    },
  }),
  def({
    name: 'mptcp4 connect, option inside netns range',
    spec: '§2.5 MPTCP (6.8+), §5.5, §9 V22',
    netns: NBIG,
    expect: { allocs: '8,EADDRNOTAVAIL', set: [40000, 40007] },
    build: (b) => {
      b.listener(L4, 5000, 4, 'mptcp');
      b.times(9, 'mptcp', 4, (s) => b.range(s, 40000, 40007), (s) => b.connect(s, L4, 5000));
    },
  }),

  // ---------------- TCP bind(0) / listen(): inet_csk_find_open_port (§5.2) ----------------
  def({
    name: 'tcp4 bind(0), option unset: opposite parity first',
    spec: '§5.2 parity, §9 V8',
    netns: N8,
    compare: { parityOrder: true },
    expect: { allocs: '8,EADDRINUSE', set: [40000, 40007], paritySeq: 'ooooeeee' },
    build: (b) => b.times(9, 'tcp', 4, none, (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'tcp4 bind(0), option inside: still opposite parity (Q3)',
    spec: '§5.7 Q3, §6.1 exhaust_8_port_range',
    netns: NBIG,
    compare: { parityOrder: true },
    expect: { allocs: '8,EADDRINUSE', set: [40000, 40007], paritySeq: 'ooooeeee' },
    build: (b) => b.times(9, 'tcp', 4, (s) => b.range(s, 40000, 40007), (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'tcp4 bind(0), lo-only option: odd-size range never reaches its top (Q1)',
    spec: '§4.3 (40007,0), §5.7 Q1, §9 V6',
    netns: N10,
    compare: { portOrder: true },
    expect: { allocs: '2,EADDRINUSE', seq: [40008, 40007] },
    build: (b) => b.times(3, 'tcp', 4, (s) => b.range(s, 40007, 0), (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'tcp4 bind(0), hi-only option',
    spec: '§4.3 (0,40003)',
    netns: N10,
    compare: { parityOrder: true },
    expect: { allocs: '4,EADDRINUSE', set: [40000, 40003], paritySeq: 'ooee' },
    build: (b) => b.times(5, 'tcp', 4, (s) => b.range(s, 0, 40003), (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'tcp4 bind(0), option ignored (below netns range)',
    spec: '§4.3 (30000,39999), §6.1 port_range_out_of_netns_range',
    netns: N8,
    compare: { parityOrder: true },
    expect: { allocs: '8,EADDRINUSE', set: [40000, 40007], paritySeq: 'ooooeeee' },
    build: (b) => b.times(9, 'tcp', 4, (s) => b.range(s, 30000, 39999), (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'tcp4 bind(0), reserved ports skipped',
    spec: '§3.3, §9 V16',
    netns: { ...N10, reservedPorts: RESERVED },
    compare: { parityOrder: true },
    expect: { allocs: '4,EADDRINUSE', set: [40005, 40006, 40008, 40009], paritySeq: 'ooee' },
    build: (b) => b.times(5, 'tcp', 4, none, (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'tcp4 bind(0) SO_REUSEADDR: deterministic 4-port order',
    spec: '§5.2 halves, §9 V13',
    netns: NBIG,
    compare: { portOrder: true },
    expect: { allocs: '4,EADDRINUSE,EADDRINUSE', seq: [41001, 41000, 41003, 41002] },
    build: (b) => b.times(6, 'tcp', 4, (s) => b.flag(s, 'SO_REUSEADDR').range(s, 41000, 41003), (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'tcp4 bind(0) SO_REUSEADDR + ip_autobind_reuse=1: relaxed pass stacks on 41001',
    spec: '§3.4, §5.2 relaxed pass, §9 V13',
    netns: { ...NBIG, ipAutobindReuse: 1 },
    compare: { portOrder: true },
    expect: { allocs: '6', seq: [41001, 41000, 41003, 41002, 41001, 41001] },
    build: (b) => b.times(6, 'tcp', 4, (s) => b.flag(s, 'SO_REUSEADDR').range(s, 41000, 41003), (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'tcp4 bind(0) SO_REUSEADDR + SO_REUSEPORT + ip_autobind_reuse=1: still exhausts',
    spec: '§5.2 conflicts(), §9 V13',
    netns: { ...NBIG, ipAutobindReuse: 1 },
    compare: { portOrder: true },
    expect: { allocs: '4,EADDRINUSE,EADDRINUSE', seq: [41001, 41000, 41003, 41002] },
    build: (b) => b.times(6, 'tcp', 4, (s) => b.flag(s, 'SO_REUSEADDR').flag(s, 'SO_REUSEPORT').range(s, 41000, 41003), (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'tcp4 bind(0) SO_REUSEADDR: lower half of a 32-port range first',
    spec: '§5.2 halves, §9 V8',
    netns: { portRange: { lo: 40000, hi: 40031 } },
    compare: { ports: 'count' },
    invariant: { text: 'odd port in 40000..40015', test: (p) => p >= 40000 && p < 40016 && p % 2 === 1 },
    expect: { allocs: '8' },
    build: (b) => b.times(8, 'tcp', 4, (s) => b.flag(s, 'SO_REUSEADDR'), (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'tcp4 bind(0) SO_REUSEADDR, 6-port range: lower half (2 ports) first, then upper half',
    spec: '§5.2 halves (mid = low + 2*floor(N/4))',
    netns: NBIG,
    compare: { parityOrder: true },
    invariant: { text: 'port in 41000..41005', test: (p) => p >= 41000 && p <= 41005 },
    expect: { allocs: '6,EADDRINUSE', set: [41000, 41005], paritySeq: 'oeooee' },
    build: (b) => b.times(7, 'tcp', 4, (s) => b.flag(s, 'SO_REUSEADDR').range(s, 41000, 41005), (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'tcp4 listen() on a NO_PORT-bound socket autobinds like bind(0)',
    spec: '§2.8, §5.2 (inet_csk_get_port from listen)',
    netns: NBIG,
    compare: { portOrder: true },
    expect: { allocs: '2,EADDRINUSE', seq: [40001, 40000], labels: { nobind: null } },
    build: (b) => {
      for (let i = 0; i < 3; i++) {
        const s = b.sock();
        b.range(s, 40000, 40001).flag(s, 'IP_BIND_ADDRESS_NO_PORT').bind(s, L4, 0);
        if (i === 0) b.as('nobind');
        b.listen(s);
      }
    },
  }),
  def({
    name: 'mptcp and tcp share one port space',
    spec: '§5.0 (MPTCP subflows use the TCP space), §9 V22',
    netns: NBIG,
    compare: { parityOrder: true },
    expect: { allocs: '4,EADDRINUSE,EADDRINUSE', set: [40000, 40003], paritySeq: 'ooee' },
    build: (b) => {
      b.times(4, 'tcp', 4, (s) => b.range(s, 40000, 40003), (s) => b.bind(s, L4, 0));
      b.times(1, 'mptcp', 4, (s) => b.range(s, 40000, 40003), (s) => b.bind(s, L4, 0));
      b.times(1, 'tcp', 4, (s) => b.range(s, 40000, 40003), (s) => b.bind(s, L4, 0));
    },
  }),
  def({
    name: 'tcp4 listen() autobind: opposite parity, EADDRINUSE',
    spec: '§5.2, §5.6',
    netns: NBIG,
    compare: { parityOrder: true },
    expect: { allocs: '8,EADDRINUSE', set: [40000, 40007], paritySeq: 'ooooeeee' },
    build: (b) => b.times(9, 'tcp', 4, (s) => b.range(s, 40000, 40007), (s) => b.listen(s)),
  }),
  def({
    name: 'tcp6 bind(0), option inside',
    spec: '§5.5, §6.1 exhaust_8_port_range (ip6_tcp)',
    netns: NBIG,
    compare: { parityOrder: true },
    expect: { allocs: '8,EADDRINUSE', set: [40000, 40007], paritySeq: 'ooooeeee' },
    build: (b) => b.times(9, 'tcp', 6, (s) => b.range(s, 40000, 40007), (s) => b.bind(s, L6, 0)),
  }),
  def({
    name: 'tcp6 bind([::]:0) conflicts with IPv4 owners unless IPV6_V6ONLY',
    spec: '§5.2 address-aware (dual-stack), §5.5',
    netns: NBIG,
    expect: { allocs: '4,EADDRINUSE,1,1', set: [40000, 40003], labels: { dual: 'EADDRINUSE', v6only: 'ok', loop6: 'ok' } },
    build: (b) => {
      b.times(4, 'tcp', 4, (s) => b.range(s, 40000, 40003), (s) => b.bind(s, L4, 0));
      const d = b.sock('tcp', 6);
      b.range(d, 40000, 40003).bind(d, '::', 0).as('dual');
      const v = b.sock('tcp', 6);
      b.flag(v, 'IPV6_V6ONLY').range(v, 40000, 40003).bind(v, '::', 0).as('v6only');
      const l = b.sock('tcp', 6);
      b.range(l, 40000, 40003).bind(l, L6, 0).as('loop6');
    },
  }),
  def({
    name: 'tcp4 bind(0), 3-port netns range: top port never used (Q1)',
    spec: '§5.7 Q1, §9 V21',
    netns: { portRange: { lo: 40000, hi: 40002 } },
    compare: { portOrder: true },
    expect: { allocs: '2,EADDRINUSE', seq: [40001, 40000] },
    build: (b) => b.times(3, 'tcp', 4, none, (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'tcp4 bind(0), netns range changed between setsockopt and bind',
    spec: '§2.7, §4.3 last row, §9 V7',
    netns: N10,
    compare: { portOrder: true },
    expect: { allocs: '2,EADDRINUSE', seq: [40005, 40004] },
    build: (b) => {
      const s = [b.sock(), b.sock(), b.sock()];
      for (const x of s) b.range(x, 40002, 40005);
      b.sysctl({ portRange: { lo: 40004, hi: 40009 } });
      for (const x of s) b.bind(x, L4, 0);
    },
  }),
  def({
    name: 'mptcp4 bind(0), option inside',
    spec: '§2.5 MPTCP, §6.1 exhaust_8_port_range (ip4_mptcp)',
    netns: NBIG,
    compare: { parityOrder: true },
    expect: { allocs: '8,EADDRINUSE', set: [40000, 40007], paritySeq: 'ooooeeee' },
    build: (b) => b.times(9, 'mptcp', 4, (s) => b.range(s, 40000, 40007), (s) => b.bind(s, L4, 0)),
  }),

  // ---------------- UDP: udp_lib_get_port (§5.3) ----------------
  def({
    name: 'udp4 bind(0), option inside: exhaustion EADDRINUSE',
    spec: '§5.3, §5.6, §9 V11',
    netns: NBIG,
    expect: { allocs: '8,EADDRINUSE', set: [40200, 40207] },
    build: (b) => b.times(9, 'udp', 4, (s) => b.range(s, 40200, 40207), (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'udp4 sendto/connect autobind on an exhausted range: EAGAIN; other IP still binds',
    spec: '§5.6 inet_autobind, §9 V11',
    netns: NBIG,
    compare: { parity: 'none' },
    expect: { allocs: '8,EAGAIN,EAGAIN,1', set: [40200, 40207], labels: { sendto: 'EAGAIN', connect: 'EAGAIN', otherIp: 'ok' } },
    build: (b) => {
      b.times(8, 'udp', 4, (s) => b.range(s, 40200, 40207), (s) => b.bind(s, L4, 0));
      const a = b.sock('udp');
      b.range(a, 40200, 40207).sendto(a, L4, 9).as('sendto');
      const c = b.sock('udp');
      b.range(c, 40200, 40207).connect(c, L4, 9).as('connect');
      const o = b.sock('udp');
      b.range(o, 40200, 40207).bind(o, '127.0.0.2', 0).as('otherIp');
    },
  }),
  def({
    name: 'udp4 sendto autobind, single-port option',
    spec: '§9 V23',
    netns: NBIG,
    compare: { portOrder: true },
    expect: { allocs: '1,EAGAIN', seq: [40500] },
    build: (b) => b.times(2, 'udp', 4, (s) => b.range(s, 40500, 40500), (s) => b.sendto(s, L4, 9)),
  }),
  def({
    name: 'udp6 connect autobind, single-port option',
    spec: '§9 V23',
    netns: NBIG,
    compare: { portOrder: true },
    expect: { allocs: '1,EAGAIN', seq: [40501] },
    build: (b) => b.times(2, 'udp', 6, (s) => b.range(s, 40501, 40501), (s) => b.connect(s, L6, 9)),
  }),
  def({
    name: 'udp4 bind(0), 3-port netns range: all 3 reachable (no Q1)',
    spec: '§5.3, §5.7 Q1, §9 V21',
    netns: { portRange: { lo: 40000, hi: 40002 } },
    expect: { allocs: '3,EADDRINUSE', set: [40000, 40002] },
    build: (b) => b.times(4, 'udp', 4, none, (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'udp4 bind(0) SO_REUSEADDR on all: 4-port range never runs out',
    spec: '§5.3 sharing, §9 V12',
    netns: NBIG,
    compare: { ports: 'count', parity: 'none' },
    invariant: { text: 'port in 40300..40303', test: (p) => p >= 40300 && p <= 40303 },
    expect: { allocs: '8' },
    build: (b) => b.times(8, 'udp', 4, (s) => b.flag(s, 'SO_REUSEADDR').range(s, 40300, 40303), (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'udp4 bind(0) SO_REUSEPORT on all: autobind joins existing groups',
    spec: '§2.8 SO_REUSEPORT, §5.3 sharing, §9 V12',
    netns: NBIG,
    compare: { ports: 'count', parity: 'none' },
    invariant: { text: 'port in 40310..40313', test: (p) => p >= 40310 && p <= 40313 },
    expect: { allocs: '6' },
    build: (b) => b.times(6, 'udp', 4, (s) => b.flag(s, 'SO_REUSEPORT').range(s, 40310, 40313), (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'udp4 1-port range: sharing needs SO_REUSEADDR on both sockets',
    spec: '§5.3 conflicting()',
    netns: NBIG,
    compare: { portOrder: true },
    expect: { allocs: '1,EADDRINUSE,1,EADDRINUSE', seq: [40400, 40400] },
    build: (b) => {
      const a = b.sock('udp');
      b.flag(a, 'SO_REUSEADDR').range(a, 40400, 40400).bind(a, L4, 0);
      const p = b.sock('udp');
      b.range(p, 40400, 40400).bind(p, L4, 0); // plain: conflicts with a
      const r = b.sock('udp');
      b.flag(r, 'SO_REUSEADDR').range(r, 40400, 40400).bind(r, L4, 0); // both REUSEADDR: shares
      const w = b.sock('udp');
      b.range(w, 40400, 40400).bind(w, '0.0.0.0', 0); // wildcard, plain: conflicts
    },
  }),
  def({
    name: 'udp4 bind(0) is address-aware: other IP shares, wildcard conflicts',
    spec: '§5.3, §9 V11',
    netns: NBIG,
    compare: { portOrder: true },
    expect: { allocs: '1,1,EADDRINUSE', seq: [40410, 40410] },
    build: (b) => {
      const a = b.sock('udp');
      b.range(a, 40410, 40410).bind(a, L4, 0);
      const o = b.sock('udp');
      b.range(o, 40410, 40410).bind(o, '127.0.0.2', 0);
      const w = b.sock('udp');
      b.range(w, 40410, 40410).bind(w, '0.0.0.0', 0);
    },
  }),
  def({
    name: 'udp4 bind(0), option clamped (hi above netns range ignored)',
    spec: '§4.3 (40006,50000)',
    netns: N10,
    expect: { allocs: '4,EADDRINUSE', set: [40006, 40009] },
    build: (b) => b.times(5, 'udp', 4, (s) => b.range(s, 40006, 50000), (s) => b.bind(s, L4, 0)),
  }),
  def({
    name: 'udp4 bind(0), reserved ports; all-reserved socket range fails at once',
    spec: '§3.3, §9 V16',
    netns: { ...N10, reservedPorts: RESERVED },
    expect: { allocs: '4,EADDRINUSE,EADDRINUSE', set: [40005, 40006, 40008, 40009], labels: { allReserved: 'EADDRINUSE' } },
    build: (b) => {
      b.times(5, 'udp', 4, none, (s) => b.bind(s, L4, 0));
      const r = b.sock('udp');
      b.range(r, 40000, 40004).bind(r, '127.0.0.2', 0).as('allReserved');
    },
  }),
  def({
    name: 'udp6 bind(0), option inside',
    spec: '§5.5, §6.1 exhaust_8_port_range (ip6_udp)',
    netns: NBIG,
    expect: { allocs: '8,EADDRINUSE', set: [40000, 40007] },
    build: (b) => b.times(9, 'udp', 6, (s) => b.range(s, 40000, 40007), (s) => b.bind(s, L6, 0)),
  }),
  def({
    name: 'udp4 bind(0), netns range changed between setsockopt and bind (V7)',
    spec: '§2.7, §4.3 last row, §9 V7',
    netns: N10,
    expect: { allocs: '2,EADDRINUSE', set: [40004, 40005] },
    build: (b) => {
      const s = [b.sock('udp'), b.sock('udp'), b.sock('udp')];
      for (const x of s) b.range(x, 40002, 40005);
      b.sysctl({ portRange: { lo: 40004, hi: 40009 } });
      for (const x of s) b.bind(x, L4, 0);
    },
  }),

  // ---------------- Cross-cutting ----------------
  def({
    name: 'TCP and UDP port spaces are separate',
    spec: '§5.0, §5.7 Q7, §9 V10',
    netns: NBIG,
    compare: { parity: 'none' },
    expect: { allocs: '8,EADDRNOTAVAIL,1', set: [40000, 40007], labels: { udp: 'ok' } },
    build: (b) => {
      b.listener(L4, 5000);
      b.times(9, 'tcp', 4, (s) => b.range(s, 40000, 40007), (s) => b.connect(s, L4, 5000));
      const u = b.sock('udp');
      b.range(u, 40000, 40007).bind(u, L4, 0).as('udp');
    },
  }),
  def({
    name: 'explicit bind ignores the option and reserved ports',
    spec: '§2.7, §3.3, §9 V5/V16',
    netns: { ...N10, reservedPorts: RESERVED },
    expect: { allocs: '', labels: { far: 45000, low: 3000, reserved: 40002, udpReserved: 40003 } },
    build: (b) => {
      const a = b.sock();
      b.range(a, 40000, 40007).bind(a, L4, 45000).as('far');
      const c = b.sock();
      b.range(c, 40000, 40007).bind(c, L4, 3000).as('low');
      const d = b.sock();
      b.bind(d, L4, 40002).as('reserved');
      const u = b.sock('udp');
      b.range(u, 40000, 40007).bind(u, L4, 40003).as('udpReserved');
    },
  }),
  def({
    name: 'setsockopt validation errnos, then bind(0) uses the netns range',
    spec: '§2.3, §6.1 invalid_option_value, §9 V1',
    netns: N8,
    compare: { ports: 'count', parityOrder: true },
    invariant: { text: 'port in the netns range 40000..40007', test: (p) => p >= 40000 && p <= 40007 },
    expect: {
      allocs: '1',
      paritySeq: 'o',
      labels: { len2: 'EINVAL', len8: 'EINVAL', len0: 'EINVAL', loGtHi: 'EINVAL', single: null, clear: null },
    },
    build: (b) => {
      const s = b.sock();
      b.range(s, 40000, 0, 2).as('len2');
      b.range(s, 40333, 40444, 8).as('len8');
      b.range(s, 40000, 40007, 0).as('len0');
      b.range(s, 40222, 40111).as('loGtHi');
      b.range(s, 45000, 45000).as('single');
      b.range(s, 0, 0).as('clear');
      b.bind(s, L4, 0);
    },
  }),
];
