/**
 * Python expressions → the common form's Expr: ints with CPython's rules (untyped), strings
 * and bytes, names (imports resolved: `so.SOL_IP`, `from socket import *` → `socket.SOL_IP`),
 * attributes (`self.x` is a member path), operators, `a if c else b`, and calls (bytes.ts for
 * struct.pack, to_bytes, ctypes, bytes(); htonl/ntohs as byte swaps; getattr(socket, NAME, d)).
 * Anything else is `opaque`: unknown, never guessed.
 */
import type { Node } from 'web-tree-sitter';
import type { BinaryOp, Expr, FormCall, Origin } from '../../core/form';
import { originOf } from '../../core/build';
import { HOST_ORDER, MODULES, PY_SOCKET, PY_SOCKET_FUNCS, RANGE_NAME, parsePyInt } from './constants';
import { lowerStringLike } from './bytes';
import { lowerString } from './strings';

/** What a lowered expression may carry for the Python site rules (by Expr identity). */
export type PyTag =
  | { k: 'pack'; order: 'host' | 'little' | 'big' | 'network'; size: number; items: { value: Expr; size: number; signed: boolean }[] }
  | { k: 'to_bytes'; order: 'host' | 'little' | 'big' | 'unknown'; size: number; value: Expr }
  | { k: 'ctypes'; size: number; value: Expr | null }
  | { k: 'getattr'; name: string; dflt: Expr | null }
  | { k: 'none' };
export type PyTags = Map<Expr, PyTag>;

export interface Imports {
  /** Local name → module (import socket as so). */
  modules: Map<string, string>;
  /** Local name → qualified name (from socket import SOL_IP as L → socket.SOL_IP). */
  names: Map<string, string>;
  /** from socket import * */
  star: boolean;
}

export interface PyCx {
  imports: Imports;
  tags: PyTags;
  /** Budget of nodes: hostile nesting ends in opaque. */
  steps: number;
  /** Every call of a possible project function, with its keywords (matched to parameters later). */
  calls: { call: FormCall; splat: boolean }[];
  /** Lowering-time: the single value a name is bound to here (struct formats, to_bytes lengths). */
  known(name: string, at: number): Expr | null;
}

const BINARY = new Set(['+', '-', '*', '//', '%', '<<', '>>', '|', '&', '^', '**', '/']);

export const opaque = (at: Origin): Expr => ({ k: 'opaque', at });

/** A dotted name's meaning through the imports: socket, socket.SOL_IP, struct.pack, sys.byteorder. */
export function qualified(n: Node, cx: PyCx): string | null {
  if (n.type === 'identifier') {
    const t = n.text;
    const q = cx.imports.names.get(t) ?? cx.imports.modules.get(t);
    if (q) return q;
    if (cx.imports.star && (t in PY_SOCKET || PY_SOCKET_FUNCS.has(t) || t === RANGE_NAME)) return `socket.${t}`;
    return MODULES.has(t) ? t : null; // used without its import: still that module (as CPython code means it)
  }
  if (n.type === 'attribute') {
    const o = n.childForFieldName('object');
    const a = n.childForFieldName('attribute')?.text;
    const q = o ? qualified(o, cx) : null;
    return q && MODULES.has(q) && a ? `${q}.${a}` : null;
  }
  return null;
}

export function kids(n: Node | null): Node[] {
  return (n?.namedChildren ?? []).filter((c): c is Node => c !== null && c.type !== 'comment');
}

