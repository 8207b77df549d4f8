// The analyzer, measured in one run against its own baselines (issue 3):
//  - a 20,000-line C file: full analysis vs the bare tree-sitter parse of the same file
//    (goal: analysis adds <= 50% on top of parsing)
//  - re-analysis after a one-line edit, with the incremental re-parse (goal <= 10 ms)
// (`check` over whole trees vs grep: tree.bench.ts.)
// Inputs are generated deterministically; figures are medians.
import { performance } from 'node:perf_hooks';
import { createAnalyzer } from '../server/src/analysis/index';
import { createParserHost } from '../server/src/analysis/parser';
import { DEFAULT_CONFIG } from '../server/src/config/schema';

export const verdict = (ok: boolean): string => (ok ? 'PASS' : 'MISS');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** A C file of about `n` lines of whole functions (none cut off): ordinary functions, one in 50 setting the option in a different form. */
export function cFile(n: number): string {
  const lines = ['#include <netinet/in.h>', '#define PACK(lo, hi) (((uint32_t)(hi) << 16) | (lo))', 'struct pr { uint16_t lo, hi; };'];
  for (let i = 0; lines.length < n; i++) {
    lines.push(`static int f${i}(int fd, int x) {`, `  int y = x * ${i} + (x << 2);`, '  if (y > 3) { y -= 1; }');
    switch (i % 200) {
      case 0: lines.push(`  uint32_t v = PACK(40000, ${40100 + (i % 300)}); setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);`); break;
      case 50: lines.push(`  struct pr r = { .lo = 40000, .hi = 40511 }; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &r, sizeof r);`); break;
      case 100: lines.push('  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &y, sizeof y);'); break;
      default: lines.push('  write(fd, &y, sizeof y);');
    }
    lines.push('  return y;', '}');
  }
  return lines.join('\n') + '\n';
}

async function fileBench(): Promise<void> {
  const text = cFile(20_000);
  const host = await createParserHost();
  const analyzer = await createAnalyzer({ incremental: false });
  const parse: number[] = [];
  const analyse: number[] = [];
  for (let i = 0; i < 9; i++) {
    let t = performance.now();
    host.parse('c', text)!.delete();
    parse.push(performance.now() - t);
    t = performance.now();
    analyzer.analyze('bench.c', text, 'c', DEFAULT_CONFIG);
    analyse.push(performance.now() - t);
  }
  const p = median(parse.slice(2));
  const a = median(analyse.slice(2));
  const extra = (a - p) / p;
  console.log(`parse 20,000-line C file: ${p.toFixed(1)} ms (median)`);
  console.log(`analyse 20,000-line C file (parse + analysis): ${a.toFixed(1)} ms (goal analysis adds <= 50%, ratio +${(extra * 100).toFixed(0)}%) ${verdict(extra <= 0.5)}`);
  host.dispose();
  analyzer.dispose();

  const inc = await createAnalyzer({ incremental: true });
  inc.analyze('edit.c', text, 'c', DEFAULT_CONFIG);
  const edits: number[] = [];
  let cur = text;
  // Typing in a function in the middle of the file (f1001, no call site in it).
  const lines = text.split('\n');
  const at = lines.indexOf('  int y = x * 1001 + (x << 2);');
  for (let i = 0; i < 15; i++) {
    lines[at] = `  int y = x * 1001 + (x << ${i + 3});`;
    const next = lines.join('\n');
    const t = performance.now();
    inc.analyze('edit.c', next, 'c', DEFAULT_CONFIG);
    edits.push(performance.now() - t);
    cur = next;
  }
  const e = median(edits.slice(3));
  console.log(`re-analyse after a one-line edit (incremental parse): ${e.toFixed(1)} ms (goal <= 10 ms) ${verdict(e <= 10)}`);
  // The same kind of edit inside a function that holds a call site (f1000): the adapter re-runs.
  const inside = lines.indexOf('  int y = x * 1000 + (x << 2);');
  const insideEdits: number[] = [];
  for (let i = 0; i < 9; i++) {
    lines[inside] = `  int y = x * 1000 + (x << ${i + 3});`;
    const next = lines.join('\n');
    const t = performance.now();
    inc.analyze('edit.c', next, 'c', DEFAULT_CONFIG);
    insideEdits.push(performance.now() - t);
  }
  const f = median(insideEdits.slice(2));
  console.log(`re-analyse after a one-line edit in a function with a call site: ${f.toFixed(1)} ms (only that function re-analysed, goal <= 10 ms) ${verdict(f <= 10)}`);
  inc.dispose();
}

if (require.main === module) {
  (async () => {
    await fileBench();
  })();
}
