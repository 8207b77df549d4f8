// The analyzer in each of the five languages (issue 10: "every goal of the analyzer benchmark
// still holds, now for five languages"): a generated 10,000-line file per language, one call
// site in 50 functions, full analysis vs the bare tree-sitter parse of the same file
// (goal: analysis adds <= 50% on top of parsing). Inputs are deterministic; figures are medians.
import { performance } from 'node:perf_hooks';
import { createAnalyzer } from '../server/src/analysis/index';
import type { Language } from '../server/src/analysis/callSite';
import { createParserHost, type GrammarName } from '../server/src/analysis/parser';
import { DEFAULT_CONFIG } from '../server/src/config/schema';
import { cFile, verdict } from './analyzer.bench';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** About `n` lines of whole functions: never one cut off (a cut file measures the parser's error recovery). */
function generate(n: number, fn: (i: number) => string[]): string {
  const lines: string[] = [];
  for (let i = 0; lines.length < n; i++) lines.push(...fn(i));
  return lines.join('\n') + '\n';
}

export function rustFile(n: number): string {
  return 'const IP_LOCAL_PORT_RANGE: i32 = 51;\n' + generate(n - 1, (i) => [
    `fn f${i}(fd: i32, x: i32) -> i32 {`,
    `    let y = x * ${i} + (x << 2);`,
    i % 50 === 0
      ? `    let v: u32 = ((${40100 + (i % 300)}u16 as u32) << 16) | 40000; unsafe { libc::setsockopt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &v as *const u32 as *const libc::c_void, 4) };`
      : '    let _ = y + 1;',
    '    y',
    '}',
  ]);
}

export function cppFile(n: number): string {
  return '#include <cstdint>\nnamespace app {\n' + generate(n - 3, (i) => [
    `int f${i}(int fd, int x) {`,
    `  const auto y = x * ${i} + (x << 2);`,
    i % 50 === 0
      ? `  const auto v = static_cast<std::uint32_t>(${40100 + (i % 300)}) << 16 | 40000u; ::setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);`
      : '  ::write(fd, &y, sizeof y);',
    '  return y;',
    '}',
  ]) + '}\n';
}

export function pyFile(n: number): string {
  return 'import socket, struct\n' + generate(n - 1, (i) => [
    `def f${i}(s, x):`,
    `    y = x * ${i} + (x << 2)`,
    i % 50 === 0 ? `    s.setsockopt(socket.SOL_IP, 51, struct.pack("=I", (${40100 + (i % 300)} << 16) | 40000))` : '    y += 1',
    '    return y',
    '',
  ]);
}

export function goFile(n: number): string {
  return 'package p\n\nimport "golang.org/x/sys/unix"\n' + generate(n - 3, (i) => [
    `func f${i}(fd int, x int) int {`,
    `\ty := x*${i} + (x << 2)`,
    i % 50 === 0 ? `\tunix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, ${40100 + (i % 300)}<<16|40000)` : '\ty++',
    '\treturn y',
    '}',
  ]);
}

async function main(): Promise<void> {
  const files: [Language, GrammarName, string][] = [
    ['c', 'c', cFile(10_000)],
    ['cpp', 'cpp', cppFile(10_000)],
    ['python', 'python', pyFile(10_000)],
    ['go', 'go', goFile(10_000)],
    ['rust', 'rust', rustFile(10_000)],
  ];
  const host = await createParserHost({ grammars: ['c', 'cpp', 'python', 'go', 'rust'] });
  const analyzer = await createAnalyzer({ incremental: false });
  await analyzer.prepare(['cpp', 'rust']);
  for (const [lang, grammar, text] of files) {
    // Warm-up first (JIT), then paired runs: each analysis is compared with the parse right before
    // it, so load swings on a shared machine hit both sides of a ratio; the figure is the median ratio.
    const parse: number[] = [];
    const analyse: number[] = [];
    const ratios: number[] = [];
    let sites = 0;
    for (let i = 0; i < 20; i++) {
      let t = performance.now();
      host.parse(grammar, text)!.delete();
      const pt = performance.now() - t;
      t = performance.now();
      sites = analyzer.analyze(`bench.${lang}`, text, lang, DEFAULT_CONFIG).callSites.length;
      const at = performance.now() - t;
      if (i < 5) continue;
      parse.push(pt);
      analyse.push(at);
      ratios.push((at - pt) / pt);
    }
    const p = median(parse);
    const a = median(analyse);
    const r = median(ratios);
    console.log(`analyse 10,000-line ${lang} file (${sites} call sites): ${a.toFixed(1)} ms, parse alone ${p.toFixed(1)} ms (goal analysis adds <= 50%, median paired ratio +${(r * 100).toFixed(0)}% of 15 runs) ${verdict(r <= 0.5)}`);
  }
  host.dispose();
  analyzer.dispose();
}

if (require.main === module) void main();
