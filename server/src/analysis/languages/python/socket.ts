/**
 * The socket context of a Python call site, over the common form: the sockets created and
 * used under the same name in the same function (socket.socket(), create_connection,
 * create_server, `with ... as s`), their family and protocol, SO_REUSEADDR and
 * IP_BIND_ADDRESS_NO_PORT turned on, and the events in source order. Computed once per
 * (function, socket name): a file with thousands of calls on one socket stays linear.
 */
import type { SocketContext, SocketEvent } from '../../callSite';
import type { Expr, FormCall, FormFunction } from '../../core/form';
import type { FormEvaluator } from '../../core/evaluator';
import type { PyLowered } from './lower';
import { classify } from './option';
import { RANGE_NAME } from './constants';

interface Group { sc: SocketContext; ordered: { start: number; e: SocketEvent }[] }

export class PySockets {
  private readonly groups = new Map<string, Group>();
  private readonly fns: FormFunction[];

  constructor(private readonly ev: FormEvaluator, private readonly py: PyLowered) {
    this.fns = [...ev.unit.functions.values()].flat();
  }

  /** The innermost function holding an offset (-1: the module). */
  private fnKey(offset: number): number {
    let best: FormFunction | null = null;
    for (const f of this.fns) if (f.at.start <= offset && offset < f.at.end && (!best || f.at.end - f.at.start < best.at.end - best.at.start)) best = f;
    return best ? best.at.start : -1;
  }

  /** The context for a call on `receiver` (its text), with the call itself as an event. */
  context(receiver: string | null, call: FormCall): SocketContext {
    const self: SocketEvent = { kind: 'setsockopt', option: RANGE_NAME, span: call.at.span };
    if (!receiver) return { proto: 'unknown', family: null, reuseAddr: false, bindAddressNoPort: false, events: [self] };
    const key = `${this.fnKey(call.at.start)}:${receiver}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = this.group(key, receiver)));
    const ordered = [...g.ordered, { start: call.at.start, e: self }].sort((a, b) => a.start - b.start);
    return { ...g.sc, events: ordered.map((o) => ({ ...o.e, span: { ...o.e.span } })) };
  }

  private int(e: Expr | undefined): bigint | null {
    if (!e) return null;
    const v = this.ev.value(e, new Map(), this.ev.unit.scopeAt(e.at.start));
    return v.k === 'exact' ? v.v : null;
  }

  /** The port of an address tuple (host, port). */
  private port(e: Expr | undefined): number | null {
    const p = e?.k === 'init' ? this.int(e.items[1]?.value) : null;
    return p === null ? null : Number(p);
  }

  private group(key: string, receiver: string): Group {
    const sc: SocketContext = { proto: 'unknown', family: null, reuseAddr: false, bindAddressNoPort: false, events: [] };
    const ordered: { start: number; e: SocketEvent }[] = [];
    const mine = (c: FormCall) => `${this.fnKey(c.at.start)}:` === key.slice(0, key.length - receiver.length);
    const push = (c: FormCall, e: SocketEvent) => ordered.push({ start: c.at.start, e });
    for (const { target, call, kind } of this.py.creates) {
      if (target !== receiver || !mine(call)) continue;
      const a = call.args;
      push(call, { kind: 'socket', span: call.at.span });
      if (kind === 'socket') {
        const fam = a[0] ?? call.keywords?.family;
        const typ = a[1] ?? call.keywords?.type;
        const pro = a[2] ?? call.keywords?.proto;
        const famV = fam ? this.int(fam) : 2n;
        const typV = typ ? this.int(typ) : 1n;
        const proV = pro ? this.int(pro) : 0n;
        sc.family = famV === 2n ? 4 : famV === 10n ? 6 : null;
        sc.proto = protoOf(typV === null ? null : Number(typV & 0xffn), proV === null ? null : Number(proV));
      } else if (kind === 'create_connection') {
        sc.proto = 'tcp';
        push(call, { kind: 'connect', span: call.at.span });
      } else {
        sc.proto = 'tcp';
        push(call, { kind: 'bind', port: this.port(a[0]), span: call.at.span });
        push(call, { kind: 'listen', span: call.at.span });
      }
    }
    for (const op of this.ev.unit.sockops ?? []) {
      if (op.receiver?.at.text !== receiver || !mine(op)) continue;
      const name = op.lastName;
      if (name === 'bind') push(op, { kind: 'bind', port: this.port(op.args[0]), span: op.at.span });
      else if (name === 'connect' || name === 'connect_ex') push(op, { kind: 'connect', span: op.at.span });
      else if (name === 'listen') push(op, { kind: 'listen', span: op.at.span });
      else if (name === 'sendto' || name === 'sendmsg') push(op, { kind: 'sendto', span: op.at.span });
    }
    for (const c of this.ev.unit.calls ?? []) {
      if (!c.receiver || c.args[0] !== c.receiver || c.receiver.at.text !== receiver || !mine(c) || !/setsockopt$/.test(c.lastName)) continue;
      const level = this.int(c.args[1]);
      const opt = classify(this.ev, this.py.tags, c.args[2]!, new Map(), this.ev.unit.scopeAt(c.at.start));
      // Other IP_LOCAL_PORT_RANGE calls on the socket are their own call sites: not events here.
      if (opt.isRange) continue;
      let name = opt.name;
      if (opt.value === 2 && level === 1n) name = 'SO_REUSEADDR';
      if (opt.value === 24 && level === 0n) name = 'IP_BIND_ADDRESS_NO_PORT';
      if (!name) continue;
      const on = this.int(c.args[3]) !== 0n;
      if (on && name === 'SO_REUSEADDR') sc.reuseAddr = true;
      if (on && name === 'IP_BIND_ADDRESS_NO_PORT') sc.bindAddressNoPort = true;
      if (!on && (name === 'SO_REUSEADDR' || name === 'IP_BIND_ADDRESS_NO_PORT')) continue; // turned off
      push(c, { kind: 'setsockopt', option: name, span: c.at.span });
    }
    return { sc, ordered };
  }
}

function protoOf(type: number | null, proto: number | null): SocketContext['proto'] {
  if (proto === 262) return 'mptcp';
  if (proto === 132) return 'sctp';
  if (type === 1) return 'tcp';
  if (type === 2) return proto === 1 ? 'unknown' : 'udp';
  return 'unknown';
}
