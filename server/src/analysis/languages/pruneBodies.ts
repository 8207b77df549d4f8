/**
 * Parsing less for the languages whose lowering walks only some function bodies (C++ and Rust:
 * relevance.ts). `check` over large trees leaves out of the parse the bodies the lowering would
 * never walk: the parser is given the file's text with included ranges that jump from each such
 * body's `{` to its `}` (tree-sitter's included ranges), so every offset, line, column and node
 * text stays the file's own and the tree keeps the function with its signature, its name and an
 * empty body (`{}` over the same span).
 *
 * Why the result is the same: relevance.ts keeps a function when it mentions sockopt, or when
 * its name is used by a kept function (a callee), or when its text names a kept function (a
 * caller). Here the same closure is computed from the text alone, and larger: every word
 * outside the recognised functions counts as used by a kept function, and every word there
 * before `(` or `<` as the name of one (an unrecognised function may be kept); a candidate's
 * callee test looks at every word of its signature that may name it; the closure has no depth
 * limit. A skipped body thus belongs to a function the lowering never walks; the kept set the
 * lowering computes is the same (node texts are the file's). The language scanners
 * (cfamily/prune.ts, rust/prune.ts) recognise the bodies; after the parse, bodiesParsedAsSkipped
 * checks that each skipped range is exactly the body of a function node, else the file is
 * parsed whole. The bodies are taken to be well-formed (their brackets balance): a body with a
 * syntax error could have been recovered from differently.
 */

/** A function definition a scanner found: the body `{` at `open`, its `}` at `close`. */
export interface BodyCandidate {
  /** Offset of the definition's first token (attributes, template header, return type). */
  sigStart: number;
  open: number;
  close: number;
  /** The function's name as the lowering reads it (the identifier before `(` or after `fn`). */
  name: string;
  /** The words of the signature the lowering may take the name from (relevance's callee test looks at them all). */
  sigWords: string[];
  /** Never skipped (a body the file ends inside: close is Infinity). */
  keep?: boolean;
}

/** A range of the text given to the parser (tree-sitter's Range). */
export interface TextRange {
  startIndex: number;
  endIndex: number;
  startPosition: { row: number; column: number };
  endPosition: { row: number; column: number };
}

export interface SkippedBodies {
  /** The skipped bodies: the definition's start and the offsets of the body's braces. */
  skipped: [number, number, number][];
  /** What the parser reads: everything but the skipped bodies' insides. */
  ranges: TextRange[];
}

const SEED = /sockopt|port-range-lens/gi;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;

/**
 * The bodies of the candidates that cannot matter and the ranges that leave them out, or null
 * when none can go. `keywords`: words that can never name a function (left out of the names; `operator`
 * must not be one of them).
 */
export function skippedBodies(text: string, cands: readonly BodyCandidate[], keywords: ReadonlySet<string>): SkippedBodies | null {
  if (!cands.length) return null;
  const used = new Set<string>();
  const names = new Set<string>();
  const words: string[][] = cands.map(() => []);
  const kept = cands.map((c) => !!c.keep);
  // One pass over the words of the text (comments and strings included, as relevance.ts reads
  // them), each given to the candidate around it (they are in order and never overlap).
  // Everything outside the candidates may be a kept function: every word there is used, and
  // every word before `(` or `<` (a function's name is; `operator` for `operator==`) a name.
  const owner = ownerOf(cands);
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    const w = m[0];
    const i = owner(m.index);
    if (i >= 0) words[i]!.push(w);
    else {
      used.add(w);
      if (w === 'operator' || (!keywords.has(w) && callLike(text, WORD.lastIndex))) names.add(w);
    }
  }
  const seed = ownerOf(cands);
  for (const m of text.matchAll(SEED)) {
    const i = seed(m.index);
    if (i >= 0) kept[i] = true;
  }
  const take = (i: number) => {
    kept[i] = true;
    for (const w of words[i]!) used.add(w);
    names.add(cands[i]!.name);
  };
  kept.forEach((k, i) => k && take(i));
  for (let changed = true; changed; ) {
    changed = false;
    cands.forEach((c, i) => {
      if (kept[i]) return;
      if (c.sigWords.some((w) => used.has(w)) || words[i]!.some((w) => names.has(w))) (take(i), (changed = true));
    });
  }
  const gone = cands.filter((c, i) => !kept[i] && c.close > c.open + 1);
  if (!gone.length) return null;
  // Rows and columns of the range ends, counted in one pass (offsets in increasing order).
  let row = 0;
  let lineStart = 0;
  let scanned = 0;
  const point = (at: number) => {
    for (let k = text.indexOf('\n', scanned); k >= 0 && k < at; k = text.indexOf('\n', k + 1)) (row++, (lineStart = k + 1));
    scanned = at;
    return { row, column: at - lineStart };
  };
  const ranges: TextRange[] = [];
  let from = 0;
  let fromPoint = point(0);
  for (const c of gone) {
    const endPoint = point(c.open + 1);
    ranges.push({ startIndex: from, endIndex: c.open + 1, startPosition: fromPoint, endPosition: endPoint });
    from = c.close;
    fromPoint = point(c.close);
  }
  ranges.push({ startIndex: from, endIndex: text.length, startPosition: fromPoint, endPosition: point(text.length) });
  return { skipped: gone.map((c) => [c.sigStart, c.open, c.close]), ranges };
}

/** Whether `(` or `<` follows at `i` after blanks. */
function callLike(text: string, i: number): boolean {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 60) return true;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return false;
}

/** For offsets given in increasing order: the index of the candidate holding each, or -1. */
function ownerOf(cands: readonly BodyCandidate[]): (at: number) => number {
  let k = 0;
  return (at) => {
    while (k < cands.length && cands[k]!.close < at) k++;
    return k < cands.length && cands[k]!.sigStart <= at ? k : -1;
  };
}

/** The little of a tree-sitter node the check reads. */
interface BodyNode {
  type: string;
  startIndex: number;
  endIndex: number;
  parent: BodyNode | null;
}

/**
 * After parsing with the ranges: true when each skipped body is exactly a `body` node
 * (compound_statement, block) whose parent is a `fn` node (function_definition, function_item)
 * starting no earlier than the scanner's definition (its text has no word the closure did not
 * see). Otherwise the caller parses the whole text. Errors elsewhere (a truncated file) are
 * allowed: a skipped body keeps its length and its lines, so tree-sitter's error recovery,
 * which weighs skipped trees, bytes and lines, chooses as it does for the whole text.
 */
export function bodiesParsedAsSkipped(root: { descendantForIndex(s: number, e: number): BodyNode | null }, skipped: readonly [number, number, number][], body: string, fn: string): boolean {
  for (const [start, open, close] of skipped) {
    const n = root.descendantForIndex(open, close + 1);
    const p = n?.parent;
    if (!n || n.type !== body || n.startIndex !== open || n.endIndex !== close + 1 || p?.type !== fn || p.startIndex < start) return false;
  }
  return true;
}
