/**
 * The socket a call site acts on, from the unit's socket operations (FormUnit.sockops) and its
 * other setsockopt calls (FormUnit.calls): the operations in the same function on the same
 * socket (the fd argument's root name: `fd`, `sock` in `sock.as_raw_fd()`, `fd_` in a member
 * function), in source order, plus the protocol and family when the creation is visible
 * (`int s = socket(AF_INET6, SOCK_DGRAM, 0)`, TcpSocket::new_v4(), Socket::new(Domain::IPV4,
 * Type::STREAM, None), UdpSocket::bind), the port a bind() asks for (sockaddr's sin_port, 0
 * after memset), and the options set on it (SO_REUSEADDR, IP_BIND_ADDRESS_NO_PORT).
 */
import type { SocketContext, SocketEvent } from '../callSite';
import type { Expr, FormCall, FormUnit } from './form';
import type { FormEvaluator } from './evaluator';
import { valuesOf } from './value';

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

/** The value as written: byte swaps undone (a port in htons() is the port). */
function unswapped(e: Expr): Expr {
  if (e.k === 'bswap') return unswapped(e.arg);
  if (e.k === 'cast') return { ...e, arg: unswapped(e.arg) };
  return e;
}

function one(ev: FormEvaluator, e: Expr | undefined): number | null {
  if (!e) return null;
  const vs = valuesOf(ev.value(e));
  return vs?.length === 1 ? Number(vs[0]) : null;
}

/** bind(fd, &addr, ...): the port of a sockaddr initialised in view ({ .sin_port = htons(p) }, memset). */
function bindPort(ev: FormEvaluator, op: FormCall): number | null {
  const a = op.args[1];
  const root = a ? rootName(a) : null;
  if (!a || !root) return portOf(op.at.text);
  const b = ev.binding(root, op.at.start, ev.unit.scopeAt(op.at.start));
  const v = b && !b.escapes ? b.values.filter((x) => x.at.start < op.at.start).at(-1) : undefined;
  if (v?.k === 'init') {
    const item = v.items.find((it) => it.field !== undefined && /^(sin_port|sin6_port|port)$/.test(it.field));
    if (item) return one(ev, unswapped(item.value));
    if (v.items.every((it) => it.field !== undefined || (it.value.k === 'int' && it.value.value === 0n))) return 0;
    return null;
  }
  if (v?.k === 'opaque' && /^(memset|bzero)\b/.test(v.at.text)) return 0;
  return portOf(op.at.text);
}

/** The option a setsockopt on the socket sets, by level and number. */
function optionOf(ev: FormEvaluator, c: FormCall): string {
  const n = c.args.length;
  const level = one(ev, c.args[n - 4]);
  const opt = one(ev, c.args[n - 3]);
  if (level === 1 && opt === 2) return 'SO_REUSEADDR';
  if (level === 1 && opt === 15) return 'SO_REUSEPORT';
  if (level === 0 && opt === 24) return 'IP_BIND_ADDRESS_NO_PORT';
  if (level === 0 && opt === 51) return 'IP_LOCAL_PORT_RANGE';
  return c.args[n - 3]?.at.text ?? '';
}

function creation(ctx: SocketContext, op: FormCall, ev: FormEvaluator | undefined): void {
  const text = op.at.text;
  const [dom, type, proto] = ev && op.lastName.replace(/^zsock_/, '') === 'socket' ? op.args.map((x) => one(ev, x)) : [];
  if (dom !== undefined && dom !== null && type !== undefined && type !== null) {
    ctx.family = dom === 2 ? 4 : dom === 10 ? 6 : null;
    const base = type & 0xf;
    const p = proto ?? 0;
    if (p === 262) ctx.proto = 'mptcp';
    else if (p === 132) ctx.proto = 'sctp';
    else if (p === 6 || (p === 0 && base === 1)) ctx.proto = 'tcp';
    else if (p === 17 || p === 136 || (p === 0 && base === 2)) ctx.proto = 'udp';
    return;
  }
  if (/Tcp|STREAM/.test(text)) ctx.proto = 'tcp';
  else if (/Udp|DGRAM/.test(text)) ctx.proto = 'udp';
  if (/v4|IPV4|AF_INET\b/.test(text)) ctx.family = 4;
  else if (/v6|IPV6|AF_INET6/.test(text)) ctx.family = 6;
}

