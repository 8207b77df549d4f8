/**
 * One-socket-pattern simulations (the CLI `simulate`, the editor's "Simulate this socket"):
 * N sockets doing the same thing, with and without IP_LOCAL_PORT_RANGE, plus everything
 * needed to explain and reproduce the run.
 */
import { AddrTable, splitHostPort } from './addr';
import { ERRNO, type ErrnoName } from './errno';
import { DEFAULT_KERNEL, kernelProfile } from './kernels';
import { inetSkGetLocalPortRange, type EffectiveRule } from './range';
import { ScenarioRunner } from './scenario';
import type { Family, NetnsConfig, Op, OpResult, Proto, ScenarioResult, ScenarioStats } from './scenarioTypes';
import { resolveNetns, type NetnsState } from './sysctl';
import { packRange } from './uapi';

export type SimOp = 'connect' | 'bind' | 'listen' | 'sendto';

export interface SimulationParams {
  proto: Proto;
  family: Family;
  op: SimOp;
  /** The per-socket option, null = unset. */
  range: { lo: number; hi: number } | null;
  /** Number of sockets, or 'exhaust' = until the first failure (bounded, see MAX_SOCKETS). */
  count: number | 'exhaust';
  /** "HOST:PORT" (IPv6 as "[ADDR]:PORT"); socket i uses destination i mod n. */
  destinations: string[];
  kernel: string;
  seed: number;
  netns: NetnsConfig;
  reuseAddr: boolean;
  bindAddressNoPort: boolean;
}

export interface SimulationReport {
  params: SimulationParams;
  effective: { lo: number; hi: number; rule: string };
  netnsRange: { lo: number; hi: number };
  /** Canonical ip_local_reserved_ports list ("" = none). */
  reserved: string;
  /** The same list as sorted, merged runs (what the page draws). */
  reservedSpans: { lo: number; hi: number }[];
  ops: Op[];
  withOption: ScenarioResult;
  /** The same sockets without IP_LOCAL_PORT_RANGE, for comparison. */
  withoutOption: ScenarioResult;
  /** The exact `port-range-lens simulate …` command that reproduces the run. */
  cli: string;
  /** errno name → number on Linux, for every name a result may carry (presentation needs no errno table of its own). */
  errnoNumbers: Record<ErrnoName, number>;
  /**
   * Set when an 'exhaust' run stopped at the socket limit before its first failure: the
   * statistics are then lower bounds (the run is incomplete). null otherwise.
   */
  limit?: { sockets: number; needed: number; message: string } | null;
  /**
   * Set when an 'exhaust' run reached exhaustBound() without a failure: the pattern shares
   * ports (e.g. SO_REUSEADDR + ip_autobind_reuse) and does not exhaust the range. The run is
   * complete; this says why it stopped.
   */
  noExhaustion?: string | null;
}

/**
 * Upper bound on sockets in one simulation (memory: about 250 bytes per socket). Covers an
 * exhaustion run of the default netns range (28,232 ports) with up to 141 destinations.
 */
export const MAX_SOCKETS = 4_000_000;

/**
 * Sockets an 'exhaust' run needs at most before its first failure. Socket i goes to
 * destination i mod n, so after (size + 1) x n sockets one destination has size + 1 of them;
 * every connection to one (daddr, dport) from one saddr needs its own local port
 * (__inet_hash_connect -> __inet_check_established / udp_lib_get_port / sctp_get_port_local
 * refuse a second socket on the same 4-tuple), and the effective range
 * (inet_sk_get_local_port_range) has `size` ports: that socket must fail, unless the pattern
 * shares ports (SO_REUSEADDR + ip_autobind_reuse, explicit reuse), which never exhausts.
 * bind/listen have no destination: size + 1.
 */
export function exhaustBound(effectiveSize: number, destinations: number): number {
  return (effectiveSize + 1) * Math.max(1, destinations);
}

export class SimulationError extends Error {
  override name = 'SimulationError';
}

/** Socket ids of the listeners the simulation plays (kept clear of the measured sockets). */
const LISTENER_BASE = 2_000_000_000;

const PROTOS: Proto[] = ['tcp', 'udp', 'sctp', 'mptcp'];
const OPS: SimOp[] = ['connect', 'bind', 'listen', 'sendto'];

