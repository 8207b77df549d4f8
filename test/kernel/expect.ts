/**
 * The differential tests' check of the kernel against what spec §9 observed on 6.18 (it
 * validates the runner itself); the engine-vs-kernel rules live in server/src/kernel/compare.ts.
 */
import { fmtAllocs, fmtSet, paritySeq, type Metrics } from '../../server/src/kernel/compare';
import type { Expect, Scenario } from './scenarios';

/** "8,EADDRNOTAVAIL" -> [null x 8, 'EADDRNOTAVAIL'] */
export function expandAllocs(s: string): (string | null)[] {
  const out: (string | null)[] = [];
  for (const t of s.split(',').map((x) => x.trim()).filter(Boolean)) {
    if (/^\d+$/.test(t)) for (let i = 0; i < Number(t); i++) out.push(null);
    else out.push(t);
  }
  return out;
}

export function expandSet(s: [number, number] | number[]): number[] {
  if (s.length === 2 && s[1] - s[0] > 1) {
    const out: number[] = [];
    for (let p = s[0]; p <= s[1]; p++) out.push(p);
    return out;
  }
  return [...s].sort((a, b) => a - b);
}

/** Checks the kernel's results against what spec §9 observed. Returns the list of mismatches. */
export function checkExpect(sc: Scenario, m: Metrics): string[] {
  const e: Expect = sc.expect;
  const bad: string[] = [];
  const got = m.allocs.map((a) => a.errno);
  const want = expandAllocs(e.allocs);
  if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(`allocations ${fmtAllocs(got)} != expected ${fmtAllocs(want)}`);
  if (e.set) {
    const ws = expandSet(e.set);
    if (JSON.stringify(m.set) !== JSON.stringify(ws)) bad.push(`port set ${fmtSet(m.set)} != expected ${fmtSet(ws)}`);
  }
  if (e.seq && JSON.stringify(m.allocPorts) !== JSON.stringify(e.seq)) bad.push(`port order ${m.allocPorts} != expected ${e.seq}`);
  if (e.paritySeq && paritySeq(m.allocPorts) !== e.paritySeq) bad.push(`parity order ${paritySeq(m.allocPorts)} != expected ${e.paritySeq}`);
  for (const [label, w] of Object.entries(e.labels ?? {})) {
    const idx = [...sc.labels].find(([, l]) => l === label)?.[0];
    if (idx === undefined) { bad.push(`no op labelled ${label}`); continue; }
    const r = { errno: m.errnos[idx], port: m.ports[idx] };
    const ok = w === 'ok' ? r.errno === null && r.port !== null
      : w === null ? r.errno === null && r.port === null
      : typeof w === 'number' ? r.errno === null && r.port === w
      : r.errno === w;
    if (!ok) bad.push(`op "${label}" (#${idx}) gave ${r.errno ?? `port ${r.port}`}, expected ${w ?? 'success without port'}`);
  }
  if (sc.invariant) {
    const off = m.allocPorts.filter((p) => !sc.invariant!.test(p));
    if (off.length) bad.push(`ports ${off} violate "${sc.invariant.text}"`);
  }
  return bad;
}

