/**
 * The differential tests' view of the kernel launcher (server/src/kernel/netns.ts, shared with
 * `simulate --verify`), plus the connect-exhaustion speed probe of bench/kernel.bench.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelUnavailable, unshareCommand } from '../../server/src/kernel/netns';

export { runInNetns, RUNNER, type KernelRun, type KernelOpResult, type KernelScenario } from '../../server/src/kernel/netns';

export const CONNECT_EXHAUST_C = join(__dirname, 'connect_exhaust.c');

/** The minimum kernel the differential expectations are written for (6.8 changed connect(), spec §1). */
export const MIN_KERNEL: [number, number] = [6, 8];

/** null when the differential tests can run here; otherwise the reason (printed when they skip). */
export function kernelAvailable(): string | null {
  return kernelUnavailable(MIN_KERNEL);
}

export interface ConnectExhaustResult {
  connects: number;
  firstErrno: string;
  /** Wall time of the connect loop only (sockets pre-created), in ms. */
  ms: number;
  even: number;
  odd: number;
}

/** Compiles connect_exhaust.c once (gcc or cc); returns the binary path or a reason string. */
export function buildConnectExhaust(): { bin: string } | { reason: string } {
  const dir = join(tmpdir(), 'port-range-lens-kernel');
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, `connect_exhaust-${process.pid}`);
  for (const cc of ['gcc', 'cc']) {
    const r = spawnSync(cc, ['-O2', '-o', bin, CONNECT_EXHAUST_C], { encoding: 'utf8' });
    if (!r.error && r.status === 0 && existsSync(bin)) return { bin };
  }
  return { reason: 'no working C compiler (gcc/cc) to build test/kernel/connect_exhaust.c' };
}

/**
 * Exhausts the netns range lo..hi with non-blocking TCP connects to one loopback listener inside
 * a fresh namespace; optional per-socket IP_LOCAL_PORT_RANGE. Only the connect loop is timed.
 */
export function runConnectExhaust(bin: string, lo: number, hi: number, max: number, sock?: { lo: number; hi: number }): ConnectExhaustResult {
  const args = [String(lo), String(hi), String(max), ...(sock ? [String(sock.lo), String(sock.hi)] : [])];
  const { bin: unshare, flags } = unshareCommand();
  const r = spawnSync(unshare, [...flags, 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', bin, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  let parsed: { ok: boolean; error?: string } & Partial<ConnectExhaustResult>;
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    throw new Error(`connect_exhaust exited ${r.status}: ${r.stderr.trim() || r.stdout.trim()}`);
  }
  if (!parsed.ok) throw new Error(`connect_exhaust: ${parsed.error}`);
  return { connects: parsed.connects!, firstErrno: parsed.firstErrno!, ms: parsed.ms!, even: parsed.even!, odd: parsed.odd! };
}
