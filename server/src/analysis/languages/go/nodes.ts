/**
 * Values of tree nodes for the socket context (network strings, ports, socket() arguments):
 * each node is lowered (expr.ts) and evaluated by the one evaluator in its own scope; a name
 * is followed to the node that defines it through the form's bindings.
 */
import type { Node } from 'web-tree-sitter';
import type { FormEvaluator } from '../../core/evaluator';
import type { FormUnit } from '../../core/form';
import { lowerExpr, type GoCx } from './expr';
import { textOf } from './strings';

export interface GoEval {
  ev: FormEvaluator;
  unit: FormUnit;
  cx: GoCx;
  root: Node;
}

export function intOf(g: GoEval, n: Node | null): bigint | null {
  if (!n) return null;
  const v = g.ev.value(lowerExpr(n, g.cx), new Map(), g.unit.scopeAt(n.startIndex));
  return v.k === 'exact' ? v.v : null;
}

export function strOf(g: GoEval, n: Node | null): string | null {
  if (!n) return null;
  const b = g.ev.bytes(lowerExpr(n, g.cx), new Map(), g.unit.scopeAt(n.startIndex));
  return b.k === 'bytes' && b.alts.length === 1 ? textOf(b.alts[0]!) : null;
}

/** The node an identifier's single, unchanged assignment comes from, else null. */
export function definitionOf(g: GoEval, id: Node): Node | null {
  if (id.type !== 'identifier') return null;
  const b = g.ev.binding(id.text, id.startIndex, g.unit.scopeAt(id.startIndex));
  const v = b && !b.escapes && b.values.length === 1 ? b.values[0]! : null;
  return v ? g.root.namedDescendantForIndex(v.at.start, Math.max(v.at.start, v.at.end - 1)) : null;
}

/** Follows identifiers (and what `unwrap` strips) to the defining node, a few steps deep. */
export function followed(g: GoEval, n: Node, unwrap: (cur: Node) => Node | null): Node | null {
  let cur = n;
  for (let i = 0; i < 8; i++) {
    const inner = unwrap(cur);
    if (inner) {
      cur = inner;
      continue;
    }
    if (cur.type !== 'identifier') break;
    const d = definitionOf(g, cur);
    if (!d) return null;
    cur = d;
  }
  return cur;
}
