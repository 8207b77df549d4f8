/**
 * Custom LSP requests, typed once and imported by both the server and the VS Code client.
 */
import type { Proto } from '../../engine/src/scenarioTypes';

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
  /**
   * Set when the kernel would not apply this value (the call fails, e.g. EINVAL for a bad
   * optlen or lo > hi, ENOPROTOOPT on an old kernel, or the option is another one): why.
   * The socket then runs without the option unless the user asks to simulate it as written.
   */
  rejected?: string | null;
  /**
   * The file's effective target, as the analyzer judged it: per-file directives
   * (`port-range-lens: netns-range 40000-49999`, `reserved 50000-50003`, `kernel 6.1`) over the
   * settings ("auto" already read from this machine). The client's defaults for the simulation.
   */
  netnsRange?: { lo: number; hi: number } | null;
  /** ip_local_reserved_ports in /proc syntax ("" = none). */
  reserved?: string | null;
  /** Kernel version profile, e.g. "6.18". */
  kernel?: string | null;
}

/** Fully specified simulation parameters and the report: defined once, in the engine. */
export type { SimulationParams as SimulateParams, SimulationReport } from '../../engine/src/simulate';

/** portRangeLens/socketFacts: facts about the call at a position. */
export const SocketFactsRequest = 'portRangeLens/socketFacts';
export interface SocketFactsParams { uri: string; position: { line: number; character: number } }

/** portRangeLens/simulate: run the engine for fully specified params. */
export const SimulateRequest = 'portRangeLens/simulate';
