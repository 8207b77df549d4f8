/**
 * The live port-pressure panel's data (pure): a bounded history of samples turned into one
 * series per destination (used % over time), the current table, and the declared slices.
 */
import type { PressureForEditorView } from '../../../server/src/protocol';

/** Samples kept (at one every few seconds: several minutes of history). */
export const HISTORY = 120;
/** Destinations drawn as lines (the busiest now); the table lists them all. */
export const MAX_SERIES = 8;

export interface PressureSeries {
  label: string;
  points: { x: number; y: number }[];
}

export interface PressurePageModel {
  heading: string;
  note: string | null;
  series: PressureSeries[];
  rows: { proto: string; destination: string; inUse: number; timeWait: number; capacity: number; used: string; rate: string; exhaustion: string }[];
  declared: { range: string; inUse: number; capacity: number; used: string; fraction: number; at: string }[];
}

export function pushSample(history: PressureForEditorView[], v: PressureForEditorView): PressureForEditorView[] {
  const out = [...history, v];
  return out.length > HISTORY ? out.slice(out.length - HISTORY) : out;
}

const pct = (f: number) => `${(f * 100).toFixed(f < 0.1 ? 2 : 1)}%`;

function duration(s: number | null): string {
  if (s === null) return '–';
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function buildPressureModel(history: PressureForEditorView[]): PressurePageModel | null {
  const last = history[history.length - 1];
  if (!last) return null;
  const r = last.report;
  const t0 = history[0]!.time;
  const busiest = r.destinations.slice(0, MAX_SERIES).map((d) => `${d.proto} ${d.destination}`);
  const series = busiest.map((label) => ({
    label,
    points: history.flatMap((h) => {
      const d = h.report.destinations.find((x) => `${x.proto} ${x.destination}` === label);
      return d ? [{ x: (h.time - t0) / 1000, y: d.usedFraction * 100 }] : [];
    }),
  }));
  const size = r.netnsRange.hi - r.netnsRange.lo + 1;
  return {
    heading: `netns range ${r.netnsRange.lo}–${r.netnsRange.hi} (${size} ports) · reserved: ${r.reserved || 'none'} · ${last.sockets} sockets via ${last.source === 'ss' ? 'ss' : '/proc/net'}`,
    note: last.note,
    series,
    rows: r.destinations.map((d) => ({
      proto: d.proto, destination: d.destination, inUse: d.inUse, timeWait: d.timeWait, capacity: d.capacity, used: pct(d.usedFraction),
      rate: history.length > 1 ? `${(last.rates[`${d.proto} ${d.destination}`] ?? 0).toFixed(1)}/s` : '–',
      exhaustion: duration(d.secondsToExhaustion),
    })),
    declared: r.ranges.map((x) => {
      const at = last.declared.find((d) => d.lo === x.lo && d.hi === x.hi)?.at ?? [];
      return { range: `${x.lo}–${x.hi}`, inUse: x.inUse, capacity: x.capacity, used: pct(x.usedFraction), fraction: x.usedFraction, at: at.slice(0, 3).join(', ') + (at.length > 3 ? ` … ${at.length - 3} more` : '') };
    }),
  };
}

/** The status bar's addition when the busiest destination passes `threshold` (0 = off). */
export function pressureStatus(v: Pick<PressureForEditorView, 'report'>, threshold: number): { text: string; tooltip: string } | null {
  const d = v.report.destinations[0];
  if (!d || threshold <= 0 || d.usedFraction < threshold) return null;
  return {
    text: `$(flame) ${Math.round(d.usedFraction * 100)}% ${d.destination}`,
    tooltip: `${d.proto.toUpperCase()} ports toward ${d.destination}: ${d.inUse} of ${d.capacity} in use (${pct(d.usedFraction)}, ${d.timeWait} in TIME-WAIT), above the portRangeLens.pressureThreshold of ${pct(threshold)}.`,
  };
}
