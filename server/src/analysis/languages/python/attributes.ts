/**
 * `self.x` read in a method: the value assigned to it once, in `__init__` of the same class
 * (a configuration value kept on the object). Any other write to `self.x` in the class (another
 * assignment, `+=`, a `del`, a tuple target, setattr) or a use outside a class method leaves it
 * unknown: nothing is guessed.
 */
import type { Node } from 'web-tree-sitter';
import { walk } from '../../core/tree';
import { enclosingFunction } from './scope';

/** The expression assigned once to self.<attr> in __init__, with the node to evaluate it at. */
export function selfAttributeValue(attribute: Node): Node | null {
  const obj = attribute.childForFieldName('object');
  const attr = attribute.childForFieldName('attribute')?.text;
  const method = enclosingFunction(attribute);
  const self = method?.childForFieldName('parameters')?.namedChildren.find((c) => c?.type === 'identifier')?.text;
  if (!obj || obj.type !== 'identifier' || !attr || !method || !self || obj.text !== self) return null;
  const cls = method.parent?.type === 'block' ? method.parent.parent : method.parent?.type === 'decorated_definition' ? method.parent.parent?.parent : null;
  if (cls?.type !== 'class_definition') return null;
  if (cls.text.includes('setattr(') || cls.text.includes('__setattr__')) return null;
  const writes: Node[] = [];
  let other = false;
  walk(cls, (n) => {
    if (n.type === 'augmented_assignment' || n.type === 'delete_statement') {
      if (mentions(n.childForFieldName('left') ?? n, attr)) other = true;
      return;
    }
    if (n.type !== 'assignment') return;
    const left = n.childForFieldName('left');
    if (!left) return;
    if (left.type === 'attribute' && left.childForFieldName('attribute')?.text === attr) writes.push(n);
    else if (left.type !== 'identifier' && mentions(left, attr)) other = true; // tuple/list targets
  }, []);
  if (other || writes.length !== 1) return null;
  const w = writes[0]!;
  const init = enclosingFunction(w);
  if (init?.childForFieldName('name')?.text !== '__init__' || enclosingClass(init) !== cls.id) return null;
  const target = w.childForFieldName('left')!.childForFieldName('object');
  const initSelf = init.childForFieldName('parameters')?.namedChildren.find((c) => c?.type === 'identifier')?.text;
  if (target?.text !== initSelf) return null;
  return w.childForFieldName('right');
}

function enclosingClass(fn: Node): number | null {
  for (let p = fn.parent; p; p = p.parent) if (p.type === 'class_definition') return p.id;
  return null;
}

function mentions(n: Node, attr: string): boolean {
  return new RegExp(`\\.${attr}\\b`).test(n.text);
}
