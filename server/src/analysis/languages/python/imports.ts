/**
 * Python imports as the lowering reads them: which local names are the modules it
 * understands (socket, struct, sys, ctypes) and which are names imported from them
 * (`from socket import SOL_IP as L`, `from struct import pack`, `from socket import *`).
 * Imports are read file-wide in source order: a name imported in a function is known from there on.
 */
import type { Node } from 'web-tree-sitter';
import { MODULES } from './constants';
import type { Imports } from './expr';

export function registerImport(n: Node, imports: Imports): void {
  if (n.type === 'import_statement') {
    for (const c of n.namedChildren) {
      if (c?.type === 'dotted_name' && MODULES.has(c.text)) imports.modules.set(c.text, c.text);
      else if (c?.type === 'aliased_import') {
        const mod = c.childForFieldName('name')?.text ?? '';
        const alias = c.childForFieldName('alias')?.text;
        if (alias && MODULES.has(mod)) imports.modules.set(alias, mod);
        else if (alias) imports.modules.delete(alias);
      }
    }
    return;
  }
  const modNode = n.childForFieldName('module_name');
  const mod = modNode?.text ?? '';
  for (const c of n.namedChildren) {
    if (!c || c.id === modNode?.id) continue;
    if (c.type === 'wildcard_import') {
      if (mod === 'socket') imports.star = true;
      continue;
    }
    const name = c.type === 'aliased_import' ? c.childForFieldName('name')?.text : c.type === 'dotted_name' ? c.text : undefined;
    const alias = c.type === 'aliased_import' ? c.childForFieldName('alias')?.text : name;
    if (!name || !alias) continue;
    if (MODULES.has(mod)) imports.names.set(alias, `${mod}.${name}`);
    else imports.names.delete(alias);
  }
}
