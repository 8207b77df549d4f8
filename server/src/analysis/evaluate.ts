/**
 * Constant folding over tree-sitter expression nodes, shared by the C, Python and Go
 * adapters. Values are exact BigInts; an unknown operand makes the result unknown
 * (value null): never guess. Each language plugs in symbol lookup, calls, casts and
 * other node kinds through EvalHooks. Recursion depth and total work are bounded, so a
 * 100,000-deep expression or a self-referencing macro ends with "unknown", not a crash.
 */
import type { Node } from 'web-tree-sitter';

export type EvalLanguage = 'c' | 'python' | 'go';

/** A C-like integer type; null on a Folded = untyped (Python int, Go untyped constant). */
export interface IntType {
  bits: number;
  unsigned: boolean;
}

export interface Folded {
  value: bigint | null;
  type: IntType | null;
}

export const UNKNOWN: Folded = Object.freeze({ value: null, type: null }) as Folded;
export const INT: IntType = Object.freeze({ bits: 32, unsigned: false });
export const UINT: IntType = Object.freeze({ bits: 32, unsigned: true });
export const U16: IntType = Object.freeze({ bits: 16, unsigned: true });
export const U64: IntType = Object.freeze({ bits: 64, unsigned: true });
export const LONG: IntType = Object.freeze({ bits: 64, unsigned: false });

/** Results wider than this many bits are treated as unknown (keeps huge literals cheap). */
const MAX_BITS = 256n;
const LIMIT = 1n << MAX_BITS;

export function known(value: bigint | number, type: IntType | null = null): Folded {
  return { value: typeof value === 'bigint' ? value : BigInt(value), type };
}

/** A BigInt as a JS number (exact up to 2^53; larger values keep their magnitude). */
export function toNumber(v: bigint | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  return Number(v);
}

/** Wraps a value into an integer type (two's complement for signed). */
export function wrap(v: bigint, t: IntType): bigint {
  const bits = BigInt(t.bits);
  return t.unsigned ? BigInt.asUintN(t.bits, v) : v >= -(1n << (bits - 1n)) && v < 1n << (bits - 1n) ? v : BigInt.asIntN(t.bits, v);
}

/**
 * An integer literal in the syntax of `language`, with its C type where that matters.
 * C: 0x/0X, 0b, octal 0777, ' separators (C23), suffixes u/U/l/L/ll/LL in any order;
 * Python: 0x/0o/0b, underscores; Go: 0x/0o/0b, legacy octal 0777, underscores.
 * Returns null for anything else (floats, malformed, imaginary).
 */
