/**
 * A slice's capacity is what the engine's own simulation reaches on it (simulate.ts
 * simulatePattern → scenario.ts → the allocators), never a formula: parity, step, the
 * odd-size quirk Q1, reserved ports and the listeners all come out of the run.
 */
import { MAX_SOCKETS, simulatePattern, type SimOp, type SimulationParams } from '../simulate';
import type { Family, NetnsConfig } from '../scenarioTypes';
import type { PlanPattern, PlanProto } from './types';
import { PlanError } from './types';

export interface SliceCapacity {
  perDestination: Record<string, number>;
  total: number;
}

/** The simulate op and IP_BIND_ADDRESS_NO_PORT flag of a planner pattern. */
export function patternOp(pattern: PlanPattern): { op: SimOp; noPort: boolean } {
  switch (pattern) {
    case 'no-port-connect': return { op: 'connect', noPort: true };
    case 'connect': return { op: 'connect', noPort: false };
    case 'bind': return { op: 'bind', noPort: false };
    case 'listen': return { op: 'listen', noPort: false };
    case 'sendto': return { op: 'sendto', noPort: false };
  }
}

/** TCP connect() shares a port across distinct 4-tuples (spec §5.1); everything else holds it alone. */
export function sharesPortsAcrossDestinations(proto: PlanProto, pattern: PlanPattern): boolean {
  return proto === 'tcp' && (pattern === 'no-port-connect' || pattern === 'connect');
}

export interface CapacityRun {
  proto: PlanProto;
  pattern: PlanPattern;
  family: Family;
  kernel: string;
  seed: number;
  netns: NetnsConfig;
  destinations: string[];
}

/**
 * The simulation parameters that check one slice (exported so tests can replay them);
 * `usable` = the usable ports the sockets can draw from (bounds the attempts of shared patterns).
 */
export function sliceSimulation(run: CapacityRun, lo: number, hi: number, usable: number): SimulationParams {
  const { op, noPort } = patternOp(run.pattern);
  const dsts = op === 'connect' || op === 'sendto' ? run.destinations : [];
  // Shared ports: each destination gets usable+1 attempts, so each one runs into its own
  // exhaustion. Exclusive ports: until the first failure.
  let count: number | 'exhaust' = 'exhaust';
  if (sharesPortsAcrossDestinations(run.proto, run.pattern)) {
    count = (usable + 1) * dsts.length;
    if (count > MAX_SOCKETS) {
      throw new PlanError(`${dsts.length} destinations × ${usable + 1} attempts exceed the simulation's ${MAX_SOCKETS} sockets: use fewer destinations or more workers`);
    }
  }
  return {
    proto: run.proto, family: run.family, op, range: { lo, hi }, count, destinations: dsts,
    kernel: run.kernel, seed: run.seed, netns: run.netns, reuseAddr: false, bindAddressNoPort: noPort,
  };
}

/** Runs the slice's simulation and reads the capacity off its statistics. */
export function sliceCapacity(run: CapacityRun, lo: number, hi: number, usable: number): SliceCapacity {
  const params = sliceSimulation(run, lo, hi, usable);
  const res = simulatePattern(params);
  const perDestination: Record<string, number> = {};
  if (params.op === 'bind') {
    // bind(addr, 0) picks the port before connect: socket i would then dial destination i mod n.
    const n = run.destinations.length;
    for (const d of run.destinations) perDestination[d] = 0;
    let i = 0;
    for (const r of res.results) {
      if (r.errno === null && r.port !== null) perDestination[run.destinations[i % n]]++;
      i++;
    }
  } else {
    for (const d of res.stats.perDestination ?? []) perDestination[d.dst] = d.successes;
  }
  return { perDestination, total: res.stats.successes };
}
