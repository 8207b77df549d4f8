// The language server through a real stdio LSP connection (test/server/lspClient.ts):
//  - hover latency p50/p99 on a 20,000-line C file with 400 call sites (goal p99 <= 20 ms)
//  - server start to first diagnostics: spawn → initialize → didOpen of a 60-line file → publishDiagnostics
//    (goal <= 500 ms); the same with a 300-line file for information
//  - resident memory with 200 open files of 300 lines each (goal <= 150 MB)
// Inputs are generated deterministically; figures are medians over repeated runs.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { TestClient, ensureBuilt } from '../test/server/lspClient';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
function line(name: string, value: number, unit: string, goal: number, better: 'lower' = 'lower'): void {
  const ratio = better === 'lower' ? goal / value : value / goal;
  console.log(`${name}: ${value.toFixed(unit === 'MB' ? 1 : 2)} ${unit} (goal <= ${goal} ${unit}, ratio ${ratio.toFixed(2)}x ${value <= goal ? 'met' : 'MISSED'})`);
}

/** A C file of `lines` lines: filler functions with a setsockopt call every `every` lines. Returns call lines too. */
function cFile(lines: number, every: number, seed = 1): { text: string; callLines: number[] } {
  const out = ['#include <stdint.h>', '#include <sys/socket.h>', '#include <netinet/in.h>'];
  const callLines: number[] = [];
  let x = seed;
  while (out.length < lines - 8) {
    x = (x * 1103515245 + 12345) >>> 0;
    const n = out.length;
    if (n % every === 0) {
      const lo = 33000 + (x % 20000);
      const hi = lo + 1 + (x % 2000);
      out.push(`int f${n}(int fd) {`, `  uint32_t v = ((uint32_t)${hi} << 16) | ${lo};`);
      callLines.push(out.length);
      out.push('  return setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));', '}');
    } else {
      out.push(`static int g${n}(int a, int b) { return a * ${x % 97} + b - ${x % 13}; }`);
    }
  }
  return { text: out.join('\n') + '\n', callLines };
}

async function hoverLatency(): Promise<void> {
  const c = new TestClient({ settings: {} });
  try {
    await c.initialize();
    const { text, callLines } = cFile(20_000, 50);
    const uri = 'file:///bench/big.c';
    const t0 = performance.now();
    await c.open(uri, 'c', text);
    await c.waitFor(() => c.diagnostics.has(uri), 60_000, 'diagnostics of the 20,000-line file');
    console.log(`20,000-line file: open to diagnostics ${(performance.now() - t0).toFixed(0)} ms (full analysis, once per version)`);
    const times: number[] = [];
    let answered = 0;
    for (let i = 0; i < 1000; i++) {
      const l = callLines[(i * 7) % callLines.length]!;
      const t0 = performance.now();
      const h = await c.request<unknown>('textDocument/hover', { textDocument: { uri }, position: { line: l, character: 12 } });
      times.push(performance.now() - t0);
      if (h) answered++;
    }
    if (answered < 1000) throw new Error(`only ${answered}/1000 hovers answered`);
    console.log(`hover on a 20,000-line file (${callLines.length} call sites, 1000 requests): p50 ${median(times).toFixed(2)} ms`);
    line('hover p99 (20,000-line file)', pct(times, 99), 'ms', 20);
  } finally {
    await c.close();
  }
}

async function startToFirstDiagnostics(lines: number, goal: boolean): Promise<void> {
  const { text, callLines } = cFile(lines, 20);
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const c = new TestClient({ settings: {} });
    try {
      await c.initialize();
      const uri = `file:///bench/start${i}.c`;
      await c.open(uri, 'c', text);
      await c.waitFor(() => c.diagnostics.has(uri), 10_000, 'first diagnostics');
      runs.push(performance.now() - t0);
    } finally {
      await c.close();
    }
  }
  console.log(`start to first diagnostics, ${lines}-line file with ${callLines.length} call sites, 5 runs: ${runs.map((r) => r.toFixed(0)).join(', ')} ms`);
  if (goal) line('server start to first diagnostics (median)', median(runs), 'ms', 500);
}

function rssMB(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(s)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

async function memory200(): Promise<void> {
  const c = new TestClient({ settings: {} });
  try {
    await c.initialize();
    const uris: string[] = [];
    for (let i = 0; i < 200; i++) {
      const uri = `file:///bench/m${i}.c`;
      uris.push(uri);
      await c.open(uri, 'c', cFile(300, 30, i + 1).text);
    }
    await c.waitFor(() => uris.every((u) => c.diagnostics.has(u)), 60_000, 'diagnostics for 200 files');
    // Touch every document's features once, as an editor would.
    for (const uri of uris) await c.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 300, character: 0 } } });
    await new Promise((r) => setTimeout(r, 300));
    const m = rssMB(c.proc.pid!);
    console.log(`200 open files (300 lines, 10 call sites each): RSS ${m.rss.toFixed(1)} MB, peak ${m.hwm.toFixed(1)} MB (server + analyzer worker)`);
    line('resident memory with 200 open files', m.rss, 'MB', 150);
  } finally {
    await c.close();
  }
}

(async () => {
  ensureBuilt();
  await startToFirstDiagnostics(60, true);
  await startToFirstDiagnostics(300, false);
  await hoverLatency();
  await memory200();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
