/**
 * Custom LSP requests, typed once and imported by both the server and the VS Code client.
 */
import type { ScenarioResult, Proto, Family, NetnsConfig, Op } from '../../engine/src/scenarioTypes';

/** What "Simulate this socket" knows from code, and what it still has to ask the user. */
export interface SocketFacts {
  proto: Proto | null;
  family: 4 | 6 | null;
  lo: number | null;
  hi: number | null;
  packed: number | null;
  reuseAddr: boolean;
  bindAddressNoPort: boolean;
  /** The operation that follows in code ('connect', 'bind', 'listen', 'sendto'), null if none found. */
  op: 'connect' | 'bind' | 'listen' | 'sendto' | null;
  /** Destination written in code, if any. */
  destinations: string[];
  /** A short label for the panel title, e.g. "client.c:42 setsockopt". */
  label: string;
}

export interface SimulateParams {
  proto: Proto;
  family: Family;
  op: 'connect' | 'bind' | 'listen' | 'sendto';
  /** The per-socket option, null = unset. */
  range: { lo: number; hi: number } | null;
  /** Number of sockets, or 'exhaust' = until the first failure (bounded by the range size + 1 per destination). */
  count: number | 'exhaust';
  destinations: string[];
  kernel: string;
  seed: number;
  netns: NetnsConfig;
  reuseAddr: boolean;
  bindAddressNoPort: boolean;
}

export interface SimulationReport {
  params: SimulateParams;
  effective: { lo: number; hi: number; rule: string };
  netnsRange: { lo: number; hi: number };
  reserved: string;
  ops: Op[];
  withOption: ScenarioResult;
  /** The same socket without IP_LOCAL_PORT_RANGE, for comparison. */
  withoutOption: ScenarioResult;
  /** The CLI command that reproduces the run. */
  cli: string;
}

/** portRangeLens/socketFacts: facts about the call at a position. */
export const SocketFactsRequest = 'portRangeLens/socketFacts';
export interface SocketFactsParams { uri: string; position: { line: number; character: number } }

/** portRangeLens/simulate: run the engine for fully specified params. */
export const SimulateRequest = 'portRangeLens/simulate';
