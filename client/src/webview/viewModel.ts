/**
 * What the simulation page shows, as plain strings and numbers: a pure function of the
 * engine's SimulationReport. The page (main.ts) only places these values with
 * textContent / SVG attributes, so nothing from code is ever parsed as HTML.
 */
import type { SimulationReport } from '../../../server/src/protocol';
import type { ErrnoName, OpResult, ScenarioResult } from '../../../server/src/protocol';

export interface Span2 {
  lo: number;
  hi: number;
}

/** One socket's outcome: the port its port-picking operation got, or the errno. */
export interface SocketOutcome {
  /** 1-based socket number in creation order. */
  n: number;
  op: string;
  port: number | null;
  errno: string | null;
  /** Why it failed, when the engine says (not an exhaustion, e.g. a bad address). */
  reason?: string;
}

export interface SideView {
  heading: string;
  effective: string;
  /** "512 ports" (before reserved ports and parity). */
  size: string;
  successes: string;
  exhausted: boolean;
  /** "Exhausted at socket 513: connect() → EADDRNOTAVAIL (errno 99)" or "No failure in 100 sockets". */
  exhaustion: string;
  errno: string | null;
  errnoNumber: number | null;
  /** 1-based socket number of the first failure. */
  failedAt: number | null;
  parity: { even: number; odd: number; evenPct: number; text: string };
  portsUsed: string;
  firstPorts: string;
  /** "127.0.0.1:5000: 512 sockets · 10.0.0.1:80: 512 sockets", when there are several destinations. */
  perDestination: string | null;
  outcomes: SocketOutcome[];
}

export interface PortLineView {
  /** The full 16-bit port space. */
  full: Span2;
  /** A zoomed window around the netns and effective ranges. */
  zoom: Span2;
  netns: Span2;
  effective: Span2;
  /** The socket option's halves as written (may lie outside the netns range). */
  option: Span2 | null;
  reserved: Span2[];
  labels: { netns: string; effective: string; option: string | null; reserved: string };
}

export interface TableView {
  columns: string[];
  rows: string[][];
  /** Set when rows were cut to keep the page light. */
  truncated: string | null;
}

export interface ViewModel {
  title: string;
  subtitle: string;
  rangeSummary: string;
  rule: string;
  ruleText: string;
  portLine: PortLineView;
  withOption: SideView;
  withoutOption: SideView;
  chart: {
    aria: string;
    with: { x: number; y: number }[];
    without: { x: number; y: number }[];
    yMin: number;
    yMax: number;
    xMax: number;
  };
  table: TableView;
  cli: string;
  /** The full report, pretty-printed (what "Copy as JSON" copies). */
  json: string;
  notes: string[];
}

export const TABLE_ROW_LIMIT = 1000;

const RULE_TEXT: Record<string, string> = {
  socket: 'both halves lie inside the netns range: the socket range applies as set',
  'socket-lo': 'only lo lies inside the netns range: lo is honoured, hi falls back to the netns hi',
  'socket-hi': 'only hi lies inside the netns range: hi is honoured, lo falls back to the netns lo',
  ignored: 'neither half lies inside the netns range: the option is ignored and the netns range applies',
  netns: 'the option is not set: the netns range applies',
};

/** Parses the /proc list syntax ("40000-40004,40007") into spans; junk items are skipped. */
const PICKING_OPS = new Set(['bind', 'connect', 'listen', 'sendto']);

/**
 * Per socket, the outcome of the operation that picked its port: the first failing
 * operation, else the last port-picking one (bind() with IP_BIND_ADDRESS_NO_PORT gets
 * no port; the connect() after it does).
 */
