/**
 * The socket context of a Python call site: sockets created and used under the same name
 * in the same function (socket(), create_connection, with ... as s), in execution order.
 */
import type { Node, QueryMatch } from 'web-tree-sitter';
import type { SocketContext, SocketEvent } from '../../callSite';
import { cap, role } from '../../core/captures';
import { args, spanOf } from '../../core/tree';
import { ev, evInt } from './evaluate';
import { classifyOpt } from './options';
import { Ctx, enclosingFunction, keyword, positional, scopeOf } from './scope';
import { RANGE_NAME, isInt } from './values';

// ---------------------------------------------------------------- socket context

export interface SocketFacts {
  creates: QueryMatch[];
  ops: QueryMatch[];
  sockopts: QueryMatch[];
  /** The same matches grouped by "function id:receiver text", built on first use. */
  groups?: Map<string, { creates: QueryMatch[]; ops: QueryMatch[]; sockopts: QueryMatch[] }>;
  /** Option name and on/off per other setsockopt call (computed once per call). */
  optMemo: Map<number, { name: string | null; on: boolean }>;
  contexts: Map<string, GroupContext>;
}

function groupKey(call: Node, receiver: string): string {
  return `${enclosingFunction(call)?.id ?? -1}:${receiver}`;
}

function groupsOf(sf: SocketFacts): NonNullable<SocketFacts['groups']> {
  if (sf.groups) return sf.groups;
  const g: NonNullable<SocketFacts['groups']> = new Map();
  const get = (k: string) => {
    let e = g.get(k);
    if (!e) g.set(k, (e = { creates: [], ops: [], sockopts: [] }));
    return e;
  };
  const add = (list: QueryMatch[], capName: string, field: 'creates' | 'ops' | 'sockopts') => {
    for (const m of list) {
      const recv = role(m, 'receiver') ?? role(m, 'target');
      const call = cap(m, capName);
      if (recv && call) get(groupKey(call, recv.text))[field].push(m);
    }
  };
  add(sf.creates, 'sockcreate', 'creates');
  add(sf.ops, 'sockop', 'ops');
  add(sf.sockopts, 'sockopt', 'sockopts');
  sf.groups = g;
  return g;
}


function protoOf(type: number | null, proto: number | null): SocketContext['proto'] {
  if (proto === 262) return 'mptcp';
  if (proto === 132) return 'sctp';
  if (type === 1) return 'tcp';
  if (type === 2) return proto === 1 ? 'unknown' : 'udp';
  return 'unknown';
}

interface GroupContext {
  sc: SocketContext;
  ordered: { start: number; e: SocketEvent }[];
}

/**
 * Socket context of one receiver in one function, without the analysed call itself:
 * computed once per group (a file with thousands of calls on one socket stays linear).
 */
export function socketContext(ctx: Ctx, sf: SocketFacts, receiverText: string | null, anchor: Node, callNode: Node): SocketContext {
  if (!receiverText) {
    return { proto: 'unknown', family: null, reuseAddr: false, bindAddressNoPort: false, events: [{ kind: 'setsockopt', option: RANGE_NAME, span: spanOf(callNode) }] };
  }
  const key = groupKey(anchor, receiverText);
  let g = sf.contexts.get(key);
  if (!g) {
    g = groupContext(ctx, sf, key);
    sf.contexts.set(key, g);
  }
  const ordered = [...g.ordered, { start: callNode.startIndex, e: { kind: 'setsockopt' as const, option: RANGE_NAME, span: spanOf(callNode) } }];
  ordered.sort((a, b) => a.start - b.start);
  return { ...g.sc, events: ordered.map((o) => ({ ...o.e, span: { ...o.e.span } })) };
}

