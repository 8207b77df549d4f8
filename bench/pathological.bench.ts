// Hostile inputs the server must survive in every language (the robustness tests check that
// they never throw and still find the call; speed is measured here, never asserted in a test):
// a 100,000-deep f(f(...)) and `- - - 1` next to a call, 100,000 nested parentheses, 2,000
// Python call sites in one function and a 3,000-name Python chain. (A large C file in full and
// after a one-line edit is bench/analyzer.bench.ts's.)
// Goal per case: <= 2,000 ms (before the query's maxStartDepth, C's f(f(...)) took 167 s).
import { performance } from 'node:perf_hooks';
import { createAnalyzer } from '../server/src/analysis/index';
import type { Language } from '../server/src/analysis/callSite';
import { DEFAULT_CONFIG } from '../server/src/config/schema';

const GOAL_MS = 2000;

function line(name: string, ms: number, goal = GOAL_MS): void {
  console.log(`${name}: ${ms.toFixed(0)} ms (goal <= ${goal} ms, ratio ${(ms / goal).toFixed(2)}) ${ms <= goal ? 'PASS' : 'MISS'}`);
}

async function main(): Promise<void> {
  const a = await createAnalyzer({ incremental: false });
  const d = 100_000;
  const shapes: [string, string][] = [['f(f(...))', `${'f('.repeat(d)}1${')'.repeat(d)}`], ['- - - 1', `${'- '.repeat(d)}1`], ['((((1))))', `${'('.repeat(d)}1${')'.repeat(d)}`]];
  const wrap: Record<Language, (e: string) => string> = {
    c: (e) => `void g(int fd) { uint32_t v = ${e}; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 4); }`,
    cpp: (e) => `void g(int fd) { std::uint32_t v = ${e}; ::setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 4); }`,
    python: (e) => `import socket\ns = socket.socket()\nv = ${e}\ns.setsockopt(0, 51, v)\n`,
    go: (e) => `package p\nfunc g(fd int) {\n\tv := ${e}\n\tunix.SetsockoptInt(fd, 0, 51, v)\n}\n`,
    rust: (e) => `fn g(fd: i32) { let v: u32 = ${e}; unsafe { libc::setsockopt(fd, libc::SOL_IP, 51, &v as *const u32 as *const libc::c_void, 4) }; }`,
  };
  await a.prepare(Object.keys(wrap) as Language[]);
  for (const [shape, e] of shapes) {
    for (const lang of Object.keys(wrap) as Language[]) {
      const t0 = performance.now();
      const r = a.analyze('deep', wrap[lang](e), lang, DEFAULT_CONFIG);
      const ms = performance.now() - t0;
      if (r.error || r.callSites.length !== 1) console.log(`${lang} ${shape}: MISS (${r.error ?? `${r.callSites.length} call sites, expected 1`})`);
      else line(`${lang} ${shape}`, ms);
    }
  }
  // Python: 2,000 call sites in one function, and a 3,000-name chain a1 = a0 + 1 ... (test/analysis/python.test.ts checks the results).
  const many = Array.from({ length: 2000 }, (_, i) => `    s.setsockopt(socket.SOL_IP, 51, struct.pack("=I", (${40000 + i} << 16) | 40000))`).join('\n');
  const chain = `a0 = 1\n${Array.from({ length: 3000 }, (_, i) => `a${i + 1} = a${i} + 1`).join('\n')}\ns = socket.socket()\ns.setsockopt(0, 51, struct.pack("=I", a3000))\n`;
  for (const [name, text] of [['python 2,000 call sites in one function', `def f():\n    s = socket.socket()\n${many}\n`], ['python 3,000-name chain', chain]] as const) {
    const t0 = performance.now();
    a.analyze('many.py', `import socket, struct\n${text}`, 'python', DEFAULT_CONFIG);
    line(name, performance.now() - t0);
  }
  a.dispose();
}

void main();
