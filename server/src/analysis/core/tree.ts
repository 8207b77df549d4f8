/**
 * Syntax-tree helpers every adapter uses: spans and operands from nodes, a step budget so
 * hostile input can never hang an adapter, unwrapping, argument lists, bounded walks.
 */
import type { Node } from 'web-tree-sitter';
import type { Operand, Span } from '../callSite';

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

/** Runs one evaluation step under the budget; "unknown" (null) when it is spent or too deep. */
export function budgeted<T>(budget: Budget, step: () => T | null): T | null {
  if (!budget.enter()) return null;
  try {
    return step();
  } finally {
    budget.leave();
  }
}