function groupContext(ctx: Ctx, sf: SocketFacts, key: string): GroupContext {
  const sc: SocketContext = { proto: 'unknown', family: null, reuseAddr: false, bindAddressNoPort: false, events: [] };
  const ordered: { start: number; e: SocketEvent }[] = [];
  const group = groupsOf(sf).get(key) ?? { creates: [], ops: [], sockopts: [] };
  for (const m of group.creates) {
    const recv = role(m, 'target');
    const call = cap(m, 'sockcreate');
    if (!recv || !call) continue; // grouped by function and receiver text
    const scope = scopeOf(ctx, call);
    const fn = ev(ctx, role(m, 'callee'), scope);
    if (fn?.k !== 'module' || !fn.name.startsWith('socket.')) continue;
    const a = args(role(m, 'args'));
    const pos = positional(a);
    if (fn.name === 'socket.socket') {
      const fam = pos[0] ?? keyword(a, 'family');
      const typ = pos[1] ?? keyword(a, 'type');
      const pro = pos[2] ?? keyword(a, 'proto');
      const famV = fam ? evInt(ctx, fam, scope) : 2n;
      const typV = typ ? evInt(ctx, typ, scope) : 1n;
      const proV = pro ? evInt(ctx, pro, scope) : 0n;
      sc.family = famV === 2n ? 4 : famV === 10n ? 6 : null;
      sc.proto = protoOf(typV === null ? null : Number(typV & 0xffn), proV === null ? null : Number(proV));
      ordered.push({ start: call.startIndex, e: { kind: 'socket', span: spanOf(call) } });
    } else if (fn.name === 'socket.create_connection') {
      sc.proto = 'tcp';
      ordered.push({ start: call.startIndex, e: { kind: 'socket', span: spanOf(call) } });
      ordered.push({ start: call.startIndex, e: { kind: 'connect', span: spanOf(call) } });
    } else if (fn.name === 'socket.create_server') {
      sc.proto = 'tcp';
      const addr = ev(ctx, pos[0] ?? null, scope);
      const port = addr?.k === 'tuple' && isInt(addr.items[1] ?? null) ? Number((addr.items[1] as { v: bigint }).v) : null;
      ordered.push({ start: call.startIndex, e: { kind: 'socket', span: spanOf(call) } });
      ordered.push({ start: call.startIndex, e: { kind: 'bind', port, span: spanOf(call) } });
      ordered.push({ start: call.startIndex, e: { kind: 'listen', span: spanOf(call) } });
    }
  }
  for (const m of group.ops) {
    const recv = role(m, 'receiver');
    const call = cap(m, 'sockop');
    const method = role(m, 'name')?.text;
    if (!recv || !call) continue;
    const scope = scopeOf(ctx, call);
    const pos = positional(args(role(m, 'args')));
    switch (method) {
      case 'bind': {
        const addr = pos[0] ? ev(ctx, pos[0], scope) : null;
        let port: number | null = null;
        if (addr?.k === 'tuple' && addr.items.length >= 2) {
          const p = addr.items[1];
          port = isInt(p) ? Number(p.v) : null;
        }
        ordered.push({ start: call.startIndex, e: { kind: 'bind', port, span: spanOf(call) } });
        break;
      }
      case 'connect':
      case 'connect_ex':
        ordered.push({ start: call.startIndex, e: { kind: 'connect', span: spanOf(call) } });
        break;
      case 'listen':
        ordered.push({ start: call.startIndex, e: { kind: 'listen', span: spanOf(call) } });
        break;
      case 'sendto':
      case 'sendmsg':
        ordered.push({ start: call.startIndex, e: { kind: 'sendto', span: spanOf(call) } });
        break;
    }
  }
  for (const m of group.sockopts) {
    const recv = role(m, 'receiver');
    const call = cap(m, 'sockopt');
    const method = role(m, 'name')?.text ?? '';
    if (!recv || !call) continue;
    let info = sf.optMemo.get(call.id);
    if (info && (!info.name || info.name === RANGE_NAME)) continue;
    if (!/setsockopt$/.test(method)) continue;
    if (!info) {
      const scope = scopeOf(ctx, call);
      const pos = positional(args(role(m, 'args')));
      info = { name: null, on: false };
      if (pos.length >= 3) {
        const level = evInt(ctx, pos[0], scope);
        const opt = classifyOpt(ctx, pos[1], scope);
        let name = opt.isRange ? RANGE_NAME : opt.name;
        if (opt.value === 2 && level === 1n) name = 'SO_REUSEADDR';
        if (opt.value === 24 && level === 0n) name = 'IP_BIND_ADDRESS_NO_PORT';
        info = { name, on: evInt(ctx, pos[2], scope) !== 0n };
      }
      sf.optMemo.set(call.id, info);
    }
    // Other IP_LOCAL_PORT_RANGE calls on the socket are their own call sites: not events here.
    if (!info.name || info.name === RANGE_NAME) continue;
    if (info.on) {
      if (info.name === 'SO_REUSEADDR') sc.reuseAddr = true;
      if (info.name === 'IP_BIND_ADDRESS_NO_PORT') sc.bindAddressNoPort = true;
    } else if (info.name === 'SO_REUSEADDR' || info.name === 'IP_BIND_ADDRESS_NO_PORT') continue; // turned off
    ordered.push({ start: call.startIndex, e: { kind: 'setsockopt', option: info.name, span: spanOf(call) } });
  }
  return { sc, ordered };
}
