/**
 * Re-using the previous call sites after a small edit (LSP typing): when the edited lines
 * lie in a function that holds no call site and mention none of the names the call sites'
 * functions use (nor "sockopt", nor a preprocessor line), the adapter's result cannot have
 * changed except for line numbers, so the call sites are shifted instead of recomputed.
 * Conservative by construction: anything else re-runs the adapter.
 */
import type { Edit, Node, Tree } from 'web-tree-sitter';
import type { Span } from './callSite';
import type { RawCallSite } from './languages/types';
import type { GrammarName } from './parser';

const FUNCTION_ITEMS: Record<GrammarName, Set<string>> = {
  c: new Set(['function_definition', 'compound_statement']),
  python: new Set(['function_definition', 'decorated_definition']),
  go: new Set(['function_declaration', 'method_declaration']),
};

export interface ReuseState {
  /** Offsets [start, end) of the top-level items that hold a call site (or a helper it goes through). */
  items: [number, number][];
  /** Every identifier-like word in those items. */
  words: Set<string>;
}

/** The child of the root that contains [start, end), or null. */
function topItem(tree: Tree, start: number, end: number): Node | null {
  let n: Node | null = tree.rootNode.descendantForIndex(start, Math.max(start, end));
  const rootId = tree.rootNode.id;
  for (let i = 0; n && i < 512; i++) {
    const p: Node | null = n.parent;
    if (!p) return null;
    if (p.id === rootId) return n;
    n = p;
  }
  return null;
}

export function reuseState(tree: Tree, text: string, raws: RawCallSite[]): ReuseState {
  const items: [number, number][] = [];
  const words = new Set<string>();
  const lineStarts: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const offset = (line: number, col: number) => (lineStarts[line] ?? text.length) + col;
  const add = (s: Span) => {
    const a = offset(s.line, s.column);
    const it = topItem(tree, a, offset(s.endLine, s.endColumn));
    const range: [number, number] = it ? [it.startIndex, it.endIndex] : [0, text.length];
    if (items.some(([x, y]) => x === range[0] && y === range[1])) return;
    items.push(range);
    for (const w of text.slice(range[0], range[1]).match(/[A-Za-z_]\w*/g) ?? []) words.add(w);
  };
  for (const r of raws) {
    add(r.span);
    if (r.via) add(r.via.span);
  }
  return { items, words };
}

function lineRange(text: string, start: number, end: number): string {
  const a = text.lastIndexOf('\n', start - 1) + 1;
  let b = text.indexOf('\n', end);
  if (b < 0) b = text.length;
  return text.slice(a, b);
}

/**
 * Shifted copies of the previous call sites, or null when the edit may change them.
 * `tree` is the new (incrementally re-parsed) tree.
 */