export function parseIntLiteral(raw: string, language: EvalLanguage): Folded | null {
  let text = raw.trim();
  let suffix = '';
  if (language === 'c') {
    const m = /^(.*?)([uUlL]*)$/.exec(text);
    if (!m) return null;
    text = m[1]!;
    suffix = m[2]!.toLowerCase();
    if (!/^(u?(l|ll)?|(l|ll)u)?$/.test(suffix)) return null;
    text = text.replace(/'/g, '');
  } else {
    if (/^_|_$|__/.test(text)) return null;
    text = text.replace(/_/g, '');
    if (language === 'python' && /[lL]$/.test(text)) return null;
  }
  if (text === '') return null;
  let value: bigint;
  let radix = 10;
  try {
    if (/^0[xX][0-9a-fA-F]+$/.test(text)) { value = BigInt(text); radix = 16; }
    else if (/^0[bB][01]+$/.test(text)) { value = BigInt(text); radix = 2; }
    else if (/^0[oO][0-7]+$/.test(text)) {
      if (language === 'c') return null;
      value = BigInt('0o' + text.slice(2)); radix = 8;
    } else if (/^0[0-7]+$/.test(text)) {
      if (language === 'python') return null; // Python 3 forbids 0777
      value = BigInt('0o' + text.slice(1)); radix = 8;
    } else if (/^(0|[1-9][0-9]*)$/.test(text)) value = BigInt(text);
    else return null;
  } catch {
    return null;
  }
  if (value >= LIMIT) return null;
  if (language !== 'c') return { value, type: null };
  // C11 6.4.4.1: the first type of the list that can represent the value.
  const unsigned = suffix.includes('u');
  const long = suffix.includes('l');
  const candidates: IntType[] = [];
  if (!long) candidates.push(unsigned ? UINT : INT);
  if (!long && !unsigned && radix !== 10) candidates.push(UINT);
  candidates.push(unsigned ? U64 : LONG);
  if (!unsigned && radix !== 10) candidates.push(U64);
  for (const t of candidates) {
    const max = t.unsigned ? (1n << BigInt(t.bits)) - 1n : (1n << BigInt(t.bits - 1)) - 1n;
    if (value <= max) return { value, type: t };
  }
  return { value, type: U64 };
}

/** The usual arithmetic conversions of C for two typed operands (integer promotion first). */
export function commonType(a: IntType | null, b: IntType | null): IntType | null {
  if (!a || !b) return a ?? b ? promote((a ?? b)!) : null;
  const pa = promote(a);
  const pb = promote(b);
  if (pa.bits !== pb.bits) return pa.bits > pb.bits ? pa : pb;
  return { bits: pa.bits, unsigned: pa.unsigned || pb.unsigned };
}

/** C integer promotion: anything narrower than int becomes (signed) int. */
export function promote(t: IntType): IntType {
  return t.bits < 32 ? INT : t;
}

function finish(v: bigint | null, type: IntType | null): Folded {
  if (v === null) return { value: null, type };
  if (v >= LIMIT || v <= -LIMIT) return { value: null, type };
  return { value: type && type.unsigned ? wrap(v, type) : v, type };
}

/** Binary operator semantics; `language` decides division and modulo rounding. */
export function binaryOp(op: string, a: Folded, b: Folded, language: EvalLanguage): Folded {
  const shift = op === '<<' || op === '>>';
  // Shifts take the (promoted) type of the left operand only.
  const type = shift ? (a.type ? promote(a.type) : null) : commonType(a.type, b.type);
  const x = a.value;
  const y = b.value;
  if (x === null || y === null) return { value: null, type };
  switch (op) {
    case '+': return finish(x + y, type);
    case '-': return finish(x - y, type);
    case '*': return finish(x * y, type);
    case '/':
      if (language === 'python') return { value: null, type: null }; // true division: a float
      if (y === 0n) return { value: null, type };
      return finish(x / y, type);
    case '//': {
      if (y === 0n) return { value: null, type };
      const q = x / y;
      return finish(q * y !== x && (x < 0n) !== (y < 0n) ? q - 1n : q, type);
    }
    case '%': {
      if (y === 0n) return { value: null, type };
      const r = x % y;
      return finish(language === 'python' && r !== 0n && (r < 0n) !== (y < 0n) ? r + y : r, type);
    }
    case '<<':
      if (y < 0n || y > MAX_BITS) return { value: null, type };
      return finish(x << y, type);
    case '>>':
      if (y < 0n) return { value: null, type };
      return finish(y > MAX_BITS ? (x < 0n ? -1n : 0n) : x >> y, type);
    case '|': return finish(x | y, type);
    case '&': return finish(x & y, type);
    case '^': return finish(x ^ y, type);
    case '&^': return finish(x & ~y, type); // Go bit clear
    case '**':
      if (y < 0n || y > MAX_BITS) return { value: null, type: null };
      if (x !== 0n && x !== 1n && x !== -1n && BigInt(x.toString(2).length) * y > MAX_BITS) return { value: null, type: null };
      return finish(x ** y, null);
    default:
      return { value: null, type };
  }
}

export function unaryOp(op: string, a: Folded, language: EvalLanguage): Folded {
  const type = a.type ? promote(a.type) : null;
  if (a.value === null) return { value: null, type };
  switch (op) {
    case '-': return finish(-a.value, type);
    case '+': return finish(a.value, type);
    case '~':
    case '^': // Go's unary ^ is bitwise complement
      if (op === '^' && language !== 'go') return { value: null, type };
      return finish(~a.value, type);
    case '!':
    case 'not':
      return { value: a.value === 0n ? 1n : 0n, type: language === 'c' ? INT : null };
    default:
      return { value: null, type };
  }
}

export interface EvalHooks {
  language: EvalLanguage;
  /** Resolve a name (scoped symbol table); undefined = unknown. */
  identifier?(node: Node, ev: Evaluator): Folded | undefined;
  /** Fold a call (htons, sizeof-like helpers, conversions); undefined = unknown. */
  call?(node: Node, ev: Evaluator): Folded | undefined;
  /** Any other node kind the language folds itself (C casts/sizeof, Go selectors). */
  other?(node: Node, ev: Evaluator): Folded | undefined;
  /** Observes every left shift (C signed-shift detection). */
  onShift?(node: Node, left: Folded, right: Folded): void;
}

export interface EvaluatorLimits {
  /** Maximum nesting of fold() calls (default 200). */
  maxDepth?: number;
  /** Maximum number of fold() calls over the evaluator's life (default 200,000). */
  maxSteps?: number;
}

const BINARY: Record<EvalLanguage, Set<string>> = {
  c: new Set(['binary_expression']),
  python: new Set(['binary_operator']),
  go: new Set(['binary_expression']),
};
const UNARY: Record<EvalLanguage, Set<string>> = {
  c: new Set(['unary_expression']),
  python: new Set(['unary_operator', 'not_operator']),
  go: new Set(['unary_expression']),
};
const LITERAL: Record<EvalLanguage, Set<string>> = {
  c: new Set(['number_literal']),
  python: new Set(['integer']),
  go: new Set(['int_literal']),
};

export class Evaluator {
  readonly language: EvalLanguage;
  private depth = 0;
  private steps = 0;
  private readonly maxDepth: number;
  private readonly maxSteps: number;
  /** Set once a limit was hit: every later result is unknown. */
  exhausted = false;

  constructor(readonly hooks: EvalHooks, limits: EvaluatorLimits = {}) {
    this.language = hooks.language;
    this.maxDepth = limits.maxDepth ?? 200;
    this.maxSteps = limits.maxSteps ?? 200_000;
  }

  /** Runs fn one nesting level deeper (for hooks that recurse through symbols/macros). */
  nested<T>(fn: () => T, fallback: T): T {
    if (this.depth >= this.maxDepth || this.steps >= this.maxSteps) {
      this.exhausted = true;
      return fallback;
    }
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  fold(node: Node | null | undefined): Folded {
    if (!node) return UNKNOWN;
    if (++this.steps > this.maxSteps || this.depth >= this.maxDepth) {
      this.exhausted = true;
      return UNKNOWN;
    }
    this.depth++;
    try {
      return this.foldInner(node);
    } finally {
      this.depth--;
    }
  }

  /** The folded value as a JS number, null when unknown. */
  number(node: Node | null | undefined): number | null {
    return toNumber(this.fold(node).value);
  }

  private foldInner(node: Node): Folded {
    const lang = this.language;
    const t = node.type;
    if (LITERAL[lang].has(t)) return parseIntLiteral(node.text, lang) ?? UNKNOWN;
    if (t === 'parenthesized_expression') {
      const inner = node.namedChildren.filter((c) => c && c.type !== 'comment');
      return inner.length === 1 ? this.fold(inner[0]) : UNKNOWN;
    }
    if (BINARY[lang].has(t)) {
      const op = node.childForFieldName('operator')?.type ?? '';
      const left = this.fold(node.childForFieldName('left'));
      const right = this.fold(node.childForFieldName('right'));
      if (op === '<<' && this.hooks.onShift) this.hooks.onShift(node, left, right);
      return binaryOp(op, left, right, lang);
    }
    if (UNARY[lang].has(t)) {
      const opNode = node.childForFieldName('operator') ?? node.child(0);
      const arg = node.childForFieldName('argument') ?? node.childForFieldName('operand') ?? node.namedChild(node.namedChildCount - 1);
      return unaryOp(opNode?.type ?? '', this.fold(arg), lang);
    }
    if (t === 'identifier' && this.hooks.identifier) return this.hooks.identifier(node, this) ?? UNKNOWN;
    if (t === 'call_expression' || t === 'call') {
      if (this.hooks.call) return this.hooks.call(node, this) ?? UNKNOWN;
      return UNKNOWN;
    }
    if (this.hooks.other) return this.hooks.other(node, this) ?? UNKNOWN;
    return UNKNOWN;
  }
}

/** Byte-swaps the low 16 bits (htons/ntohs on a little-endian host). */
export function bswap16(v: bigint): bigint {
  const x = BigInt.asUintN(16, v);
  return ((x & 0xffn) << 8n) | (x >> 8n);
}

/** Byte-swaps the low 32 bits (htonl/ntohl on a little-endian host). */
export function bswap32(v: bigint): bigint {
  const x = BigInt.asUintN(32, v);
  return ((x & 0xffn) << 24n) | ((x & 0xff00n) << 8n) | ((x >> 8n) & 0xff00n) | (x >> 24n);
}
