/**
 * The one home of the engine-vs-kernel comparison rules (docs/differential.md "What is
 * compared"): derives the compared quantities from a per-op result list (engine or kernel) and
 * diffs two of them. Used by the differential tests and by `simulate --verify`.
 */
import type { Op } from '../../../engine/src/scenarioTypes';

/** How much of the port choice is deterministic, hence compared exactly. */
export interface Compare {
  /** 'set': the set of allocated ports must match (exhaustion makes it deterministic); 'count': only how many. */
  ports: 'set' | 'count';
  /**
   * 'split': even/odd counts must match; 'none': parity is random here (step-1 scans, UDP, partial
   * fills); 'statistical': random, but both sides' even fractions must agree within 4 standard
   * errors (two-proportion test; needs at least STAT_MIN allocations per side).
   */
  parity: 'split' | 'none' | 'statistical';
  /** The parity of every allocation in order must match (even/odd passes of §5.1/§5.2). */
  parityOrder?: boolean;
  /** Every allocated port in order must match (the algorithm is fully deterministic here). */
  portOrder?: boolean;
}

/** What diff() needs of a scenario: its ops, the comparison rules and an optional invariant. */
export interface Comparable {
  ops: Op[];
  compare: Compare;
  /** A property every allocated port must satisfy on both sides (e.g. lower half only). */
  invariant?: { text: string; test: (port: number) => boolean };
}

/** Minimum allocations per side before the statistical parity rule says anything. */
export const STAT_MIN = 20;

/** The per-op fields both sides report. errno is any errno name (the kernel may say EPROTONOSUPPORT). */
export interface AnyOpResult {
  index: number;
  op: string;
  sock?: number;
  port: number | null;
  errno: string | null;
}

export interface Alloc {
  index: number;
  port: number | null;
  errno: string | null;
}

export interface Metrics {
  /** Per op: errno name or null. */
  errnos: (string | null)[];
  /** Per op: the port reported (null if none). */
  ports: (number | null)[];
  /** Operations that had to pick a port automatically, in order. */
  allocs: Alloc[];
  /** Successful automatic allocations before the first failing one. */
  successesBeforeFailure: number;
  okTotal: number;
  firstFailure: { index: number; errno: string } | null;
  /** Allocated ports in order (successful allocations). */
  allocPorts: number[];
  set: number[];
  parity: { even: number; odd: number };
}

/**
 * Which ops are automatic allocations: bind(port 0) without IP_BIND_ADDRESS_NO_PORT, and
 * connect/listen/sendto on a socket that owns no port yet (according to this side's own results).
 */
export function metrics(ops: Op[], results: AnyOpResult[]): Metrics {
  if (results.length !== ops.length) throw new Error(`expected ${ops.length} results, got ${results.length}`);
  const owned = new Map<number, number | null>();
  const noPort = new Set<number>();
  const allocs: Alloc[] = [];
  ops.forEach((op, i) => {
    const r = results[i];
    if (r.index !== i) throw new Error(`result ${i} has index ${r.index}`);
    if (op.op === 'socket') {
      owned.set(op.sock, null);
      noPort.delete(op.sock);
    } else if (op.op === 'setsockopt' && op.name === 'IP_BIND_ADDRESS_NO_PORT') {
      if (r.errno === null) (op.value ? noPort.add(op.sock) : noPort.delete(op.sock));
    } else if (op.op === 'bind' || op.op === 'connect' || op.op === 'listen' || op.op === 'sendto') {
      const had = owned.get(op.sock) ?? null;
      const auto = op.op === 'bind' ? op.port === 0 && !noPort.has(op.sock) && had === null : had === null;
      if (auto) allocs.push({ index: i, port: r.errno === null ? r.port : null, errno: r.errno });
    }
    // What the socket owns after a successful op (disconnect may release an autobound port).
    if ('sock' in op && op.op !== 'close' && op.op !== 'socket' && r.errno === null) owned.set(op.sock, r.port);
    if (op.op === 'close') owned.delete(op.sock);
  });
  const failIdx = allocs.findIndex((a) => a.errno !== null);
  const ok = allocs.filter((a) => a.errno === null && a.port !== null);
  const allocPorts = ok.map((a) => a.port as number);
  const parity = { even: 0, odd: 0 };
  for (const p of allocPorts) p % 2 === 0 ? parity.even++ : parity.odd++;
  return {
    errnos: results.map((r) => r.errno),
    ports: results.map((r) => r.port),
    allocs,
    successesBeforeFailure: failIdx < 0 ? ok.length : allocs.slice(0, failIdx).filter((a) => a.errno === null).length,
    okTotal: ok.length,
    firstFailure: failIdx < 0 ? null : { index: allocs[failIdx].index, errno: allocs[failIdx].errno as string },
    allocPorts,
    set: [...new Set(allocPorts)].sort((a, b) => a - b),
    parity,
  };
}

