/**
 * Runs scenarios against the real Linux kernel in a private network namespace
 * (docs/differential.md). Nothing here touches the host's namespace: every process is started
 * through `unshare -n`, and runner.py itself refuses to run when it can see any interface but lo.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { release, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetnsConfig, Op, OpResult } from '../../engine/src/scenarioTypes';

export const RUNNER = join(__dirname, 'runner.py');
export const CONNECT_EXHAUST_C = join(__dirname, 'connect_exhaust.c');

export interface KernelScenario {
  netns?: NetnsConfig;
  ops: Op[];
}

/** One op's result as the kernel reports it; errno may be any Linux errno name. */
export interface KernelOpResult extends Omit<OpResult, 'errno'> {
  errno: string | null;
}

export interface KernelRun {
  /** `uname -r` seen inside the namespace. */
  kernel: string;
  results: KernelOpResult[];
  ms: number;
}

/** The minimum kernel the differential expectations are written for (6.8 changed connect(), spec §1). */
export const MIN_KERNEL: [number, number] = [6, 8];

function parseRelease(r: string): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(r);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

let cachedReason: string | null | undefined;

/**
 * null when the differential tests can run here; otherwise the reason they cannot
 * (printed by the tests when they skip). The probe result is cached for the process.
 */
export function kernelAvailable(): string | null {
  if (cachedReason !== undefined) return cachedReason;
  cachedReason = probe();
  return cachedReason;
}

function probe(): string | null {
  if (platform() !== 'linux') return `not Linux (platform ${platform()})`;
  const v = parseRelease(release());
  if (!v) return `cannot parse kernel release "${release()}"`;
  if (v[0] < MIN_KERNEL[0] || (v[0] === MIN_KERNEL[0] && v[1] < MIN_KERNEL[1])) {
    return `kernel ${release()} is older than ${MIN_KERNEL.join('.')}`;
  }
  const py = spawnSync('python3', ['-c', 'import socket, struct, json'], { encoding: 'utf8' });
  if (py.error || py.status !== 0) return `python3 missing or broken (${py.error?.message ?? py.stderr.trim()})`;
  const un = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && cat /proc/sys/net/ipv4/ip_local_port_range'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (un.error) return `unshare not runnable (${un.error.message})`;
  if (un.status !== 0) return `unshare -n not permitted or ip(8) missing: ${(un.stderr || '').trim() || `exit ${un.status}`}`;
  return null;
}

/** Runs one scenario through runner.py inside a fresh `unshare -n` namespace. */
export function runInNetns(scenario: KernelScenario, timeoutMs = 30_000): Promise<KernelRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('unshare', ['-n', 'sh', '-c', `ip link set lo up && exec python3 "$0"`, RUNNER], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kernel runner timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      let parsed: { ok: boolean; error?: string; kernel?: string; results?: KernelOpResult[] };
      try {
        parsed = JSON.parse(out);
      } catch {
        reject(new Error(`kernel runner exited ${code} without JSON: ${err.trim() || out.trim()}`));
        return;
      }
      if (!parsed.ok || !parsed.results) {
        reject(new Error(`kernel runner failed: ${parsed.error ?? 'unknown error'} ${err.trim()}`));
        return;
      }
      resolve({ kernel: parsed.kernel ?? 'unknown', results: parsed.results, ms: performance.now() - t0 });
    });
    child.stdin.end(JSON.stringify(scenario));
  });
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
  const r = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', bin, ...args], {
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
