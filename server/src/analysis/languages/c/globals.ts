/**
 * Writes to a C file's globals anywhere in the file, also in the functions the lowering
 * never walks (found by name in the text, checked against the tree): a global written once
 * (its initialiser or one `g = e`) keeps that value; written more, with `op=`/`++`, or with
 * its address passed to a call (other than as setsockopt's optval), it is not statically
 * known. A local of the same name shadows the global inside its function.
 */
import type { Node } from 'web-tree-sitter';
import type { Binding, Expr } from '../../core/form';
import { lowerExpr, type CppCx } from '../cfamily/expr';

/** Mentions of one global checked at most (more: not statically known, never a guess). */
const MAX_MENTIONS = 5000;

function enclosingFunction(n: Node): Node | null {
  for (let p: Node | null = n.parent, i = 0; p && i < 256; p = p.parent, i++) {
    if (p.type === 'function_definition') return p;
    if (p.type === 'compound_statement' && (p.parent?.type === 'translation_unit' || p.parent?.type.startsWith('preproc_'))) return p;
  }
  return null;
}

/** Does the function declare `name` itself (a parameter or a local)? */
function shadows(fn: Node, name: string, memo: Map<number, Set<string>>): boolean {
  let names = memo.get(fn.id);
  if (!names) {
    names = new Set();
    for (const d of fn.descendantsOfType(['parameter_declaration', 'declaration'])) {
      const m = d?.text.match(/[A-Za-z_]\w*(?=\s*(=|;|,|\[|\)|$))/g);
      for (const x of m ?? []) names.add(x);
    }
    memo.set(fn.id, names);
  }
  return names.has(name);
}

export function globalWrites(root: Node, text: string, globals: readonly Binding[], cx: CppCx): void {
  const memo = new Map<number, Set<string>>();
  const byName = new Map<string, Binding[]>();
  for (const b of globals) byName.set(b.name, [...(byName.get(b.name) ?? []), b]);
  for (const [name, syms] of byName) {
    const writes: Expr[] = [];
    let unknown = false;
    const re = new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\b`, 'g');
    let m: RegExpExecArray | null;
    let guard = 0;
    while (!unknown && (m = re.exec(text))) {
      if (guard++ >= MAX_MENTIONS) unknown = true;
      const id = root.descendantForIndex(m.index, m.index + name.length);
      if (id?.type !== 'identifier' || id.text !== name) continue;
      let node: Node = id;
      let p = node.parent;
      while (p && p.type === 'parenthesized_expression') { node = p; p = p.parent; }
      if (!p) continue;
      const fn = enclosingFunction(id);
      if (fn && shadows(fn, name, memo)) continue;
      if (p.type === 'assignment_expression' && p.childForFieldName('left')?.id === node.id) {
        if (p.childForFieldName('operator')?.text !== '=') unknown = true;
        else writes.push(lowerExpr(p.childForFieldName('right'), cx));
      } else if (p.type === 'update_expression') unknown = true;
      else if ((p.type === 'field_expression' || p.type === 'subscript_expression') && p.parent?.type === 'assignment_expression' && p.parent.childForFieldName('left')?.id === p.id) unknown = true;
      else if (p.type === 'pointer_expression' && p.childForFieldName('operator')?.text === '&') {
        let a: Node = p;
        while (a.parent && (a.parent.type === 'cast_expression' || a.parent.type === 'parenthesized_expression')) a = a.parent;
        const call = a.parent?.type === 'argument_list' ? a.parent.parent : null;
        const callee = call?.childForFieldName('function');
        const cname = callee?.type === 'field_expression' ? callee.childForFieldName('field')?.text ?? '' : callee?.text ?? '';
        const args = a.parent?.namedChildren.filter((c) => c !== null && c.type !== 'comment') ?? [];
        const optval = /set_?sock_?opt$/i.test(cname) && args.length >= 5 && args[args.length - 2]?.id === a.id;
        if (call && !optval) unknown = true;
      }
    }
    for (const b of syms) {
      if (unknown) b.escapes = true;
      else if (writes.length) {
        if (b.values.length + writes.length === 1) b.values.push(writes[0]!);
        else b.escapes = true;
      }
    }
  }
}