export function paritySeq(ports: number[]): string {
  return ports.map((p) => (p % 2 === 0 ? 'e' : 'o')).join('');
}

/** Engine vs kernel, per the scenario's Compare settings. Returns the list of discrepancies. */
export function diff(sc: Comparable, k: Metrics, e: Metrics): string[] {
  const c: Compare = sc.compare;
  const bad: string[] = [];
  // A run cut short (simulate --verify stops at the first failure) is compared on the common prefix.
  if (k.errnos.length !== e.errnos.length) bad.push(`ops run: kernel ${k.errnos.length}, engine ${e.errnos.length}`);
  k.errnos.slice(0, e.errnos.length).forEach((ke, i) => {
    if (ke !== e.errnos[i]) bad.push(`op #${i} ${describeOp(sc.ops[i])}: kernel ${ke ?? 'ok'}, engine ${e.errnos[i] ?? 'ok'}`);
    else if ((k.ports[i] === null) !== (e.ports[i] === null)) {
      bad.push(`op #${i} ${describeOp(sc.ops[i])}: kernel port ${k.ports[i]}, engine port ${e.ports[i]}`);
    } else {
      const op = sc.ops[i];
      if (op.op === 'bind' && op.port !== 0 && k.ports[i] !== e.ports[i]) {
        bad.push(`op #${i} explicit ${describeOp(op)}: kernel port ${k.ports[i]}, engine port ${e.ports[i]}`);
      }
    }
  });
  if (k.successesBeforeFailure !== e.successesBeforeFailure) bad.push(`successes before exhaustion: kernel ${k.successesBeforeFailure}, engine ${e.successesBeforeFailure}`);
  if (k.okTotal !== e.okTotal) bad.push(`successful allocations: kernel ${k.okTotal}, engine ${e.okTotal}`);
  if (JSON.stringify(k.firstFailure) !== JSON.stringify(e.firstFailure)) {
    bad.push(`first failure: kernel ${JSON.stringify(k.firstFailure)}, engine ${JSON.stringify(e.firstFailure)}`);
  }
  if (c.ports === 'set' && JSON.stringify(k.set) !== JSON.stringify(e.set)) bad.push(`port set: kernel ${fmtSet(k.set)}, engine ${fmtSet(e.set)}`);
  if (c.ports === 'count' && k.set.length !== e.set.length && !sc.invariant) bad.push(`distinct ports: kernel ${k.set.length}, engine ${e.set.length}`);
  if (c.parity === 'split' && (k.parity.even !== e.parity.even || k.parity.odd !== e.parity.odd)) {
    bad.push(`parity split: kernel ${k.parity.even}e/${k.parity.odd}o, engine ${e.parity.even}e/${e.parity.odd}o`);
  }
  if (c.parity === 'statistical') {
    const p = parityDisagreement(k.parity, e.parity);
    if (p) bad.push(`parity split: kernel ${k.parity.even}e/${k.parity.odd}o, engine ${e.parity.even}e/${e.parity.odd}o (${p})`);
  }
  if (c.parityOrder && paritySeq(k.allocPorts) !== paritySeq(e.allocPorts)) bad.push(`parity order: kernel ${paritySeq(k.allocPorts)}, engine ${paritySeq(e.allocPorts)}`);
  if (c.portOrder && JSON.stringify(k.allocPorts) !== JSON.stringify(e.allocPorts)) bad.push(`port order: kernel ${k.allocPorts}, engine ${e.allocPorts}`);
  if (sc.invariant) {
    const off = e.allocPorts.filter((p) => !sc.invariant!.test(p));
    if (off.length) bad.push(`engine ports ${off} violate "${sc.invariant.text}" (kernel obeys it)`);
  }
  return bad;
}

