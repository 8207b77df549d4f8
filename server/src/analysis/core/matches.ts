/**
 * Which query matches, and where the query runs: the one home for every language. The
 * detection query never runs over a whole large file; it runs over ranges that can matter:
 *   - topLevelRanges: the top-level items whose text holds a needle (C: `sockopt`; Go: its
 *     package-level names);
 *   - rangesOutside: everything but the function bodies a lowering never walks (Rust, C++:
 *     languages/relevance.ts says which bodies matter);
 *   - any ranges a lowering computes itself (Python's kept functions, Go's kept declarations).
 * matchesIn (matches wholly inside one range, each once) and matchesOutside (matches meeting
 * the ranges) run the query there with a bounded start depth; marksOf/callMarks turn matches
 * into the marks a lowering needs.
 */
import { cap } from './captures';
import type { Node, Query, QueryMatch, QueryOptions } from 'web-tree-sitter';

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
export function topLevelRanges(root: Node, text: string, needles: readonly string[], skip: readonly [number, number][] = [], wholeWord = false): [number, number][] {
  const kids = topLevelKids(root);
  if (kids.length === 0) return [];
  const chosen = new Set<number>();
  // Every occurrence counts (no cap): each costs one binary search over the top-level items.
  for (const needle of needles) {
    if (!needle) continue;
    for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) {
      if (wholeWord && (IDENT.test(text[i - 1] ?? '') || IDENT.test(text[i + needle.length] ?? ''))) continue;
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

/** Runs the query over each range (null: the whole tree); `containing`: only the matches wholly inside the range. */
function matchesOver(query: Query, root: Node, ranges: readonly (readonly [number, number])[] | null, containing: boolean): QueryMatch[] {
  if (ranges === null) return query.matches(root, { maxStartDepth: MAX_START_DEPTH });
  const out: QueryMatch[] = [];
  for (const [s, e] of ranges) {
    const options: QueryOptions = containing
      ? { startIndex: s, endIndex: e, startContainingIndex: s, endContainingIndex: e, maxStartDepth: MAX_START_DEPTH }
      : { startIndex: s, endIndex: e, maxStartDepth: MAX_START_DEPTH };
    for (const m of query.matches(root, options)) out.push(m);
  }
  return out;
}

/** query.matches over the given ranges only: matches wholly inside one range, each once. */
export function matchesIn(query: Query, root: Node, ranges: readonly [number, number][], seen = new Set<string>()): QueryMatch[] {
  return matchesOver(query, root, ranges, true).filter((m) => {
    const first = m.captures[0]?.node;
    const key = `${m.patternIndex}:${first?.startIndex}:${first?.endIndex}:${first?.type}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The text between the `skipped` nodes (function bodies a lowering never walks, in pre-order,
 * never nested in one another), gaps of blanks left out; null when nothing is skipped (the whole tree).
 */
export function rangesOutside(text: string, skipped: readonly Node[]): [number, number][] | null {
  if (skipped.length === 0) return null;
  const out: [number, number][] = [];
  const add = (s: number, e: number) => {
    if (/\S/.test(text.slice(s, e))) out.push([s, e]);
  };
  let from = 0;
  for (const n of skipped) {
    if (n.startIndex > from) add(from, n.startIndex);
    from = Math.max(from, n.endIndex);
  }
  if (from < text.length) add(from, text.length);
  return out;
}

/**
 * The query's matches outside the bodies that the lowering never walks (rangesOutside):
 * running it over the whole tree cost as much as a third of the parse in a 10,000-line file
 * with few relevant functions. A match over two ranges comes twice (marks are sets of node ids).
 */
export function matchesOutside(query: Query, root: Node, text: string, skipped: readonly Node[]): QueryMatch[] {
  return matchesOver(query, root, rangesOutside(text, skipped), false);
}

/** The query's marks a lowering needs: the setsockopt-like calls and the socket operations. */
export interface CallMarks { sockopt: ReadonlySet<number>; sockop: ReadonlySet<number> }

/** The marks of these matches (`isSockopt`: a further test of a `@sockopt` match, e.g. C's name as masked). */
export function marksOf(matches: readonly QueryMatch[], isSockopt: (m: QueryMatch) => boolean = () => true): CallMarks {
  const sockopt = new Set<number>();
  const sockop = new Set<number>();
  for (const m of matches) {
    const a = cap(m, 'sockopt');
    if (a && isSockopt(m)) sockopt.add(a.id);
    const b = cap(m, 'sockop');
    if (b) sockop.add(b.id);
  }
  return { sockopt, sockop };
}

/** The marks from the query, searched outside the skipped function bodies only (Rust, C++). */
export function callMarks(query: Query, root: Node, text: string, skipped: readonly Node[]): CallMarks {
  return marksOf(matchesOutside(query, root, text, skipped));
}