export function lowerExpr(n: Node | null, cx: PyCx, depth = 0): Expr {
  if (!n) return opaque({ start: 0, end: 0, span: { line: 0, column: 0, endLine: 0, endColumn: 0 }, text: '' });
  const at = originOf(n);
  if (--cx.steps < 0 || depth > 150) return opaque(at);
  const sub = (c: Node | null) => lowerExpr(c, cx, depth + 1);
  switch (n.type) {
    case 'integer': {
      const v = parsePyInt(n.text);
      return v === null ? opaque(at) : { k: 'int', value: v, type: null, at };
    }
    case 'true':
    case 'false':
      return { k: 'int', value: n.type === 'true' ? 1n : 0n, type: null, at };
    case 'none': {
      const e = opaque(at);
      cx.tags.set(e, { k: 'none' });
      return e;
    }
    case 'string':
    case 'concatenated_string':
      return lowerString(n);
    case 'parenthesized_expression':
      return sub(kids(n)[0] ?? null);
    case 'tuple':
    case 'list':
    case 'expression_list':
      return { k: 'init', type: null, items: kids(n).map((c) => ({ value: sub(c) })), at };
    case 'identifier': {
      const q = qualified(n, cx);
      return { k: 'name', name: q?.startsWith('socket.') ? q : n.text, at };
    }
    case 'attribute': {
      const q = qualified(n, cx);
      if (q === 'sys.byteorder') return { k: 'str', value: HOST_ORDER, at };
      if (q?.startsWith('socket.')) return { k: 'name', name: q, at };
      if (q) return opaque(at);
      return { k: 'member', object: sub(n.childForFieldName('object')), field: n.childForFieldName('attribute')?.text ?? '', at };
    }
    case 'subscript': {
      // r[0] of a loop variable over a table of tuples: the member path "r.0" (FormLoop vars)
      const v = n.childForFieldName('value');
      const idx = n.childForFieldName('subscript');
      if (v?.type === 'identifier' && idx?.type === 'integer' && /^\d$/.test(idx.text)) return { k: 'member', object: sub(v), field: idx.text, at };
      // cfg["lo"], RANGES["web"]: a dict entry by its literal key (core/tables.ts selects it).
      // T["web"][0]: an item of an item (core/tables.ts selects each).
      const key = idx ? sub(idx) : null;
      if (v && (key?.k === 'str' || key?.k === 'int')) return { k: 'index', object: sub(v), index: key, at };
      return opaque(at);
    }
    case 'dictionary': {
      // {"web": (40000, 40511), ...}: keyed items, only when every key is a string literal.
      const items: { field: string; value: Expr }[] = [];
      for (const p of kids(n)) {
        const key = p.type === 'pair' ? sub(p.childForFieldName('key')) : null;
        if (key?.k !== 'str' || items.some((it) => it.field === key.value)) return opaque(at);
        items.push({ field: key.value, value: sub(p.childForFieldName('value')) });
      }
      return items.length ? { k: 'init', type: null, items, at } : opaque(at);
    }
    case 'unary_operator': {
      const op = n.childForFieldName('operator')?.text;
      const arg = sub(n.childForFieldName('argument'));
      return op === '-' || op === '+' || op === '~' ? { k: 'unary', op, arg, at } : opaque(at);
    }
    case 'binary_operator': {
      const op = n.childForFieldName('operator')?.text ?? '';
      const left = sub(n.childForFieldName('left'));
      const right = sub(n.childForFieldName('right'));
      if (op === '+' && (isBytes(left, cx) || isBytes(right, cx))) return { k: 'concat', parts: [left, right], at };
      return BINARY.has(op) ? { k: 'binary', op: op as BinaryOp, left, right, at } : opaque(at);
    }
    case 'conditional_expression': {
      const [then, test, other] = kids(n);
      return then && test && other ? { k: 'cond', test: sub(test), then: sub(then), else: sub(other), at } : opaque(at);
    }
    case 'call':
      return lowerCall(n, cx, depth, at);
    default:
      return opaque(at);
  }
}

/** Syntactically bytes: a bytes literal, struct.pack, to_bytes, bytes(), a concatenation of those. */
function isBytes(e: Expr, cx: PyCx): boolean {
  const t = cx.tags.get(e);
  return e.k === 'byteLit' || e.k === 'concat' || e.k === 'encode' || (t !== undefined && t.k !== 'getattr' && t.k !== 'none');
}

