/**
 * One pressure sample: this machine's sockets (sources.ts) judged by the engine's sharing rules
 * (engine/src/pressure.ts), with rates against the previous sample. The JSON shape is
 * docs/pressure.md's (issue 12); the text and the Prometheus metrics are views of it.
 */
import { join } from 'node:path';
import {
  destinationPressure, exhaustionEstimate, hostPort, slicePressure, type DestinationPressure, type HeldSocket, type PressureProto,
} from '../../../engine/src/pressure';
import { readNetnsFromProc, resolveNetns, type NetnsState } from '../../../engine/src/sysctl';
import type { NetnsConfig } from '../../../engine/src/scenarioTypes';
import { procRoot, readSockets, type SocketSnapshot, type SourceName } from './sources';

export interface PressureOptions {
  netnsRange: 'auto' | { lo: number; hi: number };
  reserved: 'auto' | string;
  /** Declared slices (--ranges, --workspace). */
  ranges: { lo: number; hi: number }[];
  source: SourceName | 'auto';
  /** Keep each connection's key for the next sample's rate (--interval/--watch). Default false. */
  trackRates?: boolean;
}

/** One row of the JSON `destinations`: the engine's judgement (DestinationPressure) without its
 *  internal `sources` count, with the rate estimate of --interval/--watch. */
export type PressureDestination = Omit<DestinationPressure, 'sources'> & { secondsToExhaustion: number | null };

export interface PressureReport {
  version: 1;
  netnsRange: { lo: number; hi: number };
  reserved: string;
  destinations: PressureDestination[];
  ranges: { lo: number; hi: number; inUse: number; capacity: number; usedFraction: number }[];
}

export interface PressureSample {
  report: PressureReport;
  /** New connections per second per "proto destination" (null on the first sample). */
  rates: Map<string, number> | null;
  source: SourceName;
  sockets: number;
  skipped: number;
  note?: string;
  at: number;
  /** Connection keys per destination, for the next sample's rate. */
  keys: Map<string, Set<string>>;
}

/** The netns the sockets live in: this process's /proc values or the given ones. */
export function resolvePressureNetns(o: Pick<PressureOptions, 'netnsRange' | 'reserved'>): NetnsState {
  const cfg: NetnsConfig = {};
  if (o.netnsRange === 'auto' || o.reserved === 'auto') {
    const live = readNetnsFromProc(join(procRoot(), 'sys', 'net', 'ipv4'));
    if (o.netnsRange === 'auto') cfg.portRange = live.portRange;
    if (o.reserved === 'auto') cfg.reservedPorts = live.reservedPorts ?? '';
  }
  if (o.netnsRange !== 'auto') cfg.portRange = o.netnsRange;
  if (o.reserved !== 'auto') cfg.reservedPorts = o.reserved;
  if (cfg.portRange && cfg.portRange.lo < 1024) cfg.ipUnprivilegedPortStart = cfg.portRange.lo;
  return resolveNetns(cfg);
}

function connectionKeys(sockets: HeldSocket[], ns: NetnsState): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>();
  for (const s of sockets) {
    if (s.remoteAddr === null || s.state === 'LISTEN' || s.localPort < ns.portRange.lo || s.localPort > ns.portRange.hi) continue;
    const k = `${s.proto} ${hostPort(s.remoteAddr, s.remotePort)}`;
    let set = keys.get(k);
    if (!set) keys.set(k, (set = new Set()));
    set.add(`${s.localAddr} ${s.localPort}`);
  }
  return keys;
}

/** Takes one sample; `prev` (the previous sample) gives rates and seconds to exhaustion. */
export function samplePressure(o: PressureOptions, prev: PressureSample | null, snapshot?: SocketSnapshot): PressureSample {
  const ns = resolvePressureNetns(o);
  const snap = snapshot ?? readSockets(o.source);
  const at = performance.now();
  const rows = destinationPressure(ns, snap.sockets);
  const keys = o.trackRates || prev ? connectionKeys(snap.sockets, ns) : new Map<string, Set<string>>();
  const seconds = prev ? (at - prev.at) / 1000 : 0;
  const rates = prev ? new Map<string, number>() : null;
  const destinations = rows.map((r): PressureDestination => {
    let secondsToExhaustion: number | null = null;
    if (prev && rates) {
      const k = `${r.proto} ${r.destination}`;
      const before = prev.keys.get(k);
      let fresh = 0;
      for (const c of keys.get(k) ?? []) if (!before || !before.has(c)) fresh++;
      const est = exhaustionEstimate(r, fresh, seconds);
      rates.set(k, est.rate);
      secondsToExhaustion = est.secondsToExhaustion;
    }
    return {
      proto: r.proto, destination: r.destination, inUse: r.inUse, timeWait: r.timeWait, capacity: r.capacity,
      usedFraction: r.usedFraction, secondsToExhaustion,
    };
  });
  return {
    report: {
      version: 1,
      netnsRange: { ...ns.portRange },
      reserved: ns.reserved.toString(),
      destinations,
      ranges: slicePressure(ns, o.ranges, snap.sockets),
    },
    rates, source: snap.source, sockets: snap.sockets.length, skipped: snap.skipped, note: snap.note, at, keys,
  };
}

const pct = (f: number) => `${(f * 100).toFixed(f < 0.1 ? 2 : 1)}%`;

function duration(s: number | null): string {
  if (s === null) return '-';
  if (s < 120) return `${s.toFixed(0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(0)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** The readable table. */
export function pressureText(s: PressureSample, declaredAt?: Map<string, string[]>): string {
  const r = s.report;
  const size = r.netnsRange.hi - r.netnsRange.lo + 1;
  const lines = [`netns range ${r.netnsRange.lo}-${r.netnsRange.hi} (${size} ports); reserved: ${r.reserved || 'none'}; ` +
    `${s.sockets} sockets read with ${s.source === 'ss' ? 'ss -tuan' : '/proc/net'}${s.skipped ? ` (${s.skipped} unreadable lines skipped)` : ''}`];
  if (s.note) lines.push(`note: ${s.note}`);
  if (!r.destinations.length) lines.push('no connection uses a port of the ephemeral range');
  else {
    const w = Math.max(11, ...r.destinations.map((d) => d.destination.length));
    const head = ['proto', 'destination'.padEnd(w), '  in use', 'TIME-WAIT', ' capacity', '   used'];
    if (s.rates) head.push('  new/s', 'exhausted in');
    lines.push(head.join('  '));
    for (const d of r.destinations) {
      const row = [d.proto.padEnd(5), d.destination.padEnd(w), String(d.inUse).padStart(8), String(d.timeWait).padStart(9),
        String(d.capacity).padStart(9), pct(d.usedFraction).padStart(7)];
      if (s.rates) row.push((s.rates.get(`${d.proto} ${d.destination}`) ?? 0).toFixed(1).padStart(7), duration(d.secondsToExhaustion));
      lines.push(row.join('  '));
    }
  }
  if (r.ranges.length) {
    lines.push('', 'declared ranges');
    for (const x of r.ranges) {
      const at = declaredAt?.get(`${x.lo}-${x.hi}`);
      lines.push(`  ${`${x.lo}-${x.hi}`.padEnd(11)}  in use ${String(x.inUse).padStart(6)} of ${String(x.capacity).padStart(6)}  ${pct(x.usedFraction).padStart(7)}` +
        `${at ? `  (${at.slice(0, 3).join(', ')}${at.length > 3 ? `, … ${at.length - 3} more` : ''})` : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}
