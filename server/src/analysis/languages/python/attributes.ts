/**
 * `self.x` assigned once in `__init__` (a configuration value kept on the object): per class,
 * the attributes with exactly one write in the whole class, that write in `__init__` of that
 * class on its own `self`. Any other write (another assignment, `+=`, `del`, a tuple target,
 * setattr) leaves the attribute unknown: nothing is guessed.
 */
import type { Node } from 'web-tree-sitter';

function enclosingFunction(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition') return p;
  return null;
}

/** The class a method belongs to directly (through a decorator), else null. */
export function classOf(fn: Node): Node | null {
  const p = fn.parent?.type === 'decorated_definition' ? fn.parent.parent : fn.parent;
  return p?.type === 'block' && p.parent?.type === 'class_definition' ? p.parent : null;
}

const firstParam = (fn: Node) => fn.childForFieldName('parameters')?.namedChildren.find((c) => c?.type === 'identifier')?.text;

/** attr → the right-hand side assigned to self.attr once in __init__. */
export function classFields(cls: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  if (cls.text.includes('setattr(') || cls.text.includes('__setattr__')) return out;
  const writes = new Map<string, Node[]>();
  const other = new Set<string>();
  const mentioned = (n: Node | null) => { for (const m of (n?.text ?? '').matchAll(/\.([A-Za-z_]\w*)/g)) other.add(m[1]!); };
  const stack: Node[] = [cls];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'augmented_assignment' || n.type === 'delete_statement') mentioned(n.childForFieldName('left') ?? n);
    else if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      if (left?.type === 'attribute') {
        const attr = left.childForFieldName('attribute')?.text ?? '';
        writes.set(attr, [...(writes.get(attr) ?? []), n]);
      } else if (left && left.type !== 'identifier') mentioned(left);
    }
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c) stack.push(c);
    }
  }
  for (const [attr, ws] of writes) {
    if (other.has(attr) || ws.length !== 1) continue;
    const w = ws[0]!;
    const init = enclosingFunction(w);
    if (!init || init.childForFieldName('name')?.text !== '__init__' || classOf(init)?.id !== cls.id) continue;
    if (w.childForFieldName('left')?.childForFieldName('object')?.text !== firstParam(init)) continue;
    let right = w.childForFieldName('right');
    while (right?.type === 'assignment') right = right.childForFieldName('right');
    if (right) out.set(attr, right);
  }
  return out;
}
