/**
 * The planner and the decoder for the editor, server side and pure (no LSP): defaults from
 * the settings and the workspace's own call sites, the plan as the webview shows it (the
 * CLI's JSON plus what the chart needs), and a decoded value. Errors come back as data
 * with the same message the CLI prints, never as exceptions.
 */
import type { CallSite } from '../analysis/callSite';
import { decodeValue, DecodeInputError, type DecodedPaste } from '../../../engine/src/decode/decode';
import { kernelProfile } from '../../../engine/src/kernels';
import { planPortRanges } from '../../../engine/src/plan/plan';
import { PlanError, type PlanPattern, type PlanProto } from '../../../engine/src/plan/types';
import { planJson, rangeBar, type PlanJson } from './present';

/** What the editor's quick picks ask; every field optional (the settings fill the rest). */
export interface PlanRequestParams {
  workers?: number;
  weights?: number[];
  proto?: PlanProto;
  pattern?: PlanPattern;
  destinations?: string[];
  need?: number | null;
  netnsRange: { lo: number; hi: number };
  reserved: string;
  kernel: string;
  smallRangeThreshold?: number;
}

export type PlanView =
  | (PlanJson & {
      ok: true;
      reserved: string;
      usablePorts: number;
      destinations: string[];
      pattern: PlanPattern;
      proto: PlanProto;
      kernel: string;
      reservedInside: number[];
      bar: string;
      /** The CLI command that prints the same plan. */
      cli: string;
    })
  | { ok: false; error: string };

/** The `port-range-lens plan …` command for these parameters. */
export function planCommandLine(p: PlanRequestParams): string {
  const parts = ['port-range-lens', 'plan'];
  if (p.weights) parts.push('--weights', p.weights.join(','));
  else parts.push('--workers', String(p.workers ?? 1));
  parts.push('--netns-range', `${p.netnsRange.lo}-${p.netnsRange.hi}`);
  if (p.reserved) parts.push('--reserved', p.reserved);
  parts.push('--kernel', p.kernel);
  if (p.proto) parts.push('--proto', p.proto);
  if (p.pattern) parts.push('--pattern', p.pattern);
  if (p.destinations?.length) parts.push('--dst', p.destinations.join(','));
  if (p.need) parts.push('--need', String(p.need));
  return parts.map((x) => (/^[\w@%+=:,./\-[\]]+$/.test(x) ? x : `'${x.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function planForEditor(p: PlanRequestParams): PlanView {
  try {
    const plan = planPortRanges({
      workers: p.weights ? undefined : p.workers, weights: p.weights, proto: p.proto, pattern: p.pattern,
      destinations: p.destinations, need: p.need ?? null, kernel: p.kernel,
      netns: { portRange: p.netnsRange, reservedPorts: p.reserved, ...(p.netnsRange.lo < 1024 ? { ipUnprivilegedPortStart: p.netnsRange.lo } : {}) },
      smallRangeThreshold: p.smallRangeThreshold ?? 0,
    });
    return {
      ok: true, ...planJson(plan), reserved: plan.reserved, usablePorts: plan.usablePorts, destinations: plan.destinations,
      pattern: plan.pattern, proto: plan.proto, kernel: plan.kernel, reservedInside: plan.slices.map((s) => s.reservedInside),
      bar: rangeBar(plan), cli: planCommandLine(p),
    };
  } catch (e) {
    if (e instanceof PlanError) return { ok: false, error: e.message };
    throw e;
  }
}

export interface PlanDefaults {
  netnsRange: { lo: number; hi: number };
  reserved: string;
  kernel: string;
  /** The analyzer's small-range threshold: the planner's small-slice finding uses the same. */
  smallRangeThreshold: number;
  /** Distinct ranges the workspace's setsockopt calls already set (a hint for the worker count). */
  existing: { lo: number; hi: number; file: string; line: number }[];
  /** Destinations written in the workspace's code next to those calls. */
  destinations: string[];
}

/** Defaults for the planner's quick picks: the resolved settings plus what the code already does. */
export function planDefaults(
  target: { netnsRange: { lo: number; hi: number }; reserved: string; kernel: string; smallRangeThreshold: number },
  callSites: readonly CallSite[],
): PlanDefaults {
  const seen = new Set<string>();
  const existing: PlanDefaults['existing'] = [];
  for (const c of callSites) {
    const v = c.value;
    if (c.op !== 'set' || !v || v.lo === null || v.hi === null || v.lo === 0 || v.hi === 0 || v.lo > v.hi) continue;
    const key = `${v.lo}-${v.hi}`;
    if (seen.has(key)) continue;
    seen.add(key);
    existing.push({ lo: v.lo, hi: v.hi, file: c.file, line: c.span.line });
  }
  existing.sort((a, b) => a.lo - b.lo || a.hi - b.hi);
  return { ...target, existing, destinations: [] };
}

export type DecodeView = ({ ok: true } & DecodedPaste & { netnsRange: { lo: number; hi: number }; kernel: string }) | { ok: false; error: string };

/** Decodes one value for the editor against the file's (or the settings') target. */
export function decodeForEditor(text: string, target: { netnsRange: { lo: number; hi: number }; kernel: string }, byteOrder: 'little' | 'big' = 'little'): DecodeView {
  try {
    const d = decodeValue(text, { netns: target.netnsRange, kernel: target.kernel, byteOrder });
    return { ok: true, ...d, netnsRange: target.netnsRange, kernel: kernelProfile(target.kernel).version };
  } catch (e) {
    if (e instanceof DecodeInputError) return { ok: false, error: e.message };
    throw e;
  }
}
