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
  ops: Op[];
  withOption: ScenarioResult;
  /** The same sockets without IP_LOCAL_PORT_RANGE, for comparison. */
  withoutOption: ScenarioResult;
  /** The exact `port-range-lens simulate …` command that reproduces the run. */
  cli: string;
  /** errno name → number on Linux, for every name a result may carry (presentation needs no errno table of its own). */
  errnoNumbers: Record<ErrnoName, number>;
}

/** Upper bound on sockets in one simulation. */
export const MAX_SOCKETS = 1_000_000;

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

/** Runs the pattern once (with or without the option). */
function play(p: SimulationParams, withRange: boolean, ops: Op[] | null, onProgress?: Progress): ScenarioResult {
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
  const limit = p.count === 'exhaust' ? Math.min(MAX_SOCKETS, (size + 1) * Math.max(1, dsts.length)) : p.count;
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
  return { results, stats };
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
  return play(p, true, null, progress);
}

/**
 * Runs the simulation with the option (as given) and without it. Socket i goes to
 * destination i mod n; 'exhaust' stops after the first failure (at most MAX_SOCKETS).
 * `keepOps: false` leaves `ops` empty (saves memory on huge runs; the CLI does not print them).
 */
export function runSimulation(params: SimulationParams, progress?: Progress, opts: { keepOps?: boolean } = {}): SimulationReport {
  const p = withDefaults(params);
  const ns = validateSimulationParams(p);
  const k = kernelProfile(p.kernel);
  const eff = inetSkGetLocalPortRange(k, ns.portRange, p.range ? packRange(p.range.lo, p.range.hi) : 0);
  const ops: Op[] = [];
  const withOption = play(p, true, opts.keepOps === false ? null : ops, progress);
  const withoutOption = p.range ? play(p, false, null, progress) : withOption;
  const rule: EffectiveRule = eff.rule;
  return {
    params: p,
    effective: { lo: eff.lo, hi: eff.hi, rule },
    netnsRange: { ...ns.portRange },
    reserved: ns.reserved.toString(),
    ops,
    withOption,
    withoutOption,
    cli: simulationCli(p, ns),
    errnoNumbers: { ...ERRNO },
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
