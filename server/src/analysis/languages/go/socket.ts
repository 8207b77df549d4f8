/**
 * The socket context of a Go call site: raw-fd operations on the same fd, and the
 * net.Dialer / net.ListenConfig whose Control closure holds the call (values of the nodes
 * through the one evaluator, nodes.ts).
 */
import type { Node, QueryMatch } from 'web-tree-sitter';
import type { SocketContext, SocketEvent } from '../../callSite';
import { cap, role } from '../../core/captures';
import { args, spanOf } from '../../core/tree';
import { controlOwner, sockaddrPort } from './config';
import { goInt } from './types';
import { intOf, type GoEval } from './nodes';

const RANGE_NAME = 'IP_LOCAL_PORT_RANGE';
const FUNC_NODES = ['function_declaration', 'method_declaration', 'func_literal'];

export function enclosingFunc(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (FUNC_NODES.includes(p.type)) return p;
  return null;
}

/** Conversions and parentheses stripped: `int(fd)` → fd. */
export function stripConv(n: Node): Node {
  let cur = n;
  for (let i = 0; i < 20; i++) {
    if (cur.type === 'parenthesized_expression' && args(cur)[0]) { cur = args(cur)[0]!; continue; }
    if (cur.type === 'call_expression') {
      const f = cur.childForFieldName('function');
      const a = args(cur.childForFieldName('arguments'));
      if (f?.type === 'identifier' && goInt(f.text) && a.length === 1) { cur = a[0]!; continue; }
    }
    break;
  }
  return cur;
}

/** Name and value of an option operand: `unix.SO_REUSEADDR` → SO_REUSEADDR, 2. */
function optionOf(g: GoEval, n: Node): { name: string | null; value: number | null } {
  const s = stripConv(n);
  const v = intOf(g, s);
  const value = v === null ? null : Number(v);
  const name = s.type === 'selector_expression' ? s.childForFieldName('field')?.text ?? null : s.type === 'identifier' ? s.text : null;
  return { name: value === 24 && s.type === 'int_literal' ? 'IP_BIND_ADDRESS_NO_PORT' : name, value };
}

// ---------------------------------------------------------------- socket context

export interface Matches {
  ops: QueryMatch[];
  configs: QueryMatch[];
  uses: QueryMatch[];
  sockopts: QueryMatch[];
  groups?: Map<string, { sockopts: QueryMatch[]; ops: QueryMatch[] }>;
  contexts: Map<string, GroupContext>;
}


export function networkProto(net: string | null): { proto: SocketContext['proto']; family: 4 | 6 | null } {
  if (!net) return { proto: 'unknown', family: null };
  const fam = net.endsWith('4') ? 4 : net.endsWith('6') ? 6 : null;
  if (net.startsWith('tcp')) return { proto: 'tcp', family: fam };
  if (net.startsWith('udp')) return { proto: 'udp', family: fam };
  return { proto: 'unknown', family: fam };
}

/** The variable a composite literal (or &literal) is assigned to, if any. */
export function assignedName(lit: Node): string | null {
  let n = lit;
  if (n.parent?.type === 'unary_expression') n = n.parent;
  const list = n.parent;
  if (list?.type !== 'expression_list') return null;
  const stmt = list.parent;
  if (!stmt) return null;
  if (stmt.type === 'short_var_declaration' || stmt.type === 'assignment_statement') {
    const rights = args(stmt.childForFieldName('right'));
    const lefts = args(stmt.childForFieldName('left'));
    const i = rights.findIndex((r) => r.id === n.id);
    return i >= 0 && lefts[i]?.type === 'identifier' ? lefts[i].text : null;
  }
  if (stmt.type === 'var_spec') {
    const names = stmt.childrenForFieldName('name').filter((c): c is Node => c !== null && c.isNamed);
    const rights = args(stmt.childForFieldName('value'));
    const i = rights.findIndex((r) => r.id === n.id);
    return i >= 0 ? names[i]?.text ?? null : null;
  }
  return null;
}

export function keyedValue(body: Node | null, key: string): Node | null {
  for (const kv of args(body)) {
    if (kv.type !== 'keyed_element') continue;
    const k = kv.childForFieldName('key') ?? kv.namedChild(0);
    const v = kv.childForFieldName('value') ?? kv.namedChild(1);
    if (k && args(k)[0]?.text === key) return v ? args(v)[0] ?? v : null;
    if (k?.text === key) return v ? args(v)[0] ?? v : null;
  }
  return null;
}

/** The Control function a sockopt call runs in: (closure node or named function, its RawConn use). */
function controlFunction(call: Node): { ctl: Node; inner: Node } | null {
  const inner = enclosingFunc(call);
  if (!inner || inner.type !== 'func_literal') return null;
  // inner must be the argument of X.Control(...)
  const argl = inner.parent;
  const ctrlCall = argl?.type === 'argument_list' ? argl.parent : null;
  const f = ctrlCall?.childForFieldName('function');
  if (!ctrlCall || f?.type !== 'selector_expression' || f.childForFieldName('field')?.text !== 'Control') return null;
  const ctl = enclosingFunc(ctrlCall);
  return ctl ? { ctl, inner } : null;
}

function fdKey(fn: Node | null, fd: Node | null): string | null {
  return fd ? `${fn?.id ?? -1}:${stripConv(fd).text}` : null;
}

