// Engine benchmarks (deterministic input): prints medians, goals and ratios to goal.
//  1. exhaust the default netns range (28,232 ports) by TCP connect to one destination
//  2. 1,000,000 TCP connects spread over 64 destinations
//  3. peak memory (RSS, heap)
import { ScenarioRunner } from '../engine/src/scenario';
import { runSimulation } from '../engine/src/simulate';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function line(name: string, value: number, unit: string, goal: number): void {
  const ratio = value / goal;
  console.log(`${name}: ${value.toFixed(unit === 'ms' ? 1 : 0)} ${unit} (goal <= ${goal} ${unit}, ratio ${ratio.toFixed(2)} of goal${ratio <= 1 ? ', ok' : ', OVER'})`);
}

function exhaustOnce(seed: number): { ms: number; successes: number; errno: string | null } {
  const t0 = performance.now();
  const run = new ScenarioRunner({ seed });
  run.keepResults = false;
  let i = 0;
  let errno: string | null = null;
  for (;; i++) {
    run.apply({ op: 'socket', sock: i, proto: 'tcp' });
    const r = run.apply({ op: 'connect', sock: i, addr: '127.0.0.1', port: 5000 });
    if (r.errno) {
      errno = r.errno;
      break;
    }
  }
  return { ms: performance.now() - t0, successes: run.stats().successes, errno };
}

function million(seed: number): { ms: number; successes: number } {
  const dsts = Array.from({ length: 64 }, (_, k) => `127.0.${1 + (k >> 4)}.${1 + (k & 15)}`);
  const t0 = performance.now();
  const run = new ScenarioRunner({ seed });
  run.keepResults = false;
  const sock = { op: 'socket' as const, sock: 0, proto: 'tcp' as const };
  const con = { op: 'connect' as const, sock: 0, addr: '', port: 5000 };
  for (let i = 0; i < 1_000_000; i++) {
    sock.sock = i;
    con.sock = i;
    con.addr = dsts[i & 63];
    run.apply(sock);
    run.apply(con);
  }
  return { ms: performance.now() - t0, successes: run.stats().successes };
}

const gc = (globalThis as { gc?: () => void }).gc;

// warm up the JIT once, then measure
exhaustOnce(0);
const ex = Array.from({ length: 7 }, (_, k) => exhaustOnce(k + 1));
if (ex.some((e) => e.successes !== 28232 || e.errno !== 'EADDRNOTAVAIL')) throw new Error(`unexpected exhaustion result ${JSON.stringify(ex[0])}`);
line('engine: exhaust 28,232 ports, TCP connect, 1 destination (median of 7)', median(ex.map((e) => e.ms)), 'ms', 50);

gc?.();
const mil = Array.from({ length: 3 }, (_, k) => million(100 + k));
if (mil.some((m) => m.successes !== 1_000_000)) throw new Error('1M connects: unexpected failures');
line('engine: 1,000,000 TCP connects over 64 destinations (median of 3)', median(mil.map((m) => m.ms)), 'ms', 2000);

gc?.();
const t0 = performance.now();
const rep = runSimulation({
  proto: 'tcp', family: 4, op: 'connect', range: null, count: 'exhaust', destinations: ['127.0.0.1:5000'],
  kernel: '6.18', seed: 1, netns: {}, reuseAddr: false, bindAddressNoPort: false,
});
console.log(`engine: runSimulation exhaust default range (full report, ${rep.withOption.results.length} sockets): ${(performance.now() - t0).toFixed(1)} ms (info)`);

const mem = process.memoryUsage();
const peakRss = process.resourceUsage().maxRSS / 1024;
console.log(`engine: peak RSS ${peakRss.toFixed(0)} MB, heap used now ${(mem.heapUsed / 1048576).toFixed(0)} MB of ${(mem.heapTotal / 1048576).toFixed(0)} MB (info)`);
