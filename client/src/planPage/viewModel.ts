/**
 * The planner page's view model (pure): a PlanView from the server in, everything the page
 * draws out — the slices as bars over the netns range, reserved runs, the table, findings,
 * languages and snippets. No DOM here, so the tests can check it without a browser.
 */
import type { PlanView } from '../../../server/src/plan/editor';

export type OkPlan = Extract<PlanView, { ok: true }>;

export const LANGUAGE_LABELS: Record<string, string> = { c: 'C', cpp: 'C++', python: 'Python', go: 'Go', rust: 'Rust' };

export interface SliceBar {
  worker: number;
  lo: number;
  hi: number;
  /** Fractions of the chart width, 0..1. */
  x: number;
  w: number;
  /** Colour slot (the page cycles six theme colours). */
  slot: number;
  label: string;
  title: string;
}

export interface PlanViewModel {
  title: string;
  subtitle: string;
  netns: { lo: number; hi: number };
  bars: SliceBar[];
  reserved: { lo: number; hi: number; x: number; w: number }[];
  chartLabel: string;
  table: { head: string[]; rows: string[][] };
  findings: { severity: string; code: string; text: string }[];
  languages: { id: string; label: string }[];
  workers: number;
  sysctl: string;
  cli: string;
}

/** Runs of the /proc reserved list ("a-b,c") clipped to the netns range. */
export function reservedRuns(list: string, lo: number, hi: number): { lo: number; hi: number }[] {
  const out: { lo: number; hi: number }[] = [];
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const a = Math.max(lo, Number(m[1]));
    const b = Math.min(hi, Number(m[2] ?? m[1]));
    if (a <= b) out.push({ lo: a, hi: b });
  }
  return out;
}

export function isPlanView(x: unknown): x is OkPlan {
  const v = x as OkPlan | null;
  return !!v && typeof v === 'object' && v.ok === true && Array.isArray(v.slices) && !!v.netnsRange && !!v.code;
}

export function buildPlanViewModel(v: OkPlan): PlanViewModel {
  const { lo, hi } = v.netnsRange;
  const span = hi - lo + 1;
  const frac = (p: number) => (p - lo) / span;
  const n = v.slices.length;
  const bars = v.slices.map((s, i) => ({
    worker: s.worker, lo: s.lo, hi: s.hi, x: frac(s.lo), w: Math.max(0.002, (s.hi - s.lo + 1) / span), slot: i % 6,
    label: String(s.worker),
    title: `worker ${s.worker}: ${s.lo}-${s.hi}, ${s.usablePorts} usable ports${v.reservedInside[i] ? ` (${v.reservedInside[i]} reserved inside)` : ''}, ${s.capacityTotal} sockets in total`,
  }));
  const reserved = reservedRuns(v.reserved, lo, hi).map((r) => ({ ...r, x: frac(r.lo), w: Math.max(0.002, (r.hi - r.lo + 1) / span) }));
  const dsts = v.destinations;
  const head = ['Worker', 'Ports', 'Packed', 'Usable', 'Reserved inside', ...(dsts.length ? dsts.map((d) => `To ${d}`) : []), 'Total'];
  const rows = v.slices.map((s, i) => [
    String(s.worker), `${s.lo}–${s.hi}`, `0x${s.packed.toString(16).padStart(8, '0')}`, s.usablePorts.toLocaleString('en-US'),
    v.reservedInside[i].toLocaleString('en-US'), ...dsts.map((d) => (s.capacityPerDestination[d] ?? 0).toLocaleString('en-US')), s.capacityTotal.toLocaleString('en-US'),
  ]);
  const languages = Object.keys(v.code).map((id) => ({ id, label: LANGUAGE_LABELS[id] ?? id }));
  return {
    title: `Port ranges for ${n} worker${n === 1 ? '' : 's'}`,
    subtitle: `netns ${lo}–${hi} · ${v.usablePorts.toLocaleString('en-US')} usable ports · reserved ${v.reserved || 'none'} · ${v.proto.toUpperCase()} ${v.pattern} · Linux ${v.kernel}`,
    netns: { lo, hi }, bars, reserved,
    chartLabel: `Slices over the netns range ${lo}–${hi}: ${v.slices.map((s) => `worker ${s.worker} ${s.lo}–${s.hi}`).join(', ')}${reserved.length ? `; reserved ${reserved.map((r) => `${r.lo}–${r.hi}`).join(', ')}` : ''}`,
    table: { head, rows },
    findings: v.findings.map((f) => ({ severity: f.severity, code: f.code, text: f.message })),
    languages, workers: n, sysctl: v.sysctl.join('\n'), cli: v.cli,
  };
}
