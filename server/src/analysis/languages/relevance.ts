/**
 * Which function bodies a lowering needs (Rust, C++): the functions that mention sockopt,
 * the project functions they call and the functions that call them, up to MAX_CALL_DEPTH
 * rounds each way (by name, over the function texts). The others are never walked: in a
 * 10,000-line file most functions cannot affect a call site, and crossing into the tree for
 * each of their nodes is the bulk of the cost. Where the query then runs: core/matches.ts.
 */
import type { Node } from 'web-tree-sitter';
import { MAX_CALL_DEPTH } from '../core/evaluator';

export interface FnItem {
  id: number;
  name: string;
  text: string;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;

export function relevantFunctions(fns: readonly FnItem[], rounds = MAX_CALL_DEPTH): Set<number> {
  const words = new Map<number, Set<string>>();
  const wordsOf = (f: FnItem) => {
    let w = words.get(f.id);
    if (!w) words.set(f.id, (w = new Set(f.text.match(WORD) ?? [])));
    return w;
  };
  const keep = new Set(fns.filter((f) => /sockopt/i.test(f.text)).map((f) => f.id));
  for (let r = 0; r < rounds; r++) {
    const inSet = fns.filter((f) => keep.has(f.id));
    const used = new Set<string>();
    for (const f of inSet) for (const w of wordsOf(f)) used.add(w);
    const names = [...new Set(inSet.map((f) => f.name))].filter(Boolean);
    // One scan of a function's text for every kept name (no word set per function).
    // Names are escaped whole: a broken declarator (`f) // x`) may hold any character.
    const caller = names.length ? new RegExp(`\\b(?:${names.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})\\b`) : null;
    let grew = false;
    for (const f of fns) {
      if (keep.has(f.id)) continue;
      // A callee of a kept function, or a caller of one.
      if (used.has(f.name) || caller?.test(f.text)) {
        keep.add(f.id);
        grew = true;
      }
    }
    if (!grew) break;
  }
  return keep;
}

/**
 * Every node of the tree in pre-order, not descending into the function bodies `skip` says
 * (functions are recognised by `isFunction`, given the node's type); `types` receives each
 * node's type in the same order.
 */
export function walkKept(root: Node, isFunction: (n: Node, type: string) => boolean, keep: (n: Node) => boolean, limit = 2_000_000, types?: string[]): Node[] {
  const all: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length && all.length < limit) {
    const n = stack.pop()!;
    const t = n.type; // read once: each read crosses into the parser (`types` collects them)
    all.push(n);
    types?.push(t);
    if (n !== root && isFunction(n, t) && !keep(n)) continue;
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c) stack.push(c);
    }
  }
  return all;
}
