/**
 * The top-level declarations of a Go file and which of them can matter, read with one cursor
 * pass and the file text (no tree node per declaration): the functions that mention sockopt,
 * the functions they call and those that call them (or use a package-level var that does),
 * MAX_CALL_DEPTH rounds each way, found by whole-word search in the text. Only their bodies
 * are lowered: in a 10,000-line file most functions cannot affect a call site.
 */
import type { Node } from 'web-tree-sitter';
import { MAX_CALL_DEPTH } from '../../core/evaluator';

export interface Decl {
  type: string;
  start: number;
  end: number;
  /** The function's (or method's) name, the var declaration's names; '' otherwise. */
  names: string[];
  readonly node: Node;
}

export const FUNCS = new Set(['function_declaration', 'method_declaration']);
const FUNC_NAME = /^func\s*(?:\([^)]*\)\s*)?([A-Za-z_]\w*)/;
const VAR_NAMES = /^\s*(?:var\s*\(?\s*)?([A-Za-z_]\w*)/gm;
const WORD = /[A-Za-z_]\w*/g;

export function declsOf(root: Node, text: string): Decl[] {
  // One crossing for the list of named children, then two per item (type, end): a cursor
  // walk costs five (next sibling, named, type, start, end) and visits the anonymous ones too.
  const types = root.tree.language.types;
  return root.namedChildren.map((node) => {
    const type = types[node.typeId] ?? 'ERROR';
    const start = node.startIndex;
    const end = node.endIndex;
    const src = FUNCS.has(type) || type === 'var_declaration' ? text.slice(start, end) : '';
    const names = FUNCS.has(type) ? [FUNC_NAME.exec(src)?.[1] ?? ''] : type === 'var_declaration' ? [...src.matchAll(VAR_NAMES)].slice(0, 64).map((m) => m[1]!) : [];
    return { type, start, end, names, node };
  });
}

/** The declarations whose bodies are lowered (functions and package-level vars). */
export function relevant(decls: readonly Decl[], text: string): Set<Decl> {
  const byName = new Map<string, Decl[]>();
  for (const d of decls) for (const n of d.names) if (n) byName.set(n, [...(byName.get(n) ?? []), d]);
  const starts = decls.map((d) => d.start);
  const at = (i: number): Decl | null => {
    let [lo, hi] = [0, decls.length - 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    const d = decls[lo];
    return d && d.start <= i && i < d.end ? d : null;
  };
  const keep = new Set(decls.filter((d) => d.names.length && /sockopt/i.test(text.slice(d.start, d.end))));
  let fresh = [...keep];
  for (let r = 0; r < MAX_CALL_DEPTH && fresh.length; r++) {
    const next: Decl[] = [];
    const add = (d: Decl | null) => d && d.names.length && !keep.has(d) && (keep.add(d), next.push(d));
    for (const d of fresh) {
      // Callees: names the kept declaration uses.
      for (const w of new Set(text.slice(d.start, d.end).match(WORD) ?? [])) for (const x of byName.get(w) ?? []) add(x);
    }
    // Callers: declarations whose text uses one of the new names (one scan of the text per round).
    const names = [...new Set(fresh.flatMap((d) => d.names))].filter(Boolean);
    if (names.length) {
      const re = new RegExp(`(?<![A-Za-z0-9_])(?:${names.join('|')})(?![A-Za-z0-9_])`, 'g');
      for (const m of text.matchAll(re)) add(at(m.index));
    }
    fresh = next;
  }
  return keep;
}
