/**
 * Python `for` loops over constant tables, as the common form's FormLoop parts: the loop's
 * target flattened into variables with their destructuring paths (`for name, (lo, hi) in
 * T.items():` → name [0], lo [1, 0], hi [1, 1]) and the table, with a dict's view
 * (`T.items()`, `T.values()`) said rather than called.
 */
import type { Node } from 'web-tree-sitter';
import { originOf } from '../../core/build';
import type { Expr, FormLoop } from '../../core/form';
import { kids, lowerExpr, type PyCx } from './expr';

const PATTERN = /^(pattern_list|tuple_pattern|list_pattern)$/;

/** The loop's variables; with paths when the target nests (`name, (lo, hi)`). */
export function loopTarget(left: Node | null, vars: string[]): Pick<FormLoop, 'vars' | 'paths'> {
  if (!left || !PATTERN.test(left.type) || !kids(left).some((c) => PATTERN.test(c.type))) return { vars };
  const names: string[] = [];
  const paths: number[][] = [];
  const walk = (n: Node, path: number[], depth: number) => {
    if (n.type === 'identifier') return void (names.push(n.text), paths.push(path));
    if (!PATTERN.test(n.type) || depth > 4) return void (names.push('\u0000'), paths.push(path));
    kids(n).forEach((c, i) => walk(c, [...path, i], depth + 1));
  };
  walk(left, [], 0);
  return { vars: names, paths };
}

/** The table a loop walks: `T.items()` and `T.values()` of a name are the dict T with its view. */
export function dictView(right: Node | null, cx: PyCx): Pick<FormLoop, 'over' | 'view'> {
  const f = right?.type === 'call' ? right.childForFieldName('function') : null;
  const obj = f?.type === 'attribute' ? f.childForFieldName('object') : null;
  const method = f?.type === 'attribute' ? f.childForFieldName('attribute')?.text : null;
  if (obj?.type === 'identifier' && (method === 'items' || method === 'values') && kids(right!.childForFieldName('arguments')).length === 0) {
    const over: Expr = { k: 'name', name: obj.text, at: originOf(obj) };
    return { over, view: method };
  }
  return { over: lowerExpr(right, cx) };
}
