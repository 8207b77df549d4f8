/**
 * "Simulate this socket", server side: what the code says about the socket under the
 * cursor (SocketFactsRequest), and the engine run for fully specified params
 * (SimulateRequest). The engine alone decides ports and errnos, so a run here equals
 * `port-range-lens simulate ... --format json` for the same params.
 */
import type { CallSite, Span } from './analysis/callSite';
import type { SimulateParams, SimulationReport, SocketFacts } from './protocol';
import { runSimulation } from '../../engine/src/simulate';
import type { ResolvedConfig } from './config/resolve';

/** The target a file is judged against: its resolved configuration's netns, reserved ports and kernel. */
export interface FileTarget {
  netnsRange: { lo: number; hi: number };
  reserved: string;
  kernel: string;
}

/** The file's target from its resolved configuration (config/resolve.ts resolveForFile, the analyzer's own). */
export function fileTarget(r: ResolvedConfig): FileTarget {
  return { netnsRange: { lo: r.netns.lo, hi: r.netns.hi }, reserved: r.reservedText, kernel: r.kernel.version };
}

type Position = { line: number; character: number };

function before(a: Position, line: number, column: number): boolean {
  return a.line < line || (a.line === line && a.character < column);
}

function contains(span: Span, p: Position): boolean {
  return !before(p, span.line, span.column) && !(p.line > span.endLine || (p.line === span.endLine && p.character > span.endColumn));
}

function sameSpan(a: Span, b: Span): boolean {
  return a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

/** Strictly after the end of `span`. */
function after(s: Span, ref: Span): boolean {
  return s.line > ref.endLine || (s.line === ref.endLine && s.column >= ref.endColumn);
}

function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}

/**
 * The call site a position designates: the innermost call containing it, else the first
 * call on the same line (a code lens sits on the line above / at the start of the call).
 */
export function callSiteAt(callSites: CallSite[], position: Position): CallSite | null {
  const containing = callSites.filter((c) => contains(c.span, position));
  if (containing.length) {
    // innermost = the one that starts last
    return containing.reduce((a, b) => (before({ line: a.span.line, character: a.span.column }, b.span.line, b.span.column) ? b : a));
  }
  const sameLine = callSites.filter((c) => c.span.line === position.line || (c.span.line <= position.line && position.line <= c.span.endLine));
  if (sameLine.length) return sameLine.sort((a, b) => a.span.column - b.span.column)[0];
  return null;
}

/**
 * What the code says about the socket the call at `position` sets the option on.
 * Only setsockopt calls describe a socket to simulate; a getsockopt call answers null.
 */
export function socketFactsAt(callSites: CallSite[], position: Position, target?: FileTarget): SocketFacts | null {
  const c = callSiteAt(callSites, position);
  if (!c || c.op !== 'set') return null;
  const s = c.socket;
  // The operation that picks the port: the first bind/connect/listen/sendto after the
  // call. bind() with IP_BIND_ADDRESS_NO_PORT defers the choice to a later connect().
  // Events are in execution order with the call itself among them (as checks.ts reads them:
  // a Go Dialer's LocalAddr written above Control still binds after it); else source order.
  const self = s.events.findIndex((e) => e.kind === 'setsockopt' && e.option === 'IP_LOCAL_PORT_RANGE' && sameSpan(e.span, c.span));
  const later = s.events.filter((e, i) => (self >= 0 ? i > self : after(e.span, c.span)) && e.kind !== 'socket' && e.kind !== 'setsockopt');
  let op: SocketFacts['op'] = null;
  for (let i = 0; i < later.length; i++) {
    const e = later[i];
    if (e.kind === 'bind' && s.bindAddressNoPort && later.slice(i + 1).some((n) => n.kind === 'connect')) continue;
    if (e.kind === 'bind' || e.kind === 'connect' || e.kind === 'listen' || e.kind === 'sendto') {
      op = e.kind;
      break;
    }
  }
  const v = c.value;
  // checks.ts leaves `effective` null when a statically known value does not take effect.
  let rejected: string | null = null;
  if (v && v.packed !== null && c.effective === null) {
    const why = c.diagnostics.find((d) => d.severity === 'error') ?? c.diagnostics[0];
    rejected = why ? why.message : 'the kernel does not apply this value';
  }
  return {
    proto: s.proto === 'unknown' ? null : s.proto,
    family: s.family,
    lo: v?.lo ?? null,
    hi: v?.hi ?? null,
    packed: v?.packed ?? null,
    reuseAddr: s.reuseAddr,
    bindAddressNoPort: s.bindAddressNoPort,
    op,
    destinations: [],
    label: `${baseName(c.file)}:${c.span.line + 1} ${c.callee}`,
    rejected,
    ...(target ? { netnsRange: { ...target.netnsRange }, reserved: target.reserved, kernel: target.kernel } : {}),
  };
}

/** Runs the engine for fully specified params (the same function the CLI's simulate uses). */
export function simulate(params: SimulateParams): SimulationReport {
  // The engine validates and throws SimulationError with a message naming the field.
  return runSimulation(params);
}
