// `check` over whole trees against `grep -rl setsockopt` on the same tree (issue 10, deliver 5):
//  - the dense generated tree, 10,000 files in C, C++ (.cc/.cpp), Python, Go and Rust, one file
//    in 20 with a call site, cold (goal <= 6x grep);
//  - the same tree again with --cache after one run that filled the cache (goal <= 1.5x grep);
//  - real source files with few call sites: the system's C/C++ headers and Python standard
//    library (/usr/include, /usr/lib/python3.11; the file count is printed) (goal <= 2x grep).
// Wall-clock medians of whole processes (node start-up included, as a user sees it). The
// machine's load is printed first: on a shared machine the figures move with it.
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { cFile } from './analyzer.bench';
import { defaultJobs } from '../server/src/cli/checkPool';
import { cppFile, goFile, pyFile, rustFile } from './languages.bench';

const CLI = join(__dirname, '..', 'dist', 'cli.js');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function timed(cmd: string, args: string[], cwd: string, n: number): number {
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { cwd, stdio: 'ignore' });
    if (r.status === null || r.status > 1) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
    ts.push(performance.now() - t);
  }
  return median(ts);
}

export function line(name: string, ms: number, grep: number, goal: number): void {
  const ratio = ms / grep;
  console.log(`${name}: ${ms.toFixed(0)} ms (goal <= ${goal}x grep, ratio ${ratio.toFixed(2)}x) ${ratio <= goal ? 'PASS' : 'MISS'}`);
}

/** Each language with and without a call site (the 120-line C file of analyzer.bench). */
function denseTree(root: string): void {
  const withSite = { c: cFile(120), cc: cppFile(120), cpp: cppFile(60), py: pyFile(120), go: goFile(120), rs: rustFile(120) };
  const plain = Object.fromEntries(Object.entries(withSite).map(([k, v]) => [k, v
    .replace(/\S*setsockopt\([^;]*;/g, 'write(fd, &y, 1);')
    .replace(/s\.setsockopt\(.*\)/g, 'y += 1')
    .replace(/unix\.SetsockoptInt\(.*\)/g, 'y++')
    .replace(/unsafe \{ libc::setsockopt\(.*\) \};/g, '')])) as typeof withSite;
  const exts = ['c', 'c', 'c', 'c', 'cc', 'cpp', 'py', 'py', 'go', 'rs'] as const;
  for (let d = 0; d < 100; d++) {
    const dir = join(root, `d${d}`);
    mkdirSync(dir);
    for (let f = 0; f < 100; f++) {
      const n = d * 100 + f;
      const ext = exts[n % 10]!;
      // One file in 20 has a call site: every tenth run of ten files (each extension once).
      writeFileSync(join(dir, `f${n}.${ext}`), (Math.floor(n / 10) % 20 === 0 ? withSite : plain)[ext]);
    }
  }
}

function denseBench(): void {
  const root = mkdtempSync(join(tmpdir(), 'prl-bench-tree-'));
  const cache = mkdtempSync(join(tmpdir(), 'prl-bench-cache-'));
  try {
    const made = Date.now();
    denseTree(root);
    const args = [CLI, 'check', '--format', 'json', '--fail-on', 'never', '.'];
    const grep = timed('grep', ['-rl', 'setsockopt', '.'], root, 5);
    const sites = JSON.parse(spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 }).stdout).summary.callSites;
    console.log(`grep -rl setsockopt over the dense tree (10,000 files: C, C++, Python, Go, Rust; ${sites} call sites): ${grep.toFixed(0)} ms`);
    line(`check over the dense tree, cold (default --jobs ${defaultJobs()} on ${availableParallelism()} CPUs)`, timed(process.execPath, args, root, 3), grep, 6);
    line(`check over the dense tree, cold, --jobs ${defaultJobs() > 1 ? 1 : 2} (for comparison)`, timed(process.execPath, [...args.slice(0, -1), '--jobs', defaultJobs() > 1 ? '1' : '2', '.'], root, 3), grep, 6);
    // The stat shortcut trusts only files changed over 2 s before the run that records them.
    const wait = made + 2_500 - Date.now();
    if (wait > 0) spawnSync('sleep', [String(wait / 1000)]);
    const cached = [...args.slice(0, -1), '--cache-dir', cache, '.'];
    timed(process.execPath, cached, root, 1);
    line('check --cache over the unchanged dense tree, second run', timed(process.execPath, cached, root, 7), grep, 1.5);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
}

/** Fixed system trees (Debian 12 packages: libc6-dev, linux-libc-dev, libstdc++-dev, python3.11). */
const REAL = ['/usr/include', '/usr/lib/python3.11'];

function realBench(): void {
  const roots = REAL.filter((r) => existsSync(r));
  if (roots.length === 0) {
    console.log(`real source tree: skipped (none of ${REAL.join(', ')} exists on this machine)`);
    return;
  }
  const args = [CLI, 'check', '--format', 'json', '--fail-on', 'never', '--no-progress', ...roots];
  const j = JSON.parse(spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout);
  const grep = timed('grep', ['-rl', 'setsockopt', ...roots], '/', 5);
  console.log(`grep -rl setsockopt over ${roots.join(' ')} (${j.summary.files} source files checked, ${j.callSites.length} call sites): ${grep.toFixed(0)} ms`);
  line('check over the real source tree, cold', timed(process.execPath, args, '/', 5), grep, 2);
}

if (require.main === module) {
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  let cpu = '';
  try { cpu = `, ${readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? '?'} CPUs`; } catch { /* not Linux */ }
  console.log(`load average ${load}${cpu}`);
  denseBench();
  realBench();
}
