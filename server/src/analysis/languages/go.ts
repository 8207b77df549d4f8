/**
 * Go adapter: turns matches of queries/go.scm into call sites of IP_LOCAL_PORT_RANGE
 * (spec §2). Folds Go constant expressions with Go's typed integer arithmetic (a uint16
 * shifted by 16 is 0), conversions, consts and locals assigned once, byte buffers filled by
 * encoding/binary's PutUint16/PutUint32/Append*, and derives the socket context from the
 * net.Dialer / net.ListenConfig that owns a Control closure. Unknown = null, never a guess.
 */
import type { Node, QueryMatch } from 'web-tree-sitter';
import type { ByteOrder, DecodedValue, Operand, SocketContext, SocketEvent, Span, SyntacticFacts } from '../callSite';
import type { AdapterInput, LanguageAdapter, RawCallSite } from './types';
import { cap, role } from '../core/captures';
import { type OptInfo, type HelperSite, collectCallSites, assembleSite, argumentAt, reachesParam } from '../core/driver';
import { portOfAddress } from '../core/events';
import { type ExprSyntax, shiftOrParts, orderLabel, decoded, type Intended, halvesOf, intendedFromHalves, intendedFromShiftOr } from '../core/halves';
import { matchesIn, topLevelRanges } from '../core/matches';
import { args, walk, identifiersIn, spanOf, operand, budgeted, Budget, IP_LOCAL_PORT_RANGE } from '../core/tree';
import { bytesOf, wrapBits, kernelRead } from '../core/numeric';

// ---------------------------------------------------------------- constants

/** golang.org/x/sys/unix (linux) values; IP_LOCAL_PORT_RANGE since v0.21.0 (spec §0). */
const UNIX: Record<string, number> = {
  SOL_IP: 0, IPPROTO_IP: 0, SOL_SOCKET: 1, SOL_TCP: 6, SOL_UDP: 17, IPPROTO_TCP: 6, IPPROTO_UDP: 17,
  IPPROTO_IPV6: 0x29, SOL_IPV6: 0x29, IPPROTO_SCTP: 0x84, IPPROTO_MPTCP: 0x106, IPPROTO_ICMP: 1, IPPROTO_RAW: 0xff,
  IP_LOCAL_PORT_RANGE: 0x33, IP_PROTOCOL: 0x34, IP_BIND_ADDRESS_NO_PORT: 0x18, IPV6_RECVHOPLIMIT: 0x33,
  SO_ATTACH_REUSEPORT_CBPF: 0x33, SO_REUSEADDR: 2, SO_REUSEPORT: 0xf, SO_KEEPALIVE: 9, SO_RCVBUF: 8, SO_SNDBUF: 7,
  IP_TOS: 1, IP_TTL: 2, IPV6_V6ONLY: 0x1a, AF_INET: 2, AF_INET6: 0xa, AF_UNIX: 1,
  SOCK_STREAM: 1, SOCK_DGRAM: 2, SOCK_RAW: 3, SOCK_SEQPACKET: 5, SOCK_NONBLOCK: 0x800, SOCK_CLOEXEC: 0x80000,
};
/** Go's frozen syscall package: no IP_LOCAL_PORT_RANGE, no IP_BIND_ADDRESS_NO_PORT, no IPPROTO_MPTCP. */
const SYSCALL: Record<string, number> = Object.fromEntries(
  Object.entries(UNIX).filter(([k]) => !['IP_LOCAL_PORT_RANGE', 'IP_PROTOCOL', 'IP_BIND_ADDRESS_NO_PORT', 'IPPROTO_MPTCP', 'SO_ATTACH_REUSEPORT_CBPF'].includes(k)),
);
const OTHER_OPTION_51 = new Set(['IPV6_RECVHOPLIMIT', 'SO_ATTACH_REUSEPORT_CBPF']);
const RANGE_NAME = 'IP_LOCAL_PORT_RANGE';

type IntType = 'untyped' | 'int' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'uintptr';
const WIDTH: Record<Exclude<IntType, 'untyped'>, [number, boolean]> = {
  int: [64, true], int8: [8, true], int16: [16, true], int32: [32, true], int64: [64, true],
  uint: [64, false], uint8: [8, false], uint16: [16, false], uint32: [32, false], uint64: [64, false], uintptr: [64, false],
};
function intType(name: string): IntType | null {
  if (name === 'byte') return 'uint8';
  if (name === 'rune') return 'int32';
  return name in WIDTH ? (name as IntType) : null;
}

// ---------------------------------------------------------------- values

type GoVal =
  | { k: 'int'; v: bigint; t: IntType }
  | { k: 'str'; v: string }
  | { k: 'bytes'; v: (number | null)[]; order: ByteOrder; form: string; intended: Intended | null; half?: { v: bigint | null; text: string } }
  | { k: 'pkg'; path: 'unix' | 'syscall' | 'binary' | 'net' | 'other' }
  | { k: 'endian'; order: 'little' | 'big' | 'host' };

type Binding =
  | { kind: 'expr'; node: Node; scope: Scope; type: IntType | null; decl: Node; name?: string }
  | { kind: 'value'; value: GoVal }
  | { kind: 'param'; node: Node; type: IntType | null }
  /** A func whose body is a single `return expr` can be followed with constant arguments. */
  | { kind: 'function'; node: Node }
  | { kind: 'unknown' };

interface Scope {
  parent: Scope | null;
  names: Map<string, Binding>;
  fn: Node | null;
}

const UNKNOWN: Binding = { kind: 'unknown' };
const MAX_INT = 1n << 128n;
/** Folding steps allowed per call site (and per helper call): bounds hostile input. */
const PER_SITE_STEPS = 50_000;
const FUNC_NODES = ['function_declaration', 'method_declaration', 'func_literal'];

interface Ctx {
  host: 'little' | 'big';
  budget: Budget;
  visiting: Set<number>;
  pkg: Scope;
  scopes: Map<number, Scope>;
  imports: Map<string, GoVal & { k: 'pkg' }>;
  root: Node;
  /** Identifiers whose address is taken somewhere (&x). */
  addressed: Set<string>;
}



function enclosingFunc(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (FUNC_NODES.includes(p.type)) return p;
  return null;
}

function scopeOf(ctx: Ctx, n: Node): Scope {
  const fn = enclosingFunc(n);
  return fn ? functionScope(ctx, fn) : ctx.pkg;
}

function addBinding(scope: Scope, name: string, b: Binding): void {
  if (name === '_') return;
  if (scope.names.has(name)) scope.names.set(name, UNKNOWN);
  else scope.names.set(name, b);
}

/** Parse a Go integer literal: 0x9C40, 0o17, 017 (octal), 0b1, 40_000. */
export function parseGoInt(text: string): bigint | null {
  const t = text.replace(/_/g, '');
  if (t.length === 0 || t.length > 300) return null;
  try {
    if (/^0[xX][0-9a-fA-F]+$/.test(t) || /^0[bB][01]+$/.test(t) || /^0[oO][0-7]+$/.test(t)) return BigInt(t);
    if (/^0[0-7]+$/.test(t)) return BigInt('0o' + t.slice(1));
    if (/^[0-9]+$/.test(t)) return BigInt(t);
  } catch {
    return null;
  }
  return null;
}

function typeOfNode(n: Node | null): IntType | null {
  if (!n) return null;
  if (n.type === 'type_identifier') return intType(n.text);
  return null;
}

