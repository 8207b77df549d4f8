/**
 * Language-neutral pieces shared by the Python and Go adapters: spans, bounded work,
 * byte buffers as the kernel reads them (spec §2.2/§2.3), and the "which half did the
 * author mean" heuristics. Language-specific folding lives in python.ts / go.ts.
 */
import type { Node, Query, QueryMatch } from 'web-tree-sitter';
import type { ByteOrder, DecodedValue, Operand, Span, SocketEvent } from '../callSite';

export const IP_LOCAL_PORT_RANGE = 51;
export const U32 = 0xffffffffn;

export function spanOf(n: Node): Span {
  return {
    line: n.startPosition.row,
    column: n.startPosition.column,
    endLine: n.endPosition.row,
    endColumn: n.endPosition.column,
  };
}

export function operand(n: Node, value: number | null): Operand {
  return { text: n.text.length > 200 ? n.text.slice(0, 200) + '…' : n.text, value, span: spanOf(n) };
}

/** A step budget so that hostile input (deep nesting, huge files) can never hang the adapter. */
export class Budget {
  constructor(public steps: number, public depth = 0, public readonly maxDepth = 200) {}
  /** false when the budget is spent or recursion is too deep: callers then return "unknown". */
  enter(): boolean {
    if (this.steps <= 0 || this.depth >= this.maxDepth) return false;
    this.steps--;
    this.depth++;
    return true;
  }
  leave(): void {
    this.depth--;
  }
}

/** Strip wrapper nodes (parentheses) without recursion. */
export function unwrap(n: Node, types: readonly string[]): Node {
  let cur = n;
  for (let i = 0; i < 1000 && types.includes(cur.type); i++) {
    const inner = cur.namedChildren.find((c) => c !== null && c.type !== 'comment');
    if (!inner) break;
    cur = inner;
  }
  return cur;
}

/** n as a JS number when it is a safe integer, else null. */
export function toNum(v: bigint | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(v);
}

/** Two's-complement wrap of v into an integer type of `bits` bits. */
export function wrapBits(v: bigint, bits: number, signed: boolean): bigint {
  const mod = 1n << BigInt(bits);
  let r = ((v % mod) + mod) % mod;
  if (signed && r >= mod >> 1n) r -= mod;
  return r;
}

/** The n bytes of an unsigned integer in the given order (v is taken modulo 2^(8n)). */
export function bytesOf(v: bigint, n: number, order: 'little' | 'big'): number[] {
  const u = wrapBits(v, n * 8, false);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Number((u >> BigInt(8 * i)) & 0xffn));
  return order === 'little' ? out : out.reverse();
}

export function bswap16(v: number): number {
  return ((v & 0xff) << 8) | ((v >> 8) & 0xff);
}

export function bswap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | ((v >>> 24) & 0xff)) >>> 0;
}

/**
 * What do_ip_setsockopt() reads from an optval buffer (spec §2.3): optlen >= 4 reads a
 * host-order u32 from the first four bytes, 1..3 reads one byte, 0 reads nothing.
 */
export function kernelRead(bytes: readonly number[], host: 'little' | 'big'): number {
  if (bytes.length >= 4) {
    const b = bytes.slice(0, 4);
    const [b0, b1, b2, b3] = host === 'little' ? b : [b[3], b[2], b[1], b[0]];
    return ((b0 & 0xff) | ((b1 & 0xff) << 8) | ((b2 & 0xff) << 16) | ((b3 & 0xff) << 24)) >>> 0;
  }
  if (bytes.length >= 1) return bytes[0] & 0xff;
  return 0;
}

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

/** The event list helper: keep execution order, drop exact duplicates. */
export function pushEvent(events: SocketEvent[], e: SocketEvent): void {
  if (events.some((x) => x.kind === e.kind && x.span.line === e.span.line && x.span.column === e.span.column)) return;
  events.push(e);
}

export function spanBefore(a: Span, b: Span): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

