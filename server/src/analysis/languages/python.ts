/**
 * Python adapter: turns matches of queries/python.scm into call sites of
 * IP_LOCAL_PORT_RANGE (spec §2), folding the value the way CPython builds it:
 * int form (PyArg "i" -> a C int passed by address, spec §2.2), struct.pack (every
 * byte-order prefix, native sizes/alignment of LP64 Linux), int.to_bytes, socket.htonl,
 * bytes literals and concatenation, module/function constants assigned once.
 * Never guesses: anything not statically known folds to null.
 */
import type { Node, QueryMatch } from 'web-tree-sitter';
import type { ByteOrder, DecodedValue, Operand, SocketContext, SocketEvent, SyntacticFacts } from '../callSite';
import type { AdapterInput, LanguageAdapter, RawCallSite } from './types';
import { cap, role } from '../core/captures';
import { type OptInfo, type HelperSite, collectCallSites, assembleSite, argumentAt, reachesParam } from '../core/driver';
import { type ExprSyntax, shiftOrParts, shiftedBy16, orderLabel, decoded, type Intended, halvesOf, intendedFromHalves, intendedFromShiftOr } from '../core/halves';
import { matchesIn, topLevelRanges, topLevelRangesWhere } from '../core/matches';
import { args, walk, identifiersIn, spanOf, operand, budgeted, Budget, IP_LOCAL_PORT_RANGE } from '../core/tree';
import { bswap16, bswap32, bytesOf, wrapBits, toNum, kernelRead } from '../core/numeric';

// ---------------------------------------------------------------- constants

/** Constants of CPython's socket module on Linux that matter here (IP_LOCAL_PORT_RANGE is absent). */
const PY_SOCKET: Record<string, number> = {
  SOL_IP: 0,
  IPPROTO_IP: 0,
  SOL_SOCKET: 1,
  SOL_TCP: 6,
  SOL_UDP: 17,
  IPPROTO_TCP: 6,
  IPPROTO_UDP: 17,
  IPPROTO_UDPLITE: 136,
  IPPROTO_IPV6: 41,
  IPPROTO_SCTP: 132,
  IPPROTO_MPTCP: 262,
  IPPROTO_ICMP: 1,
  IPPROTO_RAW: 255,
  IP_BIND_ADDRESS_NO_PORT: 24, // CPython >= 3.11
  IP_TOS: 1,
  IP_TTL: 2,
  IPV6_RECVHOPLIMIT: 51,
  IPV6_V6ONLY: 26,
  SO_REUSEADDR: 2,
  SO_REUSEPORT: 15,
  SO_KEEPALIVE: 9,
  SO_LINGER: 13,
  SO_RCVBUF: 8,
  SO_SNDBUF: 7,
  AF_INET: 2,
  AF_INET6: 10,
  AF_UNIX: 1,
  SOCK_STREAM: 1,
  SOCK_DGRAM: 2,
  SOCK_RAW: 3,
  SOCK_SEQPACKET: 5,
};
/** Names that, at their level, mean another option with the number 51 (spec §2.6). */
const OTHER_OPTION_51 = new Set(['IPV6_RECVHOPLIMIT', 'SO_ATTACH_REUSEPORT_CBPF']);
/** ctypes integer types on LP64 Linux: their size in bytes. */
const CTYPES_SIZE: Record<string, number> = {
  c_uint8: 1, c_ubyte: 1, c_int8: 1, c_byte: 1,
  c_uint16: 2, c_ushort: 2, c_int16: 2, c_short: 2,
  c_uint32: 4, c_uint: 4, c_int32: 4, c_int: 4,
  c_uint64: 8, c_ulong: 8, c_ulonglong: 8, c_int64: 8, c_long: 8, c_longlong: 8, c_size_t: 8,
};
const RANGE_NAME = 'IP_LOCAL_PORT_RANGE';
/** Modules whose attributes the folding understands. */
const MODULES = new Set(['socket', 'struct', 'sys', 'ctypes']);
/** sys.byteorder: the host's order, whatever it is. */
const HOST_ORDER = '\u0000host';

// ---------------------------------------------------------------- values

type PyVal =
  | { k: 'int'; v: bigint; net?: 'htonl' | 'htons' }
  | { k: 'str'; v: string }
  | {
      k: 'bytes';
      /** null bytes = length known, content not. */
      v: number[] | null;
      len: number;
      order: ByteOrder;
      form: string;
      intended: Intended | null;
      /** For concatenations of 2-byte halves: the halves in memory order. */
      halves?: Half[];
    }
  | { k: 'tuple'; items: (PyVal | null)[] }
  | { k: 'none' }
  | { k: 'module'; name: string };

interface Half {
  v: bigint | null;
  text: string;
}

type Binding =
  | { kind: 'expr'; node: Node; scope: Scope }
  | { kind: 'value'; value: PyVal; node?: Node }
  | { kind: 'param'; node: Node }
  /** A def whose body is a single `return expr` can be followed with constant arguments. */
  | { kind: 'function'; node: Node }
  /** `from socket import IP_LOCAL_PORT_RANGE`: ImportError at run time. */
  | { kind: 'missing'; node: Node }
  | { kind: 'unknown' };

interface Scope {
  parent: Scope | null;
  names: Map<string, Binding>;
  /** `from socket import *` seen in this scope. */
  starSocket: boolean;
  /** The function_definition this scope belongs to (null = module). */
  fn: Node | null;
}

const MAX_INT = 1n << 512n;
/** Folding steps allowed per call site (and per helper call): bounds hostile input. */
const PER_SITE_STEPS = 50_000;
const UNKNOWN: Binding = { kind: 'unknown' };

function isInt(v: PyVal | null): v is { k: 'int'; v: bigint; net?: 'htonl' | 'htons' } {
  return v !== null && v.k === 'int';
}

function bounded(v: bigint): PyVal | null {
  return v > MAX_INT || v < -MAX_INT ? null : { k: 'int', v };
}

