/**
 * The port-range partition planner's data shapes (engine/src/plan): what a plan asks for
 * and what it answers. Shared by the CLI `plan`, the language server and the tests.
 */
import type { Family, NetnsConfig } from '../scenarioTypes';
import type { PortRange } from '../uapi';

/**
 * How each worker's sockets get their port (spec §2.7):
 * - no-port-connect: IP_BIND_ADDRESS_NO_PORT + range + bind(addr, 0) + connect (egress, the recommended one)
 * - connect: range + connect (no bind)
 * - bind: range + bind(addr, 0) (the port is held exclusively, then connect)
 * - listen: range + listen() autobind
 * - sendto: range + sendto() autobind (UDP)
 */
export type PlanPattern = 'no-port-connect' | 'connect' | 'bind' | 'listen' | 'sendto';
export const PLAN_PATTERNS: readonly PlanPattern[] = ['no-port-connect', 'connect', 'bind', 'listen', 'sendto'];
export type PlanProto = 'tcp' | 'udp';

export interface PlanInput {
  /** Number of equal workers (exactly one of workers / weights). */
  workers?: number;
  /** One positive integer weight per worker: slices proportional to the weights. */
  weights?: number[];
  /** netns sysctls: ip_local_port_range and ip_local_reserved_ports (the defaults of a fresh netns otherwise). */
  netns?: Pick<NetnsConfig, 'portRange' | 'reservedPorts' | 'ipUnprivilegedPortStart'>;
  /** Target kernel X.Y[.Z] (default 6.18). */
  kernel?: string;
  proto?: PlanProto;
  pattern?: PlanPattern;
  /** "HOST:PORT" IP literals (IPv6 as [ADDR]:PORT); default one loopback destination. */
  destinations?: string[];
  /** Connections each worker needs to each destination (listen: listeners per worker). */
  need?: number | null;
  /** Seed of the simulated kernel randomness (default 1). */
  seed?: number;
  /** Below this many usable ports a slice is small (the analyzer's smallRangeThreshold; 0 = off, the default). */
  smallRangeThreshold?: number;
}

export interface PlanSlice {
  worker: number;
  lo: number;
  hi: number;
  /** The option value (hi << 16) | lo. */
  packed: number;
  /** Ports of [lo, hi] that are not reserved. */
  usablePorts: number;
  /** Reserved ports inside [lo, hi] (never counted as usable). */
  reservedInside: number;
  /** What the engine's simulation of this slice reached, per destination "HOST:PORT". */
  capacityPerDestination: Record<string, number>;
  /** Sockets the simulation held at once over all destinations. */
  capacityTotal: number;
}

export type PlanFindingCode =
  | 'kernel-without-option'
  | 'need-exceeds-capacity'
  | 'small-slice'
  | 'reserved-shrinks-slice'
  | 'exclusive-bind'
  | 'exclusive-udp'
  | 'capacity-below-usable';

export interface PlanFinding {
  code: PlanFindingCode;
  severity: 'error' | 'warning' | 'information';
  message: string;
  /** The worker the finding is about, null = the whole plan. */
  worker: number | null;
}

export interface PlanResult {
  netnsRange: PortRange;
  /** Canonical ip_local_reserved_ports list ("" = none). */
  reserved: string;
  kernel: string;
  proto: PlanProto;
  pattern: PlanPattern;
  family: Family;
  destinations: string[];
  need: number | null;
  seed: number;
  /** The weight of each worker (all 1 for --workers). */
  weights: number[];
  /** Usable ports of the netns range (not reserved). */
  usablePorts: number;
  slices: PlanSlice[];
  findings: PlanFinding[];
}

export class PlanError extends Error {
  override name = 'PlanError';
}

/** Upper bound on one weight (keeps the share arithmetic exact in doubles). */
export const MAX_WEIGHT = 1_000_000;