/** A constant port out of "host:port" / ":port" / "[::1]:port" (Go addresses), else null. */
export function portOfAddress(addr: string): number | null {
  const m = /:(\d{1,5})$/.exec(addr);
  if (!m) return null;
  const p = Number(m[1]);
  return p <= 65535 ? p : null;
}

const IDENT = /[A-Za-z0-9_]/;
const kidsCache = new WeakMap<object, [number, number][]>();

/** [start, end) of each child of the root, once per tree. */
function topLevelKids(root: Node): [number, number][] {
  const cached = kidsCache.get(root.tree);
  if (cached) return cached;
  const kids: [number, number][] = [];
  const cursor = root.walk();
  try {
    if (cursor.gotoFirstChild()) {
      do kids.push([cursor.startIndex, cursor.endIndex]);
      while (cursor.gotoNextSibling());
    }
  } finally {
    cursor.delete();
  }
  kidsCache.set(root.tree, kids);
  return kids;
}

/**
 * The top-level statements (children of the root) whose text contains one of the needles,
 * as merged [start, end) index ranges. Queries then run only there: a 20,000-line file with a
 * handful of call sites is not traversed by every detection pattern.
 */
export function topLevelRanges(root: Node, text: string, needles: readonly string[], skip: readonly [number, number][] = [], wholeWord = false, maxHits = 100_000): [number, number][] {
  const kids = topLevelKids(root);
  if (kids.length === 0) return [];
  const chosen = new Set<number>();
  let hits = 0;
  for (const needle of needles) {
    if (!needle) continue;
    for (let i = text.indexOf(needle); i >= 0 && hits < maxHits; i = text.indexOf(needle, i + needle.length)) {
      if (wholeWord && (IDENT.test(text[i - 1] ?? '') || IDENT.test(text[i + needle.length] ?? ''))) continue;
      hits++;
      // binary search: the last kid starting at or before i
      let lo = 0;
      let hi = kids.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (kids[mid]![0] <= i) lo = mid;
        else hi = mid - 1;
      }
      if (kids[lo]![0] <= i && i < kids[lo]![1]) chosen.add(lo);
    }
  }
  const out: [number, number][] = [];
  for (const k of [...chosen].sort((a, b) => a - b)) {
    const [s, e] = kids[k]!;
    if (skip.some(([a, b]) => a <= s && e <= b)) continue;
    const last = out[out.length - 1];
    if (last && chosen.has(k - 1) && last[1] <= s) last[1] = e;
    else out.push([s, e]);
  }
  return out;
}

/**
 * Patterns may start at most this deep in the tree. Real call sites sit a few dozen levels
 * down; without a bound, a 100,000-deep expression (f(f(f(...))) or - - - ...1) keeps one
 * in-progress match per level and tree-sitter's query cursor goes quadratic (13 s measured).
 */
export const MAX_START_DEPTH = 400;

/** query.matches over the given ranges only: matches wholly inside one range, each once. */
export function matchesIn(query: Query, root: Node, ranges: readonly [number, number][], seen = new Set<string>()): QueryMatch[] {
  const out: QueryMatch[] = [];
  for (const [s, e] of ranges) {
    for (const m of query.matches(root, { startIndex: s, endIndex: e, startContainingIndex: s, endContainingIndex: e, maxStartDepth: MAX_START_DEPTH })) {
      const first = m.captures[0]?.node;
      const key = `${m.patternIndex}:${first?.startIndex}:${first?.endIndex}:${first?.type}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(m);
    }
  }
  return out;
}

/** Ranges of the top-level statements accepted by `keep`, minus those inside `skip`. */
export function topLevelRangesWhere(root: Node, keep: (n: Node) => boolean, skip: readonly [number, number][] = []): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < root.childCount; i++) {
    const c = root.child(i);
    if (!c || !keep(c)) continue;
    const s = c.startIndex;
    const e = c.endIndex;
    if (skip.some(([a, b]) => a <= s && e <= b)) continue;
    out.push([s, e]);
  }
  return out;
}