/** Default destination per family (loopback port 5000). */
export function defaultDestination(family: Family): string {
  return family === 6 ? '[::1]:5000' : '127.0.0.1:5000';
}

/** Checks params and returns the resolved netns; throws SimulationError with a clear message. */
export function validateSimulationParams(p: SimulationParams): NetnsState {
  if (!p || typeof p !== 'object') throw new SimulationError('params must be an object');
  if (!PROTOS.includes(p.proto)) throw new SimulationError(`proto must be one of ${PROTOS.join(', ')} (got ${JSON.stringify(p.proto)})`);
  if (p.family !== 4 && p.family !== 6) throw new SimulationError(`family must be 4 or 6 (got ${JSON.stringify(p.family)})`);
  if (!OPS.includes(p.op)) throw new SimulationError(`op must be one of ${OPS.join(', ')} (got ${JSON.stringify(p.op)})`);
  if (p.op === 'sendto' && (p.proto === 'tcp' || p.proto === 'mptcp')) throw new SimulationError('sendto autobinds only UDP and SCTP sockets; TCP needs connect');
  if (p.op === 'listen' && p.proto === 'udp') throw new SimulationError('UDP sockets cannot listen');
  if (p.range !== null) {
    if (!p.range || typeof p.range !== 'object') throw new SimulationError('range must be {lo, hi} or null');
    try {
      packRange(p.range.lo, p.range.hi);
    } catch (e) {
      throw new SimulationError((e as Error).message);
    }
    if (p.range.lo !== 0 && p.range.hi !== 0 && p.range.lo > p.range.hi) {
      throw new SimulationError(`setsockopt(IP_LOCAL_PORT_RANGE) fails with EINVAL: lo ${p.range.lo} > hi ${p.range.hi}`);
    }
  }
  if (p.count !== 'exhaust' && !(Number.isInteger(p.count) && p.count >= 1 && p.count <= MAX_SOCKETS)) {
    throw new SimulationError(`count must be an integer in [1, ${MAX_SOCKETS}] or "exhaust" (got ${JSON.stringify(p.count)})`);
  }
  try {
    kernelProfile(p.kernel);
  } catch (e) {
    throw new SimulationError((e as Error).message);
  }
  if (!Number.isFinite(p.seed)) throw new SimulationError(`seed must be a number (got ${JSON.stringify(p.seed)})`);
  if (!Array.isArray(p.destinations)) throw new SimulationError('destinations must be an array of HOST:PORT strings');
  if ((p.op === 'connect' || p.op === 'sendto') && p.destinations.length === 0) throw new SimulationError(`${p.op} needs at least one destination (HOST:PORT)`);
  const addrs = new AddrTable();
  for (const d of p.destinations) {
    const hp = splitHostPort(String(d));
    if (typeof hp === 'string') throw new SimulationError(hp);
    const a = addrs.parse(hp.host, p.family);
    if (typeof a === 'string') throw new SimulationError(`destination ${d}: ${a}`);
  }
  try {
    return resolveNetns(p.netns ?? {});
  } catch (e) {
    throw new SimulationError(`netns: ${(e as Error).message}`);
  }
}