/** Collect const/var/:= bindings of one function (or the package), not entering nested functions. */
function collectBindings(body: Node, scope: Scope): void {
  walk(body, (n) => {
    switch (n.type) {
      case 'const_declaration': {
        // Implicit repetition (`b` after `a = iota`) has no value of its own: unknown.
        for (const spec of args(n)) {
          if (spec.type !== 'const_spec') continue;
          const names = spec.childrenForFieldName('name').filter((c): c is Node => c !== null && c.isNamed);
          const valueList = spec.childForFieldName('value');
          const values = valueList ? args(valueList) : [];
          const type = typeOfNode(spec.childForFieldName('type'));
          names.forEach((nm, i) => {
            const v = values[i];
            const usesIota = v ? v.text.includes('iota') : true;
            addBinding(scope, nm.text, v && !usesIota ? { kind: 'expr', node: v, scope, type, decl: spec } : UNKNOWN);
          });
        }
        return;
      }
      case 'var_spec': {
        const names = n.childrenForFieldName('name').filter((c): c is Node => c !== null && c.isNamed);
        const valueList = n.childForFieldName('value');
        const values = valueList ? args(valueList) : [];
        const typeNode = n.childForFieldName('type');
        const type = typeOfNode(typeNode);
        names.forEach((nm, i) => {
          if (values.length === names.length) addBinding(scope, nm.text, { kind: 'expr', node: values[i], scope, type, decl: n, name: nm.text });
          else if (values.length === 0 && typeNode) addBinding(scope, nm.text, { kind: 'expr', node: typeNode, scope, type, decl: n, name: nm.text }); // zero value / buffer
          else addBinding(scope, nm.text, UNKNOWN);
        });
        return;
      }
      case 'short_var_declaration': {
        const left = args(n.childForFieldName('left'));
        const right = args(n.childForFieldName('right'));
        // `conn, err := net.Dial(...)`: the first name is the call's first result.
        const firstOfCall = right.length === 1 && left.length > 1 && right[0].type === 'call_expression';
        left.forEach((l, i) => {
          if (l.type !== 'identifier') return;
          if (right.length === left.length) addBinding(scope, l.text, { kind: 'expr', node: right[i], scope, type: null, decl: n, name: l.text });
          else if (firstOfCall && i === 0) addBinding(scope, l.text, { kind: 'expr', node: right[0], scope, type: null, decl: n, name: l.text });
          else addBinding(scope, l.text, UNKNOWN);
        });
        return;
      }
      case 'assignment_statement': {
        for (const l of args(n.childForFieldName('left'))) if (l.type === 'identifier') addBinding(scope, l.text, UNKNOWN);
        return;
      }
      case 'inc_statement':
      case 'dec_statement': {
        const t = args(n)[0];
        if (t?.type === 'identifier') addBinding(scope, t.text, UNKNOWN);
        return;
      }
      case 'range_clause': {
        for (const l of args(n.childForFieldName('left'))) if (l.type === 'identifier') addBinding(scope, l.text, UNKNOWN);
        return;
      }
      case 'function_declaration':
      case 'method_declaration':
        if (n.id !== body.id && n.type === 'function_declaration') {
          const nm = n.childForFieldName('name');
          if (nm) addBinding(scope, nm.text, { kind: 'function', node: n });
        }
        return;
    }
  }, FUNC_NODES);
}

function paramsOf(fn: Node): { name: string; type: IntType | null; node: Node }[] {
  const out: { name: string; type: IntType | null; node: Node }[] = [];
  for (const p of args(fn.childForFieldName('parameters'))) {
    if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
    const type = typeOfNode(p.childForFieldName('type'));
    const names = p.childrenForFieldName('name').filter((c): c is Node => c !== null && c.isNamed);
    if (names.length === 0) out.push({ name: '_', type, node: p });
    for (const nm of names) out.push({ name: nm.text, type: p.type === 'variadic_parameter_declaration' ? null : type, node: p });
  }
  return out;
}

