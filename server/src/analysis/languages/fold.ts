/**
 * Language-neutral pieces shared by the Python and Go adapters: spans, bounded work,
 * byte buffers as the kernel reads them (spec §2.2/§2.3), and the "which half did the
 * author mean" heuristics. Language-specific folding lives in python.ts / go.ts.
 */
import type { Node, Query, QueryMatch } from 'web-tree-sitter';
import type { ByteOrder, DecodedValue, Operand, SocketContext, Span, SocketEvent, SyntacticFacts } from '../callSite';
import type { RawCallSite } from './types';
import { cap, role } from '../core/captures';

export { cap, role };

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

/** The node types and literal parser a language's expressions use (for the packing shapes). */
export interface ExprSyntax {
  binary: string;
  intLiteral: string;
  parseInt(text: string): bigint | null;
  /** Strips what does not change the value's shape (parentheses, conversions). */
  strip(n: Node): Node;
}

/** If n is `A << 16`, `A * 65536` or `65536 * A` (after syn.strip), A; else null. */
export function shiftedBy16(n: Node, syn: ExprSyntax): Node | null {
  const cur = syn.strip(n);
  if (cur.type !== syn.binary) return null;
  const op = cur.childForFieldName('operator')?.text;
  const l = cur.childForFieldName('left');
  const r = cur.childForFieldName('right');
  if (!l || !r) return null;
  const rv = r.type === syn.intLiteral ? syn.parseInt(r.text) : null;
  const lv = l.type === syn.intLiteral ? syn.parseInt(l.text) : null;
  if (op === '<<' && rv === 16n) return l;
  if (op === '*' && rv === 65536n) return l;
  if (op === '*' && lv === 65536n) return r;
  return null;
}

/** `upper << 16 | lower` (also `+`, `^`, either operand order): the two operands, else null. */
export function shiftOrParts(n: Node, syn: ExprSyntax): { upper: Node; lower: Node } | null {
  if (n.type !== syn.binary) return null;
  const op = n.childForFieldName('operator')?.text;
  if (op !== '|' && op !== '+' && op !== '^') return null;
  const l = n.childForFieldName('left');
  const r = n.childForFieldName('right');
  for (const [up, low] of [[l, r], [r, l]] as const) {
    const upper = up ? shiftedBy16(up, syn) : null;
    if (upper && low) return { upper, lower: low };
  }
  return null;
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

// ---------------------------------------------------------------- syntax tree helpers (both adapters)

/** The named children of a node, without comments (argument lists, bodies). */
export function args(n: Node | null): Node[] {
  if (!n) return [];
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** Iterative pre-order walk that does not enter the given node types (beyond the root). */
export function walk(root: Node, visit: (n: Node) => void, stopAt: readonly string[]): void {
  const stack: Node[] = [root];
  let guard = 0;
  while (stack.length > 0 && guard++ < 2_000_000) {
    const n = stack.pop()!;
    visit(n);
    if (n.id !== root.id && stopAt.includes(n.type)) continue;
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c) stack.push(c);
    }
  }
}

/** The identifiers in an expression, not entering nested functions (`stopAt`). */
export function identifiersIn(n: Node, stopAt: readonly string[]): string[] {
  const out: string[] = [];
  walk(n, (c) => { if (c.type === 'identifier') out.push(c.text); }, stopAt);
  return out;
}

/** A match's capture by name. */

/** Runs one evaluation step under the budget; "unknown" (null) when it is spent or too deep. */
export function budgeted<T>(budget: Budget, step: () => T | null): T | null {
  if (!budget.enter()) return null;
  try {
    return step();
  } finally {
    budget.leave();
  }
}

/** What classifyOpt learns about an optname operand (both adapters). */
export interface OptInfo {
  value: number | null;
  isRange: boolean;
  /** The option's name when it is a known name, for socket events. */
  name: string | null;
  facts: SyntacticFacts;
  /**
   * 51 reached through a constant whose name does not say "port range" (e.g. HOP_LIMIT = 51):
   * at SOL_IP it still is IP_LOCAL_PORT_RANGE, at another level it is that level's option 51.
   */
  otherName?: boolean;
}

// ---------------------------------------------------------------- call sites and helpers (both adapters)

/** A *sockopt call found by the query: the call and its callee as written. */
export interface FoundCall {
  call: Node;
  callee: Node;
}

/** A call of a project helper that forwards lo/hi into the option. */
export interface HelperCall {
  /** The helper function (its definition). */
  fn: Node;
  name: string;
  /** The helper call, its callee and its arguments. */
  call: Node;
  callee: Node;
  args: Node[];
}

/** What the call-site driver needs from a language. */
export interface CallSiteDriver<SC extends FoundCall> {
  calls: SC[];
  /**
   * The query's matches: `function` (+ `name`) captures are the file's functions (a name defined
   * twice is not followed), `helper.call` (+ `callee`, `args`) the calls that may be helper calls.
   */
  matches: readonly QueryMatch[];
  /** The function name a helper call's callee names (`f`, `obj.f`), if any. */
  calleeName(callee: Node): string | undefined;
  /** The named function whose body holds a call (a helper candidate), if any. */
  enclosingNamed(call: Node): { fn: Node; name: string } | null;
  /** Whether the call's operands depend on the enclosing function's parameters. */
  dependsOnParams(sc: SC, fn: Node): boolean;
  /** Fresh step budget before each call site. */
  resetBudget(): void;
  /** The call site of a call as written (helper = null) or as seen through one helper call. */
  analyse(sc: SC, helper: HelperCall | null): RawCallSite | null;
}