/**
 * Two-proportion z-test on the even fractions: null when they agree (or either side has fewer
 * than STAT_MIN allocations), else a short explanation. |z| > 4 is practically never chance.
 */
export function parityDisagreement(k: { even: number; odd: number }, e: { even: number; odd: number }): string | null {
  const nk = k.even + k.odd;
  const ne = e.even + e.odd;
  if (nk < STAT_MIN || ne < STAT_MIN) return null;
  const pk = k.even / nk;
  const pe = e.even / ne;
  const pool = (k.even + e.even) / (nk + ne);
  const se = Math.sqrt(pool * (1 - pool) * (1 / nk + 1 / ne));
  if (se === 0) return pk === pe ? null : 'even fractions differ';
  const z = Math.abs(pk - pe) / se;
  return z > 4 ? `even fractions ${pk.toFixed(2)} vs ${pe.toFixed(2)}, z = ${z.toFixed(1)}` : null;
}

export function describeOp(op: Op): string {
  switch (op.op) {
    case 'socket': return `socket(${op.proto}${op.family === 6 ? '6' : '4'}) s${op.sock}`;
    case 'setsockopt': return 'name' in op && op.name === 'IP_LOCAL_PORT_RANGE' && 'lo' in op
      ? `s${op.sock} IP_LOCAL_PORT_RANGE(${op.lo},${op.hi}${op.optlen !== undefined ? `,optlen ${op.optlen}` : ''})`
      : `s${op.sock} ${op.name}=${'value' in op ? op.value : ''}`;
    case 'bind': case 'connect': case 'sendto': return `s${op.sock} ${op.op}(${op.addr.includes(':') ? `[${op.addr}]` : op.addr}:${op.port})`;
    case 'listen': return `s${op.sock} listen()`;
    case 'close': return `s${op.sock} close(${op.rst ? 'RST' : ''})`;
    case 'sysctl': return `sysctl ${JSON.stringify(op.netns)}`;
    case 'sleep': return `sleep ${op.ms} ms`;
    case 'disconnect': return `s${op.sock} connect(AF_UNSPEC)`;
    default: return JSON.stringify(op);
  }
}

export function fmtSet(s: number[]): string {
  if (s.length === 0) return '{}';
  const parts: string[] = [];
  let a = s[0];
  let prev = s[0];
  for (const p of [...s.slice(1), NaN]) {
    if (p === prev + 1) { prev = p; continue; }
    parts.push(a === prev ? `${a}` : `${a}-${prev}`);
    a = p;
    prev = p;
  }
  return `{${parts.join(',')}}`;
}

export function fmtAllocs(list: (string | null)[]): string {
  const out: string[] = [];
  let run = 0;
  for (const x of list) {
    if (x === null) run++;
    else {
      if (run) out.push(`${run}ok`);
      run = 0;
      out.push(x);
    }
  }
  if (run) out.push(`${run}ok`);
  return out.join(',') || '-';
}

/** One cell of the summary table: "8ok,EADDRNOTAVAIL {40000-40007} 4e/4o". */
export function summarize(m: Metrics): string {
  return `${fmtAllocs(m.allocs.map((a) => a.errno))} ${fmtSet(m.set)} ${m.parity.even}e/${m.parity.odd}o`;
}
