// Small builders for engine tests (not a test file itself).
import type { Family, NetnsConfig, Op, OpResult, Proto } from '../../engine/src/scenarioTypes';
import { runScenario, type ScenarioOutput } from '../../engine/src/scenario';

export interface SockSpec {
  proto?: Proto;
  family?: Family;
  range?: [number, number];
  reuseaddr?: boolean;
  reuseport?: boolean;
  noPort?: boolean;
}

/** Ops creating socket `sock` with options. */
export function open(sock: number, s: SockSpec = {}): Op[] {
  const ops: Op[] = [{ op: 'socket', sock, proto: s.proto ?? 'tcp', family: s.family ?? 4 }];
  if (s.range) ops.push({ op: 'setsockopt', sock, name: 'IP_LOCAL_PORT_RANGE', lo: s.range[0], hi: s.range[1] });
  if (s.reuseaddr) ops.push({ op: 'setsockopt', sock, name: 'SO_REUSEADDR', value: true });
  if (s.reuseport) ops.push({ op: 'setsockopt', sock, name: 'SO_REUSEPORT', value: true });
  if (s.noPort) ops.push({ op: 'setsockopt', sock, name: 'IP_BIND_ADDRESS_NO_PORT', value: true });
  return ops;
}

export type Action =
  | { kind: 'bind'; addr: string; port?: number }
  | { kind: 'connect'; addr: string; port: number }
  | { kind: 'listen' }
  | { kind: 'sendto'; addr: string; port: number };

export function act(sock: number, a: Action): Op {
  switch (a.kind) {
    case 'bind': return { op: 'bind', sock, addr: a.addr, port: a.port ?? 0 };
    case 'connect': return { op: 'connect', sock, addr: a.addr, port: a.port };
    case 'listen': return { op: 'listen', sock };
    case 'sendto': return { op: 'sendto', sock, addr: a.addr, port: a.port };
  }
}

/** Repeats "open socket + action" n times; returns the results of the actions. */
export function repeat(n: number, spec: SockSpec, action: Action, opts: { netns?: NetnsConfig; kernel?: string; seed?: number; prefix?: Op[]; firstSock?: number } = {}): { out: ScenarioOutput; actions: OpResult[] } {
  const ops: Op[] = [...(opts.prefix ?? [])];
  const idx: number[] = [];
  const base = opts.firstSock ?? 1000;
  for (let i = 0; i < n; i++) {
    ops.push(...open(base + i, spec));
    idx.push(ops.length);
    ops.push(act(base + i, action));
  }
  const out = runScenario({ netns: opts.netns, kernel: opts.kernel, seed: opts.seed ?? 1, ops });
  return { out, actions: idx.map((i) => out.results[i]) };
}

/** Ports until the first failure, and that failure's errno. */
export function untilFailure(actions: OpResult[]): { ports: number[]; errno: string | null } {
  const ports: number[] = [];
  for (const r of actions) {
    if (r.errno) return { ports, errno: r.errno };
    ports.push(r.port as number);
  }
  return { ports, errno: null };
}

export const listener = (sock: number, addr: string, port: number, family: Family = 4): Op[] => [
  { op: 'socket', sock, proto: 'tcp', family },
  { op: 'setsockopt', sock, name: 'SO_REUSEADDR', value: true },
  { op: 'bind', sock, addr, port },
  { op: 'listen', sock },
];

export const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
export const span = (lo: number, hi: number) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