function importsOf(root: Node): Map<string, GoVal & { k: 'pkg' }> {
  const imports = new Map<string, GoVal & { k: 'pkg' }>();
  for (const decl of args(root)) {
    if (decl.type !== 'import_declaration') continue;
    walk(decl, (n) => {
      if (n.type !== 'import_spec') return;
      const path = n.childForFieldName('path')?.text.replace(/^["`]|["`]$/g, '') ?? '';
      const alias = n.childForFieldName('name')?.text;
      const kind = path === 'golang.org/x/sys/unix' ? 'unix' : path === 'syscall' ? 'syscall' : path === 'encoding/binary' ? 'binary' : path === 'net' ? 'net' : 'other';
      const local = alias && alias !== '.' && alias !== '_' ? alias : path.split('/').pop() ?? path;
      imports.set(local, { k: 'pkg', path: kind });
    }, []);
  }
  return imports;
}

/** Package scope (top-level const/var/func): a package var assigned anywhere is never known. */
function poisonPackageVars(pkg: Scope, assigned: Set<string>): Scope {
  for (const name of assigned) {
    const b = pkg.names.get(name);
    if (b?.kind === 'expr' && b.decl.type === 'var_spec') pkg.names.set(name, UNKNOWN);
  }
  return pkg;
}

/** The scope of a function or closure, built on first use. */
function functionScope(ctx: Ctx, fn: Node): Scope {
  const known = ctx.scopes.get(fn.id);
  if (known) return known;
  const outer = enclosingFunc(fn);
  const s: Scope = { parent: outer ? functionScope(ctx, outer) : ctx.pkg, names: new Map(), fn };
  for (const p of paramsOf(fn)) s.names.set(p.name, { kind: 'param', node: p.node, type: p.type });
  const body = fn.childForFieldName('body');
  if (body) collectBindings(body, s);
  ctx.scopes.set(fn.id, s);
  return s;
}

function lookup(ctx: Ctx, name: string, scope: Scope): Binding | null {
  for (let s: Scope | null = scope; s; s = s.parent) {
    const b = s.names.get(name);
    if (b) return b;
  }
  const imp = ctx.imports.get(name);
  if (imp) return { kind: 'value', value: imp };
  // Snippets without imports: the conventional package names.
  if (name === 'unix' || name === 'syscall' || name === 'binary' || name === 'net') return { kind: 'value', value: { k: 'pkg', path: name } };
  return null;
}

// ---------------------------------------------------------------- evaluation

function mkInt(v: bigint, t: IntType): GoVal | null {
  if (t === 'untyped') return v > MAX_INT || v < -MAX_INT ? null : { k: 'int', v, t };
  const [bits, signed] = WIDTH[t];
  return { k: 'int', v: wrapBits(v, bits, signed), t };
}

function ev(ctx: Ctx, n: Node | null, scope: Scope): GoVal | null {
  return n ? budgeted(ctx.budget, () => evInner(ctx, n, scope)) : null;
}

function evInt(ctx: Ctx, n: Node | null, scope: Scope): { v: bigint; t: IntType } | null {
  const v = ev(ctx, n, scope);
  return v && v.k === 'int' ? v : null;
}

function evBinding(ctx: Ctx, b: Binding | null): GoVal | null {
  if (!b) return null;
  if (b.kind === 'value') return b.value;
  if (b.kind !== 'expr') return null;
  if (ctx.visiting.has(b.node.id)) return null;
  ctx.visiting.add(b.node.id);
  try {
    const v = ev(ctx, b.node, b.scope);
    // a variable whose address is taken may be written through the pointer
    if (v && v.k === 'int' && b.name && ctx.addressed.has(b.name)) return null;
    if (v && v.k === 'int') {
      // `x := 5` gives int; a declared type converts.
      const t: IntType = b.type ?? (b.decl.type === 'const_spec' ? v.t : v.t === 'untyped' ? 'int' : v.t);
      return mkInt(v.v, t);
    }
    return v;
  } finally {
    ctx.visiting.delete(b.node.id);
  }
}

function goString(n: Node): string | null {
  if (n.type === 'raw_string_literal') return n.text.slice(1, -1);
  let s = '';
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'interpreted_string_literal_content') s += c.text;
    else if (c.type === 'escape_sequence') {
      const e = c.text;
      const x = /^\\x([0-9a-fA-F]{2})$/.exec(e);
      const o = /^\\([0-7]{3})$/.exec(e);
      if (x) s += String.fromCharCode(parseInt(x[1], 16));
      else if (o) s += String.fromCharCode(parseInt(o[1], 8) & 0xff);
      else if (e === '\\n') s += '\n';
      else if (e === '\\t') s += '\t';
      else if (e === '\\\\') s += '\\';
      else if (e === '\\"') s += '"';
      else if (e === '\\0') s += '\0';
      else return null;
    }
  }
  return s;
}

function evInner(ctx: Ctx, n: Node, scope: Scope): GoVal | null {
  switch (n.type) {
    case 'int_literal': {
      const v = parseGoInt(n.text);
      return v === null ? null : { k: 'int', v, t: 'untyped' };
    }
    case 'rune_literal': {
      const inner = n.text.slice(1, -1);
      if (inner.length === 1) return { k: 'int', v: BigInt(inner.charCodeAt(0)), t: 'untyped' };
      const x = /^\\x([0-9a-fA-F]{2})$/.exec(inner);
      return x ? { k: 'int', v: BigInt(parseInt(x[1], 16)), t: 'untyped' } : null;
    }
    case 'interpreted_string_literal':
    case 'raw_string_literal': {
      const s = goString(n);
      return s === null ? null : { k: 'str', v: s };
    }
    case 'parenthesized_expression':
      return ev(ctx, args(n)[0] ?? null, scope);
    case 'nil':
      return { k: 'bytes', v: [], order: 'unknown', form: 'bytes', intended: null };
    case 'identifier':
      return evBinding(ctx, lookup(ctx, n.text, scope));
    case 'selector_expression': {
      const obj = ev(ctx, n.childForFieldName('operand'), scope);
      const field = n.childForFieldName('field')?.text ?? '';
      if (obj?.k === 'pkg') {
        if (obj.path === 'unix' && field in UNIX) return { k: 'int', v: BigInt(UNIX[field]), t: 'untyped' };
        if (obj.path === 'syscall' && field in SYSCALL) return { k: 'int', v: BigInt(SYSCALL[field]), t: 'untyped' };
        if (obj.path === 'binary') {
          if (field === 'LittleEndian') return { k: 'endian', order: 'little' };
          if (field === 'BigEndian') return { k: 'endian', order: 'big' };
          if (field === 'NativeEndian') return { k: 'endian', order: 'host' };
        }
      }
      return null;
    }
    case 'unary_expression': {
      const op = n.childForFieldName('operator')?.text ?? n.child(0)?.text;
      const v = evInt(ctx, n.childForFieldName('operand'), scope);
      if (!v) return null;
      if (op === '-') return mkInt(-v.v, v.t);
      if (op === '+') return v.t === 'untyped' ? { k: 'int', v: v.v, t: v.t } : mkInt(v.v, v.t);
      if (op === '^') {
        if (v.t === 'untyped') return mkInt(-v.v - 1n, v.t);
        const [bits, signed] = WIDTH[v.t];
        return mkInt(signed ? -v.v - 1n : ((1n << BigInt(bits)) - 1n) ^ v.v, v.t);
      }
      return null;
    }
    case 'binary_expression': {
      const op = n.childForFieldName('operator')?.text;
      const l = evInt(ctx, n.childForFieldName('left'), scope);
      const r = evInt(ctx, n.childForFieldName('right'), scope);
      if (!l || !r) return null;
      // Shifts take the left operand's type; others the typed operand's (mixing is a compile error).
      const t: IntType = op === '<<' || op === '>>' ? l.t : l.t !== 'untyped' ? l.t : r.t;
      const a = l.v;
      const b = r.v;
      let res: bigint;
      switch (op) {
        case '+': res = a + b; break;
        case '-': res = a - b; break;
        case '*': res = a * b; break;
        case '/': if (b === 0n) return null; res = a / b; break; // truncates toward zero like Go
        case '%': if (b === 0n) return null; res = a % b; break;
        case '<<': if (b < 0n || b > 256n) return null; res = a << b; break;
        case '>>': if (b < 0n) return null; res = b > 1024n ? (a < 0n ? -1n : 0n) : a >> b; break;
        case '|': res = a | b; break;
        case '&': res = a & b; break;
        case '^': res = a ^ b; break;
        case '&^': res = a & ~b; break;
        default: return null;
      }
      return mkInt(res, t);
    }
    case 'call_expression':
      return evCall(ctx, n, scope);
    case 'composite_literal':
      return evByteLiteral(ctx, n, scope);
    case 'array_type': {
      // zero value of `var buf [4]byte`
      const len = evInt(ctx, n.childForFieldName('length'), scope);
      const elem = n.childForFieldName('element')?.text;
      if (!len || (elem !== 'byte' && elem !== 'uint8') || len.v < 0n || len.v > 64n) return null;
      return { k: 'bytes', v: new Array<number>(Number(len.v)).fill(0), order: 'unknown', form: 'bytes', intended: null };
    }
    case 'type_identifier': {
      const t = intType(n.text);
      return t ? { k: 'int', v: 0n, t } : null; // zero value of `var x uint32`
    }
    default:
      return null;
  }
}

function evByteLiteral(ctx: Ctx, n: Node, scope: Scope): GoVal | null {
  const type = n.childForFieldName('type');
  const elem = type?.childForFieldName('element')?.text;
  if (!type || (elem !== 'byte' && elem !== 'uint8')) return null;
  const body = args(n.childForFieldName('body'));
  let len = body.length;
  if (type.type === 'array_type') {
    const l = evInt(ctx, type.childForFieldName('length'), scope);
    if (!l || l.v > 64n) return null;
    len = Number(l.v);
  }
  if (len > 64 || body.length > len || body.some((c) => c.type === 'keyed_element')) return null;
  const out: (number | null)[] = new Array<number>(len).fill(0);
  body.forEach((c, i) => {
    const v = evInt(ctx, args(c)[0] ?? c, scope);
    out[i] = v ? Number(wrapBits(v.v, 8, false)) : null;
  });
  return { k: 'bytes', v: out, order: 'unknown', form: 'bytes', intended: null };
}

function evCall(ctx: Ctx, n: Node, scope: Scope): GoVal | null {
  const fn = n.childForFieldName('function');
  const a = args(n.childForFieldName('arguments'));
  if (!fn) return null;
  const userFn = fn.type === 'identifier' ? lookup(ctx, fn.text, scope) : null;
  if (userFn?.kind === 'function') {
    const followed = followReturn(ctx, userFn.node, a, scope);
    if (!followed || ctx.visiting.has(userFn.node.id)) return null;
    ctx.visiting.add(userFn.node.id);
    try {
      const v = ev(ctx, followed.expr, followed.scope);
      return v && v.k === 'int' && followed.result ? mkInt(v.v, followed.result) : v;
    } finally {
      ctx.visiting.delete(userFn.node.id);
    }
  }
  // conversions: uint32(x), int(x), byte(x), string(b)
  if (fn.type === 'identifier' && lookup(ctx, fn.text, scope) === null) {
    const t = intType(fn.text);
    if (t && a.length === 1) {
      const v = evInt(ctx, a[0], scope);
      return v ? mkInt(v.v, t) : null;
    }
    if (fn.text === 'string' && a.length === 1) {
      const v = ev(ctx, a[0], scope);
      return v?.k === 'bytes' || v?.k === 'str' ? v : null;
    }
    if (fn.text === 'make' && a.length >= 2) {
      const len = evInt(ctx, a[1], scope);
      const elem = a[0].childForFieldName('element')?.text;
      if (a[0].type !== 'slice_type' || (elem !== 'byte' && elem !== 'uint8') || !len || len.v < 0n || len.v > 64n) return null;
      return { k: 'bytes', v: new Array<number>(Number(len.v)).fill(0), order: 'unknown', form: 'bytes', intended: null };
    }
    if (fn.text === 'len' && a.length === 1) {
      const v = ev(ctx, a[0], scope);
      if (v?.k === 'bytes') return { k: 'int', v: BigInt(v.v.length), t: 'int' };
      if (v?.k === 'str') return { k: 'int', v: BigInt(v.v.length), t: 'int' };
      return null;
    }
  }
  // binary.LittleEndian.AppendUint32(nil, v) / AppendUint16(prefix, v)
  if (fn.type === 'selector_expression') {
    const field = fn.childForFieldName('field')?.text ?? '';
    const m = /^AppendUint(16|32|64)$/.exec(field);
    if (m && a.length === 2) {
      const endian = ev(ctx, fn.childForFieldName('operand'), scope);
      if (endian?.k !== 'endian') return null;
      const prefix = ev(ctx, a[0], scope);
      const v = evInt(ctx, a[1], scope);
      if (prefix?.k !== 'bytes') return null;
      const size = Number(m[1]) / 8;
      const order = endian.order === 'host' ? ctx.host : endian.order;
      const add: (number | null)[] = v ? bytesOf(v.v, size, order) : new Array<number | null>(size).fill(null);
      const byteOrder: ByteOrder = endian.order === 'host' ? 'host' : endian.order;
      const valueNode = stripConv(a[1]);
      let intended: Intended | null = null;
      let half: { v: bigint | null; text: string } | undefined;
      if (prefix.v.length === 0 && size === 4) intended = intendedOf(ctx, a[1], scope);
      if (prefix.v.length === 0 && size === 2) half = { v: evInt(ctx, valueNode, scope)?.v ?? null, text: valueNode.text };
      if (prefix.v.length === 2 && size === 2 && prefix.half) {
        intended = intendedFromHalves(valueNode.text, evInt(ctx, valueNode, scope)?.v ?? null, prefix.half.text, prefix.half.v);
      }
      return { k: 'bytes', v: [...prefix.v, ...add], order: prefix.v.length ? (prefix.order === byteOrder ? byteOrder : 'unknown') : byteOrder, form: `AppendUint${m[1]}`, intended, half };
    }
  }
  return null;
}

/**
 * One level of helper: `func f(lo, hi uint16) uint32 { return <expr> }` called with
 * arguments: the returned expression in a scope where the parameters are the arguments.
 */
function followReturn(ctx: Ctx, fn: Node, callArgs: Node[], callerScope: Scope): { expr: Node; scope: Scope; result: IntType | null } | null {
  const body = fn.childForFieldName('body');
  const stmts = args(body?.namedChildren.find((c) => c?.type === 'statement_list') ?? body);
  if (stmts.length !== 1 || stmts[0].type !== 'return_statement') return null;
  const list = args(stmts[0]);
  const exprs = list[0]?.type === 'expression_list' ? args(list[0]) : list;
  if (exprs.length !== 1) return null;
  const bound = bindParams(ctx, fn, callArgs, callerScope);
  if (!bound) return null;
  return { expr: exprs[0], scope: bound.scope, result: typeOfNode(fn.childForFieldName('result')) };
}

// ---------------------------------------------------------------- intended halves

function stripConv(n: Node): Node {
  let cur = n;
  for (let i = 0; i < 20; i++) {
    if (cur.type === 'parenthesized_expression' && args(cur)[0]) { cur = args(cur)[0]; continue; }
    if (cur.type === 'call_expression') {
      const f = cur.childForFieldName('function');
      const a = args(cur.childForFieldName('arguments'));
      if (f?.type === 'identifier' && intType(f.text) && a.length === 1) { cur = a[0]; continue; }
    }
    break;
  }
  return cur;
}

/** Go's expression shapes for the packing heuristics (conversions and parentheses stripped). */
const GO_SYNTAX: ExprSyntax = { binary: 'binary_expression', intLiteral: 'int_literal', parseInt: (t) => parseGoInt(t), strip: (n) => stripConv(n) };

/** Halves the author meant for an integer expression (see fold.intendedFromHalves). */
function intendedOf(ctx: Ctx, node: Node, scope: Scope, depth = 0): Intended {
  const n = stripConv(node);
  if (n.type === 'identifier' && depth < 8) {
    const b = lookup(ctx, n.text, scope);
    if (b?.kind === 'expr') return intendedOf(ctx, b.node, b.scope, depth + 1);
  }
  if (n.type === 'call_expression' && depth < 8) {
    const f = n.childForFieldName('function');
    const b = f?.type === 'identifier' ? lookup(ctx, f.text, scope) : null;
    if (b?.kind === 'function') {
      const followed = followReturn(ctx, b.node, args(n.childForFieldName('arguments')), scope);
      if (followed) return intendedOf(ctx, followed.expr, followed.scope, depth + 1);
    }
  }
  const parts = shiftOrParts(n, GO_SYNTAX);
  if (parts) {
    const u = stripConv(parts.upper);
    const lo = stripConv(parts.lower);
    return intendedFromShiftOr(u.text, evInt(ctx, u, scope)?.v ?? null, lo.text, evInt(ctx, lo, scope)?.v ?? null);
  }
  return halvesOf(evInt(ctx, node, scope)?.v ?? null);
}

// ---------------------------------------------------------------- byte buffers

/** The buffer variable behind `b`, `b[:]`, `b[0:]`, `string(b[:])`, and the offset it starts at. */
function bufferRef(n: Node): { name: string; start: Node | null; node: Node } | null {
  let cur = n;
  while (cur.type === 'parenthesized_expression' && args(cur)[0]) cur = args(cur)[0];
  if (cur.type === 'identifier') return { name: cur.text, start: null, node: cur };
  if (cur.type === 'slice_expression') {
    const op = cur.childForFieldName('operand');
    if (op?.type === 'identifier') return { name: op.text, start: cur.childForFieldName('start'), node: op };
  }
  return null;
}

function insideLoopOrBranch(n: Node, stop: Node): boolean {
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent) {
    if (['for_statement', 'if_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement', 'func_literal'].includes(p.type)) {
      return !(stop.startIndex >= p.startIndex && stop.endIndex <= p.endIndex);
    }
  }
  return false;
}

interface BufferResult {
  bytes: (number | null)[];
  order: ByteOrder;
  form: string;
  intended: Intended | null;
}

/**
 * Replay the writes to a byte buffer declared once in scope, up to the point of use:
 * binary.X.PutUint16/32/64(buf[off:], v), buf[i] = v. Any other use of the buffer
 * (passed elsewhere, copied into, reassigned) makes its content unknown.
 */
function evalBuffer(ctx: Ctx, ref: { name: string; node: Node }, use: Node, scope: Scope): BufferResult | null {
  const b = lookup(ctx, ref.name, scope);
  if (b?.kind !== 'expr') return null;
  const init = ev(ctx, b.node, b.scope);
  if (init?.k !== 'bytes') return null;
  const bytes = [...init.v];
  const declFn = b.scope.fn;
  const region = declFn?.childForFieldName('body') ?? ctx.root;
  const orders = new Set<string>();
  const halves: { off: number; v: bigint | null; text: string; size: number }[] = [];
  let forms = new Set<string>();
  let unknown = false;
  const writes: Node[] = [];
  walk(region, (n) => {
    if (n.type !== 'identifier' || n.text !== ref.name) return;
    if (b.decl.startIndex <= n.startIndex && n.endIndex <= b.decl.endIndex) return; // the declaration
    if (lookup(ctx, ref.name, scopeOf(ctx, n)) !== b) return; // another variable of that name
    writes.push(n);
  }, []);
  writes.sort((x, y) => x.startIndex - y.startIndex);
  for (const occ of writes) {
    if (occ.startIndex >= use.startIndex && enclosingFunc(occ)?.id === enclosingFunc(use)?.id) break; // later code
    let p = occ.parent;
    if (!p) continue;
    if (p.type === 'slice_expression' || (p.type === 'parenthesized_expression')) p = p.parent ?? p;
    // string(buf) / len(buf) at the use site itself are reads
    if (use.startIndex <= occ.startIndex && occ.endIndex <= use.endIndex) continue;
    if (p.type === 'argument_list') {
      const call = p.parent;
      const f = call?.childForFieldName('function');
      const field = f?.type === 'selector_expression' ? f.childForFieldName('field')?.text ?? '' : '';
      const m = /^PutUint(16|32|64)$/.exec(field);
      const callArgs = args(p);
      if (f?.type === 'identifier' && (f.text === 'string' || f.text === 'len')) continue; // reads
      if (!m || callArgs.length !== 2 || !call) { unknown = true; continue; }
      const endian = ev(ctx, f!.childForFieldName('operand'), scope);
      const target = bufferRef(callArgs[0]);
      if (endian?.k !== 'endian' || !target) { unknown = true; continue; }
      const off = target.start ? evInt(ctx, target.start, scope) : { v: 0n };
      if (!off) { unknown = true; continue; }
      if (insideLoopOrBranch(call, use)) { unknown = true; continue; }
      const size = Number(m[1]) / 8;
      const v = evInt(ctx, callArgs[1], scopeOf(ctx, call));
      const o = Number(off.v);
      if (o < 0 || o + size > bytes.length) { unknown = true; continue; } // would panic
      const order = endian.order === 'host' ? ctx.host : endian.order;
      const bs: (number | null)[] = v ? bytesOf(v.v, size, order) : new Array<null>(size).fill(null);
      bs.forEach((x, j) => { bytes[o + j] = x; });
      orders.add(endian.order === 'host' ? 'host' : endian.order);
      forms.add(`PutUint${m[1]}`);
      const hv = stripConv(callArgs[1]);
      halves.push({ off: o, v: size === 2 ? evInt(ctx, hv, scopeOf(ctx, call))?.v ?? null : null, text: hv.text, size });
      if (size === 4) halves[halves.length - 1].v = null;
      continue;
    }
    if (p.type === 'index_expression' && p.parent?.type === 'expression_list' && p.parent.parent?.type === 'assignment_statement' &&
        p.parent.id === p.parent.parent.childForFieldName('left')?.id) {
      const stmt = p.parent.parent;
      const lefts = args(p.parent);
      const rights = args(stmt.childForFieldName('right'));
      const idx = evInt(ctx, p.childForFieldName('index'), scope);
      const opText = stmt.children.find((c) => c !== null && /=$/.test(c.type))?.type ?? '=';
      if (!idx || lefts.length !== rights.length || opText !== '=' || insideLoopOrBranch(stmt, use)) { unknown = true; continue; }
      const i = Number(idx.v);
      if (i < 0 || i >= bytes.length) { unknown = true; continue; }
      const v = evInt(ctx, rights[lefts.findIndex((l) => l.id === p!.id)], scopeOf(ctx, stmt));
      bytes[i] = v ? Number(wrapBits(v.v, 8, false)) : null;
      forms.add('bytes');
      continue;
    }
    if (p.type === 'index_expression') continue; // a read
    unknown = true;
  }
  if (unknown) return { bytes: bytes.map(() => null), order: 'unknown', form: [...forms][0] ?? init.form, intended: null };
  if (forms.size === 0) forms = new Set([init.form]);
  const order: ByteOrder = orders.size === 1 ? ([...orders][0] as ByteOrder) : orders.size === 0 ? init.order : 'unknown';
  let intended: Intended | null = null;
  const putHalf = halves.filter((h) => h.size === 2);
  if (putHalf.length === 2 && putHalf.some((h) => h.off === 0) && putHalf.some((h) => h.off === 2)) {
    const first = putHalf.find((h) => h.off === 0)!;
    const second = putHalf.find((h) => h.off === 2)!;
    intended = intendedFromHalves(second.text, second.v, first.text, first.v);
  }
  // (a single PutUint32: decodeValue reads the structure of its argument, see put32Intended)
  return { bytes, order, form: forms.size === 1 ? [...forms][0] : 'bytes', intended };
}

// ---------------------------------------------------------------- option classification


function classifyOpt(ctx: Ctx, n: Node, scope: Scope, depth = 0): OptInfo {
  const v = evInt(ctx, n, scope);
  const num = v ? Number(v.v) : null;
  const base: OptInfo = { value: num, isRange: false, name: null, facts: {} };
  const s = stripConv(n);
  if (s.type === 'int_literal') {
    base.isRange = num === IP_LOCAL_PORT_RANGE;
    if (base.isRange) { base.facts.magicNumber = operand(s, num); base.name = RANGE_NAME; }
    if (num === 24) base.name = 'IP_BIND_ADDRESS_NO_PORT';
    return base;
  }
  if (s.type === 'selector_expression') {
    const field = s.childForFieldName('field')?.text ?? '';
    const obj = ev(ctx, s.childForFieldName('operand'), scope);
    base.name = field;
    if (field === RANGE_NAME) {
      base.isRange = true;
      if (obj?.k === 'pkg' && obj.path === 'syscall') {
        base.value = IP_LOCAL_PORT_RANGE; // the intent; the program does not compile
        base.facts.missingConstant = operand(s, IP_LOCAL_PORT_RANGE);
      }
      return base;
    }
    base.isRange = num === IP_LOCAL_PORT_RANGE && !OTHER_OPTION_51.has(field) && obj?.k !== 'pkg';
    return base;
  }
  if (s.type === 'identifier') {
    const b = lookup(ctx, s.text, scope);
    base.name = s.text;
    if (b?.kind === 'expr' && depth < 8) {
      const inner = classifyOpt(ctx, b.node, b.scope, depth + 1);
      const facts = { ...inner.facts };
      delete facts.magicNumber; // a named constant, even when it is 0x33
      const isRangeName = /^ip_?local_?port_?range$/i.test(s.text);
      if (isRangeName && num !== null && num !== IP_LOCAL_PORT_RANGE) facts.fallbackDefine = operand(b.decl, num);
      return { value: num ?? inner.value, isRange: isRangeName || inner.isRange, name: isRangeName ? RANGE_NAME : inner.name ?? s.text, facts, otherName: !isRangeName && (inner.otherName || !/range/i.test(s.text)) };
    }
    base.isRange = /^ip_?local_?port_?range$/i.test(s.text) || (num === IP_LOCAL_PORT_RANGE && !OTHER_OPTION_51.has(s.text));
    return base;
  }
  base.isRange = num === IP_LOCAL_PORT_RANGE;
  return base;
}

// ---------------------------------------------------------------- socket context

interface Matches {
  ops: QueryMatch[];
  configs: QueryMatch[];
  uses: QueryMatch[];
  sockopts: QueryMatch[];
  groups?: Map<string, { sockopts: QueryMatch[]; ops: QueryMatch[] }>;
  contexts: Map<string, GroupContext>;
}


function networkProto(net: string | null): { proto: SocketContext['proto']; family: 4 | 6 | null } {
  if (!net) return { proto: 'unknown', family: null };
  const fam = net.endsWith('4') ? 4 : net.endsWith('6') ? 6 : null;
  if (net.startsWith('tcp')) return { proto: 'tcp', family: fam };
  if (net.startsWith('udp')) return { proto: 'udp', family: fam };
  return { proto: 'unknown', family: fam };
}

/** The variable a composite literal (or &literal) is assigned to, if any. */
function assignedName(lit: Node): string | null {
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

function keyedValue(body: Node | null, key: string): Node | null {
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
function socketContext(ctx: Ctx, ms: Matches, call: Node, fdNode: Node | null, _scope: Scope): SocketContext {
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

function groupContext(ctx: Ctx, ms: Matches, key: string | null, control: { ctl: Node; inner: Node } | null): GroupContext {
  const sc: SocketContext = { proto: 'unknown', family: null, reuseAddr: false, bindAddressNoPort: false, events: [] };
  const before: { start: number; e: SocketEvent }[] = [];
  const after: SocketEvent[] = [];
  const group = key ? groupsOf(ms).get(key) ?? { sockopts: [], ops: [] } : { sockopts: [], ops: [] };
  // other options on the same fd (other IP_LOCAL_PORT_RANGE calls are call sites of their own)
  for (const m of group.sockopts) {
    const c = cap(m, 'sockopt')!;
    const a = args(role(m, 'args'));
    if (!/^Setsockopt/.test(role(m, 'name')?.text ?? '') || a.length < 4) continue;
    const s2 = scopeOf(ctx, c);
    const opt = classifyOpt(ctx, a[2], s2);
    if (opt.isRange) continue;
    const level = evInt(ctx, a[1], s2);
    let name = opt.name;
    if (opt.value === 2 && level?.v === 1n) name = 'SO_REUSEADDR';
    if (opt.value === 0x18 && level?.v === 0n) name = 'IP_BIND_ADDRESS_NO_PORT';
    if (!name) continue;
    const val = evInt(ctx, a[3], s2);
    if (val?.v !== 0n) {
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
      const s2 = scopeOf(ctx, c);
      if (method === 'Socket') {
        const dom = evInt(ctx, a[0] ?? null, s2);
        const typ = evInt(ctx, a[1] ?? null, s2);
        const pro = evInt(ctx, a[2] ?? null, s2);
        sc.family = dom?.v === 2n ? 4 : dom?.v === 10n ? 6 : null;
        const t = typ ? Number(typ.v & 0xffn) : null;
        sc.proto = pro?.v === 0x106n ? 'mptcp' : pro?.v === 0x84n ? 'sctp' : t === 1 ? 'tcp' : t === 2 ? 'udp' : 'unknown';
        before.push({ start: c.startIndex, e: { kind: 'socket', span: spanOf(c) } });
      } else if (method === 'Bind') {
        before.push({ start: c.startIndex, e: { kind: 'bind', port: sockaddrPort(ctx, a[1] ?? null, s2), span: spanOf(c) } });
      } else if (method === 'Connect') before.push({ start: c.startIndex, e: { kind: 'connect', span: spanOf(c) } });
      else if (method === 'Listen') before.push({ start: c.startIndex, e: { kind: 'listen', span: spanOf(c) } });
      else before.push({ start: c.startIndex, e: { kind: 'sendto', span: spanOf(c) } });
    }
  }
  return { sc, before, after };
}

/**
 * Follows an expression through `unwrap` (e.g. & or a type assertion) and locals assigned once,
 * a few steps deep: the expression that defines its value, or null at a name that is not known.
 */
function definitionOf(ctx: Ctx, n: Node, scope: Scope, unwrap: (cur: Node) => Node | null): Node | null {
  let cur = n;
  for (let i = 0; i < 8; i++) {
    const inner = unwrap(cur);
    if (inner) { cur = inner; continue; }
    if (cur.type !== 'identifier') break;
    const b = lookup(ctx, cur.text, scope);
    if (b?.kind !== 'expr') return null;
    cur = b.node;
  }
  return cur;
}

/** Port of &unix.SockaddrInet4{Port: N} (inline or a variable assigned once); absent Port = 0. */
function sockaddrPort(ctx: Ctx, n: Node | null, scope: Scope): number | null {
  if (!n) return null;
  const cur = definitionOf(ctx, n, scope, (c) => (c.type === 'unary_expression' ? c.childForFieldName('operand') : null));
  if (cur?.type !== 'composite_literal') return null;
  const port = keyedValue(cur.childForFieldName('body'), 'Port');
  if (!port) return 0;
  const v = evInt(ctx, port, scope);
  return v ? Number(v.v) : null;
}

/** Find the net.Dialer / net.ListenConfig (or RawConn source) that runs this Control function. */
function controlOwner(ctx: Ctx, ms: Matches, control: { ctl: Node; inner: Node }, sc: SocketContext,
  before: { start: number; e: SocketEvent }[], after: SocketEvent[]): void {
  const { ctl } = control;
  // RawConn of an existing connection: conn.SyscallConn() then rc.Control(...) — the socket already has its port.
  const ctrlCall = control.inner.parent?.parent;
  const rcNode = ctrlCall?.childForFieldName('function')?.childForFieldName('operand');
  if (ctl.type !== 'func_literal' || !isControlSignature(ctl)) {
    if (rcNode?.type === 'identifier') {
      const b = lookup(ctx, rcNode.text, scopeOf(ctx, ctrlCall!));
      const src = b?.kind === 'expr' ? b.node : null;
      if (src?.type === 'call_expression' && src.childForFieldName('function')?.childForFieldName('field')?.text === 'SyscallConn') {
        const connNode = src.childForFieldName('function')?.childForFieldName('operand');
        const origin = connNode ? connOrigin(ctx, connNode, scopeOf(ctx, src)) : null;
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
  const ps = paramsOf(fn);
  return ps.length === 3 && /RawConn$/.test(ps[2].node.childForFieldName('type')?.text ?? '');
}

/** The socket behind a net.Conn / Listener value: how it got its port. */
function connOrigin(ctx: Ctx, n: Node, scope: Scope): { network: string | null; events: SocketEvent[] } | null {
  const cur = definitionOf(ctx, n, scope, (c) =>
    c.type === 'type_assertion_expression' ? c.childForFieldName('operand') : c.type === 'parenthesized_expression' ? args(c)[0] ?? null : null);
  if (cur?.type !== 'call_expression') return null;
  const f = cur.childForFieldName('function');
  const name = f?.type === 'selector_expression' ? f.childForFieldName('field')?.text : null;
  const a = args(cur.childForFieldName('arguments'));
  const net = a[0] ? ev(ctx, a[0], scope) : null;
  const network = net?.k === 'str' ? net.v : null;
  const span = spanOf(cur);
  if (name === 'Dial' || name === 'DialTCP' || name === 'DialUDP' || name === 'DialTimeout') return { network, events: [{ kind: 'connect', span }] };
  if (name === 'Listen' || name === 'ListenTCP') {
    const addr = a[1] ? ev(ctx, a[1], scope) : null;
    return { network, events: [{ kind: 'bind', port: addr?.k === 'str' ? portOfAddress(addr.v) : null, span }, { kind: 'listen', span }] };
  }
  if (name === 'ListenPacket' || name === 'ListenUDP') {
    const addr = a[1] ? ev(ctx, a[1], scope) : null;
    return { network, events: [{ kind: 'bind', port: addr?.k === 'str' ? portOfAddress(addr.v) : null, span }] };
  }
  return null;
}

/**
 * What the owning net.Dialer / net.ListenConfig will do after Control returns (Go calls
 * Control after socket() and before bind()/connect()/listen(), whatever the source order):
 * Dialer: bind(LocalAddr) if set, then connect. ListenConfig: bind(address), then listen.
 */
function fromConfig(ctx: Ctx, ms: Matches, m: QueryMatch, sc: SocketContext, after: SocketEvent[], control: Node): void {
  const lit = cap(m, 'config')!;
  const type = role(m, 'type')?.text;
  const body = role(m, 'body');
  const scope = scopeOf(ctx, lit);
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
      (litFn ? enclosingFunc(recv)?.id === litFn.id : lookup(ctx, varName, scopeOf(ctx, recv)) === ctx.pkg.names.get(varName));
    if (matchesVar || r.id === lit.id) uses.push({ method, args: args(role(u, 'args')), node: cap(u, 'sockuse')! });
  }
  const networks = new Set<string | null>();
  const addrs: (string | null)[] = [];
  for (const u of uses) {
    const withCtx = u.method === 'DialContext' || type === 'ListenConfig';
    const netNode = u.args[withCtx ? 1 : 0];
    const addrNode = u.args[withCtx ? 2 : 1];
    if (!['Dial', 'DialContext', 'Listen', 'ListenPacket'].includes(u.method)) continue;
    const nv = netNode ? ev(ctx, netNode, scopeOf(ctx, u.node)) : null;
    networks.add(nv?.k === 'str' ? nv.v : null);
    const av = addrNode ? ev(ctx, addrNode, scopeOf(ctx, u.node)) : null;
    addrs.push(av?.k === 'str' ? av.v : null);
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
    if (laddr) after.push({ kind: 'bind', port: sockaddrPort(ctx, laddr, scope), span: afterCall(laddr) });
    after.push({ kind: 'connect', span });
  } else {
    const ports = new Set(addrs.map((a) => (a === null ? null : portOfAddress(a))));
    const port = ports.size === 1 ? [...ports][0] : null;
    after.push({ kind: 'bind', port, span });
    if (uses.some((u) => u.method === 'Listen')) after.push({ kind: 'listen', span });
  }
}

// ---------------------------------------------------------------- the adapter

const identifiersOf = (n: Node): string[] => identifiersIn(n, FUNC_NODES);

interface SockoptCall {
  call: Node;
  callee: Node;
  method: string;
  pkg: Node | null;
  args: Node[];
}

function findCallSites(input: AdapterInput): RawCallSite[] {
  const root = input.tree.rootNode;
  // Run the detection query only on top-level declarations that can matter: those containing a
  // *sockopt call, then those mentioning a function that encloses one (helper call sites, named
  // Control functions) or a package-level var (assignments that make it unknown).
  const first = topLevelRanges(root, input.text, ['sockopt']);
  const seenMatches = new Set<string>();
  let matches = matchesIn(input.query, root, first, seenMatches);
  const needles = new Set<string>();
  for (const m of matches) {
    const call = cap(m, 'sockopt');
    for (let f = call ? enclosingFunc(call) : null; f; f = enclosingFunc(f)) {
      const name = f.type === 'function_declaration' ? f.childForFieldName('name')?.text : undefined;
      if (name) needles.add(name);
    }
  }
  const pkg: Scope = { parent: null, names: new Map(), fn: null };
  collectBindings(root, pkg);
  for (const [name, b] of pkg.names) if (b.kind === 'expr' && b.decl.type === 'var_spec') needles.add(name);
  if (needles.size > 0) matches = matches.concat(matchesIn(input.query, root, topLevelRanges(root, input.text, [...needles], first, true), seenMatches));
  const assigned = new Set<string>();
  const addressed = new Set<string>();
  for (const m of matches) {
    for (const c of m.captures) {
      if (c.name === 'write.assigned') assigned.add(c.node.text);
      else if (c.name === 'write.addressed') addressed.add(c.node.text);
    }
  }
  const ctx: Ctx = {
    host: input.hostByteOrder, budget: new Budget(PER_SITE_STEPS), visiting: new Set(),
    pkg: poisonPackageVars(pkg, assigned), scopes: new Map(), imports: importsOf(root), root, addressed,
  };
  const ms: Matches = { ops: [], configs: [], uses: [], sockopts: [], contexts: new Map() };
  const calls: SockoptCall[] = [];
  for (const m of matches) {
    const names = new Set(m.captures.map((c) => c.name));
    if (names.has('sockopt')) {
      ms.sockopts.push(m);
      const call = cap(m, 'sockopt')!;
      calls.push({ call, callee: role(m, 'callee') ?? call, method: role(m, 'name')?.text ?? '', pkg: role(m, 'package'), args: args(role(m, 'args')) });
    } else if (names.has('sockop')) ms.ops.push(m);
    else if (names.has('config')) ms.configs.push(m);
    else if (names.has('sockuse')) ms.uses.push(m);
  }
  return collectCallSites<SockoptCall>({
    calls,
    matches,
    calleeName: (callee) => (callee.type === 'identifier' ? callee.text : callee.childForFieldName('field')?.text),
    enclosingNamed: (call) => {
      const fn = enclosingFunc(call);
      const name = fn?.type === 'function_declaration' ? fn.childForFieldName('name')?.text : undefined;
      return fn && name ? { fn, name } : null;
    },
    dependsOnParams: (sc, fn) => dependsOnParams(ctx, sc, fn),
    resetBudget: () => { ctx.budget = new Budget(PER_SITE_STEPS); },
    analyse: (sc, h) => {
      if (!h) return analyseCall(ctx, input, ms, sc, scopeOf(ctx, sc.call), null);
      const bound = bindParams(ctx, h.fn, h.args, scopeOf(ctx, h.call));
      return bound ? analyseCall(ctx, input, ms, sc, bound.scope, { call: h.call, callee: h.callee, helper: h.name, fdArg: bound.fdArg(sc) }) : null;
    },
  });
}


function dependsOnParams(ctx: Ctx, sc: SockoptCall, fn: Node): boolean {
  return reachesParam(sc.args.slice(1).flatMap((a) => identifiersOf(a)), functionScope(ctx, fn).names, FUNC_NODES);
}

function bindParams(ctx: Ctx, fn: Node, callArgs: Node[], callerScope: Scope): { scope: Scope; fdArg: (sc: SockoptCall) => Node | null } | null {
  const base = functionScope(ctx, fn);
  const ps = paramsOf(fn);
  if (callArgs.length !== ps.length) return null;
  const scope: Scope = { parent: base.parent, names: new Map(base.names), fn };
  const argOf = new Map<string, Node>();
  ps.forEach((p, i) => {
    if (p.name === '_') return;
    // arguments are converted to the parameter's type at the call
    scope.names.set(p.name, { kind: 'expr', node: callArgs[i], scope: callerScope, type: p.type ?? 'int', decl: callArgs[i] });
    argOf.set(p.name, callArgs[i]);
  });
  return {
    scope,
    fdArg: (sc) => {
      const fd = sc.args[0] ? stripConv(sc.args[0]) : null;
      return fd?.type === 'identifier' ? argOf.get(fd.text) ?? null : null;
    },
  };
}

interface WrapperSite extends HelperSite {
  fdArg: Node | null;
}

function analyseCall(ctx: Ctx, input: AdapterInput, ms: Matches, sc: SockoptCall, scope: Scope, wrapper: WrapperSite | null): RawCallSite | null {
  const op: 'set' | 'get' = /^[A-Za-z0-9]*[sS]etsockopt/.test(sc.method) ? 'set' : 'get';
  const a = sc.args;
  if (a.length < 3 || (op === 'set' && a.length < 4)) return null;
  const opt = classifyOpt(ctx, a[2], scope);
  if (!opt.isRange) return null;
  const levelEarly = evInt(ctx, a[1], scope);
  if (opt.otherName && levelEarly !== null && levelEarly.v !== 0n) return null; // e.g. hopLimit = 51 at IPPROTO_IPV6
  // At a helper call, an operand that is a parameter is shown (and judged) as the argument.
  const atCall = (n: Node): { node: Node; scope: Scope } | null => {
    const id = stripConv(n);
    return wrapper && id.type === 'identifier' ? argumentAt<Scope>(wrapper.call, lookup(ctx, id.text, scope)) : null;
  };
  const levelArg = atCall(a[1]);
  const optArg = atCall(a[2]);
  const facts: SyntacticFacts = wrapper ? (optArg ? { ...classifyOpt(ctx, optArg.node, optArg.scope).facts } : {}) : { ...opt.facts };
  const levelV = evInt(ctx, a[1], scope);
  const level: Operand = operand(levelArg?.node ?? a[1], levelV ? Number(levelV.v) : null);
  const optname: Operand = operand(optArg?.node ?? a[2], opt.value);
  let value: DecodedValue | null = null;
  let valueArg: { node: Node; scope: Scope } | null = null;
  if (op === 'set') {
    value = decodeValue(ctx, sc, a[3], scope, facts);
    valueArg = atCall(a[3]);
  }
  const socket = wrapper
    ? socketContext(ctx, ms, wrapper.call, wrapper.fdArg, scopeOf(ctx, wrapper.call))
    : socketContext(ctx, ms, sc.call, a[0], scope);
  return assembleSite(input.file, sc, wrapper, {
    language: 'go', op, level, optname, value, socket, facts,
    valueArgument: valueArg ? { node: valueArg.node, value: value?.packed ?? null } : null,
  });
}

function decodeValue(ctx: Ctx, sc: SockoptCall, valueNode: Node, scope: Scope, facts: SyntacticFacts): DecodedValue | null {
  const span = spanOf(valueNode);
  facts.valueExpr = operand(valueNode, null);
  const method = sc.method;
  if (/Int$/.test(method) || (!/String$|Byte$|Bytes$/.test(method) && sc.pkg === null)) {
    // SetsockoptInt: var n = int32(value); setsockopt(fd, level, opt, &n, 4) — host order, wraps silently.
    const v = evInt(ctx, valueNode, scope);
    const packed = v ? Number(wrapBits(v.v, 32, false)) : null;
    facts.valueExpr = operand(valueNode, packed);
    return decoded(packed, 'host', 4, 'int', intendedOf(ctx, valueNode, scope), span);
  }
  if (/Byte$/.test(method)) {
    const v = evInt(ctx, valueNode, scope);
    const b = v ? Number(wrapBits(v.v, 8, false)) : null;
    return decoded(b, 'host', 1, 'byte', null, span);
  }
  // SetsockoptString(fd, level, opt, string(buf)): optlen = len(s)
  let inner = valueNode;
  const f = inner.type === 'call_expression' ? inner.childForFieldName('function') : null;
  if (f?.type === 'identifier' && f.text === 'string') inner = args(inner.childForFieldName('arguments'))[0] ?? inner;
  const ref = bufferRef(inner);
  let res: BufferResult | null = null;
  if (ref) {
    const b = lookup(ctx, ref.name, scope);
    if (b?.kind === 'expr') {
      const direct = ev(ctx, b.node, b.scope);
      if (direct?.k === 'bytes' && (b.node.type === 'call_expression' && /Append/.test(b.node.text))) {
        res = { bytes: direct.v, order: direct.order, form: direct.form, intended: direct.intended };
      } else {
        res = evalBuffer(ctx, ref, sc.call, scope);
      }
    } else if (b?.kind === 'value' || b === null) {
      const v = ev(ctx, inner, scope);
      if (v?.k === 'str') res = { bytes: [...v.v].map((c) => c.charCodeAt(0) & 0xff), order: 'unknown', form: 'bytes', intended: null };
    }
    if (res && ref.start) {
      const s = evInt(ctx, ref.start, scope);
      res = s ? { ...res, bytes: res.bytes.slice(Number(s.v)) } : null;
    }
  } else {
    const v = ev(ctx, inner, scope);
    if (v?.k === 'bytes') res = { bytes: v.v, order: v.order, form: v.form, intended: v.intended };
    else if (v?.k === 'str') res = { bytes: [...v.v].map((c) => c.charCodeAt(0) & 0xff), order: 'unknown', form: 'bytes', intended: null };
  }
  if (!res) return null;
  const known = res.bytes.slice(0, 4).every((x) => x !== null);
  const packed = known ? kernelRead(res.bytes as number[], ctx.host) : null;
  facts.valueExpr = operand(valueNode, packed);
  let intended = res.intended;
  if (!intended && /PutUint32|AppendUint32/.test(res.form)) intended = put32Intended(ctx, ref?.name ?? null, inner, scope);
  return decoded(packed, orderLabel(res.order, ctx.host), res.bytes.length, res.form, intended, span);
}

/** intended halves for a buffer filled by one PutUint32(buf, v) / AppendUint32(nil, v): v's structure. */
function put32Intended(ctx: Ctx, name: string | null, use: Node, scope: Scope): Intended | null {
  if (!name) return null;
  const b = lookup(ctx, name, scope);
  if (b?.kind !== 'expr') return null;
  if (b.node.type === 'call_expression' && /AppendUint32/.test(b.node.text)) {
    const a = args(b.node.childForFieldName('arguments'));
    return a[1] ? intendedOf(ctx, a[1], b.scope) : null;
  }
  const region = b.scope.fn?.childForFieldName('body') ?? ctx.root;
  let found: Intended | null = null;
  walk(region, (n) => {
    if (found || n.type !== 'call_expression' || n.startIndex > use.startIndex) return;
    const f = n.childForFieldName('function');
    if (f?.type !== 'selector_expression' || f.childForFieldName('field')?.text !== 'PutUint32') return;
    const a = args(n.childForFieldName('arguments'));
    const ref = a[0] ? bufferRef(a[0]) : null;
    if (ref?.name === name && a[1]) found = intendedOf(ctx, a[1], scopeOf(ctx, n));
  }, []);
  return found;
}

export const goAdapter: LanguageAdapter = {
  language: 'go',
  queryFile: 'go.scm',
  findCallSites,
};

export const __test = { parseGoInt };
