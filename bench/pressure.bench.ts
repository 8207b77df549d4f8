// Pressure benchmark (deterministic input): 100,000 sockets as `ss -tuanH` text and as
// /proc/net/tcp text, parsed and judged (engine/src/pressure.ts) the way `pressure` does it;
// also the full `samplePressure()` over a generated /proc tree (PORT_RANGE_LENS_PROC hook).
// Prints medians of 5, peak RSS and heap, and ratios to the goals.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSs } from '../server/src/pressure/ss';
import { parseProcNet } from '../server/src/pressure/procNet';
import { destinationPressure } from '../engine/src/pressure';
import { resolveNetns } from '../engine/src/sysctl';
import { samplePressure } from '../server/src/pressure/report';

const N = 100_000;
const DESTS = 200;
const GOAL_MS = 500;
const GOAL_RSS_MB = 300;

const states = ['ESTAB', 'ESTAB', 'ESTAB', 'TIME-WAIT'];
const dst = (i: number) => `10.0.${(i % DESTS) >> 8}.${(i % DESTS) & 255}`;

function ssText(): string {
  const lines: string[] = [];
  for (let i = 0; i < N; i++) lines.push(`tcp   ${states[i & 3]}  0  0  10.1.0.1:${32768 + (i % 28232)}  ${dst(i)}:443`);
  return lines.join('\n') + '\n';
}

const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
const v4le = (a: number, b: number, c: number, d: number) => hex(((d << 24) | (c << 16) | (b << 8) | a) >>> 0, 8);

function procText(): string {
  const lines = ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'];
  for (let i = 0; i < N; i++) {
    const d = i % DESTS;
    lines.push(`${String(i).padStart(6)}: ${v4le(10, 1, 0, 1)}:${hex(32768 + (i % 28232), 4)} ${v4le(10, 0, d >> 8, d & 255)}:01BB ${(i & 3) === 3 ? '06' : '01'} 00000000:00000000 00:00000000 00000000     0        0 ${i} 1 0 20 4 30 10 -1`);
  }
  return lines.join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function line(name: string, value: number, unit: string, goal: number): void {
  const ratio = value / goal;
  console.log(`${name}: ${value.toFixed(1)} ${unit} (goal <= ${goal} ${unit}, ratio ${ratio.toFixed(2)} of goal${ratio <= 1 ? ', ok' : ', OVER'})`);
}

const ns = resolveNetns({});
const ss = ssText();
const proc = procText();
let peakRss = 0;
let peakHeap = 0;
const measure = (f: () => number) => {
  const xs: number[] = [];
  for (let r = 0; r < 5; r++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    const rows = f();
    xs.push(performance.now() - t0);
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    if (rows !== DESTS) throw new Error(`expected ${DESTS} destinations, got ${rows}`);
  }
  return median(xs);
};
line(`pressure, ${N.toLocaleString('en')} sockets from ss -tuanH text, parse + judge (median of 5)`, measure(() => destinationPressure(ns, parseSs(ss).sockets).length), 'ms', GOAL_MS);
line(`pressure, ${N.toLocaleString('en')} sockets from /proc/net/tcp text, parse + judge (median of 5)`, measure(() => destinationPressure(ns, parseProcNet(proc, 'tcp', true).sockets).length), 'ms', GOAL_MS);

// The whole sample through the /proc source, as `pressure --source proc` runs it.
const dir = mkdtempSync(join(tmpdir(), 'prl-bench-proc-'));
try {
  mkdirSync(join(dir, 'net'));
  mkdirSync(join(dir, 'sys', 'net', 'ipv4'), { recursive: true });
  writeFileSync(join(dir, 'net', 'tcp'), proc);
  for (const f of ['tcp6', 'udp', 'udp6']) writeFileSync(join(dir, 'net', f), 'header\n');
  writeFileSync(join(dir, 'sys', 'net', 'ipv4', 'ip_local_port_range'), '32768\t60999\n');
  writeFileSync(join(dir, 'sys', 'net', 'ipv4', 'ip_local_reserved_ports'), '\n');
  process.env.PORT_RANGE_LENS_PROC = dir;
  line(`pressure, samplePressure() over a generated /proc with ${N.toLocaleString('en')} sockets (median of 5)`,
    measure(() => samplePressure({ netnsRange: 'auto', reserved: 'auto', ranges: [], source: 'proc' }, null).report.destinations.length), 'ms', GOAL_MS);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
line('pressure, peak RSS', peakRss / 2 ** 20, 'MB', GOAL_RSS_MB);
console.log(`pressure, peak heap used: ${(peakHeap / 2 ** 20).toFixed(1)} MB`);