/** The CLI command reproducing `p`. */
export function simulationCli(p: SimulationParams, ns: NetnsState): string {
  const parts = ['port-range-lens', 'simulate', '--proto', p.proto, '--op', p.op, '--family', String(p.family)];
  if (p.range) parts.push('--range', `${p.range.lo}-${p.range.hi}`);
  parts.push('--netns-range', `${ns.portRange.lo}-${ns.portRange.hi}`);
  const reserved = ns.reserved.toString();
  if (reserved) parts.push('--reserved', reserved);
  if (ns.ipAutobindReuse) parts.push('--autobind-reuse', '1');
  parts.push('--count', String(p.count));
  if (p.destinations.length && (p.op === 'connect' || p.op === 'sendto')) parts.push('--dst', p.destinations.join(','));
  parts.push('--kernel', p.kernel, '--seed', String(p.seed));
  if (p.reuseAddr) parts.push('--reuseaddr');
  if (p.bindAddressNoPort) parts.push('--no-port');
  return parts.map((x) => (/^[\w@%+=:,./\-[\]]+$/.test(x) ? x : `'${x.replace(/'/g, `'\\''`)}'`)).join(' ');
}

interface Progress {
  tick(n?: number): void;
}

/** Runs the pattern once (with or without the option); `needed`/`cut` say where an exhaust run stopped. */
function play(
  p: SimulationParams, withRange: boolean, ops: Op[] | null, maxSockets: number, onProgress?: Progress,
): ScenarioResult & { needed: number; cut: boolean } {
  const run = new ScenarioRunner({ kernel: p.kernel, netns: p.netns, seed: p.seed });
  run.keepResults = false;
  const push = (op: Op): OpResult => {
    if (ops) ops.push(op);
    return run.apply(op);
  };
  const wildcard = p.family === 6 ? '::' : '0.0.0.0';
  const dsts = p.destinations.map((d) => splitHostPort(d) as { host: string; port: number });
  // The listeners connect() needs (TCP/MPTCP): SO_REUSEADDR + bind(dst) + listen, explicit ports.
  if (p.op === 'connect' && (p.proto === 'tcp' || p.proto === 'mptcp')) {
    const seen = new Set<string>();
    let k = 0;
    for (const d of dsts) {
      const key = `${d.host}|${d.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const sock = LISTENER_BASE + k++;
      push({ op: 'socket', sock, proto: 'tcp', family: p.family });
      push({ op: 'setsockopt', sock, name: 'SO_REUSEADDR', value: true });
      push({ op: 'bind', sock, addr: d.host, port: d.port });
      push({ op: 'listen', sock });
    }
  }
  const ns = run.tables.netns;
  const eff = inetSkGetLocalPortRange(run.kernel, ns.portRange, withRange && p.range ? packRange(p.range.lo, p.range.hi) : 0);
  const size = eff.hi - eff.lo + 1;
  const needed = p.count === 'exhaust' ? exhaustBound(size, dsts.length) : p.count;
  const limit = Math.min(maxSockets, needed);
  const results: OpResult[] = [];
  const stats: ScenarioStats = { successes: 0, firstFailure: null, parity: { even: 0, odd: 0 }, portsUsed: 0, perDestination: [] };
  const seenPort = new Uint8Array(65536);
  const perDst = new Map<string, { dst: string; successes: number; firstFailure: { index: number; errno: ErrnoName } | null }>();
  for (let i = 0; i < limit; i++) {
    const sock = i;
    push({ op: 'socket', sock, proto: p.proto, family: p.family });
    if (withRange && p.range) push({ op: 'setsockopt', sock, name: 'IP_LOCAL_PORT_RANGE', lo: p.range.lo, hi: p.range.hi });
    if (p.reuseAddr) push({ op: 'setsockopt', sock, name: 'SO_REUSEADDR', value: true });
    if (p.bindAddressNoPort) push({ op: 'setsockopt', sock, name: 'IP_BIND_ADDRESS_NO_PORT', value: true });
    let r: OpResult;
    const d = dsts.length ? dsts[i % dsts.length] : null;
    if (p.op === 'connect') {
      if (p.bindAddressNoPort) push({ op: 'bind', sock, addr: wildcard, port: 0 });
      r = push({ op: 'connect', sock, addr: d!.host, port: d!.port });
    } else if (p.op === 'sendto') {
      r = push({ op: 'sendto', sock, addr: d!.host, port: d!.port });
    } else if (p.op === 'bind') {
      r = push({ op: 'bind', sock, addr: wildcard, port: 0 });
    } else {
      r = push({ op: 'listen', sock });
    }
    const res: OpResult = { index: i, op: r.op, sock, port: r.port, errno: r.errno };
    if (r.dst !== undefined) res.dst = r.dst;
    if (r.reason) res.reason = r.reason;
    results.push(res);
    if (r.errno === null && r.port !== null) {
      stats.successes++;
      if (r.port & 1) stats.parity.odd++;
      else stats.parity.even++;
      if (!seenPort[r.port]) {
        seenPort[r.port] = 1;
        stats.portsUsed++;
      }
    } else if (r.errno !== null && stats.firstFailure === null) {
      stats.firstFailure = { index: i, errno: r.errno };
    }
    if (r.dst !== undefined) {
      let e = perDst.get(r.dst);
      if (!e) perDst.set(r.dst, (e = { dst: r.dst, successes: 0, firstFailure: null }));
      if (r.errno === null) e.successes++;
      else if (!e.firstFailure) e.firstFailure = { index: i, errno: r.errno };
    }
    onProgress?.tick();
    if (p.count === 'exhaust' && r.errno !== null) break;
  }
  stats.perDestination = [...perDst.values()];
  return { results, stats, needed, cut: p.count === 'exhaust' && stats.firstFailure === null && limit < needed };
}

function withDefaults(params: SimulationParams): SimulationParams {
  return { ...params, kernel: params.kernel ?? DEFAULT_KERNEL, destinations: params.destinations ?? [], netns: params.netns ?? {} };
}

/**
 * Runs the pattern once, with the option as given and no comparison run: what the planner
 * checks each slice with (engine/src/plan). Throws SimulationError on bad params.
 */
export function simulatePattern(params: SimulationParams, progress?: Progress): ScenarioResult {
  const p = withDefaults(params);
  validateSimulationParams(p);
  const { needed: _n, cut: _c, ...result } = play(p, true, null, MAX_SOCKETS, progress);
  return result;
}

/**
 * Runs the simulation with the option (as given) and without it. Socket i goes to
 * destination i mod n; 'exhaust' stops after the first failure, at exhaustBound() sockets
 * (then `noExhaustion` says so) or at `maxSockets` (default MAX_SOCKETS; then `limit` says so).
 * `keepOps: false` leaves `ops` empty (saves memory on huge runs; the CLI does not print them).
 */
export function runSimulation(
  params: SimulationParams, progress?: Progress, opts: { keepOps?: boolean; maxSockets?: number } = {},
): SimulationReport {
  const p = withDefaults(params);
  const ns = validateSimulationParams(p);
  const k = kernelProfile(p.kernel);
  const eff = inetSkGetLocalPortRange(k, ns.portRange, p.range ? packRange(p.range.lo, p.range.hi) : 0);
  const ops: Op[] = [];
  const maxSockets = opts.maxSockets ?? MAX_SOCKETS;
  const { needed, cut, ...withOption } = play(p, true, opts.keepOps === false ? null : ops, maxSockets, progress);
  const without = p.range ? play(p, false, null, maxSockets, progress) : null;
  const withoutOption: ScenarioResult = without ? { results: without.results, stats: without.stats } : withOption;
  const rule: EffectiveRule = eff.rule;
  const cutRun = cut ? { needed } : without?.cut ? { needed: without.needed } : null;
  const fmt = (n: number) => n.toLocaleString('en-US');
  const limit = cutRun && {
    sockets: maxSockets,
    needed: cutRun.needed,
    message: `stopped at the ${fmt(maxSockets)}-socket limit before the first failure ` +
      `(exhaustion needs up to ${fmt(cutRun.needed)} sockets): successes and capacities are lower bounds`,
  };
  const quiet = (r: ScenarioResult) => p.count === 'exhaust' && r.stats.firstFailure === null;
  const noExhaustion = !limit && (quiet(withOption) || quiet(withoutOption))
    ? `no failure after ${fmt(needed)} sockets (more than the range holds): the sockets share ports, the range is never exhausted`
    : null;
  return {
    params: p,
    effective: { lo: eff.lo, hi: eff.hi, rule },
    netnsRange: { ...ns.portRange },
    reserved: ns.reserved.toString(),
    reservedSpans: ns.reserved.spans(),
    ops,
    withOption,
    withoutOption,
    cli: simulationCli(p, ns),
    errnoNumbers: { ...ERRNO },
    limit,
    noExhaustion,
  };
}

/** One line describing an effective-range rule. */
export function describeRule(rule: string): string {
  switch (rule) {
    case 'netns': return 'option unset: the netns range applies';
    case 'socket': return 'both bounds of the option are inside the netns range';
    case 'socket-lo': return 'only the lower bound is honoured (hi is 0 or outside the netns range)';
    case 'socket-hi': return 'only the upper bound is honoured (lo is 0 or outside the netns range)';
    case 'ignored': return 'option set but both bounds ignored (outside the netns range): the netns range applies';
    default: return rule;
  }
}
