/**
 * Runs socket scenarios on this machine's kernel inside a private network namespace: the one
 * launcher of runner.py, used by `simulate --verify` and by the differential tests
 * (docs/differential.md). Nothing touches the host's namespace: the runner is started through
 * `unshare -n` (root) or `unshare -rn` (unprivileged: a user namespace first), and refuses to run
 * when it can see any interface but lo. Killing it removes the namespace and every socket in it.
 *
 * Test hooks (documented in docs/cli-simulate.md): PORT_RANGE_LENS_UNSHARE and
 * PORT_RANGE_LENS_PYTHON replace the `unshare` and `python3` executables, e.g. with a path that
 * does not exist, to play a machine without them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { platform, release } from 'node:os';
import { join } from 'node:path';
import type { NetnsConfig, Op, OpResult } from '../../../engine/src/scenarioTypes';

/** runner.py sits beside this module in the sources and beside the bundle in dist/ (scripts/build.mjs). */
export const RUNNER = join(__dirname, 'runner.py');

export interface KernelScenario {
  netns?: NetnsConfig;
  ops: Op[];
  /** Stop after the first bind/connect/listen/sendto that fails (simulate's "until exhaustion"). */
  stopAtFirstFailure?: boolean;
  /** net.core.somaxconn inside the namespace (a full accept queue would drop SYNs). */
  somaxconn?: number;
  /** Ask the runner for "progress N" lines (ops done) on stderr. */
  progress?: boolean;
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

/** IP_LOCAL_PORT_RANGE exists from 6.3 (spec §1); the differential expectations need 6.8. */
export const OPTION_KERNEL: [number, number] = [6, 3];

export function parseRelease(r: string): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(r);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

function unshareBin(): string {
  return process.env.PORT_RANGE_LENS_UNSHARE || 'unshare';
}
function pythonBin(): string {
  return process.env.PORT_RANGE_LENS_PYTHON || 'python3';
}

interface Probe {
  reason: string | null;
  /** The unshare flags that worked: ['-n'] or ['-r', '-n']. */
  flags: string[];
}

const cache = new Map<string, Probe>();

function probeKey(): string {
  return `${unshareBin()}\0${pythonBin()}`;
}

/**
 * null when scenarios can run on this kernel (at least `min`), else the exact reason they cannot:
 * not Linux, kernel too old, python3 missing, unshare missing, namespaces not permitted.
 * Cached per process (and per test-hook setting).
 */
export function kernelUnavailable(min: [number, number] = OPTION_KERNEL): string | null {
  if (platform() !== 'linux') return `not Linux (platform ${platform()}): the kernel run needs Linux network namespaces`;
  const v = parseRelease(release());
  if (!v) return `cannot parse the kernel release "${release()}"`;
  if (v[0] < min[0] || (v[0] === min[0] && v[1] < min[1])) {
    return `kernel ${release()} is older than ${min.join('.')}${min[0] === 6 && min[1] === 3 ? ' (IP_LOCAL_PORT_RANGE was added in 6.3)' : ''}`;
  }
  return probe().reason;
}

function probe(): Probe {
  const key = probeKey();
  const hit = cache.get(key);
  if (hit) return hit;
  const p = runProbe();
  cache.set(key, p);
  return p;
}

function runProbe(): Probe {
  const py = pythonBin();
  const r = spawnSync(py, ['-c', 'import socket, struct, json, fcntl, resource'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    return { reason: code === 'ENOENT' ? `python3 not found (${py}): the kernel run drives sockets from python3` : `python3 (${py}) not runnable: ${r.error.message}`, flags: [] };
  }
  if (r.status !== 0) return { reason: `python3 (${py}) lacks a needed module: ${r.stderr.trim().split('\n').pop()}`, flags: [] };
  const un = unshareBin();
  const tries: string[][] = process.geteuid?.() === 0 ? [['-n'], ['-r', '-n']] : [['-r', '-n']];
  const errors: string[] = [];
  for (const flags of tries) {
    const u = spawnSync(un, [...flags, py, RUNNER, '--probe'], { encoding: 'utf8', timeout: 10_000 });
    if (u.error) {
      const code = (u.error as NodeJS.ErrnoException).code;
      return { reason: code === 'ENOENT' ? `unshare(1) not found (${un}; util-linux)` : `unshare (${un}) not runnable: ${u.error.message}`, flags: [] };
    }
    if (u.status === 0 && /"ok": true/.test(u.stdout)) return { reason: null, flags };
    errors.push(`unshare ${flags.join(' ')}: ${(u.stderr || u.stdout).trim().split('\n').pop() || `exit ${u.status}`}`);
  }
  return { reason: `no permission to create a private network namespace (${errors.join('; ')})${userNsHint()}`, flags: [] };
}

function userNsHint(): string {
  try {
    const max = readFileSync('/proc/sys/user/max_user_namespaces', 'utf8').trim();
    if (max === '0') return '; user namespaces are disabled (user.max_user_namespaces = 0)';
  } catch {
    /* not readable: say nothing */
  }
  if (existsSync('/proc/sys/kernel/unprivileged_userns_clone')) {
    try {
      if (readFileSync('/proc/sys/kernel/unprivileged_userns_clone', 'utf8').trim() === '0') return '; unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)';
    } catch {
      /* ignore */
    }
  }
  return '';
}

/** The unshare command line prefix that works here (after a successful probe). */
export function unshareCommand(): { bin: string; flags: string[] } {
  return { bin: unshareBin(), flags: probe().flags.length ? probe().flags : ['-n'] };
}

/**
 * Runs one scenario through runner.py in a fresh namespace. Rejects with the runner's error, or
 * after `timeoutMs` (the runner is killed; its namespace and sockets go with it).
 */
export function runInNetns(scenario: KernelScenario, timeoutMs = 30_000, onProgress?: (opsDone: number) => void): Promise<KernelRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const { bin, flags } = unshareCommand();
    const child = spawn(bin, [...flags, pythonBin(), RUNNER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the kernel run did not finish within ${Math.round(timeoutMs / 1000)} s (killed)`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    let partial = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      const lines = (partial + d).split('\n');
      partial = lines.pop()!;
      for (const l of lines) {
        const m = /^progress (\d+)$/.exec(l);
        if (m) onProgress?.(Number(m[1]));
        else err += l + '\n';
      }
    });
    child.stdin.on('error', () => undefined); // EPIPE when the child died early: reported on close
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      err += partial;
      let parsed: { ok: boolean; error?: string; kernel?: string; results?: KernelOpResult[] };
      try {
        parsed = JSON.parse(out);
      } catch {
        reject(new Error(`kernel runner exited ${code} without JSON: ${err.trim() || out.trim()}`));
        return;
      }
      if (!parsed.ok || !parsed.results) {
        reject(new Error(`kernel runner failed: ${parsed.error ?? 'unknown error'} ${err.trim()}`.trim()));
        return;
      }
      resolve({ kernel: parsed.kernel ?? 'unknown', results: parsed.results, ms: performance.now() - t0 });
    });
    child.stdin.end(JSON.stringify(onProgress ? { ...scenario, progress: true } : scenario));
  });
}
