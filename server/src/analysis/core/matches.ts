/**
 * Running the detection query only where it can find something: the top-level items around
 * textual needles, and query matches restricted to byte ranges (bounded start depth).
 */
import type { Node, Query, QueryMatch } from 'web-tree-sitter';

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
