/**
 * Folding Go expressions with Go's typed integer arithmetic (a uint16 shifted by 16 is 0):
 * names, strings, operators, conversions, byte literals.
 */
import type { Node } from 'web-tree-sitter';
import { args, operand, budgeted } from '../../core/tree';
import { wrapBits } from '../../core/numeric';
import { evCall } from './calls';
import { lookup, parseGoInt } from './scope';
import { Binding, Ctx, GoVal, IntType, MAX_INT, SYSCALL, Scope, UNIX, WIDTH, intType } from './values';

// ---------------------------------------------------------------- evaluation

export function mkInt(v: bigint, t: IntType): GoVal | null {
  if (t === 'untyped') return v > MAX_INT || v < -MAX_INT ? null : { k: 'int', v, t };
  const [bits, signed] = WIDTH[t];
  return { k: 'int', v: wrapBits(v, bits, signed), t };
}

export function ev(ctx: Ctx, n: Node | null, scope: Scope): GoVal | null {
  return n ? budgeted(ctx.budget, () => evInner(ctx, n, scope)) : null;
}

export function evInt(ctx: Ctx, n: Node | null, scope: Scope): { v: bigint; t: IntType } | null {
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