/** Per unit: its functions, and its calls in source order (a file may hold 40,000 call sites). */
interface Index { fns: { start: number; end: number }[]; calls: FormCall[]; sockops: FormCall[]; ctxs: Map<string, SocketContext> }
const indexes = new WeakMap<FormUnit, Index>();

/** The calls of a sorted list inside [start, end] (binary search for the first). */
function within(list: readonly FormCall[], start: number, end: number): FormCall[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.at.start < start) lo = mid + 1;
    else hi = mid;
  }
  const out: FormCall[] = [];
  for (let i = lo; i < list.length && list[i]!.at.start <= end; i++) if (list[i]!.at.end <= end) out.push(list[i]!);
  return out;
}

export function socketContext(unit: FormUnit, site: FormCall, fd: Expr, chain: readonly FormCall[], ev?: FormEvaluator): SocketContext {
  const root = rootName(fd);
  let ix = indexes.get(unit);
  if (!ix) {
    const sorted = (l: readonly FormCall[] | undefined) => [...(l ?? [])].sort((a, b) => a.at.start - b.at.start);
    ix = { fns: [...unit.functions.values()].flat().map((f) => f.at), calls: sorted(unit.calls), sockops: sorted(unit.sockops), ctxs: new Map() };
    indexes.set(unit, ix);
  }
  const fnRange = ix.fns.find((f) => f.start <= site.at.start && site.at.start < f.end) ?? unit.globals.at;
  // The same socket in the same function has the same context at every call site (a function
  // with n calls on one fd costs n, not n², evaluations): computed once, the site's own
  // setsockopt marked per site.
  const key = `${fnRange.start}:${fnRange.end}:${root ?? ''}:${ev ? 1 : 0}`;
  let base = ix.ctxs.get(key);
  if (!base) ix.ctxs.set(key, (base = contextOf(ix, fnRange, root, ev)));
  const events = base.events.map((e) => (e.kind === 'setsockopt' && e.span === site.at.span ? { ...e, option: 'IP_LOCAL_PORT_RANGE' } : e));
  if (!chain.length && !events.some((e) => e.kind === 'setsockopt' && e.span === site.at.span)) {
    events.push({ kind: 'setsockopt', option: 'IP_LOCAL_PORT_RANGE', span: site.at.span });
    events.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
  }
  return { ...base, events };
}

function contextOf(ix: Index, fnRange: { start: number; end: number }, root: string | null, ev: FormEvaluator | undefined): SocketContext {
  const ctx: SocketContext = { proto: 'unknown', family: null, reuseAddr: false, bindAddressNoPort: false, events: [] };
  const events: SocketEvent[] = [];
  for (const op of within(ix.sockops, fnRange.start, fnRange.end)) {
    const name = op.lastName.replace(/^zsock_/, '');
    const on = op.receiver ? rootName(op.receiver) : op.args[0] ? rootName(op.args[0]) : null;
    // Creation: `int s = socket(...)` names its socket (`assign`); `let sock = TcpSocket::new_v4()` is matched by kind only.
    if (/^(new_v4|new_v6|new|socket)$/.test(name)) {
      if (op.assign !== undefined && root && op.assign !== root) continue;
      creation(ctx, op, ev);
      if (op.assign !== undefined) events.push({ kind: 'socket', span: op.at.span });
      continue;
    }
    if (root && on && on !== root) continue;
    if (name === 'bind') events.push({ kind: 'bind', port: ev ? bindPort(ev, op) : portOf(op.at.text), span: op.at.span });
    else if (name === 'connect' || name === 'listen' || name === 'sendto') events.push({ kind: name, span: op.at.span });
    else if (name === 'sendmsg') events.push({ kind: 'sendto', span: op.at.span });
  }
  for (const c of ev && root ? within(ix.calls, fnRange.start, fnRange.end) : []) {
    if (c.args.length < 5 || !/set_?sock_?opt$/i.test(c.lastName) || rootName(c.args[c.args.length - 5]!) !== root) continue;
    const option = optionOf(ev!, c);
    if (option === 'SO_REUSEADDR') ctx.reuseAddr = true;
    if (option === 'IP_BIND_ADDRESS_NO_PORT') ctx.bindAddressNoPort = true;
    events.push({ kind: 'setsockopt', option, span: c.at.span });
  }
  events.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
  ctx.events = events;
  return ctx;
}
