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
  // Namespaces, classes, templates and impl blocks count as non-function items (their words
  // are top-level words): conservative, an edit there re-runs the adapter.
  cpp: new Set(['function_definition']),
  rust: new Set(['function_item']),
};

export interface ReuseState {
  /** Offsets [start, end) of the top-level items that hold a call site (or a helper it goes through). */
  items: [number, number][];
  /**
   * Every identifier-like word in those items, and in every top-level item that is not a
   * function (macros, globals, enums...): a call site can reach a name through a macro or
   * a global's initializer without naming it itself.
   */
  words: Set<string>;
  /** The words of the top-level items that are not functions (with `grammar`). */
  topWords?: Set<string>;
  /** The names of the top-level macros among them. */
  macros?: Set<string>;
  /**
   * C: the names top-level declarations may declare as variables (every word of their
   * declarators, and every word of anything at top level that is not a declaration,
   * function, macro, type or comment).
   */
  topVars?: Set<string>;
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

export function reuseState(
  tree: Tree, text: string, raws: RawCallSite[], grammar?: GrammarName,
  top?: { topWords: Set<string>; macros: Set<string>; topVars: Set<string> },
): ReuseState {
  const items: [number, number][] = [];
  const words = new Set<string>(top?.topWords);
  const topWords = top?.topWords ?? (grammar ? new Set<string>() : undefined);
  const macros = top?.macros ?? (grammar ? new Set<string>() : undefined);
  const topVars = top?.topVars ?? (grammar ? new Set<string>() : undefined);
  const addWords = (into: Set<string>, t: string) => { for (const w of t.match(/\b[A-Za-z_]\w*/g) ?? []) into.add(w); };
  if (grammar && !top) {
    const fns = FUNCTION_ITEMS[grammar];
    const cursor = tree.rootNode.walk();
    try {
      if (cursor.gotoFirstChild()) {
        do {
          const t = cursor.nodeType;
          if (fns.has(t)) continue;
          const slice = text.slice(cursor.startIndex, cursor.endIndex);
          for (const w of slice.match(/[A-Za-z_]\w*/g) ?? []) { words.add(w); topWords!.add(w); }
          if (t === 'preproc_def' || t === 'preproc_function_def') {
            const m = /^#\s*define\s+([A-Za-z_]\w*)/.exec(slice);
            if (m) macros!.add(m[1]!);
          } else if (t === 'declaration') {
            for (const d of cursor.currentNode.childrenForFieldName('declarator')) if (d) addWords(topVars!, d.text);
          } else if (!/^(comment|preproc_include|preproc_call|type_definition|struct_specifier|union_specifier|enum_specifier)$/.test(t) &&
            !(t === 'expression_statement' && slice.trim() === ';')) {
            addWords(topVars!, slice);
          }
        } while (cursor.gotoNextSibling());
      }
    } finally {
      cursor.delete();
    }
  }
  const lineStarts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
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
  return { items, words, ...(topWords ? { topWords, macros, topVars } : {}) };
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
      ...(state.topWords ? { topWords: state.topWords, macros: state.macros, topVars: state.topVars } : {}),
    },
  };
}

const escapeName = (name: string) => name.replace(/[$]/g, '\\$');

/** Is `name` the name of a function defined in this file (C)? */
function definedFunction(tree: Tree, text: string, name: string): boolean {
  const re = new RegExp(`\\b${escapeName(name)}\\s*\\(`, 'g');
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = re.exec(text))) {
    if (++guard > 5000) return true;
    const id = tree.rootNode.descendantForIndex(m.index, m.index + name.length);
    if (id?.type === 'identifier' && id.parent?.type === 'function_declarator') return true;
  }
  return false;
}

/** The name a C function definition declares. */
function functionName(fn: Node): string | null {
  let d: Node | null = fn.childForFieldName('declarator');
  for (let i = 0; d && d.type !== 'function_declarator' && i < 16; i++) d = d.childForFieldName('declarator');
  let n: Node | null = d?.childForFieldName('declarator') ?? null;
  for (let i = 0; n && n.type !== 'identifier' && i < 16; i++) n = n.type === 'parenthesized_declarator' ? n.namedChild(0) : n.childForFieldName('declarator');
  return n?.type === 'identifier' ? n.text : null;
}