export function tryReuse(
  grammar: GrammarName, edit: Edit, oldText: string, newText: string, tree: Tree, raws: RawCallSite[], state: ReuseState,
): { raws: RawCallSite[]; state: ReuseState } | null {
  const oldRegion = lineRange(oldText, edit.startIndex, edit.oldEndIndex);
  const newRegion = lineRange(newText, edit.startIndex, edit.newEndIndex);
  const item = topItem(tree, edit.startIndex, edit.newEndIndex);
  if (!item || !FUNCTION_ITEMS[grammar].has(item.type)) return null;
  let locals: Set<string> | null = null;
  for (const region of [oldRegion, newRegion]) {
    if (/sockopt|#|port-range-lens|\b(global|nonlocal)\b/i.test(region)) return null;
    for (const w of region.match(/[A-Za-z_]\w*/g) ?? []) {
      if (!state.words.has(w) || KEYWORDS.has(w)) continue;
      // A name declared in the edited function itself cannot reach another function's call site.
      locals ??= localNames(grammar, item);
      if (!locals.has(w)) return null;
    }
  }
  const delta = edit.newEndIndex - edit.oldEndIndex;
  // The item's extent in the old text must not touch an item that holds a call site.
  const oldStart = item.startIndex;
  const oldEnd = item.endIndex - delta;
  const regionStart = oldText.lastIndexOf('\n', edit.startIndex - 1) + 1;
  let regionEnd = oldText.indexOf('\n', edit.oldEndIndex);
  if (regionEnd < 0) regionEnd = oldText.length;
  for (const [a, b] of state.items) {
    if (a < Math.max(oldEnd, regionEnd) && Math.min(oldStart, regionStart) < b) return null;
  }
  const lineDelta = edit.newEndPosition.row - edit.oldEndPosition.row;
  const afterRow = edit.oldEndPosition.row;
  const shifted = lineDelta === 0 ? raws : raws.map((r) => shiftSpans(r, afterRow, lineDelta));
  return {
    raws: shifted,
    state: {
      items: state.items.map(([a, b]) => (a >= edit.oldEndIndex ? [a + delta, b + delta] : [a, b]) as [number, number]),
      words: state.words,
    },
  };
}

const KEYWORDS = new Set((
  'int char short long unsigned signed void const static volatile extern register struct union enum typedef sizeof ' +
  'return if else while for do switch case default break continue goto float double bool ' +
  'def pass lambda in is not and or None True False self elif try except finally with as yield ' +
  'func var package import type range go defer chan map select interface'
).split(' '));

/** Names a function declares for itself: parameters and locals (per grammar). */
function localNames(grammar: GrammarName, fn: Node): Set<string> {
  const out = new Set<string>();
  const cursor = fn.walk();
  let steps = 0;
  const take = (n: Node | null) => { if (n && n.type === 'identifier') out.add(n.text); };
  const declName = (d: Node | null): Node | null => {
    let cur = d;
    for (let i = 0; cur && i < 16; i++) {
      if (cur.type === 'identifier') return cur;
      cur = cur.childForFieldName('declarator') ?? (cur.type === 'parenthesized_declarator' ? cur.namedChild(0) : null);
    }
    return null;
  };
  try {
    for (;;) {
      if (++steps > 50_000) break;
      const n = cursor.currentNode;
      if (grammar === 'c') {
        if (n.type === 'declaration') for (const d of n.childrenForFieldName('declarator')) take(declName(d));
        else if (n.type === 'parameter_declaration') take(declName(n.childForFieldName('declarator')));
      } else if (grammar === 'python') {
        if (n.type === 'parameters') for (const c of n.namedChildren) { if (c?.type === 'identifier') take(c); else take(c?.childForFieldName('name') ?? c?.namedChild(0) ?? null); }
        else if (n.type === 'assignment') { const l = n.childForFieldName('left'); take(l); if (l?.type === 'pattern_list' || l?.type === 'tuple_pattern') for (const c of l.namedChildren) take(c); }
      } else {
        if (n.type === 'parameter_declaration' || n.type === 'var_spec' || n.type === 'const_spec') for (const c of n.childrenForFieldName('name')) take(c);
        else if (n.type === 'short_var_declaration') for (const c of n.childForFieldName('left')?.namedChildren ?? []) take(c);
      }
      if (cursor.gotoFirstChild()) continue;
      let moved = false;
      while (!moved) {
        if (cursor.gotoNextSibling()) moved = true;
        else if (!cursor.gotoParent() || cursor.currentNode.id === fn.id) return out;
      }
    }
  } finally {
    cursor.delete();
  }
  return out;
}

function isSpan(v: unknown): v is Span {
  return typeof v === 'object' && v !== null && typeof (v as Span).line === 'number' && typeof (v as Span).endLine === 'number' &&
    typeof (v as Span).column === 'number' && typeof (v as Span).endColumn === 'number';
}

/** A deep copy with every Span below `afterRow` moved by `delta` lines. */
export function shiftSpans<T>(v: T, afterRow: number, delta: number, depth = 0): T {
  if (depth > 32 || typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => shiftSpans(x, afterRow, delta, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = shiftSpans(x, afterRow, delta, depth + 1);
  if (isSpan(v) && (v as Span).line > afterRow) {
    (out as unknown as Span).line += delta;
    (out as unknown as Span).endLine += delta;
  }
  return out as T;
}
