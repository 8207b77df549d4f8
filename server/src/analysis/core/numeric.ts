/**
 * The one home of the numeric helpers: integer types, literals of every language, the
 * operators with each language's rounding, wrapping, byte swaps, and integers as the bytes
 * the kernel reads (spec §2.2/§2.3). Values are exact BigInts; null means unknown.
 */
export type EvalLanguage = 'c' | 'cpp' | 'python' | 'go' | 'rust';

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
  // tree-sitter-c/cpp fold a leading sign into number_literal (`-1`): the literal's type is
  // that of its magnitude, then negated in that type (issue 9: `uint32_t v = -1` is 0xFFFFFFFF).
  if ((language === 'c' || language === 'cpp') && /^[-+]\s*[0-9]/.test(text)) {
    const m = parseIntLiteral(text.replace(/^[-+]\s*/, ''), language);
    if (!m || m.value === null) return null;
    return text[0] === '-' ? unaryOp('-', m, language) : m;
  }
  let suffix = '';
  const cLike = language === 'c' || language === 'cpp';
  let rustType: IntType | null = null;
  if (language === 'rust') {
    const m = /^(.*?)_*([ui](8|16|32|64|128|size))?$/.exec(text);
    if (!m || !m[1]) return null;
    text = m[1].replace(/_/g, '');
    if (m[2]) {
      const bits = m[3] === 'size' ? 64 : Number(m[3]);
      rustType = { bits, unsigned: m[2][0] === 'u' };
    }
    if (/^0[0-7]/.test(text)) text = text.replace(/^0+(?=\d)/, ''); // Rust has no legacy octal
  } else if (cLike) {
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
      if (cLike) return null;
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
  if (language === 'rust') return { value, type: rustType };
  if (!cLike) return { value, type: null };
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
  if (language === 'go') return goBinaryOp(op, a, b);
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
  if (language === 'go' && a.type && a.value !== null && (op === '-' || op === '+' || op === '^')) {
    // Go: no promotion; the result wraps to the operand's own type (^x on a uint16 is 16 bits).
    return { value: wrap(op === '-' ? -a.value : op === '^' ? ~a.value : a.value, a.type), type: a.type };
  }
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
      return { value: a.value === 0n ? 1n : 0n, type: language === 'c' || language === 'cpp' ? INT : null };
    default:
      return { value: null, type };
  }
}

/**
 * Go's integer arithmetic (The Go Programming Language Specification, "Arithmetic operators",
 * "Integer overflow"): no integer promotion; the result has the typed operand's type (a
 * shift the left operand's) and wraps to it, signed or not: a uint16 shifted by 16 is 0.
 * Untyped constants stay exact.
 */
function goBinaryOp(op: string, a: Folded, b: Folded): Folded {
  const type = op === '<<' || op === '>>' ? a.type : a.type ?? b.type;
  const r = binaryOp(op, { value: a.value, type: null }, { value: b.value, type: null }, 'c');
  return { value: r.value === null || !type ? r.value : wrap(r.value, type), type };
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

/** A BigInt as a JS number when it is a safe integer, else null. */
export function toNum(v: bigint | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(v);
}

/** Two's-complement wrap of v into an integer type of `bits` bits. */
export function wrapBits(v: bigint, bits: number, signed: boolean): bigint {
  return wrap(v, { bits, unsigned: !signed });
}

/** The n bytes of an unsigned integer in the given order (v is taken modulo 2^(8n)). */
export function bytesOf(v: bigint, n: number, order: 'little' | 'big'): number[] {
  const u = BigInt.asUintN(n * 8, v);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Number((u >> BigInt(8 * i)) & 0xffn));
  return order === 'little' ? out : out.reverse();
}

/**
 * The u32 shown for an optval buffer. With optlen >= 4 it is what do_ip_setsockopt() reads:
 * the first four bytes in host order (spec §2.3). A shorter buffer is rejected with EINVAL
 * (bad-optlen) after the kernel read only its first byte; it is shown as the bytes given in
 * the u32's place, zero-padded (issue 9: `struct.pack("=H", 40001)` is lo=40001, not 65), the
 * same as a C `uint16_t` passed with `sizeof v`.
 */
export function kernelRead(bytes: readonly number[], host: 'little' | 'big'): number {
  const b = [0, 1, 2, 3].map((i) => (bytes[i] ?? 0) & 0xff);
  const [b0, b1, b2, b3] = host === 'little' ? b : [b[3]!, b[2]!, b[1]!, b[0]!];
  return (b0! | (b1! << 8) | (b2! << 16) | (b3! << 24)) >>> 0;
}
