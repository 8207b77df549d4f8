/**
 * "Verify on this machine's kernel": runs a simulation's socket pattern with real sockets in a
 * private network namespace (netns.ts → runner.py) and compares the kernel with the engine by
 * the differential tests' rules (compare.ts). Used by `simulate --verify` and the editor.
 */
import { readFileSync } from 'node:fs';
import { MAX_SOCKETS, runSimulation, type SimulationParams } from '../../../engine/src/simulate';
import { runScenario } from '../../../engine/src/scenario';
import { netnsStateToConfig, resolveNetns } from '../../../engine/src/sysctl';
import type { Op } from '../../../engine/src/scenarioTypes';
import { diff, metrics, type AnyOpResult, type Comparable, type Compare, type Metrics } from './compare';
import { kernelUnavailable, OPTION_KERNEL, runInNetns } from './netns';

/** The `kernel` object of `simulate --format json --verify` (docs/cli-simulate.md). */
export interface KernelVerdict {
  ran: boolean;
  /** Why the kernel run could not happen (ran false); null when it ran. */
  reason: string | null;
  /** `uname -r` of the kernel that ran the pattern (null when unknown). */
  release: string | null;
  successes: number | null;
  /** Socket index (as in the simulation's results) and errno of the first failure. */
  firstFailure: { index: number; errno: string } | null;
  parity: { even: number; odd: number } | null;
  portsUsed: number | null;
  /** null when the kernel did not run. */
  agrees: boolean | null;
  differences: string[];
}

/** The engine side in the same terms, for the two-column view. */
export interface VerifyOutcome {
  kernel: KernelVerdict;
  engine: { successes: number; firstFailure: { index: number; errno: string } | null; parity: { even: number; odd: number }; portsUsed: number } | null;
  ms: number;
}

/** Default time limit of one kernel run. */
export const VERIFY_TIMEOUT_MS = 60_000;
/** Descriptors kept free for python3 itself (runner.py's FD_MARGIN) and the listeners. */
const FD_MARGIN = 64;

export function notRun(reason: string, release: string | null = null): KernelVerdict {
  return { ran: false, reason, release, successes: null, firstFailure: null, parity: null, portsUsed: null, agrees: null, differences: [] };
}

/** The hard open-file limit of this process (inherited by the runner, which raises its soft limit to it). */
export function hardFileLimit(): number | null {
  try {
    const m = /^Max open files\s+\S+\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? (m[1] === 'unlimited' ? Infinity : Number(m[1])) : null;
  } catch {
    return null;
  }
}

/** The op list the kernel plays: the simulation's pattern up to its bound (listeners first). */
export function verifyOps(params: SimulationParams, effective: { lo: number; hi: number }): Op[] {
  const bound = params.count === 'exhaust'
    ? Math.min(MAX_SOCKETS, (effective.hi - effective.lo + 2) * Math.max(1, params.destinations.length))
    : params.count;
  const r = runSimulation({ ...params, range: params.range, count: bound }, undefined, { keepOps: true });
  // A full accept queue drops SYNs and every later connect would wait: listen with a big backlog.
  return r.ops.map((op) => (op.op === 'listen' ? { ...op, backlog: 65535 } : op));
}

/** Results up to and including the first failing automatic allocation (the CLI's "until exhaustion"). */
function cutAtFirstFailure(ops: Op[], results: AnyOpResult[]): AnyOpResult[] {
  const m = metrics(ops.slice(0, results.length), results);
  return m.firstFailure ? results.slice(0, m.firstFailure.index + 1) : results;
}

/**
 * What is deterministic in a simulate pattern, by the differential tests' rules: once the range
 * is exhausted the set and the parity split are forced; before that, how many distinct ports a
 * single destination gets is forced, the parity split is compared statistically, and with several
 * destinations or SO_REUSEADDR (ports shared) only "every port inside the effective range" holds.
 */
