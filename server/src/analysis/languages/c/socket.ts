/**
 * The socket context of a C call site: socket(), bind(), connect(), listen() and other
 * options on the same fd in the same function, in source order.
 */
import type { Node } from 'web-tree-sitter';
import type { SocketContext, SocketEvent, Span } from '../../callSite';
import { toNumber } from '../../core/numeric';
import { spanOf } from '../../core/tree';
import { CFile } from './fold';
import { Env, declaredName, namedArgs, normKey, sockoptArgs, stripCasts, stripParens } from './syntax';

// ---------------------------------------------------------------------------------------
// Socket context
// ---------------------------------------------------------------------------------------
function bindPort(f: CFile, addrArg: Node | null, env: Env): number | null {
  const core = stripCasts(addrArg);
  let t = core?.type === 'pointer_expression' && core.child(0)?.type === '&' ? stripParens(core.childForFieldName('argument')) : core;
  if (!t || t.type !== 'identifier') return null;
  const sym = f.lookupVar(t.text, t, env.fn);
  if (!sym) return null;
  const portFields = ['sin_port', 'sin6_port', 'port'];
  for (const pf of portFields) {
    const assigned = sym.parts.get(pf);
    if (assigned && assigned.length === 1) return toNumber(f.fold(assigned[0]!, env, true).value);
    if (assigned && assigned.length > 1) return null;
  }
  const items = sym.init?.type === 'initializer_list' ? namedArgs(sym.init) : null;
  if (items) {
    const pair = items.find((it) => it.type === 'initializer_pair' && /^\.?(sin_port|sin6_port)$/.test(it.childForFieldName('designator')?.text ?? ''));
    if (pair) return toNumber(f.fold(pair.childForFieldName('value'), env, true).value);
    if (items.every((it) => it.type === 'initializer_pair' || it.text === '0')) return 0;
    return null;
  }
  // memset(&sa, 0, ...) with no port assignment: port 0.
  if (!sym.init && f.functionAt(t)) {
    const fn = f.functionAt(t)!;
    if (new RegExp(`\\b(memset|bzero)\\s*\\(\\s*&?\\s*${sym.name}\\b`).test(fn.body.text)) return 0;
  }
  return null;
}

export function socketContext(f: CFile, call: Node, fdArg: Node | null, env: Env): SocketContext {
  const ctx: SocketContext = { proto: 'unknown', family: null, reuseAddr: false, bindAddressNoPort: false, events: [] };
  const fn = env.fn;
  if (!fdArg || !fn) return ctx;
  const key = normKey(fdArg.text);
  f.ensureQueried(fn);
  const events: (SocketEvent & { at: number })[] = [];
  let sock: Node | null = null;
  for (const c of f.callsIn(fn, 'sockcall')) {
    const name = (c.childForFieldName('function')?.text ?? '').replace(/^zsock_/, '');
    const args = namedArgs(c.childForFieldName('arguments'));
    if (name === 'socket') {
      const p = c.parent;
      const target = p?.type === 'init_declarator' ? declaredName(p) : p?.type === 'assignment_expression' ? p.childForFieldName('left') : null;
      if (target && normKey(target.text) === key) {
        sock = c;
        events.push({ kind: 'socket', span: spanOf(c), at: c.startIndex });
      }
      continue;
    }
    if (!args[0] || normKey(args[0].text) !== key) continue;
    if (name === 'bind') events.push({ kind: 'bind', port: bindPort(f, args[1] ?? null, env), span: spanOf(c), at: c.startIndex });
    else if (name === 'connect') events.push({ kind: 'connect', span: spanOf(c), at: c.startIndex });
    else if (name === 'listen') events.push({ kind: 'listen', span: spanOf(c), at: c.startIndex });
    else if (name === 'sendto' || name === 'sendmsg') events.push({ kind: 'sendto', span: spanOf(c), at: c.startIndex });
  }
  for (const c of f.callsIn(fn, 'sockopt')) {
    const o = sockoptEvent(f, c, env);
    if (!o || o.key !== key) continue;
    if (o.reuseAddr) ctx.reuseAddr = true;
    if (o.bindAddressNoPort) ctx.bindAddressNoPort = true;
    events.push({ kind: 'setsockopt', option: o.option, span: o.span, at: c.startIndex });
  }
  if (sock) {
    const args = namedArgs(sock.childForFieldName('arguments'));
    const dom = toNumber(f.fold(args[0] ?? null, env).value);
    const type = toNumber(f.fold(args[1] ?? null, env).value);
    const proto = args[2] ? toNumber(f.fold(args[2], env).value) : 0;
    ctx.family = dom === 2 ? 4 : dom === 10 ? 6 : null;
    const base = type === null ? null : type & 0xf;
    if (proto === 262) ctx.proto = 'mptcp';
    else if (proto === 132) ctx.proto = 'sctp';
    else if (proto === 6 || (proto === 0 && base === 1)) ctx.proto = base === 1 || proto === 6 ? 'tcp' : 'unknown';
    else if (proto === 17 || proto === 136 || (proto === 0 && base === 2)) ctx.proto = 'udp';
  }
  events.sort((a, b) => a.at - b.at);
  ctx.events = events.map(({ at: _at, ...e }) => e);
  return ctx;
}

interface SockoptEvent {
  key: string;
  option: string;
  reuseAddr: boolean;
  bindAddressNoPort: boolean;
  span: Span;
}

/** Per file, by call node id: the option a setsockopt on some fd sets (outside helper instantiation). */
const sockoptEvents = new WeakMap<CFile, Map<number, SockoptEvent | null>>();

/**
 * The event one setsockopt contributes to the socket context of calls on the same fd. Cached
 * per call when no helper arguments are bound, so a function with n calls costs n folds, not n².
 */
function sockoptEvent(f: CFile, c: Node, env: Env): SockoptEvent | null {
  const cacheable = env.bind.size === 0;
  let cache = sockoptEvents.get(f);
  if (cacheable && cache?.has(c.id)) return cache.get(c.id)!;
  const args = sockoptArgs(c);
  const name = c.childForFieldName('function')?.text ?? '';
  let out: SockoptEvent | null = null;
  if (args[0] && args.length >= 3 && /setsockopt$|set_sock_opt$/.test(name)) {
    const level = toNumber(f.fold(args[1]!, env).value);
    const opt = toNumber(f.fold(args[2]!, env).value);
    out = { key: normKey(args[0].text), option: args[2]!.text, reuseAddr: false, bindAddressNoPort: false, span: spanOf(c) };
    if (level === 1 && opt === 2) { out.option = 'SO_REUSEADDR'; out.reuseAddr = true; }
    else if (level === 0 && opt === 24) { out.option = 'IP_BIND_ADDRESS_NO_PORT'; out.bindAddressNoPort = true; }
    else if (level === 1 && opt === 15) out.option = 'SO_REUSEPORT';
    else if (level === 0 && opt === 51) out.option = 'IP_LOCAL_PORT_RANGE';
  }
  if (cacheable) {
    if (!cache) sockoptEvents.set(f, (cache = new Map()));
    cache.set(c.id, out);
  }
  return out;
}