/**
 * Every call site of a file: each *sockopt call as written, and for a call inside a helper
 * whose operands come from its parameters, one call site per call of that helper (reported at
 * the helper call, parameter order read from the helper's body). One malformed construct never
 * hides the others (PRL_STRICT=1 surfaces it, for tests). Sorted by position.
 */
export function collectCallSites<SC extends FoundCall>(d: CallSiteDriver<SC>): RawCallSite[] {
  const functions = new Map<string, Node[]>();
  const helperCalls: QueryMatch[] = [];
  for (const m of d.matches) {
    const fn = cap(m, 'function');
    const name = fn ? role(m, 'name')?.text : undefined;
    if (fn && name) functions.set(name, [...(functions.get(name) ?? []), fn]);
    else if (!fn && cap(m, 'helper')) helperCalls.push(m);
  }
  const helpersByName = new Map<string, QueryMatch[]>();
  for (const hm of helperCalls) {
    const callee = role(hm, 'callee');
    const name = callee ? d.calleeName(callee) : undefined;
    if (name && functions.has(name)) helpersByName.set(name, [...(helpersByName.get(name) ?? []), hm]);
  }
  const out: RawCallSite[] = [];
  const seen = new Set<number>();
  const sockoptInside = (fn: Node) => d.calls.some((o) => o.call.startIndex >= fn.startIndex && o.call.endIndex <= fn.endIndex);
  for (const sc of d.calls) {
    if (seen.has(sc.call.id)) continue;
    seen.add(sc.call.id);
    // A call of this file's own setsockopt-named helper is analysed through the helper's body.
    const own = sc.callee.type === 'identifier' ? functions.get(sc.callee.text) : undefined;
    if (own && own.length === 1 && sockoptInside(own[0]!)) continue;
    try {
      d.resetBudget();
      const site = d.analyse(sc, null);
      if (site) out.push(site);
      const enc = d.enclosingNamed(sc.call);
      if (!enc || (functions.get(enc.name)?.length ?? 0) !== 1 || !d.dependsOnParams(sc, enc.fn)) continue;
      for (const hm of helpersByName.get(enc.name) ?? []) {
        const hc = cap(hm, 'helper');
        const callee = role(hm, 'callee');
        if (!hc || !callee || hc.id === sc.call.id) continue;
        if (enc.fn.startIndex <= hc.startIndex && hc.endIndex <= enc.fn.endIndex) continue; // recursion
        d.resetBudget();
        const w = d.analyse(sc, { fn: enc.fn, name: enc.name, call: hc, callee, args: args(role(hm, 'args')) });
        if (w && w.value && (w.value.lo !== null || w.value.hi !== null)) out.push(w);
        else if (w && !site) out.push(w); // an option name that only the arguments tell
      }
    } catch (e) {
      if (process.env.PRL_STRICT === '1') throw e;
    }
  }
  out.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
  return out;
}

/** The parts of a call site an adapter decodes; the rest is the same in every adapter. */
export interface SiteParts {
  language: 'python' | 'go';
  op: 'set' | 'get';
  level: Operand;
  optname: Operand;
  value: DecodedValue | null;
  socket: SocketContext;
  facts: SyntacticFacts;
  /**
   * At a helper call: the argument that is the value itself, with its value for the fix. A fix
   * must not rewrite the helper's body for one call, so without one there is no valueExpr.
   */
  valueArgument?: { node: Node; value: number | null } | null;
}

/** A helper call as an adapter records it (the adapters add their own socket pointer). */
export interface HelperSite {
  call: Node;
  callee: Node;
  /** The helper's name (for CallSite.via). */
  helper: string;
}

/**
 * A RawCallSite: at the call as written, or at a helper call (span and callee of the helper
 * call, `via` = the helper and its inner call; the value's span is the helper call).
 */
export function assembleSite(file: string, sc: FoundCall, helper: HelperSite | null, p: SiteParts): RawCallSite {
  const facts = p.facts;
  if (helper && p.op === 'set') {
    if (p.value) p.value.span = spanOf(helper.call);
    if (p.valueArgument) facts.valueExpr = operand(p.valueArgument.node, p.valueArgument.value);
    else delete facts.valueExpr;
  }
  return {
    file,
    language: p.language,
    op: p.op,
    span: spanOf(helper ? helper.call : sc.call),
    callee: helper ? helper.callee.text : sc.callee.text,
    level: p.level,
    optname: p.optname,
    value: p.value,
    socket: p.socket,
    facts,
    ...(helper ? { via: { helper: helper.helper, span: spanOf(sc.call) } } : {}),
  };
}

/**
 * Whether identifiers reach a parameter of the function whose scope `names` is, through locals
 * assigned once (bounded); `accept` may refuse a parameter (e.g. the receiver alone).
 */
export function reachesParam(
  start: readonly string[],
  names: ReadonlyMap<string, { kind: string; node?: Node }>,
  stopAt: readonly string[],
  accept: (id: string) => boolean = () => true,
): boolean {
  const stack = [...start];
  const seen = new Set<string>();
  while (stack.length && seen.size < 200) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const b = names.get(id);
    if (b?.kind === 'param' && accept(id)) return true;
    if (b?.kind === 'expr' && b.node) stack.push(...identifiersIn(b.node, stopAt));
  }
  return false;
}

/** At a helper call, the argument a parameter operand is bound to (null when it is not one). */
export function argumentAt<S>(helperCall: Node | null, binding: { kind: string; node?: Node; scope?: S } | null | undefined): { node: Node; scope: S } | null {
  if (!helperCall || binding?.kind !== 'expr' || !binding.node) return null;
  const n = binding.node;
  return n.startIndex >= helperCall.startIndex && n.endIndex <= helperCall.endIndex ? { node: n, scope: binding.scope as S } : null;
}
