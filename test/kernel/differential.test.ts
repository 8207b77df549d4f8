/**
 * Differential tests: every scenario of scenarios.ts runs in the engine and, for real, in a
 * private network namespace of this machine's kernel (runner.py under `unshare -n`). See
 * docs/differential.md. Kernel results are first checked against spec §9 (this validates the
 * runner), then the engine is compared with the kernel: per-op errno, the set of ports used,
 * successes before exhaustion, and the parity split (exact only where the kernel is deterministic).
 */
import { test, after } from 'node:test';
import { release } from 'node:os';
import assert from 'node:assert/strict';
import { kernelAvailable, runInNetns, type KernelRun } from './netns';
import { SCENARIOS, type Scenario } from './scenarios';
import { diff, metrics, summarize, type AnyOpResult, type Metrics } from '../../server/src/kernel/compare';
import { checkExpect } from './expect';
import * as engine from '../../engine/src/index';
import type { NetnsConfig, Op } from '../../engine/src/scenarioTypes';

type RunScenario = (s: { kernel?: string; netns?: NetnsConfig; ops: Op[]; seed?: number | string }) => { results: AnyOpResult[] };

/** The engine's scenario API, looked up at run time so this file compiles before it exists. */
function engineRunner(): RunScenario | string {
  const f = (engine as Record<string, unknown>).runScenario;
  return typeof f === 'function' ? (f as RunScenario) : 'engine/src/index.ts does not export runScenario yet';
}

/** Engine mismatches accepted as known (test marked todo). Empty: every discrepancy fails. */
const KNOWN_ENGINE_MISMATCH: Record<string, string> = {};

const reason = kernelAvailable();
/** The engine models the running kernel's version; §9's expectations were recorded on 6.18. */
const rel = /^(\d+)\.(\d+)/.exec(release());
const engineProfile = rel ? `${rel[1]}.${rel[2]}` : '6.18';
const checkSpec = rel !== null && (Number(rel[1]) > 6 || (Number(rel[1]) === 6 && Number(rel[2]) >= 18));
const rows: { name: string; kernel: string; engine: string; verdict: string }[] = [];

assert.ok(SCENARIOS.length >= 30, `only ${SCENARIOS.length} scenarios`);
assert.equal(new Set(SCENARIOS.map((s) => s.name)).size, SCENARIOS.length, 'scenario names must be unique');

let kernelRelease = '';

/**
 * Kernel runs are independent (one namespace each) and mostly wait on process start-up, so a
 * few run at once; each test awaits its own. Results are compared one test at a time.
 */
const KERNEL_CONCURRENCY = 3;
const kernelRuns: Promise<KernelRun>[] = [];
if (!reason) {
  let next = 0;
  const settle: ((r: Promise<KernelRun>) => void)[] = [];
  SCENARIOS.forEach((_, i) => {
    const p = new Promise<KernelRun>((res) => { settle[i] = res; });
    p.catch(() => undefined); // a failure is reported by the scenario's own test, not as unhandled
    kernelRuns.push(p);
  });
  const worker = async (): Promise<void> => {
    while (next < SCENARIOS.length) {
      const i = next++;
      const p = runInNetns({ netns: SCENARIOS[i].netns, ops: SCENARIOS[i].ops });
      settle[i](p);
      await p.catch(() => undefined);
    }
  };
  for (let w = 0; w < KERNEL_CONCURRENCY; w++) void worker();
}

for (const [i, sc] of SCENARIOS.entries()) {
  const todo = KNOWN_ENGINE_MISMATCH[sc.name];
  test(`differential: ${sc.name}`, todo ? { todo: `engine mismatch: ${todo}` } : {}, async (t) => {
    if (reason) {
      rows.push({ name: sc.name, kernel: `skipped: ${reason}`, engine: '-', verdict: 'skip' });
      t.skip(`kernel differential tests cannot run here: ${reason}`);
      return;
    }
    let run: KernelRun;
    try {
      run = await kernelRuns[i];
    } catch (e) {
      rows.push({ name: sc.name, kernel: `runner error`, engine: '-', verdict: 'FAIL' });
      throw e;
    }
    kernelRelease = run.kernel;
    const k = metrics(sc.ops, run.results);
    const specBad = checkSpec ? checkExpect(sc, k) : [];
    const run2 = engineRunner();
    let e: Metrics | null = null;
    let engineBad: string[] = [];
    let engineCell: string;
    if (typeof run2 === 'string') {
      engineCell = `n/a (${run2})`;
    } else {
      try {
        const res = run2({ kernel: engineProfile, netns: sc.netns, ops: sc.ops, seed: i + 1 });
        e = metrics(sc.ops, res.results);
        engineBad = diff(sc, k, e);
        engineCell = summarize(e);
      } catch (err) {
        engineBad = [`engine threw: ${(err as Error).message}`];
        engineCell = 'threw';
      }
    }
    const verdict = specBad.length ? 'KERNEL≠SPEC' : e === null && typeof run2 === 'string' ? 'kernel ok' : engineBad.length ? 'DIFF' : 'match';
    rows.push({ name: sc.name, kernel: summarize(k), engine: engineCell, verdict });
    assert.deepEqual(specBad, [], `kernel result differs from spec §9 expectation (${sc.spec}):\n  ${specBad.join('\n  ')}`);
    if (typeof run2 === 'string') {
      t.diagnostic(`engine side not compared: ${run2}`);
      return;
    }
    assert.deepEqual(engineBad, [], `engine vs kernel ${run.kernel} (${sc.spec}):\n  ${engineBad.join('\n  ')}`);
  });
}

after(() => {
  if (!rows.length) return;
  const w0 = Math.min(70, Math.max(...rows.map((r) => r.name.length)));
  const w1 = Math.max(6, ...rows.map((r) => r.kernel.length));
  const w2 = Math.max(6, ...rows.map((r) => r.engine.length));
  const line = (a: string, b: string, c: string, d: string) =>
    `${a.slice(0, w0).padEnd(w0)} | ${b.padEnd(w1)} | ${c.padEnd(w2)} | ${d}`;
  const out = [
    '',
    `Differential summary (kernel ${kernelRelease || 'n/a'} vs engine profile ${engineProfile}; ${rows.length} scenarios` +
      `${checkSpec ? '' : '; spec §9 expectations not checked on this kernel'})`,
    line('scenario', 'kernel', 'engine', 'verdict'),
    line('-'.repeat(w0), '-'.repeat(w1), '-'.repeat(w2), '-------'),
    ...rows.map((r) => line(r.name, r.kernel, r.engine, r.verdict)),
    `match ${rows.filter((r) => r.verdict === 'match').length}, diff ${rows.filter((r) => r.verdict === 'DIFF').length}, ` +
      `kernel-only ${rows.filter((r) => r.verdict === 'kernel ok').length}, kernel≠spec ${rows.filter((r) => r.verdict === 'KERNEL≠SPEC').length}, ` +
      `skipped ${rows.filter((r) => r.verdict === 'skip').length}`,
  ];
  process.stdout.write(out.join('\n') + '\n');
});
