/**
 * The port-range partition planner: N workers (or weights) behind one egress address get
 * disjoint slices of the netns range, balanced by usable ports, each checked by the
 * engine's own simulation for the chosen pattern and kernel. Pure: no I/O.
 */
import { AddrTable, formatIPv6, parseIPv6, splitHostPort } from '../addr';
import { DEFAULT_KERNEL, kernelProfile } from '../kernels';
import { defaultDestination, SimulationError } from '../simulate';
import type { Family } from '../scenarioTypes';
import { resolveNetns, SysctlError } from '../sysctl';
import { packRange } from '../uapi';
import { sliceCapacity, type CapacityRun } from './capacity';
import { planFindings } from './findings';
import { cutSlices, shareCounts, usablePorts } from './partition';
import { MAX_WEIGHT, PLAN_PATTERNS, PlanError, type PlanInput, type PlanPattern, type PlanProto, type PlanResult, type PlanSlice } from './types';

interface Progress {
  tick(n?: number): void;
}

function weightsOf(input: PlanInput): number[] {
  if (input.workers !== undefined && input.weights !== undefined) throw new PlanError('give either workers or weights, not both');
  if (input.weights !== undefined) {
    if (!Array.isArray(input.weights) || input.weights.length === 0) throw new PlanError('weights must be a non-empty list of positive integers');
    for (const w of input.weights) {
      if (typeof w !== 'number' || !Number.isInteger(w) || w < 1 || w > MAX_WEIGHT) {
        throw new PlanError(`weights must be positive integers up to ${MAX_WEIGHT} (got ${JSON.stringify(w)})`);
      }
    }
    return [...input.weights];
  }
  const n = input.workers;
  if (n === undefined) throw new PlanError('give the number of workers or a list of weights');
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new PlanError(`workers must be a positive integer (got ${JSON.stringify(n)})`);
  if (n > 65535) throw new PlanError(`workers must be at most 65535 (got ${n})`);
  return new Array<number>(n).fill(1);
}

/** Canonical "HOST:PORT" texts (the simulation reports destinations that way) and their family. */
function destinationsOf(input: PlanInput, op: PlanPattern): { destinations: string[]; family: Family } {
  const given = input.destinations ?? [];
  if (!Array.isArray(given)) throw new PlanError('destinations must be a list of HOST:PORT');
  const out: string[] = [];
  const families = new Set<Family>();
  const addrs = new AddrTable();
  for (const d of given) {
    const hp = splitHostPort(String(d));
    if (typeof hp === 'string') throw new PlanError(hp);
    const g = parseIPv6(hp.host.replace(/^\[(.*)\]$/, '$1'));
    const family: Family = g ? 6 : 4;
    const ok = addrs.parse(hp.host, family);
    if (typeof ok === 'string') throw new PlanError(`destination ${d}: ${ok} (the planner needs IP literals)`);
    families.add(family);
    const text = g ? `[${formatIPv6(g)}]:${hp.port}` : `${hp.host.trim()}:${hp.port}`;
    if (!out.includes(text)) out.push(text);
  }
  if (families.size > 1) throw new PlanError('destinations mix IPv4 and IPv6: plan each family separately (the netns range is shared, so give both plans the same slices)');
  const family: Family = families.has(6) ? 6 : 4;
  if (op === 'listen') return { destinations: [], family }; // listeners dial nowhere
  if (out.length === 0) out.push(defaultDestination(family));
  return { destinations: out, family };
}

/** Plans the slices; throws PlanError (with a message for the user) on bad input. */
export function planPortRanges(input: PlanInput, progress?: Progress): PlanResult {
  if (!input || typeof input !== 'object') throw new PlanError('plan input must be an object');
  const weights = weightsOf(input);
  const kernelText = input.kernel ?? DEFAULT_KERNEL;
  let kernel;
  try {
    kernel = kernelProfile(kernelText);
  } catch (e) {
    throw new PlanError((e as Error).message);
  }
  const proto: PlanProto = input.proto ?? 'tcp';
  if (proto !== 'tcp' && proto !== 'udp') throw new PlanError(`proto must be tcp or udp (got ${JSON.stringify(proto)})`);
  const pattern: PlanPattern = input.pattern ?? (proto === 'udp' ? 'connect' : 'no-port-connect');
  if (!PLAN_PATTERNS.includes(pattern)) throw new PlanError(`pattern must be one of ${PLAN_PATTERNS.join(', ')} (got ${JSON.stringify(pattern)})`);
  if (proto === 'udp' && pattern === 'listen') throw new PlanError('UDP sockets cannot listen: use --pattern bind, connect or sendto');
  if (proto === 'tcp' && pattern === 'sendto') throw new PlanError('sendto autobinds only UDP sockets: use --proto udp, or a connect pattern for TCP');
  const need = input.need ?? null;
  if (need !== null && !(Number.isInteger(need) && need >= 1)) throw new PlanError(`need must be a positive integer (got ${JSON.stringify(need)})`);
  const seed = input.seed ?? 1;
  if (!Number.isFinite(seed)) throw new PlanError(`seed must be a number (got ${JSON.stringify(seed)})`);
  const threshold = input.smallRangeThreshold ?? 0;
  let ns;
  try {
    ns = resolveNetns(input.netns ?? {});
  } catch (e) {
    if (e instanceof SysctlError) throw new PlanError(`netns: ${e.message}`);
    throw e;
  }
  const { destinations, family } = destinationsOf(input, pattern);
  const usable = usablePorts(ns.portRange, ns.reserved);
  const range = `${ns.portRange.lo}-${ns.portRange.hi}`;
  if (usable.length === 0) throw new PlanError(`every port of the netns range ${range} is reserved: nothing to plan`);
  if (weights.length > usable.length) {
    throw new PlanError(`${weights.length} workers but the netns range ${range} has only ${usable.length} usable ports: at most ${usable.length} workers`);
  }
  const counts = shareCounts(usable.length, weights);
  const starved = counts.findIndex((c) => c === 0);
  if (starved >= 0) throw new PlanError(`worker ${starved}'s weight ${weights[starved]} gives it less than one of the ${usable.length} usable ports: raise its weight`);
  const run: CapacityRun = {
    proto, pattern, family, kernel: kernel.version, seed, destinations,
    netns: { portRange: ns.portRange, reservedPorts: ns.reserved.toString(), ipUnprivilegedPortStart: ns.ipUnprivilegedPortStart },
  };
  const slices: PlanSlice[] = cutSlices(usable, counts).map((b, worker) => {
    let cap;
    try {
      // Without the option (ENOPROTOOPT) the sockets draw from the whole netns range.
      cap = sliceCapacity(run, b.lo, b.hi, kernel.hasLocalPortRange ? b.usablePorts : usable.length);
    } catch (e) {
      if (e instanceof SimulationError) throw new PlanError(e.message);
      throw e;
    }
    progress?.tick();
    return {
      worker, lo: b.lo, hi: b.hi, packed: packRange(b.lo, b.hi), usablePorts: b.usablePorts, reservedInside: b.reservedInside,
      capacityPerDestination: cap.perDestination, capacityTotal: cap.total,
    };
  });
  const findings = planFindings({ kernel, proto, pattern, destinations, need, smallRangeThreshold: threshold }, slices);
  return {
    netnsRange: { ...ns.portRange }, reserved: ns.reserved.toString(), kernel: kernel.version, proto, pattern, family,
    destinations, need, seed, weights, usablePorts: usable.length, slices, findings,
  };
}