/**
 * C: after an edit inside a function that holds call sites, re-runs the adapter for that
 * function only and keeps every other call site (shifted). Only when the edit cannot reach
 * another call site: it writes no directive, uses no name declared at top level (other
 * than a macro), no function of this file, and the function is called from nowhere (not a
 * helper or value function). The adapter still sees the whole tree; it is only kept from
 * looking at the other functions' *sockopt* calls, by masking those words in the text it
 * is given (same length, same tree). `run` runs the adapter over that text.
 */
export function tryFocused(
  edit: Edit, oldText: string, newText: string, tree: Tree, raws: RawCallSite[], state: ReuseState,
  run: (text: string) => RawCallSite[],
): { raws: RawCallSite[]; state: ReuseState } | null {
  const top = state.topWords;
  const macros = state.macros;
  const vars = state.topVars;
  if (!top || !macros || !vars) return null;
  const item = topItem(tree, edit.startIndex, Math.max(edit.startIndex, edit.newEndIndex));
  if (!item || item.type !== 'function_definition') return null;
  const delta = edit.newEndIndex - edit.oldEndIndex;
  const start = item.startIndex;
  const end = item.endIndex;
  if (edit.startIndex < start || edit.newEndIndex > end) return null;
  // The same function before the edit, holding call sites.
  if (!state.items.some(([a, b]) => a === start && b === end - delta)) return null;
  const name = functionName(item);
  if (!name) return null;
  const isDefined = new Map<string, boolean>();
  const defined = (w: string) => {
    let d = isDefined.get(w);
    if (d === undefined) { d = definedFunction(tree, newText, w); isDefined.set(w, d); }
    return d;
  };
  let locals: Set<string> | null = null;
  for (const region of [lineRange(oldText, edit.startIndex, edit.oldEndIndex), lineRange(newText, edit.startIndex, edit.newEndIndex)]) {
    if (/#|port-range-lens/.test(region)) return null;
    for (const w of region.match(/[A-Za-z_]\w*/g) ?? []) {
      if (KEYWORDS.has(w) || macros.has(w)) continue;
      locals ??= localNames('c', item);
      if (locals.has(w)) continue;
      if (vars.has(w) || defined(w)) return null;
    }
  }
  // Not a helper or value function: its name appears nowhere else.
  const nameRe = new RegExp(`\\b${escapeName(name)}\\b`, 'g');
  let m: RegExpExecArray | null;
  while ((m = nameRe.exec(newText))) if (m.index < start || m.index >= end) return null;
  const fnText = newText.slice(start, end);
  const fnWords = new Set(fnText.match(/[A-Za-z_]\w*/g) ?? []);
  // Names with "sockopt" it uses are masked elsewhere: they must not be this file's own.
  for (const w of fnWords) if (/sockopt/i.test(w) && (vars.has(w) || macros.has(w) || defined(w))) return null;
  // Call-site functions it calls (helpers) stay visible; every other *sockopt* is masked.
  const visible: [number, number][] = [[start, end]];
  for (const [a0, b0] of state.items) {
    const [a, b] = a0 >= edit.oldEndIndex ? [a0 + delta, b0 + delta] : [a0, b0];
    if (a === start) continue;
    const it = topItem(tree, a, Math.min(b, a + 1));
    const n = it?.type === 'function_definition' ? functionName(it) : null;
    if (!n || fnWords.has(n)) visible.push([a, b]);
  }
  const masked = newText.replace(/sockopt/gi, (s: string, at: number) =>
    visible.some(([a, b]) => at >= a && at < b) ? s : `X${s.slice(1)}`);
  const fresh = run(masked);
  const startRow = item.startPosition.row;
  const endRow = item.endPosition.row;
  const lineDelta = edit.newEndPosition.row - edit.oldEndPosition.row;
  const oldEndRow = endRow - lineDelta;
  const afterRow = edit.oldEndPosition.row;
  const kept = raws
    .filter((r) => r.span.line < startRow || r.span.line > oldEndRow)
    .map((r) => (lineDelta === 0 ? r : shiftSpans(r, afterRow, lineDelta)));
  const inside = fresh.filter((r) => r.span.line >= startRow && r.span.line <= endRow);
  const merged = [...kept, ...inside].sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
  // Top-level items other than functions are untouched: their words stay as they were.
  return { raws: merged, state: reuseState(tree, newText, merged, 'c', { topWords: top, macros, topVars: vars }) };
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
