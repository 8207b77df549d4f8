/**
 * From bytes and halves to the DecodedValue the kernel sees (spec §2.2/§2.3): byte-order
 * labels, the halves the author meant, and the shift-or shape `hi << 16 | lo` in any grammar.
 */
import type { ByteOrder, DecodedValue, Span } from '../callSite';
import { toNum, wrapBits } from './numeric';
import type { Expr } from './form';

/**
 * The byte order recorded on a DecodedValue. A big-endian encoding (struct "!"/">",
 * to_bytes "big", binary.BigEndian, htonl) on a little-endian host is 'network': the
 * kernel reads host order, so it sees the bytes swapped (same convention as the C adapter).
 * On a big-endian host the same encoding is simply 'big' (what the kernel expects).
 */
export function orderLabel(order: ByteOrder, host: 'little' | 'big'): ByteOrder {
  if (order === 'big' || order === 'network') return host === 'little' ? 'network' : 'big';
  return order;
}

/** The halves an author meant, before encoding; values may exceed 16 bits (half-overflow). */
export interface Intended {
  lo: bigint | null;
  hi: bigint | null;
}

/** Build a DecodedValue from the packed u32 the kernel reads. */
export function decoded(
  packed: number | null,
  byteOrder: ByteOrder,
  optlen: number | null,
  form: string,
  intended: Intended | null,
  span: Span,
): DecodedValue {
  const lo = packed === null ? null : packed & 0xffff;
  const hi = packed === null ? null : (packed >>> 16) & 0xffff;
  return {
    lo,
    hi,
    packed,
    byteOrder,
    optlen,
    intendedLo: intended ? toNum(intended.lo) : null,
    intendedHi: intended ? toNum(intended.hi) : null,
    form,
    span,
  };
}

/** Halves of a plain value (no visible structure): what the author's integer says. */
export function halvesOf(v: bigint | null): Intended {
  if (v === null) return { lo: null, hi: null };
  const u = v < 0n ? wrapBits(v, 32, false) : v;
  return { lo: u & 0xffffn, hi: u >> 16n };
}

const LOW_WORDS = new Set(['lo', 'low', 'lower', 'min', 'start', 'first', 'begin', 'from', 'lb', 'minport', 'lport', 'base']);
const HIGH_WORDS = new Set(['hi', 'high', 'upper', 'max', 'end', 'last', 'stop', 'to', 'ub', 'maxport', 'hport', 'limit']);

/** Split an identifier into lower-case words: "portRangeLo" -> port range lo, "MAX_PORT" -> max port. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+|(?<=[A-Za-z])(?=[0-9])/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** 'lo' / 'hi' when an expression's identifiers say which bound it is, else null. */
export function boundName(text: string): 'lo' | 'hi' | null {
  const ids = text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  let lo = false;
  let hi = false;
  for (const id of ids) {
    for (const w of words(id)) {
      if (LOW_WORDS.has(w)) lo = true;
      if (HIGH_WORDS.has(w)) hi = true;
    }
  }
  if (lo && !hi) return 'lo';
  if (hi && !lo) return 'hi';
  return null;
}

/**
 * The author's halves for `upper << 16 | lower`: by default the lower operand is lo; when
 * the names say the operand shifted into the upper half is the low bound (and the other one
 * the high bound), the author swapped them, and intended lo is the shifted one.
 */
export function intendedFromHalves(
  upperText: string,
  upper: bigint | null,
  lowerText: string,
  lower: bigint | null,
): Intended {
  const u = boundName(upperText);
  const l = boundName(lowerText);
  if (u === 'lo' && l !== 'lo' && (l === 'hi' || l === null)) return { lo: upper, hi: lower };
  if (l === 'hi' && u === null) return { lo: upper, hi: lower };
  return { lo: lower, hi: upper };
}

/**
 * The author's halves for a shift-or packing `upper << 16 | lower` (also `upper * 65536 + lower`).
 * Like the C adapter: when no name says which bound is which and the constants put the larger
 * one in the lower half (the kernel would read lo > hi), the author packed lo into the upper
 * half, so the intended lo is the shifted one (swapped-halves, not empty-range). Not for
 * byte-swapped halves (htons per half: network-byte-order explains those) nor for halves
 * wider than 16 bits (half-overflow).
 */
export function intendedFromShiftOr(
  upperText: string,
  upper: bigint | null,
  lowerText: string,
  lower: bigint | null,
  byteSwapped = false,
): Intended {
  if (!byteSwapped && boundName(upperText) === null && boundName(lowerText) === null &&
      upper !== null && lower !== null && upper > 0n && lower > 0n && upper <= 0xffffn && lower <= 0xffffn && lower > upper) {
    return { lo: upper, hi: lower };
  }
  return intendedFromHalves(upperText, upper, lowerText, lower);
}

/** Strips what does not change a packing's shape: casts and address-of, and with `swaps` byte swaps too. */
export function stripShape(e: Expr, swaps = false): Expr {
  let cur = e;
  for (let i = 0; i < 32 && (cur.k === 'cast' || cur.k === 'addr' || (swaps && cur.k === 'bswap')); i++) cur = cur.arg;
  return cur;
}

/** If e is `A << 16`, `A * 65536` or `65536 * A` (after stripShape), A as written; else null. */
export function shiftedBy16(e: Expr, swaps = false): Expr | null {
  const cur = stripShape(e, swaps);
  if (cur.k !== 'binary') return null;
  const lit = (x: Expr, v: bigint) => x.k === 'int' && x.value === v;
  if (cur.op === '<<' && lit(cur.right, 16n)) return cur.left;
  if (cur.op === '*' && lit(cur.right, 65536n)) return cur.left;
  if (cur.op === '*' && lit(cur.left, 65536n)) return cur.right;
  return null;
}

/**
 * The one reader of the packing shape `upper << 16 | lower` (also `+`, `^`, `* 65536`, either
 * operand order) over the common form, for every language: the two operands as written and
 * the shifting sub-expression itself; else null.
 */
export function shiftOrParts(e: Expr, swaps = false): { upper: Expr; lower: Expr; shift: Expr } | null {
  if (e.k !== 'binary' || (e.op !== '|' && e.op !== '+' && e.op !== '^')) return null;
  for (const [up, low] of [[e.left, e.right], [e.right, e.left]] as const) {
    const upper = shiftedBy16(up, swaps);
    if (upper) return { upper, lower: low, shift: stripShape(up, swaps) };
  }
  return null;
}
