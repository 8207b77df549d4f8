/**
 * Folding Python expressions: names through their bindings, string and bytes literals,
 * operators with CPython's exact integer rules, concatenation. Unknown is null.
 */
import type { Node } from 'web-tree-sitter';
import { intendedFromHalves } from '../../core/halves';
import { args, budgeted } from '../../core/tree';
import { evCall } from './calls';
import { selfAttributeValue } from './attributes';
import { Ctx, lookup, scopeOf } from './scope';
import { Binding, HOST_ORDER, PY_SOCKET, PyVal, Scope, bounded, isInt, parsePyInt, floorDiv, pyMod } from './values';

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

export function ev(ctx: Ctx, n: Node | null, scope: Scope): PyVal | null {
  return n ? budgeted(ctx.budget, () => evInner(ctx, n, scope)) : null;
}

export function evInt(ctx: Ctx, n: Node | null, scope: Scope): bigint | null {
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
      const assigned = selfAttributeValue(n);
      return assigned ? ev(ctx, assigned, scopeOf(ctx, assigned)) : null;
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
