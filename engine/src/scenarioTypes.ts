/**
 * The scenario API's data shapes (shared by the engine, the CLI, the differential
 * kernel tests and the webview). A scenario is a netns plus a list of socket operations.
 */
import type { ErrnoName } from './errno';
import type { PortRange } from './uapi';

export type Proto = 'tcp' | 'udp' | 'sctp' | 'mptcp';
export type Family = 4 | 6;

/** Per-netns sysctls (spec §3); every field optional, defaults = a fresh netns. */
export interface NetnsConfig {
  /** net.ipv4.ip_local_port_range, default 32768-60999. */
  portRange?: PortRange;
  /** net.ipv4.ip_local_reserved_ports as a /proc list, e.g. "40000-40004,40007". */
  reservedPorts?: string;
  ipUnprivilegedPortStart?: number;
  ipAutobindReuse?: 0 | 1;
  tcpTwReuse?: 0 | 1 | 2;
  tcpTwReuseDelayMs?: number;
  /** UDP hash table size T (power of two; this machine: 16384). Changes only the UDP visiting order (§5.3). */
  udpHashSize?: number;
}

/** One socket operation. `sock` names the socket (an index chosen by the scenario author). */
export type Op =
  | { op: 'socket'; sock: number; proto: Proto; family?: Family }
  | { op: 'setsockopt'; sock: number; name: 'IP_LOCAL_PORT_RANGE'; lo: number; hi: number; optlen?: number }
  | { op: 'setsockopt'; sock: number; name: 'SO_REUSEADDR' | 'SO_REUSEPORT' | 'IP_BIND_ADDRESS_NO_PORT' | 'IPV6_V6ONLY'; value: boolean }
  | { op: 'bind'; sock: number; addr: string; port: number }
  | { op: 'connect'; sock: number; addr: string; port: number }
  | { op: 'listen'; sock: number; backlog?: number }
  | { op: 'sendto'; sock: number; addr: string; port: number }
  | { op: 'close'; sock: number; rst?: boolean }
  /** connect(AF_UNSPEC): dissolve the association; an autobound port is released (spec §6.2). */
  | { op: 'disconnect'; sock: number }
  /** Change a sysctl between operations (spec §2.7: the netns range is read at allocation time). */
  | { op: 'sysctl'; netns: NetnsConfig }
  /** Advance the simulated clock (TIME-WAIT reuse delays). */
  | { op: 'sleep'; ms: number };

export interface OpResult {
  index: number;
  op: Op['op'];
  sock?: number;
  /** The local port the socket owns after the operation (null if none or on failure). */
  port: number | null;
  errno: ErrnoName | null;
  /** True when the operation ran an automatic port search (autobind); only these count in the stats. */
  auto?: boolean;
  /** Destination "HOST:PORT" for connect/sendto. */
  dst?: string;
  /** Why an operation failed, when the reason is not an exhaustion (e.g. bad address). */
  reason?: string;
}

export interface ScenarioStats {
  successes: number;
  firstFailure: { index: number; errno: ErrnoName } | null;
  parity: { even: number; odd: number };
  /** Distinct local ports handed out by automatic selection during the run. */
  portsUsed: number;
  /** Per destination ("HOST:PORT") of connect/sendto: successes and the first failure (capacity per destination). */
  perDestination?: { dst: string; successes: number; firstFailure: { index: number; errno: ErrnoName } | null }[];
}

export interface ScenarioResult {
  results: OpResult[];
  stats: ScenarioStats;
}
