/**
 * Where a Control closure's socket comes from: the Dialer/ListenConfig value, its Dial/Listen
 * calls, the network and address they use.
 */
import type { Node, QueryMatch } from 'web-tree-sitter';
import type { SocketContext, SocketEvent, Span } from '../../callSite';
import { cap, role } from '../../core/captures';
import { portOfAddress } from '../../core/events';
import { args, spanOf } from '../../core/tree';
import { definitionOf, followed, intOf, strOf, type GoEval } from './nodes';
import { Matches, assignedName, enclosingFunc, keyedValue, networkProto } from './socket';

/** Port of &unix.SockaddrInet4{Port: N} (inline or a variable assigned once); absent Port = 0. */
export function sockaddrPort(ctx: GoEval, n: Node | null): number | null {
  if (!n) return null;
  const cur = followed(ctx, n, (c) => (c.type === 'unary_expression' ? c.childForFieldName('operand') : null));
  if (cur?.type !== 'composite_literal') return null;
  const port = keyedValue(cur.childForFieldName('body'), 'Port');
  if (!port) return 0;
  const v = intOf(ctx, port);
  return v !== null ? Number(v) : null;
}

/** Find the net.Dialer / net.ListenConfig (or RawConn source) that runs this Control function. */
export function controlOwner(ctx: GoEval, ms: Matches, control: { ctl: Node; inner: Node }, sc: SocketContext,
  before: { start: number; e: SocketEvent }[], after: SocketEvent[]): void {
  const { ctl } = control;
  // RawConn of an existing connection: conn.SyscallConn() then rc.Control(...) — the socket already has its port.
  const ctrlCall = control.inner.parent?.parent;
  const rcNode = ctrlCall?.childForFieldName('function')?.childForFieldName('operand');
  if (ctl.type !== 'func_literal' || !isControlSignature(ctl)) {
    if (rcNode?.type === 'identifier') {
      const src = definitionOf(ctx, rcNode);
      if (src?.type === 'call_expression' && src.childForFieldName('function')?.childForFieldName('field')?.text === 'SyscallConn') {
        const connNode = src.childForFieldName('function')?.childForFieldName('operand');
        const origin = connNode ? connOrigin(ctx, connNode) : null;
        if (origin) {
          const p = networkProto(origin.network);
          sc.proto = p.proto;
          sc.family = p.family;
          for (const e of origin.events) before.push({ start: -1, e });
        }
      }
    }
    if (ctl.type === 'function_declaration' && isControlSignature(ctl)) {
      // named Control function: Control: myControl
      const name = ctl.childForFieldName('name')?.text;
      for (const m of ms.configs) {
        const v = keyedValue(role(m, 'body'), 'Control');
        if (v?.type === 'identifier' && v.text === name) { fromConfig(ctx, ms, m, sc, after, control.inner); return; }
      }
    }
    return;
  }
  // inline closure: Control: func(network, address string, c syscall.RawConn) error {...}
  let p: Node | null = ctl.parent;
  for (let i = 0; i < 3 && p && p.type !== 'keyed_element'; i++) p = p.parent;
  if (p?.type === 'keyed_element') {
    for (const m of ms.configs) {
      if (p.parent?.id === role(m, 'body')?.id) { fromConfig(ctx, ms, m, sc, after, control.inner); return; }
    }
  }
  // d.Control = func(...) {...}
  const asg = ctl.parent?.parent;
  if (asg?.type === 'assignment_statement') {
    const left = args(asg.childForFieldName('left'))[0];
    const recv = left?.type === 'selector_expression' && left.childForFieldName('field')?.text === 'Control' ? left.childForFieldName('operand') : null;
    if (recv?.type === 'identifier') {
      for (const m of ms.configs) {
        const lit = cap(m, 'config')!;
        if (assignedName(lit) === recv.text && enclosingFunc(lit)?.id === enclosingFunc(asg)?.id) { fromConfig(ctx, ms, m, sc, after, control.inner); return; }
      }
    }
  }
}

function isControlSignature(fn: Node): boolean {
  const ps = args(fn.childForFieldName('parameters')).filter((p) => p.type === 'parameter_declaration');
  const names = ps.reduce((k, p) => k + Math.max(1, p.childrenForFieldName('name').filter((c) => c?.isNamed).length), 0);
  return names === 3 && /RawConn$/.test(ps[ps.length - 1]?.childForFieldName('type')?.text ?? '');
}