/** Matches grouped by (function, fd text), built once per file. */
function groupsOf(ms: Matches): NonNullable<Matches['groups']> {
  if (ms.groups) return ms.groups;
  const g: NonNullable<Matches['groups']> = new Map();
  const get = (k: string) => {
    let e = g.get(k);
    if (!e) g.set(k, (e = { sockopts: [], ops: [] }));
    return e;
  };
  for (const m of ms.sockopts) {
    const c = cap(m, 'sockopt');
    const k = c ? fdKey(enclosingFunc(c), args(role(m, 'args'))[0] ?? null) : null;
    if (k) get(k).sockopts.push(m);
  }
  for (const m of ms.ops) {
    const c = cap(m, 'sockop');
    if (!c) continue;
    let fd: Node | null = args(role(m, 'args'))[0] ?? null;
    if (role(m, 'name')?.text === 'Socket') {
      const stmt = c.parent?.parent;
      fd = stmt?.type === 'short_var_declaration' || stmt?.type === 'assignment_statement' ? args(stmt.childForFieldName('left'))[0] ?? null : null;
    }
    const k = fdKey(enclosingFunc(c), fd);
    if (k) get(k).ops.push(m);
  }
  ms.groups = g;
  return g;
}

interface GroupContext {
  sc: SocketContext;
  before: { start: number; e: SocketEvent }[];
  after: SocketEvent[];
}

/**
 * The socket context of a call: other options on the same fd (same closure or function),
 * the raw-fd operations, or what the owning Dialer/ListenConfig does after Control. Computed
 * once per (function, fd) group, then the call itself is added as its own event.
 */
export function socketContext(ctx: GoEval, ms: Matches, call: Node, fdNode: Node | null): SocketContext {
  const key = fdKey(enclosingFunc(call), fdNode);
  const control = controlFunction(call);
  let g = key ? ms.contexts.get(key) : undefined;
  if (!g) {
    g = groupContext(ctx, ms, key, control);
    if (key) ms.contexts.set(key, g);
  }
  const before = [...g.before, { start: call.startIndex, e: { kind: 'setsockopt' as const, option: RANGE_NAME, span: spanOf(call) } }];
  before.sort((x, y) => x.start - y.start);
  return { ...g.sc, events: [...before.map((b) => b.e), ...g.after].map((e) => ({ ...e, span: { ...e.span } })) };
}

function groupContext(ctx: GoEval, ms: Matches, key: string | null, control: { ctl: Node; inner: Node } | null): GroupContext {
  const sc: SocketContext = { proto: 'unknown', family: null, reuseAddr: false, bindAddressNoPort: false, events: [] };
  const before: { start: number; e: SocketEvent }[] = [];
  const after: SocketEvent[] = [];
  const group = key ? groupsOf(ms).get(key) ?? { sockopts: [], ops: [] } : { sockopts: [], ops: [] };
  // other options on the same fd (other IP_LOCAL_PORT_RANGE calls are call sites of their own)
  for (const m of group.sockopts) {
    const c = cap(m, 'sockopt')!;
    const a = args(role(m, 'args'));
    if (!/^Setsockopt/.test(role(m, 'name')?.text ?? '') || a.length < 4) continue;
    const opt = optionOf(ctx, a[2]!);
    if (opt.value === 51 || opt.name === RANGE_NAME) continue;
    const level = intOf(ctx, a[1]!);
    let name = opt.name;
    if (opt.value === 2 && level === 1n) name = 'SO_REUSEADDR';
    if (opt.value === 0x18 && level === 0n) name = 'IP_BIND_ADDRESS_NO_PORT';
    if (!name) continue;
    const val = intOf(ctx, a[3]!);
    if (val !== 0n) {
      if (name === 'SO_REUSEADDR') sc.reuseAddr = true;
      if (name === 'IP_BIND_ADDRESS_NO_PORT') sc.bindAddressNoPort = true;
    } else if (name === 'SO_REUSEADDR' || name === 'IP_BIND_ADDRESS_NO_PORT') continue; // turned off
    before.push({ start: c.startIndex, e: { kind: 'setsockopt', option: name, span: spanOf(c) } });
  }
  if (control) {
    controlOwner(ctx, ms, control, sc, before, after);
  } else {
    // raw fd: unix.Socket / Bind / Connect / Listen / Sendto in the same function, in source order
    for (const m of group.ops) {
      const c = cap(m, 'sockop')!;
      const method = role(m, 'name')?.text;
      const a = args(role(m, 'args'));
      if (method === 'Socket') {
        const dom = intOf(ctx, a[0] ?? null);
        const typ = intOf(ctx, a[1] ?? null);
        const pro = intOf(ctx, a[2] ?? null);
        sc.family = dom === 2n ? 4 : dom === 10n ? 6 : null;
        const t = typ !== null ? Number(typ & 0xffn) : null;
        sc.proto = pro === 0x106n ? 'mptcp' : pro === 0x84n ? 'sctp' : t === 1 ? 'tcp' : t === 2 ? 'udp' : 'unknown';
        before.push({ start: c.startIndex, e: { kind: 'socket', span: spanOf(c) } });
      } else if (method === 'Bind') {
        before.push({ start: c.startIndex, e: { kind: 'bind', port: sockaddrPort(ctx, a[1] ?? null), span: spanOf(c) } });
      } else if (method === 'Connect') before.push({ start: c.startIndex, e: { kind: 'connect', span: spanOf(c) } });
      else if (method === 'Listen') before.push({ start: c.startIndex, e: { kind: 'listen', span: spanOf(c) } });
      else before.push({ start: c.startIndex, e: { kind: 'sendto', span: spanOf(c) } });
    }
  }
  return { sc, before, after };
}