export function verifyRules(params: SimulationParams, ops: Op[], engine: Metrics, effective: { lo: number; hi: number }): Comparable {
  if (engine.firstFailure) return { ops, compare: { ports: 'set', parity: 'split' } };
  const compare: Compare = { ports: 'count', parity: 'statistical' };
  const shared = params.destinations.length > 1 || params.reuseAddr;
  return shared
    ? { ops, compare, invariant: { text: `port in the effective range ${effective.lo}..${effective.hi}`, test: (p) => p >= effective.lo && p <= effective.hi } }
    : { ops, compare };
}

function sideStats(ops: Op[], m: Metrics) {
  const ff = m.firstFailure;
  const sock = ff ? (ops[ff.index] as { sock?: number }).sock ?? ff.index : null;
  return {
    successes: m.okTotal,
    firstFailure: ff ? { index: sock as number, errno: ff.errno } : null,
    parity: { ...m.parity },
    portsUsed: m.set.length,
  };
}

/** Runs `params` on this machine's kernel and compares it with the engine. Never throws for environment problems. */
export async function verifyOnKernel(
  params: SimulationParams,
  opts: { timeoutMs?: number; progress?: { setTotal(n: number): void; tick(n?: number): void } } = {},
): Promise<VerifyOutcome> {
  const t0 = performance.now();
  const done = (kernel: KernelVerdict, engine: VerifyOutcome['engine'] = null): VerifyOutcome => ({ kernel, engine, ms: performance.now() - t0 });
  const unavailable = kernelUnavailable(params.range ? OPTION_KERNEL : [0, 0]);
  if (unavailable) return done(notRun(unavailable));
  const ns = resolveNetns(params.netns ?? {});
  const report = runSimulation({ ...params, count: 1 }, undefined, { keepOps: false });
  const ops = verifyOps(params, report.effective);
  const sockets = ops.filter((o) => o.op === 'socket').length;
  const hard = hardFileLimit();
  if (hard !== null && sockets > hard - FD_MARGIN) {
    return done(notRun(`the run needs ${sockets} sockets but the open-file limit here is ${hard} (ulimit -Hn): ` +
      'use a smaller --netns-range or --range, or --count'));
  }
  const exhaust = params.count === 'exhaust';
  let run;
  let done0 = 0;
  opts.progress?.setTotal(ops.length);
  const onProgress = opts.progress ? (n: number) => { opts.progress!.tick(n - done0); done0 = n; } : undefined;
  try {
    run = await runInNetns({ netns: netnsStateToConfig(ns), ops, stopAtFirstFailure: exhaust, somaxconn: 65535 }, opts.timeoutMs ?? VERIFY_TIMEOUT_MS, onProgress);
  } catch (e) {
    return done(notRun((e as Error).message.replace(/^kernel runner failed: (\w+Error: )?/, 'the kernel run failed: ')));
  }
  opts.progress?.tick(Math.max(0, run.results.length - done0));
  const firstSocket = ops.findIndex((o) => o.op === 'socket' && o.sock === 0);
  const sockErr = firstSocket >= 0 ? run.results[firstSocket]?.errno : null;
  if (sockErr) {
    const hint = params.proto === 'sctp' ? ' (no SCTP in this kernel: CONFIG_IP_SCTP off or the sctp module not loaded)'
      : params.proto === 'mptcp' ? ' (MPTCP off: CONFIG_MPTCP or net.mptcp.enabled)' : '';
    return done(notRun(`this kernel cannot create ${params.proto} sockets: socket() fails with ${sockErr}${hint}`, run.kernel));
  }
  const eng = runScenario({ kernel: params.kernel, netns: params.netns, ops, seed: params.seed }).results as AnyOpResult[];
  const engResults = exhaust ? cutAtFirstFailure(ops, eng) : eng;
  const k = metrics(ops.slice(0, run.results.length), run.results);
  const e = metrics(ops.slice(0, engResults.length), engResults);
  const differences = diff(verifyRules(params, ops, e, report.effective), k, e);
  const ks = sideStats(ops, k);
  return done(
    { ran: true, reason: null, release: run.kernel, ...ks, agrees: differences.length === 0, differences },
    sideStats(ops, e),
  );
}