/** Python int literal: 40_000, 0x9C40, 0o17, 0b101, 51. */
export function parsePyInt(text: string): bigint | null {
  const t = text.replace(/_/g, '').replace(/[lL]$/, '');
  if (t.length === 0 || t.length > 300) return null;
  if (!/^(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)$/.test(t)) return null;
  if (/^0[0-9]+$/.test(t) && !/^0+$/.test(t)) return null; // "0777" is a syntax error in Python 3
  try {
    return BigInt(t);
  } catch {
    return null;
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function pyMod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r;
}

// ---------------------------------------------------------------- struct

interface StructItem {
  code: string;
  size: number;
  signed: boolean;
  offset: number;
}

/** struct format -> layout (LP64 Linux native sizes for '@'), or null when unsupported. */
export function parseStructFormat(fmt: string): { order: '@' | '=' | '<' | '>' | '!'; items: StructItem[]; size: number } | null {
  let i = 0;
  let order: '@' | '=' | '<' | '>' | '!' = '@';
  if (fmt.length > 200) return null;
  if ('@=<>!'.includes(fmt[0] ?? '')) {
    order = fmt[0] as typeof order;
    i = 1;
  }
  const native = order === '@';
  const items: StructItem[] = [];
  let off = 0;
  while (i < fmt.length) {
    const ch = fmt[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    let count = 1;
    const m = /^\d+/.exec(fmt.slice(i));
    if (m) {
      count = Number(m[0]);
      i += m[0].length;
      if (count > 64) return null;
    }
    const code = fmt[i++];
    if (code === undefined) return null;
    let size: number;
    let signed = false;
    switch (code) {
      case 'x': off += count; continue;
      case 'b': size = 1; signed = true; break;
      case 'B': case '?': size = 1; break;
      case 'h': size = 2; signed = true; break;
      case 'H': size = 2; break;
      case 'i': size = 4; signed = true; break;
      case 'I': size = 4; break;
      case 'l': size = native ? 8 : 4; signed = true; break;
      case 'L': size = native ? 8 : 4; break;
      case 'q': size = 8; signed = true; break;
      case 'Q': size = 8; break;
      case 'n': if (!native) return null; size = 8; signed = true; break;
      case 'N': if (!native) return null; size = 8; break;
      default: return null; // floats, strings, pointers: not a port range
    }
    for (let c = 0; c < count; c++) {
      if (native && off % size !== 0) off += size - (off % size);
      items.push({ code, size, signed, offset: off });
      off += size;
    }
  }
  return { order, items, size: off };
}

// ---------------------------------------------------------------- the analysis of one file

interface Ctx {
  host: 'little' | 'big';
  budget: Budget;
  visiting: Set<number>;
  module: Scope;
  scopes: Map<number, Scope>;
  /** Names declared `global` or `nonlocal` anywhere in the file. */
  poisoned: Set<string>;
}


function positional(argList: Node[]): Node[] {
  return argList.filter((a) => a.type !== 'keyword_argument' && a.type !== 'list_splat' && a.type !== 'dictionary_splat');
}

function keyword(argList: Node[], name: string): Node | null {
  for (const a of argList) {
    if (a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) return a.childForFieldName('value');
  }
  return null;
}

function hasSplat(argList: Node[]): boolean {
  return argList.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat');
}


const SCOPE_NODES = ['function_definition', 'class_definition', 'lambda'];

function enclosingFunction(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition') return p;
  return null;
}

function scopeOf(ctx: Ctx, n: Node): Scope {
  const fn = enclosingFunction(n);
  return fn ? functionScope(ctx, fn) : ctx.module;
}

function newScope(parent: Scope | null, fn: Node | null): Scope {
  return { parent, names: new Map(), starSocket: false, fn };
}

function addBinding(scope: Scope, name: string, b: Binding): void {
  if (scope.names.has(name)) scope.names.set(name, UNKNOWN);
  else scope.names.set(name, b);
}


/** `socket.IP_LOCAL_PORT_RANGE` raises AttributeError on every CPython: such an assignment never happens. */
function isMissingSocketAttr(n: Node): boolean {
  return n.type === 'attribute' && n.childForFieldName('attribute')?.text === RANGE_NAME &&
    n.childForFieldName('object')?.text === 'socket';
}

function insideGuard(n: Node, stop: Node): boolean {
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent) {
    if (p.type === 'try_statement' || p.type === 'if_statement') return true;
  }
  return false;
}

/** Collect the bindings of one scope (module or function body), not entering nested scopes. */
function collectBindings(body: Node, scope: Scope, globalsOut: Set<string>): void {
  walk(body, (n) => {
    switch (n.type) {
      case 'function_definition':
      case 'class_definition': {
        if (n.id === body.id) return;
        const name = n.childForFieldName('name');
        if (name) addBinding(scope, name.text, n.type === 'function_definition' ? { kind: 'function', node: n } : UNKNOWN);
        return;
      }
      case 'assignment': {
        const left = n.childForFieldName('left');
        let right = n.childForFieldName('right');
        while (right && right.type === 'assignment') right = right.childForFieldName('right');
        if (!left) return;
        if (!right) return; // annotation only
        if (left.type === 'identifier') {
          if (isMissingSocketAttr(right) && insideGuard(n, body)) return;
          addBinding(scope, left.text, { kind: 'expr', node: right, scope });
          return;
        }
        if ((left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern') &&
            (right.type === 'expression_list' || right.type === 'tuple')) {
          const ls = args(left);
          const rs = args(right);
          if (ls.length === rs.length && ls.every((l) => l.type === 'identifier') && !rs.some((r) => r.type === 'list_splat')) {
            ls.forEach((l, i) => addBinding(scope, l.text, { kind: 'expr', node: rs[i], scope }));
            return;
          }
        }
        if (left.type !== 'attribute' && left.type !== 'subscript') {
          for (const id of identifiersOf(left)) addBinding(scope, id, UNKNOWN);
        }
        return;
      }
      case 'augmented_assignment': {
        const left = n.childForFieldName('left');
        if (left?.type === 'identifier') addBinding(scope, left.text, UNKNOWN);
        return;
      }
      case 'for_statement': {
        const left = n.childForFieldName('left');
        if (left) for (const id of identifiersOf(left)) addBinding(scope, id, UNKNOWN);
        return;
      }
      case 'named_expression': {
        const name = n.childForFieldName('name');
        if (name) addBinding(scope, name.text, UNKNOWN);
        return;
      }
      case 'as_pattern_target':
        for (const id of identifiersOf(n)) addBinding(scope, id, UNKNOWN);
        return;
      case 'except_clause': {
        // `except E as e`: the alias is an identifier child after `as`
        const kids = n.children.filter((c): c is Node => c !== null);
        const asIdx = kids.findIndex((c) => c.type === 'as');
        if (asIdx >= 0 && kids[asIdx + 1]?.type === 'identifier') addBinding(scope, kids[asIdx + 1].text, UNKNOWN);
        return;
      }
      case 'global_statement':
      case 'nonlocal_statement':
        for (const c of args(n)) if (c.type === 'identifier') { globalsOut.add(c.text); addBinding(scope, c.text, UNKNOWN); }
        return;
      case 'import_statement':
        for (const c of args(n)) {
          if (c.type === 'dotted_name') {
            const first = c.namedChild(0)?.text ?? c.text;
            addBinding(scope, first, MODULES.has(c.text) ? { kind: 'value', value: { k: 'module', name: c.text } } : UNKNOWN);
          } else if (c.type === 'aliased_import') {
            const mod = c.childForFieldName('name')?.text ?? '';
            const alias = c.childForFieldName('alias')?.text;
            if (alias) addBinding(scope, alias, MODULES.has(mod) ? { kind: 'value', value: { k: 'module', name: mod } } : UNKNOWN);
          }
        }
        return;
      case 'import_from_statement': {
        const mod = n.childForFieldName('module_name')?.text ?? '';
        for (const c of args(n)) {
          if (c.id === n.childForFieldName('module_name')?.id) continue;
          if (c.type === 'wildcard_import') {
            if (mod === 'socket') scope.starSocket = true;
            continue;
          }
          let name: string | undefined;
          let alias: string | undefined;
          if (c.type === 'dotted_name') name = alias = c.text;
          else if (c.type === 'aliased_import') {
            name = c.childForFieldName('name')?.text;
            alias = c.childForFieldName('alias')?.text;
          }
          if (!name || !alias) continue;
          if (mod === 'socket' && name === RANGE_NAME) addBinding(scope, alias, { kind: 'missing', node: c });
          else if (mod === 'socket' && name in PY_SOCKET) addBinding(scope, alias, { kind: 'value', value: { k: 'int', v: BigInt(PY_SOCKET[name]) }, node: c });
          else if (mod === 'socket' && name === 'socket') addBinding(scope, alias, { kind: 'value', value: { k: 'module', name: 'socket.socket' } });
          else if (mod === 'socket' && (name === 'htonl' || name === 'htons')) addBinding(scope, alias, { kind: 'value', value: { k: 'module', name: `socket.${name}` } });
          else if (mod === 'struct' && name === 'pack') addBinding(scope, alias, { kind: 'value', value: { k: 'module', name: 'struct.pack' } });
          else addBinding(scope, alias, UNKNOWN);
        }
        return;
      }
    }
  }, SCOPE_NODES);
}

/**
 * The scope of a function, built on first use (a 20,000-line file with a few call sites
 * builds a few scopes): parameters, then the bindings of its body.
 */
function functionScope(ctx: Ctx, fn: Node): Scope {
  const known = ctx.scopes.get(fn.id);
  if (known) return known;
  const outer = enclosingFunction(fn);
  const s = newScope(outer ? functionScope(ctx, outer) : ctx.module, fn);
  const params = fn.childForFieldName('parameters');
  for (const p of args(params)) {
    const nameNode = p.type === 'identifier' ? p : p.childForFieldName('name') ?? p.namedChild(0);
    if (nameNode && nameNode.type === 'identifier') s.names.set(nameNode.text, { kind: 'param', node: p });
  }
  const body = fn.childForFieldName('body');
  if (body) collectBindings(body, s, new Set());
  // names some function declares `global`/`nonlocal` can change under us: never known
  for (const g of ctx.poisoned) if (s.names.has(g)) s.names.set(g, UNKNOWN);
  ctx.scopes.set(fn.id, s);
  return s;
}

function lookup(name: string, scope: Scope): Binding | null {
  for (let s: Scope | null = scope; s; s = s.parent) {
    const b = s.names.get(name);
    if (b) return b;
    if (s.starSocket && name in PY_SOCKET) return { kind: 'value', value: { k: 'int', v: BigInt(PY_SOCKET[name]) } };
  }
  if (MODULES.has(name)) return { kind: 'value', value: { k: 'module', name } };
  if (name === 'int') return { kind: 'value', value: { k: 'module', name: 'int' } };
  return null;
}

// ---------------------------------------------------------------- evaluation

function evBinding(ctx: Ctx, b: Binding | null): PyVal | null {
  if (!b) return null;
  if (b.kind === 'value') return b.value;
  if (b.kind === 'expr') {
    if (ctx.visiting.has(b.node.id)) return null; // x = x + 1 style cycles
    ctx.visiting.add(b.node.id);
    try {
      return ev(ctx, b.node, b.scope);
    } finally {
      ctx.visiting.delete(b.node.id);
    }
  }
  return null;
}

/** String literal content (escapes decoded), or bytes for b"..." literals; null for f-strings. */
function stringValue(n: Node): PyVal | null {
  const start = n.children.find((c) => c?.type === 'string_start')?.text ?? '"';
  const prefix = start.replace(/["']+$/, '').toLowerCase();
  if (prefix.includes('f')) return null; // f-strings: not folded
  const raw = prefix.includes('r');
  let s = '';
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'string_content') {
      // escape_sequence nodes are children of string_content in this grammar
      if (c.namedChildCount === 0 || raw) s += c.text;
      else {
        let last = c.startIndex;
        for (const e of c.namedChildren) {
          if (!e) continue;
          s += c.text.slice(last - c.startIndex, e.startIndex - c.startIndex);
          s += e.type === 'escape_sequence' ? decodeEscape(e.text) : e.text;
          last = e.endIndex;
        }
        s += c.text.slice(last - c.startIndex);
      }
    } else if (c.type === 'escape_sequence') {
      s += raw ? c.text : decodeEscape(c.text);
    }
  }
  if (prefix.includes('b')) {
    const bytes: number[] = [];
    for (const ch of s) {
      const code = ch.charCodeAt(0);
      if (code > 255) return null;
      bytes.push(code);
    }
    return { k: 'bytes', v: bytes, len: bytes.length, order: 'unknown', form: 'bytes', intended: null };
  }
  return { k: 'str', v: s };
}

function decodeEscape(e: string): string {
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' };
  const m = /^\\x([0-9a-fA-F]{2})$/.exec(e);
  if (m) return String.fromCharCode(parseInt(m[1], 16));
  const o = /^\\([0-7]{1,3})$/.exec(e);
  if (o) return String.fromCharCode(parseInt(o[1], 8) & 0xff);
  const u = /^\\u([0-9a-fA-F]{4})$/.exec(e);
  if (u) return String.fromCharCode(parseInt(u[1], 16));
  if (e.length === 2 && e[1] in simple) return simple[e[1]];
  if (e.startsWith('\\\n')) return '';
  return e;
}

function ev(ctx: Ctx, n: Node | null, scope: Scope): PyVal | null {
  return n ? budgeted(ctx.budget, () => evInner(ctx, n, scope)) : null;
}

function evInt(ctx: Ctx, n: Node | null, scope: Scope): bigint | null {
  const v = ev(ctx, n, scope);
  return isInt(v) ? v.v : null;
}

function evInner(ctx: Ctx, n: Node, scope: Scope): PyVal | null {
  switch (n.type) {
    case 'integer': {
      const v = parsePyInt(n.text);
      return v === null ? null : { k: 'int', v };
    }
    case 'true': return { k: 'int', v: 1n };
    case 'false': return { k: 'int', v: 0n };
    case 'none': return { k: 'none' };
    case 'string': return stringValue(n);
    case 'concatenated_string': {
      let out: PyVal | null = null;
      for (const c of args(n)) {
        const v = ev(ctx, c, scope);
        if (!v || (v.k !== 'str' && v.k !== 'bytes')) return null;
        out = out === null ? v : concat(out, v);
        if (out === null) return null;
      }
      return out;
    }
    case 'parenthesized_expression': {
      const inner = args(n)[0];
      return inner ? ev(ctx, inner, scope) : null;
    }
    case 'tuple':
    case 'expression_list':
    case 'list':
      return { k: 'tuple', items: args(n).map((c) => ev(ctx, c, scope)) };
    case 'identifier':
      return evBinding(ctx, lookup(n.text, scope));
    case 'attribute': {
      const obj = ev(ctx, n.childForFieldName('object'), scope);
      const attr = n.childForFieldName('attribute')?.text ?? '';
      if (obj?.k === 'module' && obj.name === 'socket') {
        if (attr in PY_SOCKET) return { k: 'int', v: BigInt(PY_SOCKET[attr]) };
        if (attr === 'socket' || attr === 'htonl' || attr === 'htons' || attr === 'create_connection' || attr === 'create_server') {
          return { k: 'module', name: `socket.${attr}` };
        }
        return null; // includes socket.IP_LOCAL_PORT_RANGE: AttributeError
      }
      if (obj?.k === 'module' && obj.name === 'struct' && attr === 'pack') return { k: 'module', name: 'struct.pack' };
      if (obj?.k === 'module' && obj.name === 'sys' && attr === 'byteorder') return { k: 'str', v: HOST_ORDER };
      return null;
    }
    case 'unary_operator': {
      const op = n.childForFieldName('operator')?.text;
      const v = evInt(ctx, n.childForFieldName('argument'), scope);
      if (v === null) return null;
      if (op === '-') return bounded(-v);
      if (op === '+') return { k: 'int', v };
      if (op === '~') return bounded(-v - 1n);
      return null;
    }
    case 'binary_operator': {
      const op = n.childForFieldName('operator')?.text;
      const l = ev(ctx, n.childForFieldName('left'), scope);
      const r = ev(ctx, n.childForFieldName('right'), scope);
      if (op === '+' && l && r && (l.k === 'bytes' || l.k === 'str') && l.k === r.k) return concat(l, r);
      if (!isInt(l) || !isInt(r)) return null;
      const a = l.v;
      const b = r.v;
      const net = l.net ?? r.net;
      let res: bigint;
      switch (op) {
        case '+': res = a + b; break;
        case '-': res = a - b; break;
        case '*': res = a * b; break;
        case '//': if (b === 0n) return null; res = floorDiv(a, b); break;
        case '%': if (b === 0n) return null; res = pyMod(a, b); break;
        case '<<': if (b < 0n || b > 256n) return null; res = a << b; break;
        case '>>': if (b < 0n) return null; res = b > 1024n ? (a < 0n ? -1n : 0n) : a >> b; break;
        case '|': res = a | b; break;
        case '&': res = a & b; break;
        case '^': res = a ^ b; break;
        case '**': if (b < 0n || b > 64n) return null; res = a ** b; break;
        default: return null; // '/' is float division
      }
      const out = bounded(res);
      if (out && out.k === 'int' && net) out.net = net;
      return out;
    }
    case 'call':
      return evCall(ctx, n, scope);
    default:
      return null;
  }
}

function concat(a: PyVal, b: PyVal): PyVal | null {
  if (a.k === 'str' && b.k === 'str') return { k: 'str', v: a.v + b.v };
  if (a.k === 'bytes' && b.k === 'bytes') {
    const halves = a.halves && b.halves ? [...a.halves, ...b.halves] : undefined;
    return {
      k: 'bytes',
      v: a.v && b.v ? [...a.v, ...b.v] : null,
      len: a.len + b.len,
      order: a.order === b.order ? a.order : 'unknown',
      form: a.form === b.form ? a.form : 'bytes',
      intended: halves && halves.length === 2 ? intendedFromHalves(halves[1].text, halves[1].v, halves[0].text, halves[0].v) : null,
      halves,
    };
  }
  return null;
}

function evCall(ctx: Ctx, n: Node, scope: Scope): PyVal | null {
  const fnNode = n.childForFieldName('function');
  const argList = args(n.childForFieldName('arguments'));
  if (!fnNode || hasSplat(argList)) return null;
  const pos = positional(argList);
  // value.to_bytes(length, byteorder) / int.to_bytes(value, length, byteorder)
  if (fnNode.type === 'attribute' && fnNode.childForFieldName('attribute')?.text === 'to_bytes') {
    const objNode = fnNode.childForFieldName('object');
    const obj = ev(ctx, objNode, scope);
    let valNode: Node | null;
    let rest: Node[];
    if (obj?.k === 'module' && obj.name === 'int') {
      valNode = pos[0] ?? null;
      rest = pos.slice(1);
    } else {
      valNode = objNode;
      rest = pos;
    }
    const value = valNode ? ev(ctx, valNode, scope) : null;
    const lenNode = rest[0] ?? keyword(argList, 'length');
    const length = lenNode ? evInt(ctx, lenNode, scope) : 1n; // Python 3.11+: length defaults to 1
    const orderNode = rest[1] ?? keyword(argList, 'byteorder');
    const orderV = orderNode ? ev(ctx, orderNode, scope) : { k: 'str' as const, v: 'big' }; // 3.11+ default "big"
    if (length === null || length < 0n || length > 64n) return null;
    const native = orderV?.k === 'str' && orderV.v === HOST_ORDER;
    const order = native ? ctx.host : orderV?.k === 'str' && (orderV.v === 'little' || orderV.v === 'big') ? orderV.v : null;
    const len = Number(length);
    const intended = valNode ? intendedOf(ctx, valNode, scope) : null;
    if (!order) return { k: 'bytes', v: null, len, order: 'unknown', form: 'to_bytes', intended };
    return {
      k: 'bytes',
      v: isInt(value) ? bytesOf(value.v, len, order) : null,
      len,
      order: native ? 'host' : order,
      form: isInt(value) && value.net === 'htonl' ? 'htonl' : 'to_bytes',
      intended,
    };
  }
  const userFn = fnNode.type === 'identifier' ? lookup(fnNode.text, scope) : null;
  if (userFn?.kind === 'function') {
    const followed = followReturn(ctx, userFn.node, fnNode, argList, scope);
    if (!followed || ctx.visiting.has(userFn.node.id)) return null;
    ctx.visiting.add(userFn.node.id);
    try {
      return ev(ctx, followed.expr, followed.scope);
    } finally {
      ctx.visiting.delete(userFn.node.id);
    }
  }
  const fn = ev(ctx, fnNode, scope);
  if (fnNode.type === 'identifier' && lookup(fnNode.text, scope) === null) {
    // builtins (only when not shadowed)
    switch (fnNode.text) {
      case 'getattr': return evGetattr(ctx, pos, scope);
      case 'int': {
        const v = pos[0] ? ev(ctx, pos[0], scope) : null;
        return isInt(v) ? v : null;
      }
      case 'len': {
        const v = pos[0] ? ev(ctx, pos[0], scope) : null;
        if (v?.k === 'bytes') return { k: 'int', v: BigInt(v.len) };
        if (v?.k === 'str') return { k: 'int', v: BigInt(v.v.length) };
        return null;
      }
      case 'bytes':
      case 'bytearray': {
        const v = pos[0] ? ev(ctx, pos[0], scope) : null;
        if (isInt(v) && v.v >= 0n && v.v <= 64n) {
          const z = new Array<number>(Number(v.v)).fill(0);
          return { k: 'bytes', v: z, len: z.length, order: 'unknown', form: 'bytes', intended: null };
        }
        if (v?.k === 'tuple' && v.items.length <= 64) {
          const out: number[] = [];
          for (const it of v.items) {
            if (!isInt(it) || it.v < 0n || it.v > 255n) return null;
            out.push(Number(it.v));
          }
          return { k: 'bytes', v: out, len: out.length, order: 'unknown', form: 'bytes', intended: null };
        }
        if (v?.k === 'bytes') return v;
        return null;
      }
    }
  }
  // ctypes scalars expose the buffer protocol: setsockopt passes their bytes (host order).
  if (fnNode.type === 'attribute' && fnNode.childForFieldName('object')?.text === 'ctypes') {
    const size = CTYPES_SIZE[fnNode.childForFieldName('attribute')?.text ?? ''];
    if (!size) return null;
    const v = pos[0] ? ev(ctx, pos[0], scope) : { k: 'int' as const, v: 0n };
    return {
      k: 'bytes',
      v: isInt(v) ? bytesOf(v.v, size, ctx.host) : null,
      len: size,
      order: isInt(v) && v.net ? 'network' : 'host',
      form: 'ctypes',
      intended: pos[0] ? intendedOf(ctx, pos[0], scope) : null,
    };
  }
  if (fn?.k !== 'module') return null;
  switch (fn.name) {
    case 'int': {
      const v = pos[0] ? ev(ctx, pos[0], scope) : null;
      return isInt(v) ? v : null;
    }
    case 'socket.htonl':
    case 'socket.htons': {
      const v = pos[0] ? evInt(ctx, pos[0], scope) : null;
      if (v === null) return null;
      const bits = fn.name === 'socket.htonl' ? 32 : 16;
      if (v < 0n || v >= 1n << BigInt(bits)) return null; // OverflowError
      const swapped = ctx.host === 'big' ? v : bits === 32 ? bswap32(v) : bswap16(v);
      return { k: 'int', v: swapped, net: fn.name === 'socket.htonl' ? 'htonl' : 'htons' };
    }
    case 'struct.pack':
      return evStructPack(ctx, pos, scope);
    default:
      return null;
  }
}

/**
 * One level of helper: `def f(lo, hi): return <expr>` (an optional docstring first) called
 * with arguments: the returned expression in a scope where the parameters are the arguments.
 */
function followReturn(ctx: Ctx, fn: Node, callee: Node, callArgs: Node[], callerScope: Scope): { expr: Node; scope: Scope } | null {
  const body = args(fn.childForFieldName('body'));
  const stmts = body.filter((st, i) => !(i === 0 && st.type === 'expression_statement' && args(st)[0]?.type === 'string'));
  if (stmts.length !== 1 || stmts[0].type !== 'return_statement') return null;
  const expr = args(stmts[0])[0];
  if (!expr) return null;
  const bound = bindParams(ctx, fn, callee, callArgs, callerScope);
  return bound ? { expr, scope: bound.scope } : null;
}

function evGetattr(ctx: Ctx, pos: Node[], scope: Scope): PyVal | null {
  if (pos.length < 2) return null;
  const obj = ev(ctx, pos[0], scope);
  const name = ev(ctx, pos[1], scope);
  if (obj?.k !== 'module' || obj.name !== 'socket' || name?.k !== 'str') return null;
  if (name.v in PY_SOCKET) return { k: 'int', v: BigInt(PY_SOCKET[name.v]) };
  // Attribute absent from CPython's socket module (IP_LOCAL_PORT_RANGE on every version): the default.
  return pos[2] ? ev(ctx, pos[2], scope) : null;
}

function evStructPack(ctx: Ctx, pos: Node[], scope: Scope): PyVal | null {
  const fmtV = pos[0] ? ev(ctx, pos[0], scope) : null;
  if (fmtV?.k !== 'str') return null;
  const layout = parseStructFormat(fmtV.v);
  if (!layout || layout.items.length !== pos.length - 1) return null;
  const order = layout.order === '@' || layout.order === '=' ? ctx.host : layout.order === '<' ? 'little' : 'big';
  const byteOrder: ByteOrder = layout.order === '@' || layout.order === '=' ? 'host' : layout.order === '<' ? 'little' : layout.order === '>' ? 'big' : 'network';
  const bytes: number[] = new Array<number>(layout.size).fill(0);
  let known = true;
  let net: 'htonl' | 'htons' | undefined;
  const halves: Half[] = [];
  let rangeError = false;
  layout.items.forEach((it, i) => {
    const v = ev(ctx, pos[i + 1], scope);
    if (!isInt(v)) {
      known = false;
      halves.push({ v: null, text: pos[i + 1].text });
      return;
    }
    net = net ?? v.net;
    halves.push({ v: intendedHalfValue(ctx, pos[i + 1], scope) ?? v.v, text: pos[i + 1].text });
    // Out-of-range values raise struct.error ("argument out of range"): the form says so; the
    // recorded bytes are the wrapped value and intendedLo/intendedHi keep the author's numbers.
    const bits = BigInt(it.size * 8);
    const min = it.signed ? -(1n << (bits - 1n)) : 0n;
    const max = it.signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
    if (v.v < min || v.v > max) rangeError = true;
    const bs = bytesOf(v.v, it.size, order);
    bs.forEach((b, j) => { bytes[it.offset + j] = b; });
  });
  let intended: Intended | null = null;
  const twoHalves = layout.items.length === 2 && layout.items.every((it) => it.size === 2);
  if (twoHalves) intended = intendedFromHalves(halves[1].text, halves[1].v, halves[0].text, halves[0].v);
  else if (layout.items.length === 1) intended = intendedOf(ctx, pos[1], scope);
  const netOrder: ByteOrder = net && byteOrder === 'host' ? 'network' : byteOrder;
  return {
    k: 'bytes',
    v: known ? bytes : null,
    len: layout.size,
    order: netOrder,
    form: rangeError ? 'struct.pack-range-error' : net === 'htonl' ? 'htonl' : 'struct.pack',
    intended,
    halves: layout.items.length === 1 && layout.items[0].size === 2 ? halves : undefined,
  };
}

/** A half's value as the author meant it: htons(x) -> x. */
function intendedHalfValue(ctx: Ctx, n: Node, scope: Scope): bigint | null {
  const inner = stripNet(n);
  return inner.id === n.id ? null : evInt(ctx, inner, scope);
}

/** Strip parentheses, int(...), socket.htonl/htons/ntohl/ntohs(...) around an expression. */
function stripNet(n: Node): Node {
  let cur = n;
  for (let i = 0; i < 20; i++) {
    if (cur.type === 'parenthesized_expression' && args(cur)[0]) {
      cur = args(cur)[0];
      continue;
    }
    if (cur.type === 'call') {
      const f = cur.childForFieldName('function');
      const a = positional(args(cur.childForFieldName('arguments')));
      const name = f?.type === 'attribute' ? f.childForFieldName('attribute')?.text : f?.text;
      if (a.length === 1 && name && ['int', 'htonl', 'htons', 'ntohl', 'ntohs'].includes(name)) {
        cur = a[0];
        continue;
      }
    }
    break;
  }
  return cur;
}

/**
 * The halves the author meant for an integer expression: `A << 16 | B`, `B | A << 16`,
 * `A << 16 + B`, `A * 65536 + B` (through names assigned once); otherwise the value's halves.
 */
function intendedOf(ctx: Ctx, node: Node, scope: Scope, depth = 0): Intended {
  let n = stripNet(node);
  let s = scope;
  if (n.type === 'identifier' && depth < 8) {
    const b = lookup(n.text, s);
    if (b?.kind === 'expr') return intendedOf(ctx, b.node, b.scope, depth + 1);
  }
  if (n.type === 'call' && depth < 8) {
    const f = n.childForFieldName('function');
    const b = f?.type === 'identifier' ? lookup(f.text, s) : null;
    if (b?.kind === 'function' && f) {
      const followed = followReturn(ctx, b.node, f, args(n.childForFieldName('arguments')), s);
      if (followed) return intendedOf(ctx, followed.expr, followed.scope, depth + 1);
    }
  }
  const parts = shiftOrParts(n, PY_SYNTAX);
  if (parts) {
    const uNode = stripNet(parts.upper);
    const lNode = stripNet(parts.lower);
    const swappedBytes = /\b(hton|ntoh)[ls]\b/.test(parts.upper.text) || /\b(hton|ntoh)[ls]\b/.test(parts.lower.text);
    return intendedFromShiftOr(uNode.text, evInt(ctx, uNode, s), lNode.text, evInt(ctx, lNode, s), swappedBytes);
  }
  const upperOnly = n.type === 'binary_operator' ? shiftedBy16(n, PY_SYNTAX) : null;
  if (upperOnly) {
    const uNode = stripNet(upperOnly);
    return intendedFromHalves(uNode.text, evInt(ctx, uNode, s), '', 0n);
  }
  n = node;
  return halvesOf(evInt(ctx, n, s));
}

/** Python's expression shapes for the packing heuristics (parentheses stripped). */
const PY_SYNTAX: ExprSyntax = {
  binary: 'binary_operator',
  intLiteral: 'integer',
  parseInt: (t) => parsePyInt(t),
  strip: (n) => {
    let cur = n;
    while (cur.type === 'parenthesized_expression' && args(cur)[0]) cur = args(cur)[0];
    return cur;
  },
};

// ---------------------------------------------------------------- option / level classification


function classifyOpt(ctx: Ctx, n: Node, scope: Scope, depth = 0): OptInfo {
  const value = evInt(ctx, n, scope);
  const num = value === null ? null : Number(value);
  const base: OptInfo = { value: num, isRange: false, name: null, facts: {} };
  if (n.type === 'integer') {
    base.isRange = num === IP_LOCAL_PORT_RANGE;
    if (base.isRange) base.facts.magicNumber = operand(n, num);
    base.name = numericOptionName(num);
    return base;
  }
  if (n.type === 'parenthesized_expression' && args(n)[0] && depth < 8) return classifyOpt(ctx, args(n)[0], scope, depth + 1);
  if (n.type === 'attribute') {
    const attr = n.childForFieldName('attribute')?.text ?? '';
    const obj = ev(ctx, n.childForFieldName('object'), scope);
    base.name = attr;
    if (attr === RANGE_NAME) {
      base.isRange = true;
      if (obj?.k === 'module' && obj.name === 'socket') {
        base.value = IP_LOCAL_PORT_RANGE; // the intent; at run time this is an AttributeError
        base.facts.missingConstant = operand(n, IP_LOCAL_PORT_RANGE);
      }
      return base;
    }
    base.isRange = num === IP_LOCAL_PORT_RANGE && !OTHER_OPTION_51.has(attr) && !(obj?.k === 'module' && obj.name === 'socket');
    return base;
  }
  if (n.type === 'call') {
    const f = n.childForFieldName('function');
    const a = positional(args(n.childForFieldName('arguments')));
    if (f?.text === 'getattr' && a.length >= 2) {
      const nameV = ev(ctx, a[1], scope);
      if (nameV?.k === 'str' && nameV.v === RANGE_NAME) {
        base.isRange = true;
        base.name = RANGE_NAME;
        if (a[2] && num !== null && num !== IP_LOCAL_PORT_RANGE) base.facts.fallbackDefine = operand(a[2], num);
        return base;
      }
      if (nameV?.k === 'str') base.name = nameV.v;
      return base;
    }
    base.isRange = num === IP_LOCAL_PORT_RANGE;
    return base;
  }
  if (n.type === 'identifier') {
    const b = lookup(n.text, scope);
    base.name = n.text;
    if (n.text === RANGE_NAME) {
      base.isRange = true;
      if (b?.kind === 'missing') {
        // `from socket import IP_LOCAL_PORT_RANGE` does not exist either (ImportError)
        base.value = IP_LOCAL_PORT_RANGE;
        base.facts.missingConstant = operand(b.node, IP_LOCAL_PORT_RANGE);
      }
      if (b?.kind === 'expr') {
        const inner = classifyOpt(ctx, b.node, b.scope, depth + 1);
        Object.assign(base.facts, inner.facts);
        delete base.facts.magicNumber; // a named constant, even if it is 51
        if (num !== null && num !== IP_LOCAL_PORT_RANGE) base.facts.fallbackDefine = operand(definitionNode(b.node), num);
      }
      return base;
    }
    if (b?.kind === 'expr' && depth < 8) {
      const inner = classifyOpt(ctx, b.node, b.scope, depth + 1);
      inner.facts = { ...inner.facts };
      delete inner.facts.magicNumber;
      return { ...inner, value: num ?? inner.value, name: inner.name ?? n.text, otherName: inner.otherName || !/range/i.test(n.text) };
    }
    base.isRange = num === IP_LOCAL_PORT_RANGE && !OTHER_OPTION_51.has(n.text) && b?.kind !== 'value';
    return base;
  }
  base.isRange = num === IP_LOCAL_PORT_RANGE;
  return base;
}

/** The assignment statement a right-hand side belongs to (for fallbackDefine's span). */
function definitionNode(rhs: Node): Node {
  let p: Node = rhs;
  for (let i = 0; i < 4 && p.parent && (p.parent.type === 'assignment' || p.parent.type === 'expression_list'); i++) p = p.parent;
  return p;
}

function numericOptionName(v: number | null): string | null {
  if (v === IP_LOCAL_PORT_RANGE) return RANGE_NAME;
  if (v === 24) return 'IP_BIND_ADDRESS_NO_PORT';
  return null;
}

// ---------------------------------------------------------------- value decoding at a call

function decodeValue(ctx: Ctx, valueNode: Node | null, lenNode: Node | null, scope: Scope, facts: SyntacticFacts): DecodedValue | null {
  if (!valueNode) return null;
  facts.valueExpr = operand(valueNode, null);
  const v = ev(ctx, valueNode, scope);
  const span = spanOf(valueNode);
  if (v === null) {
    return null;
  }
  if (v.k === 'int') {
    facts.pythonIntForm = true;
    // CPython: PyArg_ParseTuple "i" -> a C int passed by address with optlen sizeof(int) = 4.
    const packed = Number(wrapBits(v.v, 32, false));
    // valueExpr.value keeps the Python int itself (possibly negative or >= 2^31): CPython raises
    // TypeError exactly when it is outside the C int range [-2^31, 2^31).
    facts.valueExpr = operand(valueNode, toNum(v.v));
    const order: ByteOrder = v.net ? orderLabel('network', ctx.host) : 'host';
    return decoded(packed, order, 4, v.net === 'htonl' ? 'htonl' : 'int', intendedOf(ctx, valueNode, scope), span);
  }
  if (v.k === 'bytes') {
    let optlen: number | null = v.len;
    if (lenNode) optlen = null; // 4-argument form: setsockopt(level, opt, None, optlen) or C-style
    const packed = v.v ? kernelRead(v.v, ctx.host) : null;
    if (packed !== null) facts.valueExpr = operand(valueNode, packed);
    return decoded(packed, orderLabel(v.order, ctx.host), optlen, v.form, v.intended, span);
  }
  if (v.k === 'none' && lenNode) {
    const n = evInt(ctx, lenNode, scope);
    return decoded(null, 'unknown', n === null ? null : Number(n), 'none', null, span);
  }
  return null;
}

// ---------------------------------------------------------------- socket context

interface SocketFacts {
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
function socketContext(ctx: Ctx, sf: SocketFacts, receiverText: string | null, anchor: Node, callNode: Node): SocketContext {
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

// ---------------------------------------------------------------- the adapter

const identifiersOf = (n: Node): string[] => identifiersIn(n, SCOPE_NODES);

interface SockoptCall {
  call: Node;
  callee: Node;
  receiver: Node | null;
  method: string;
  args: Node[];
}

function findCallSites(input: AdapterInput): RawCallSite[] {
  const root = input.tree.rootNode;
  // Run the detection query only on top-level statements that can matter: those containing a
  // *sockopt call (or global/nonlocal), then those that mention a function enclosing one of
  // those calls (the helpers' call sites).
  const first = topLevelRanges(root, input.text, ['sockopt', 'global', 'nonlocal']);
  const seenMatches = new Set<string>();
  let matches = matchesIn(input.query, root, first, seenMatches);
  const enclosing = new Set<string>();
  for (const m of matches) {
    const call = cap(m, 'sockopt');
    const name = call ? enclosingFunction(call)?.childForFieldName('name')?.text : undefined;
    if (name) enclosing.add(name);
  }
  const second = enclosing.size > 0 ? topLevelRanges(root, input.text, [...enclosing], first, true) : [];
  if (second.length > 0) matches = matches.concat(matchesIn(input.query, root, second, seenMatches));
  // Module-level calls: the socket may be created, bound or connected by any module-level statement.
  if (matches.some((m) => { const c = cap(m, 'sockopt') ?? cap(m, 'helper'); return c !== null && enclosingFunction(c) === null; })) {
    const defs = ['function_definition', 'class_definition', 'decorated_definition'];
    matches = matches.concat(matchesIn(input.query, root, topLevelRangesWhere(root, (n) => !defs.includes(n.type), [...first, ...second]), seenMatches));
  }
  const poisoned = new Set<string>();
  for (const m of matches) for (const c of m.captures) if (c.name === 'write.global') poisoned.add(c.node.text);
  const module = newScope(null, null);
  collectBindings(root, module, poisoned);
  for (const g of poisoned) if (module.names.has(g)) module.names.set(g, UNKNOWN);
  const ctx: Ctx = { host: input.hostByteOrder, budget: new Budget(PER_SITE_STEPS), visiting: new Set(), module, scopes: new Map(), poisoned };
  const sf: SocketFacts = { creates: [], ops: [], sockopts: [], optMemo: new Map(), contexts: new Map() };
  const sockoptCalls: SockoptCall[] = [];
  for (const m of matches) {
    const names = new Set(m.captures.map((c) => c.name));
    if (names.has('sockopt')) {
      sf.sockopts.push(m);
      const call = cap(m, 'sockopt')!;
      sockoptCalls.push({
        call,
        callee: role(m, 'callee') ?? call,
        receiver: role(m, 'receiver'),
        method: role(m, 'name')?.text ?? '',
        args: args(role(m, 'args')),
      });
    } else if (names.has('sockop')) sf.ops.push(m);
    else if (names.has('sockcreate')) sf.creates.push(m);
  }
  return collectCallSites<SockoptCall>({
    calls: sockoptCalls,
    matches,
    calleeName: (callee) => (callee.type === 'identifier' ? callee.text : callee.childForFieldName('attribute')?.text),
    enclosingNamed: (call) => {
      const fn = enclosingFunction(call);
      const name = fn?.childForFieldName('name')?.text;
      return fn && name ? { fn, name } : null;
    },
    dependsOnParams: (sc, fn) => dependsOnParams(ctx, sc, fn),
    resetBudget: () => { ctx.budget = new Budget(PER_SITE_STEPS); },
    analyse: (sc, h) => {
      if (!h) return analyseCall(ctx, input, sf, sc, scopeOf(ctx, sc.call), null);
      const bound = bindParams(ctx, h.fn, h.callee, h.args, scopeOf(ctx, h.call));
      return bound ? analyseCall(ctx, input, sf, sc, bound.scope, { call: h.call, callee: h.callee, helper: h.name, receiverText: bound.receiverText(sc) }) : null;
    },
  });
}

function dependsOnParams(ctx: Ctx, sc: SockoptCall, fn: Node): boolean {
  const ids = sc.args.flatMap((a) => identifiersOf(a));
  if (sc.receiver) ids.push(...identifiersOf(sc.receiver));
  // the receiver alone (a socket parameter) does not make a helper of lo/hi
  const receiverOnly = (id: string) => !!sc.receiver && sc.receiver.text === id && !sc.args.some((a) => identifiersOf(a).includes(id));
  return reachesParam(ids, functionScope(ctx, fn).names, SCOPE_NODES, (id) => !receiverOnly(id));
}

/** Bind a helper's parameters to the arguments of one call: positional, keyword, defaults. */
function bindParams(ctx: Ctx, fn: Node, callee: Node, callArgs: Node[], callerScope: Scope):
  { scope: Scope; receiverText: (sc: SockoptCall) => string | null } | null {
  const base = functionScope(ctx, fn);
  if (hasSplat(callArgs)) return null;
  const params = args(fn.childForFieldName('parameters'));
  const inClass = fn.parent?.parent?.type === 'class_definition' ||
    (fn.parent?.type === 'decorated_definition' && fn.parent.parent?.parent?.type === 'class_definition');
  let list = params;
  if (inClass && callee.type === 'attribute' && list.length > 0) list = list.slice(1); // self
  const scope: Scope = { parent: base.parent, names: new Map(base.names), starSocket: base.starSocket, fn };
  const pos = positional(callArgs);
  const argText = new Map<string, string>();
  for (let i = 0; i < list.length; i++) {
    const p = list[i];
    if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern' || p.type === 'keyword_separator' || p.type === 'positional_separator') continue;
    const nameNode = p.type === 'identifier' ? p : p.childForFieldName('name') ?? p.namedChild(0);
    if (!nameNode || nameNode.type !== 'identifier') continue;
    const name = nameNode.text;
    const a = pos[i] ?? keyword(callArgs, name);
    if (a) {
      scope.names.set(name, { kind: 'expr', node: a, scope: callerScope });
      argText.set(name, a.text);
    } else {
      const dflt = p.childForFieldName('value');
      scope.names.set(name, dflt ? { kind: 'expr', node: dflt, scope: base.parent ?? ctx.module } : UNKNOWN);
    }
  }
  return {
    scope,
    receiverText: (sc) => (sc.receiver ? argText.get(sc.receiver.text) ?? null : null),
  };
}

interface WrapperSite extends HelperSite {
  receiverText: string | null;
}

function analyseCall(ctx: Ctx, input: AdapterInput, sf: SocketFacts, sc: SockoptCall, scope: Scope, wrapper: WrapperSite | null): RawCallSite | null {
  const op: 'set' | 'get' = /setsockopt$/.test(sc.method) ? 'set' : 'get';
  let a = positional(sc.args);
  let receiverText = sc.receiver?.text ?? null;
  if (!sc.receiver || sc.args.length >= 5) {
    // function style (fd, level, opt, value[, len]): bare wrappers and ctypes' libc.setsockopt
    if (a.length < 3) return null;
    receiverText = a[0].text;
    a = a.slice(1);
  }
  if (a.length < 2 || (op === 'set' && a.length < 3)) return null;
  const levelNode = a[0];
  const optNode = a[1];
  const opt = classifyOpt(ctx, optNode, scope);
  if (!opt.isRange) return null;
  const levelEarly = evInt(ctx, levelNode, scope);
  if (opt.otherName && levelEarly !== null && levelEarly !== 0n) return null; // e.g. HOP_LIMIT = 51 at IPPROTO_IPV6
  // At a helper call, an operand that is a parameter is shown (and judged) as the argument.
  const atCall = (n: Node): { node: Node; scope: Scope } | null =>
    wrapper && n.type === 'identifier' ? argumentAt<Scope>(wrapper.call, lookup(n.text, scope)) : null;
  const levelArg = atCall(levelNode);
  const optArg = atCall(optNode);
  const facts: SyntacticFacts = wrapper ? (optArg ? { ...classifyOpt(ctx, optArg.node, optArg.scope).facts } : {}) : { ...opt.facts };
  const levelV = evInt(ctx, levelNode, scope);
  const level: Operand = operand(levelArg?.node ?? levelNode, levelV === null ? null : Number(levelV));
  const optname: Operand = operand(optArg?.node ?? optNode, opt.value);
  let value: DecodedValue | null = null;
  let valueArgument: { node: Node; value: number | null } | null = null;
  if (op === 'set') {
    const valueFacts: SyntacticFacts = {};
    value = decodeValue(ctx, a[2], a[3] ?? null, scope, valueFacts);
    if (valueFacts.pythonIntForm) facts.pythonIntForm = true;
    if (valueFacts.valueExpr) facts.valueExpr = valueFacts.valueExpr;
    const arg = atCall(a[2]);
    // the int form keeps the Python int itself (python-int-overflow: CPython's C int range)
    if (arg) valueArgument = { node: arg.node, value: valueFacts.pythonIntForm ? valueFacts.valueExpr?.value ?? null : value?.packed ?? null };
  }
  const callNode = wrapper ? wrapper.call : sc.call;
  const socket = socketContext(ctx, sf, wrapper ? wrapper.receiverText : receiverText, callNode, callNode);
  return assembleSite(input.file, sc, wrapper, { language: 'python', op, level, optname, value, socket, facts, valueArgument });
}

export const pythonAdapter: LanguageAdapter = {
  language: 'python',
  queryFile: 'python.scm',
  findCallSites,
};

/** Exposed for tests. */
export const __test = { parseStructFormat, parsePyInt };