/** The socket behind a net.Conn / Listener value: how it got its port. */
function connOrigin(ctx: GoEval, n: Node): { network: string | null; events: SocketEvent[] } | null {
  const cur = followed(ctx, n, (c) =>
    c.type === 'type_assertion_expression' ? c.childForFieldName('operand') : c.type === 'parenthesized_expression' ? args(c)[0] ?? null : null);
  if (cur?.type !== 'call_expression') return null;
  const f = cur.childForFieldName('function');
  const name = f?.type === 'selector_expression' ? f.childForFieldName('field')?.text : null;
  const a = args(cur.childForFieldName('arguments'));
  const network = strOf(ctx, a[0] ?? null);
  const span = spanOf(cur);
  if (name === 'Dial' || name === 'DialTCP' || name === 'DialUDP' || name === 'DialTimeout') return { network, events: [{ kind: 'connect', span }] };
  if (name === 'Listen' || name === 'ListenTCP') {
    const addr = strOf(ctx, a[1] ?? null);
    return { network, events: [{ kind: 'bind', port: addr !== null ? portOfAddress(addr) : null, span }, { kind: 'listen', span }] };
  }
  if (name === 'ListenPacket' || name === 'ListenUDP') {
    const addr = strOf(ctx, a[1] ?? null);
    return { network, events: [{ kind: 'bind', port: addr !== null ? portOfAddress(addr) : null, span }] };
  }
  return null;
}

/**
 * What the owning net.Dialer / net.ListenConfig will do after Control returns (Go calls
 * Control after socket() and before bind()/connect()/listen(), whatever the source order):
 * Dialer: bind(LocalAddr) if set, then connect. ListenConfig: bind(address), then listen.
 */
function fromConfig(ctx: GoEval, ms: Matches, m: QueryMatch, sc: SocketContext, after: SocketEvent[], control: Node): void {
  const lit = cap(m, 'config')!;
  const type = role(m, 'type')?.text;
  const body = role(m, 'body');
  const varName = assignedName(lit);
  // uses: d.Dial("tcp", ...), (&net.Dialer{...}).DialContext(ctx, "tcp4", ...), lc.Listen(ctx, "tcp", ":8080")
  const uses: { method: string; args: Node[]; node: Node }[] = [];
  for (const u of ms.uses) {
    const recv = role(u, 'receiver');
    const method = role(u, 'name')?.text ?? '';
    if (!recv) continue;
    let r = recv;
    while (r.type === 'parenthesized_expression' && args(r)[0]) r = args(r)[0];
    if (r.type === 'unary_expression') r = r.childForFieldName('operand') ?? r;
    // the same variable: declared in this function, or a package-level Dialer used anywhere (not shadowed)
    const litFn = enclosingFunc(lit);
    const matchesVar = varName !== null && r.type === 'identifier' && r.text === varName &&
      (litFn ? enclosingFunc(recv)?.id === litFn.id : ctx.ev.binding(varName, recv.startIndex, ctx.unit.scopeAt(recv.startIndex)) === ctx.ev.binding(varName, 0, ctx.unit.globals));
    if (matchesVar || r.id === lit.id) uses.push({ method, args: args(role(u, 'args')), node: cap(u, 'sockuse')! });
  }
  const networks = new Set<string | null>();
  const addrs: (string | null)[] = [];
  for (const u of uses) {
    const withCtx = u.method === 'DialContext' || type === 'ListenConfig';
    const netNode = u.args[withCtx ? 1 : 0];
    const addrNode = u.args[withCtx ? 2 : 1];
    if (!['Dial', 'DialContext', 'Listen', 'ListenPacket'].includes(u.method)) continue;
    networks.add(strOf(ctx, netNode ?? null));
    addrs.push(strOf(ctx, addrNode ?? null));
  }
  const net = networks.size === 1 ? [...networks][0] : null;
  const p = networkProto(net);
  sc.proto = p.proto;
  sc.family = p.family;
  // Events happen after Control whatever the source order; where their natural place (e.g. a
  // LocalAddr field above Control:) precedes the call, point at the literal's closing brace so
  // that span order agrees with execution order.
  const litEnd: Span = { line: lit.endPosition.row, column: Math.max(0, lit.endPosition.column - 1), endLine: lit.endPosition.row, endColumn: lit.endPosition.column };
  const afterCall = (n: Node): Span => (n.startIndex > control.startIndex ? spanOf(n) : litEnd);
  const span = uses[0] ? afterCall(uses[0].node) : litEnd;
  if (type === 'Dialer') {
    const laddr = keyedValue(body, 'LocalAddr');
    if (laddr) after.push({ kind: 'bind', port: sockaddrPort(ctx, laddr), span: afterCall(laddr) });
    after.push({ kind: 'connect', span });
  } else {
    const ports = new Set(addrs.map((a) => (a === null ? null : portOfAddress(a))));
    const port = ports.size === 1 ? [...ports][0] : null;
    after.push({ kind: 'bind', port, span });
    if (uses.some((u) => u.method === 'Listen')) after.push({ kind: 'listen', span });
  }
}
