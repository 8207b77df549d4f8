/**
 * Halves only bounded by types and arithmetic (issue 10): a call whose value depends on free
 * inputs (the integer parameters of the function making the call, FormEvaluator.inputs) is not
 * constant, but the evaluator can run it on concrete inputs. This stage searches a small grid
 * of inputs, each over its type's range clipped to 0..65535 (inputs are ports or counts; a
 * wider type adds no port a caller could mean), and records what each choice makes the kernel
 * read, plus the halves as written (`hi = port + count - 1` up to 131069) as intervals whose
 * bounds name the inputs reaching them. checks.ts judges the witnesses with the engine.
 * Every witness is a real input of the code: nothing is guessed; the search may miss some.
 */
import type { BoundedValue, BoundedWitness, HalfBounds, InputValues } from '../callSite';
import type { Expr, FormScope } from './form';
import type { FormEvaluator } from './evaluator';
import { toNum, type IntType } from './numeric';
import { boundsOf, exact, interval, valuesOf, type Value } from './value';

type Frame = Map<string, Value>;
/** Re-runs the call's evaluation (its chain of callers) with values forced on inputs. */
export type Rerun = <R>(forced: ReadonlyMap<string, Value>, body: (frame: Frame) => R) => R | null;

export interface BoundedSearch {
  ev: FormEvaluator;
  /** The free inputs met while evaluating the call (name → type). */
  inputs: ReadonlyMap<string, IntType>;
  under: Rerun;
  /** The u32 the kernel reads under a frame, or null when not exact. */
  packedAt(frame: Frame): number | null;
  /**
   * The halves as the packing writes them (shift-or operands, struct items), evaluated in
   * `scope`; `show` is each half as a reader knows it (`port + count - 1` for a local `hi`).
   */
  halves: { lo: Expr; hi: Expr; scope: FormScope; show: { lo: Expr; hi: Expr } } | null;
}

const MAX_INPUTS = 3;
const MAX_SCENARIOS = 200;
const MAX_WITNESSES = 32;
const BUDGET = 60_000;
/** Values tried for each input, most typical first (ports and counts), kept when in range. */
const PREFERRED = [1000n, 65000n, 1n, 32768n];

interface Domain { name: string; type: IntType; lo: bigint; hi: bigint; candidates: bigint[] }

function domainOf(name: string, t: IntType): Domain {
  const tmin = t.unsigned ? 0n : -(1n << BigInt(t.bits - 1));
  const tmax = t.unsigned ? (1n << BigInt(t.bits)) - 1n : (1n << BigInt(t.bits - 1)) - 1n;
  const lo = tmin > 0n ? tmin : 0n;
  const hi = tmax < 65535n ? tmax : 65535n;
  const candidates: bigint[] = [];
  for (const c of [...PREFERRED, lo, hi, hi - 1n, lo + 1n]) if (c >= lo && c <= hi && !candidates.includes(c)) candidates.push(c);
  return { name, type: t, lo, hi, candidates };
}

interface Run { packed: number | null; lo: bigint | null; hi: bigint | null }

export function boundedValue(s: BoundedSearch): BoundedValue | null {
  if (s.inputs.size === 0) return null;
  return s.ev.withBudget(BUDGET, () => search(s));
}

