/**
 * Splitting the netns range into per-worker slices balanced by *usable* ports: the ports
 * every automatic allocator can hand out, i.e. inside ip_local_port_range and not in
 * ip_local_reserved_ports (spec §3.3, quirk Q4: reserved ports take scan positions but are
 * never returned). Width does not matter, usable ports do.
 */
import type { ReservedPorts } from '../sysctl';
import type { PortRange } from '../uapi';

export interface SliceBounds {
  lo: number;
  hi: number;
  usablePorts: number;
  reservedInside: number;
}

/** The usable ports of `range`, ascending. */
export function usablePorts(range: PortRange, reserved: ReservedPorts): number[] {
  const out: number[] = [];
  for (let p = range.lo; p <= range.hi; p++) if (!reserved.has(p)) out.push(p);
  return out;
}

/**
 * How many usable ports each weight gets: cumulative floor rounding of n·W_i/W, so every
 * count is within one port of its exact share and the counts add up to n.
 */
export function shareCounts(n: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const counts: number[] = [];
  let cum = 0;
  let prev = 0;
  for (const w of weights) {
    cum += w;
    // n <= 65535 and total <= 2^31: the product stays exact in a double.
    const edge = cum === total ? n : Math.floor((n * cum) / total);
    counts.push(edge - prev);
    prev = edge;
  }
  return counts;
}

/**
 * Cuts the usable ports into consecutive runs of `counts[i]` ports; each slice runs from
 * its first to its last usable port, so reserved ports between two slices belong to none
 * and reserved ports inside a slice are inside [lo, hi] but never counted.
 */
export function cutSlices(usable: readonly number[], counts: readonly number[]): SliceBounds[] {
  const out: SliceBounds[] = [];
  let at = 0;
  for (const c of counts) {
    if (c <= 0) throw new RangeError('every slice needs at least one usable port');
    const lo = usable[at];
    const hi = usable[at + c - 1];
    out.push({ lo, hi, usablePorts: c, reservedInside: hi - lo + 1 - c });
    at += c;
  }
  return out;
}
