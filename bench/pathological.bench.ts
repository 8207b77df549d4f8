// Hostile inputs the server must survive in every language (the robustness tests check that
// they never throw and still find the call; speed is measured here, never asserted in a test):
// a 100,000-deep f(f(...)) and `- - - 1` next to a call, 100,000 nested parentheses, and a
// 10,000-line C file analysed in full and again after a one-line edit (incremental re-parse),
// 2,000 Python call sites in one function and a 3,000-name Python chain.
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

  const inc = await createAnalyzer({ incremental: true });
  const lines: string[] = [];
  for (let i = 0; lines.length < 10_000; i++) {
    lines.push(`static int f${i}(int fd, int x) {`, `  int y = x * ${i} + (x << 2);`, '  if (y > 3) { y -= 1; }');
    lines.push(i % 50 === 0 ? `  uint32_t v = (40511u << 16) | ${40000 + (i % 100)}u; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);` : '  write(fd, &y, sizeof y);');
    lines.push('  return y;', '}');
  }
  const text = lines.join('\n');
  let t0 = performance.now();
  inc.analyze('big.c', text, 'c', DEFAULT_CONFIG);
  line('10,000-line C file, full', performance.now() - t0);
  t0 = performance.now();
  inc.analyze('big.c', text.replace('int y = x * 7 +', 'int y = x * 8 +'), 'c', DEFAULT_CONFIG);
  line('10,000-line C file, after a one-line edit', performance.now() - t0);
  inc.dispose();
}

void main();