function lowerCall(n: Node, cx: PyCx, depth: number, at: Origin): Expr {
  const sub = (c: Node | null) => lowerExpr(c, cx, depth + 1);
  const fnNode = n.childForFieldName('function');
  const argNodes = kids(n.childForFieldName('arguments'));
  if (!fnNode) return opaque(at);
  const splat = argNodes.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat');
  const pos = argNodes.filter((a) => a.type !== 'keyword_argument' && a.type !== 'list_splat' && a.type !== 'dictionary_splat');
  const kw = (name: string) => argNodes.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name)?.childForFieldName('value') ?? null;
  const q = qualified(fnNode, cx);
  const last = fnNode.type === 'attribute' ? fnNode.childForFieldName('attribute')?.text ?? '' : fnNode.text;
  if (!splat) {
    const special = lowerStringLike(n, fnNode, q, last, pos, kw, cx, sub, at);
    if (special) return special;
    if (q && /^socket\.(hton|ntoh)[ls]$/.test(q) && pos.length === 1) {
      return { k: 'bswap', bits: q.endsWith('l') ? 32 : 16, arg: sub(pos[0]!), hostOnly: true, at };
    }
    if (fnNode.type === 'identifier' && fnNode.text === 'int' && pos.length === 1 && !kw('base')) return sub(pos[0]!);
    if (fnNode.type === 'identifier' && fnNode.text === 'getattr' && pos.length >= 2) return lowerGetattr(pos, cx, sub, at);
  }
  const keywords: Record<string, Expr> = {};
  for (const a of argNodes) if (a.type === 'keyword_argument') keywords[a.childForFieldName('name')?.text ?? ''] = sub(a.childForFieldName('value'));
  const call: FormCall = {
    callee: fnNode.type === 'attribute' || fnNode.type === 'identifier' ? { k: 'name', name: fnNode.text, at: originOf(fnNode) } : opaque(originOf(fnNode)),
    lastName: last,
    ...(fnNode.type === 'attribute' ? { receiver: sub(fnNode.childForFieldName('object')) } : {}),
    args: pos.map(sub),
    ...(Object.keys(keywords).length ? { keywords } : {}),
    at,
  };
  cx.calls.push({ call, splat });
  return { k: 'call', call, at };
}

/** getattr(socket, "NAME", default): the constant when CPython has it, else the default (tagged). */
function lowerGetattr(pos: Node[], cx: PyCx, sub: (c: Node | null) => Expr, at: Origin): Expr {
  const obj = qualified(pos[0]!, cx);
  const name = sub(pos[1]!);
  const s = name.k === 'str' ? name.value : name.k === 'name' ? strOf(name, cx) : null;
  if (obj !== 'socket' || s === null) return opaque(at);
  if (s in PY_SOCKET) return { k: 'name', name: `socket.${s}`, at };
  const dflt = pos[2] ? sub(pos[2]) : null;
  const e: Expr = dflt ? { ...dflt, at } : opaque(at);
  cx.tags.set(e, { k: 'getattr', name: s, dflt });
  return e;
}

/** A constant string at lowering time: a literal, "a" + "b", a name bound once to one. */
export function strOf(e: Expr, cx: PyCx, depth = 0): string | null {
  if (depth > 8) return null;
  if (e.k === 'str') return e.value;
  if (e.k === 'binary' && e.op === '+') {
    const l = strOf(e.left, cx, depth + 1);
    const r = l === null ? null : strOf(e.right, cx, depth + 1);
    return l === null || r === null ? null : l + r;
  }
  if (e.k === 'name') {
    const v = cx.known(e.name, e.at.start);
    return v ? strOf(v, cx, depth + 1) : null;
  }
  return null;
}

/** A constant int at lowering time (to_bytes lengths): a literal or a name bound once to one. */
export function intOf(e: Expr, cx: PyCx, depth = 0): bigint | null {
  if (e.k === 'int') return e.value;
  if (e.k === 'name' && depth < 8) {
    const v = cx.known(e.name, e.at.start);
    return v ? intOf(v, cx, depth + 1) : null;
  }
  return null;
}