export function socketOutcomes(result: ScenarioResult): SocketOutcome[] {
  const bySock = new Map<number, SocketOutcome>();
  const order: number[] = [];
  for (const r of result.results as OpResult[]) {
    if (r.sock === undefined || !PICKING_OPS.has(r.op)) continue;
    let o = bySock.get(r.sock);
    if (!o) {
      o = { n: order.length + 1, op: r.op, port: null, errno: null };
      bySock.set(r.sock, o);
      order.push(r.sock);
    }
    if (o.errno) continue;
    o.op = r.op;
    o.errno = r.errno;
    o.port = r.errno ? null : r.port ?? o.port;
    if (r.errno && r.reason) o.reason = r.reason;
  }
  return order.map((s) => bySock.get(s)!);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function span(lo: number, hi: number): string {
  return `${lo}–${hi}`;
}

function sizeOf(s: Span2): number {
  return s.hi >= s.lo ? s.hi - s.lo + 1 : 0;
}

type ErrnoTable = Partial<Record<ErrnoName, number>> | undefined;

/** The errno number from the report's own table (a report restored from an older version may lack it: null). */
function errnoNumber(table: ErrnoTable, name: string | null): number | null {
  if (!name || !table) return null;
  return (table as Record<string, number>)[name] ?? null;
}

function sideView(heading: string, eff: Span2, result: ScenarioResult, countAsked: number | 'exhaust', errnos: ErrnoTable): SideView {
  const outcomes = socketOutcomes(result);
  const failed = outcomes.find((o) => o.errno !== null) ?? null;
  const ff = result.stats.firstFailure;
  const errno = failed?.errno ?? ff?.errno ?? null;
  const { even, odd } = result.stats.parity;
  const total = even + odd;
  const evenPct = total ? Math.round((even / total) * 100) : 0;
  const ports = outcomes.filter((o) => o.port !== null).map((o) => o.port as number);
  const first = ports.slice(0, 12).join(', ') + (ports.length > 12 ? ', …' : '');
  let exhaustion: string;
  if (failed) {
    exhaustion = `Exhausted at socket ${failed.n}: ${failed.op}() → ${failed.errno} (errno ${errnoNumber(errnos, failed.errno) ?? '?'})${failed.reason ? `: ${failed.reason}` : ''}`;
  } else if (ff) {
    exhaustion = `First failure at operation ${ff.index + 1}: ${ff.errno} (errno ${errnoNumber(errnos, ff.errno) ?? '?'})`;
  } else {
    exhaustion = countAsked === 'exhaust' ? `No failure in ${plural(outcomes.length, 'socket')}` : `No failure in ${plural(outcomes.length, 'socket')} (not run to exhaustion)`;
  }
  return {
    heading,
    effective: span(eff.lo, eff.hi),
    size: plural(sizeOf(eff), 'port'),
    successes: plural(result.stats.successes, 'socket') + ' got a port',
    exhausted: !!(failed || ff),
    exhaustion,
    errno,
    errnoNumber: errnoNumber(errnos, errno),
    failedAt: failed ? failed.n : null,
    parity: { even, odd, evenPct, text: total ? `${even.toLocaleString('en-US')} even · ${odd.toLocaleString('en-US')} odd (${evenPct}% even)` : 'no ports picked' },
    portsUsed: plural(result.stats.portsUsed, 'distinct port'),
    firstPorts: first || '—',
    perDestination:
      (result.stats.perDestination?.length ?? 0) > 1
        ? result.stats.perDestination!.map((d) => `${d.dst}: ${plural(d.successes, 'socket')}${d.firstFailure ? ` then ${d.firstFailure.errno}` : ''}`).join(' · ')
        : null,
    outcomes,
  };
}

function points(outcomes: SocketOutcome[]): { x: number; y: number }[] {
  const pts: { x: number; y: number }[] = [];
  for (const o of outcomes) if (o.port !== null) pts.push({ x: o.n, y: o.port });
  return pts;
}

function describeCount(c: number | 'exhaust'): string {
  return c === 'exhaust' ? 'until exhaustion' : plural(c, 'socket');
}

/** The view model of a report. Total: any well-formed report gives a model, never a throw. */
export function buildViewModel(report: SimulationReport, label?: string): ViewModel {
  const p = report.params;
  const eff = { lo: report.effective.lo, hi: report.effective.hi };
  const netns = { lo: report.netnsRange.lo, hi: report.netnsRange.hi };
  // The engine's runs (a report restored from a version without them draws none).
  const reserved: Span2[] = report.reservedSpans ?? [];
  const withOption = sideView('With IP_LOCAL_PORT_RANGE', eff, report.withOption, p.count, report.errnoNumbers);
  const withoutOption = sideView('Without the option', netns, report.withoutOption, p.count, report.errnoNumbers);
  const option = p.range ? { lo: p.range.lo, hi: p.range.hi } : null;

  const zLo = Math.min(netns.lo, eff.lo, option && option.lo ? option.lo : netns.lo);
  const zHi = Math.max(netns.hi, eff.hi, option && option.hi ? option.hi : netns.hi);
  const pad = Math.max(1, Math.round((zHi - zLo) * 0.04));
  const zoom = { lo: Math.max(0, zLo - pad), hi: Math.min(65535, zHi + pad) };

  const wPts = points(withOption.outcomes);
  const woPts = points(withoutOption.outcomes);
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const q of wPts.concat(woPts)) {
    if (q.y < yMin) yMin = q.y;
    if (q.y > yMax) yMax = q.y;
  }
  if (yMin > yMax) [yMin, yMax] = [zoom.lo, zoom.hi];
  const xMax = Math.max(withOption.outcomes.length, withoutOption.outcomes.length, 1);

  const rows: string[][] = [];
  const n = Math.max(withOption.outcomes.length, withoutOption.outcomes.length);
  const cell = (o: SocketOutcome | undefined): [string, string] =>
    !o ? ['', 'not run'] : o.errno ? ['—', `${o.errno} (errno ${errnoNumber(report.errnoNumbers, o.errno) ?? '?'})`] : [o.port === null ? '—' : String(o.port), 'ok'];
  for (let i = 0; i < Math.min(n, TABLE_ROW_LIMIT); i++) {
    const a = cell(withOption.outcomes[i]);
    const b = cell(withoutOption.outcomes[i]);
    rows.push([String(i + 1), a[0], a[1], b[0], b[1]]);
  }

  const family = p.family === 6 ? 'IPv6' : 'IPv4';
  const notes: string[] = [];
  if (option && report.effective.rule !== 'socket') notes.push(`The socket asked for ${span(option.lo, option.hi)}, but ${RULE_TEXT[report.effective.rule] ?? report.effective.rule}.`);
  if (!option) notes.push('The socket does not set IP_LOCAL_PORT_RANGE here: both sides use the netns range.');
  if (p.bindAddressNoPort) notes.push('IP_BIND_ADDRESS_NO_PORT is set: bind() defers the port choice to connect(), which can share a port across destinations.');
  if (p.reuseAddr) notes.push('SO_REUSEADDR is set on the socket.');
  if (reserved.length) notes.push(`Reserved ports (${report.reserved}) are skipped by automatic selection.`);

  return {
    title: `Simulation: ${label ?? `${p.proto} ${p.op}()`}`,
    subtitle: `${p.proto.toUpperCase()} ${p.op}() · ${family} · ${describeCount(p.count)}${p.destinations.length ? ` → ${p.destinations.join(', ')}` : ''} · kernel ${p.kernel} · seed ${p.seed}`,
    rangeSummary: `Effective range ${span(eff.lo, eff.hi)} (${plural(sizeOf(eff), 'port')}) inside the netns range ${span(netns.lo, netns.hi)}`,
    rule: report.effective.rule,
    ruleText: RULE_TEXT[report.effective.rule] ?? report.effective.rule,
    portLine: {
      full: { lo: 0, hi: 65535 },
      zoom,
      netns,
      effective: eff,
      option,
      reserved,
      labels: {
        netns: `netns ${span(netns.lo, netns.hi)}`,
        effective: `effective ${span(eff.lo, eff.hi)}`,
        option: option ? `option ${span(option.lo, option.hi)}` : null,
        reserved: reserved.length ? `reserved ${report.reserved}` : 'no reserved ports',
      },
    },
    withOption,
    withoutOption,
    chart: {
      aria: `Ports chosen in order. With the option: ${withOption.successes}, ${withOption.exhaustion}. Without: ${withoutOption.successes}, ${withoutOption.exhaustion}. The table below lists every socket.`,
      with: wPts,
      without: woPts,
      yMin,
      yMax,
      xMax,
    },
    table: {
      columns: ['Socket', 'Port (with option)', 'Result (with option)', 'Port (without)', 'Result (without)'],
      rows,
      truncated: n > TABLE_ROW_LIMIT ? `First ${TABLE_ROW_LIMIT.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} sockets shown; "Copy as JSON" has them all.` : null,
    },
    cli: report.cli,
    json: JSON.stringify(report, null, 2),
    notes,
  };
}

export type { ErrnoName };