function search(s: BoundedSearch): BoundedValue | null {
  // Candidates per input: the grid stays under about 64 runs whatever the number of inputs.
  const per = (n: number) => (n <= 1 ? 8 : n === 2 ? 6 : 4);
  // Each domain keeps all its candidates: the grid over the relevant inputs alone is finer.
  const all = [...s.inputs].map(([n, t]) => domainOf(n, t)).filter((d) => d.lo <= d.hi);
  const one = (v: Value): bigint | null => {
    const vs = valuesOf(v);
    return vs && new Set(vs).size === 1 ? vs[0]! : null;
  };
  const runAt = (choice: ReadonlyMap<string, bigint>): Run | null => s.under(new Map([...choice].map(([n, v]) => [n, exact(v, s.inputs.get(n)!)])), (frame) => ({
    packed: s.packedAt(frame),
    lo: s.halves ? one(s.ev.value(s.halves.lo, frame, s.halves.scope)) : null,
    hi: s.halves ? one(s.ev.value(s.halves.hi, frame, s.halves.scope)) : null,
  }));
  const base = new Map(all.map((d) => [d.name, d.candidates[0]!]));
  const baseRun = runAt(base);
  if (!baseRun || baseRun.packed === null || s.ev.exhausted) return null;
  // Inputs the value depends on (one at a time from the base), and which half each moves.
  const loInputs = new Set<string>();
  const hiInputs = new Set<string>();
  const relevant: Domain[] = [];
  for (const d of all) {
    for (const c of d.candidates.slice(1, per(all.length))) {
      const r = runAt(new Map([...base, [d.name, c]]));
      if (!r || r.packed === null) continue;
      if ((r.packed & 0xffff) !== (baseRun.packed & 0xffff) || r.lo !== baseRun.lo) loInputs.add(d.name);
      if (r.packed >>> 16 !== baseRun.packed >>> 16 || r.hi !== baseRun.hi) hiInputs.add(d.name);
    }
    if (loInputs.has(d.name) || hiInputs.has(d.name)) relevant.push(d);
  }
  if (relevant.length === 0 || relevant.length > MAX_INPUTS) return null;
  const doms = relevant.map((d) => ({ ...d, candidates: d.candidates.slice(0, per(relevant.length)) }));
  const witnesses: { w: BoundedWitness; rank: number }[] = [];
  for (const idx of tuples(doms.map((d) => d.candidates.length)).slice(0, MAX_SCENARIOS)) {
    const choice = new Map(base);
    doms.forEach((d, i) => choice.set(d.name, d.candidates[idx[i]!]!));
    const r = runAt(choice);
    if (!r || r.packed === null) continue;
    const inputs: InputValues = doms.map((d) => [d.name, Number(choice.get(d.name)!)] as const);
    const w: BoundedWitness = { inputs, packed: r.packed, intendedLo: toNum(r.lo), intendedHi: toNum(r.hi) };
    const wide = (x: number | null) => x !== null && (x < 0 || x > 0xffff);
    // Ordering only (the engine judges each): half overflows, then lo > hi as read, then the rest.
    const rank = wide(w.intendedLo) || wide(w.intendedHi) ? 0 : (r.packed & 0xffff) > r.packed >>> 16 ? 1 : 2;
    witnesses.push({ w, rank });
  }
  if (s.ev.exhausted) return null;
  witnesses.sort((a, b) => a.rank - b.rank);
  const out: BoundedValue = {
    inputs: doms.map((d) => ({ name: d.name, type: `${d.type.unsigned ? 'u' : 'i'}${d.type.bits}`, lo: Number(d.lo), hi: Number(d.hi) })),
    loInputs: [...loInputs],
    hiInputs: [...hiInputs],
    witnesses: witnesses.slice(0, MAX_WITNESSES).map((x) => x.w),
  };
  if (s.halves) {
    const h = s.halves;
    const clipped = new Map(doms.map((d) => [d.name, interval(d.lo, d.hi, d.type, [[d.name, d.lo]], [[d.name, d.hi]])]));
    s.under(clipped, (frame) => {
      const lo = halfBounds(h.show.lo, s.ev.value(widened(h.show.lo), frame, h.scope));
      const hi = halfBounds(h.show.hi, s.ev.value(widened(h.show.hi), frame, h.scope));
      if (lo) out.lo = lo;
      if (hi) out.hi = hi;
    });
  }
  return out;
}

/** A half without its casts to 32 bits or more: `(uint32_t)(port + count - 1)` reaches 131069, not 2^32-1. */
function widened(e: Expr): Expr {
  while (e.k === 'cast' && e.type.k === 'int' && e.type.int.bits >= 32) e = e.arg;
  return e;
}

function halfBounds(e: Expr, v: Value): HalfBounds | null {
  const b = boundsOf(v);
  if (!b) return null;
  const w = (x: ReadonlyArray<readonly [string, bigint]> | undefined): InputValues => (x ?? []).map(([n, val]) => [n, Number(val)] as const);
  return { text: widened(e).at.text, lo: Number(b.lo), hi: Number(b.hi), atLo: w(v.k === 'interval' ? v.atLo : undefined), atHi: w(v.k === 'interval' ? v.atHi : undefined) };
}

/**
 * Every index tuple over these sizes, most typical first: by the sum of indices, and among
 * equal sums the earlier inputs at their later candidates first (`port 65000, count 1000`
 * before `port 1000, count 65000`).
 */
function tuples(sizes: number[]): number[][] {
  let acc: number[][] = [[]];
  for (const n of sizes) acc = acc.flatMap((t) => Array.from({ length: n }, (_, i) => [...t, i]));
  const sum = (t: number[]) => t.reduce((a, b) => a + b, 0);
  return acc.sort((a, b) => sum(a) - sum(b) || cmpDesc(a, b));
}

function cmpDesc(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return b[i]! - a[i]!;
  return 0;
}
