/**
 * The socket a call site acts on, from the unit's socket operations (FormUnit.sockops): the
 * operations in the same function on the same socket (the fd argument's root name: `fd`,
 * `sock` in `sock.as_raw_fd()`, `fd_` in a member function), in source order, plus the
 * protocol and family when the creation is visible (socket(AF_INET, SOCK_STREAM, 0),
 * TcpSocket::new_v4(), Socket::new(Domain::IPV4, Type::STREAM, None), UdpSocket::bind).
 */
import type { SocketContext, SocketEvent } from '../callSite';
import type { Expr, FormCall, FormUnit } from './form';

/** The root variable an fd expression reads: `sock.as_raw_fd()` → sock, `fd` → fd. */
export function rootName(e: Expr): string | null {
  let cur: Expr = e;
  for (let i = 0; i < 8; i++) {
    if (cur.k === 'name') return cur.name.split('.')[0] ?? null;
    if (cur.k === 'member') cur = cur.object;
    else if (cur.k === 'call' && cur.call.receiver) cur = cur.call.receiver;
    else if (cur.k === 'cast' || cur.k === 'addr' || cur.k === 'deref') cur = cur.arg;
    else if (cur.k === 'call' && cur.call.args.length === 1) cur = cur.call.args[0]!;
    else return null;
  }
  return null;
}

function portOf(text: string): number | null {
  const m = /:(\d{1,5})["')]/.exec(text) ?? /\bhtons\s*\(\s*(\d{1,5})\s*\)/.exec(text);
  return m ? Number(m[1]) : null;
}

export function socketContext(unit: FormUnit, site: FormCall, fd: Expr, chain: readonly FormCall[]): SocketContext {
  const ctx: SocketContext = { proto: 'unknown', family: null, reuseAddr: false, bindAddressNoPort: false, events: [] };
  const root = rootName(fd);
  const fnRange = [...unit.functions.values()].flat().find((f) => f.at.start <= site.at.start && site.at.start < f.at.end)?.at
    ?? unit.globals.at;
  const events: SocketEvent[] = [];
  for (const op of unit.sockops ?? []) {
    if (op.at.start < fnRange.start || op.at.end > fnRange.end) continue;
    const text = op.at.text;
    const name = op.lastName;
    const on = op.receiver ? rootName(op.receiver) : op.args[0] ? rootName(op.args[0]) : null;
    // Creation: `let sock = TcpSocket::new_v4()` has no receiver; match by kind only.
    if (/^(new_v4|new_v6|new|socket)$/.test(name)) {
      if (/Tcp|STREAM/.test(text)) ctx.proto = 'tcp';
      else if (/Udp|DGRAM/.test(text)) ctx.proto = 'udp';
      if (/v4|IPV4|AF_INET\b/.test(text)) ctx.family = 4;
      else if (/v6|IPV6|AF_INET6/.test(text)) ctx.family = 6;
      continue;
    }
    if (root && on && on !== root) continue;
    if (name === 'bind') events.push({ kind: 'bind', port: portOf(text), span: op.at.span });
    else if (name === 'connect' || name === 'listen' || name === 'sendto') events.push({ kind: name, span: op.at.span });
  }
  if (!chain.length) events.push({ kind: 'setsockopt', option: 'IP_LOCAL_PORT_RANGE', span: site.at.span });
  events.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
  ctx.events = events;
  return ctx;
}
