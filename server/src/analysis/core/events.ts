/**
 * Socket events in execution order and constant ports in addresses (socket context).
 */
import type { Span, SocketEvent } from '../callSite';

/** The event list helper: keep execution order, drop exact duplicates. */
export function pushEvent(events: SocketEvent[], e: SocketEvent): void {
  if (events.some((x) => x.kind === e.kind && x.span.line === e.span.line && x.span.column === e.span.column)) return;
  events.push(e);
}

export function spanBefore(a: Span, b: Span): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

/** A constant port out of "host:port" / ":port" / "[::1]:port" (Go addresses), else null. */
export function portOfAddress(addr: string): number | null {
  const m = /:(\d{1,5})$/.exec(addr);
  if (!m) return null;
  const p = Number(m[1]);
  return p <= 65535 ? p : null;
}
