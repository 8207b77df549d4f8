/**
 * Python scopes: the names each function, class and module binds (assigned once, imported,
 * guarded by try/hasattr, poisoned by global/nonlocal), and name lookup through them.
 */
import type { Node } from 'web-tree-sitter';
import { args, walk, Budget } from '../../core/tree';
import { identifiersOf } from './index';
import { Binding, MODULES, PY_SOCKET, RANGE_NAME, Scope, UNKNOWN } from './values';

// ---------------------------------------------------------------- the analysis of one file

export interface Ctx {
  host: 'little' | 'big';
  budget: Budget;
  visiting: Set<number>;
  module: Scope;
  scopes: Map<number, Scope>;
  /** Names declared `global` or `nonlocal` anywhere in the file. */
  poisoned: Set<string>;
}


export function positional(argList: Node[]): Node[] {
  return argList.filter((a) => a.type !== 'keyword_argument' && a.type !== 'list_splat' && a.type !== 'dictionary_splat');
}

export function keyword(argList: Node[], name: string): Node | null {
  for (const a of argList) {
    if (a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) return a.childForFieldName('value');
  }
  return null;
}

export function hasSplat(argList: Node[]): boolean {
  return argList.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat');
}


export const SCOPE_NODES = ['function_definition', 'class_definition', 'lambda'];

export function enclosingFunction(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition') return p;
  return null;
}

export function scopeOf(ctx: Ctx, n: Node): Scope {
  const fn = enclosingFunction(n);
  return fn ? functionScope(ctx, fn) : ctx.module;
}

export function newScope(parent: Scope | null, fn: Node | null): Scope {
  return { parent, names: new Map(), starSocket: false, fn };
}

function addBinding(scope: Scope, name: string, b: Binding): void {
  if (scope.names.has(name)) scope.names.set(name, UNKNOWN);
  else scope.names.set(name, b);
}


/** `socket.IP_LOCAL_PORT_RANGE` raises AttributeError on every CPython: such an assignment never happens. */
function isMissingSocketAttr(n: Node): boolean {
  return n.type === 'attribute' && n.childForFieldName('attribute')?.text === RANGE_NAME &&
    n.childForFieldName('object')?.text === 'socket';
}

function insideGuard(n: Node, stop: Node): boolean {
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent) {
    if (p.type === 'try_statement' || p.type === 'if_statement') return true;
  }
  return false;
}

/** Collect the bindings of one scope (module or function body), not entering nested scopes. */
export function collectBindings(body: Node, scope: Scope, globalsOut: Set<string>): void {
  walk(body, (n) => {
    switch (n.type) {
      case 'function_definition':
      case 'class_definition': {
        if (n.id === body.id) return;
        const name = n.childForFieldName('name');
        if (name) addBinding(scope, name.text, n.type === 'function_definition' ? { kind: 'function', node: n } : UNKNOWN);
        return;
      }
      case 'assignment': {
        const left = n.childForFieldName('left');
        let right = n.childForFieldName('right');
        while (right && right.type === 'assignment') right = right.childForFieldName('right');
        if (!left) return;
        if (!right) return; // annotation only
        if (left.type === 'identifier') {
          if (isMissingSocketAttr(right) && insideGuard(n, body)) return;
          addBinding(scope, left.text, { kind: 'expr', node: right, scope });
          return;
        }
        if ((left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern') &&
            (right.type === 'expression_list' || right.type === 'tuple')) {
          const ls = args(left);
          const rs = args(right);
          if (ls.length === rs.length && ls.every((l) => l.type === 'identifier') && !rs.some((r) => r.type === 'list_splat')) {
            ls.forEach((l, i) => addBinding(scope, l.text, { kind: 'expr', node: rs[i], scope }));
            return;
          }
        }
        if (left.type !== 'attribute' && left.type !== 'subscript') {
          for (const id of identifiersOf(left)) addBinding(scope, id, UNKNOWN);
        }
        return;
      }
      case 'augmented_assignment': {
        const left = n.childForFieldName('left');
        if (left?.type === 'identifier') addBinding(scope, left.text, UNKNOWN);
        return;
      }
      case 'for_statement': {
        const left = n.childForFieldName('left');
        if (left) for (const id of identifiersOf(left)) addBinding(scope, id, UNKNOWN);
        return;
      }
      case 'named_expression': {
        const name = n.childForFieldName('name');
        if (name) addBinding(scope, name.text, UNKNOWN);
        return;
      }
      case 'as_pattern_target':
        for (const id of identifiersOf(n)) addBinding(scope, id, UNKNOWN);
        return;
      case 'except_clause': {
        // `except E as e`: the alias is an identifier child after `as`
        const kids = n.children.filter((c): c is Node => c !== null);
        const asIdx = kids.findIndex((c) => c.type === 'as');
        if (asIdx >= 0 && kids[asIdx + 1]?.type === 'identifier') addBinding(scope, kids[asIdx + 1].text, UNKNOWN);
        return;
      }
      case 'global_statement':
      case 'nonlocal_statement':
        for (const c of args(n)) if (c.type === 'identifier') { globalsOut.add(c.text); addBinding(scope, c.text, UNKNOWN); }
        return;
      case 'import_statement':
        for (const c of args(n)) {
          if (c.type === 'dotted_name') {
            const first = c.namedChild(0)?.text ?? c.text;
            addBinding(scope, first, MODULES.has(c.text) ? { kind: 'value', value: { k: 'module', name: c.text } } : UNKNOWN);
          } else if (c.type === 'aliased_import') {
            const mod = c.childForFieldName('name')?.text ?? '';
            const alias = c.childForFieldName('alias')?.text;
            if (alias) addBinding(scope, alias, MODULES.has(mod) ? { kind: 'value', value: { k: 'module', name: mod } } : UNKNOWN);
          }
        }
        return;
      case 'import_from_statement': {
        const mod = n.childForFieldName('module_name')?.text ?? '';
        for (const c of args(n)) {
          if (c.id === n.childForFieldName('module_name')?.id) continue;
          if (c.type === 'wildcard_import') {
            if (mod === 'socket') scope.starSocket = true;
            continue;
          }
          let name: string | undefined;
          let alias: string | undefined;
          if (c.type === 'dotted_name') name = alias = c.text;
          else if (c.type === 'aliased_import') {
            name = c.childForFieldName('name')?.text;
            alias = c.childForFieldName('alias')?.text;
          }
          if (!name || !alias) continue;
          if (mod === 'socket' && name === RANGE_NAME) addBinding(scope, alias, { kind: 'missing', node: c });
          else if (mod === 'socket' && name in PY_SOCKET) addBinding(scope, alias, { kind: 'value', value: { k: 'int', v: BigInt(PY_SOCKET[name]) }, node: c });
          else if (mod === 'socket' && name === 'socket') addBinding(scope, alias, { kind: 'value', value: { k: 'module', name: 'socket.socket' } });
          else if (mod === 'socket' && (name === 'htonl' || name === 'htons')) addBinding(scope, alias, { kind: 'value', value: { k: 'module', name: `socket.${name}` } });
          else if (mod === 'struct' && name === 'pack') addBinding(scope, alias, { kind: 'value', value: { k: 'module', name: 'struct.pack' } });
          else addBinding(scope, alias, UNKNOWN);
        }
        return;
      }
    }
  }, SCOPE_NODES);
}

/**
 * The scope of a function, built on first use (a 20,000-line file with a few call sites
 * builds a few scopes): parameters, then the bindings of its body.
 */
export function functionScope(ctx: Ctx, fn: Node): Scope {
  const known = ctx.scopes.get(fn.id);
  if (known) return known;
  const outer = enclosingFunction(fn);
  const s = newScope(outer ? functionScope(ctx, outer) : ctx.module, fn);
  const params = fn.childForFieldName('parameters');
  for (const p of args(params)) {
    const nameNode = p.type === 'identifier' ? p : p.childForFieldName('name') ?? p.namedChild(0);
    if (nameNode && nameNode.type === 'identifier') s.names.set(nameNode.text, { kind: 'param', node: p });
  }
  const body = fn.childForFieldName('body');
  if (body) collectBindings(body, s, new Set());
  // names some function declares `global`/`nonlocal` can change under us: never known
  for (const g of ctx.poisoned) if (s.names.has(g)) s.names.set(g, UNKNOWN);
  ctx.scopes.set(fn.id, s);
  return s;
}

export function lookup(name: string, scope: Scope): Binding | null {
  for (let s: Scope | null = scope; s; s = s.parent) {
    const b = s.names.get(name);
    if (b) return b;
    if (s.starSocket && name in PY_SOCKET) return { kind: 'value', value: { k: 'int', v: BigInt(PY_SOCKET[name]) } };
  }
  if (MODULES.has(name)) return { kind: 'value', value: { k: 'module', name } };
  if (name === 'int') return { kind: 'value', value: { k: 'module', name: 'int' } };
  return null;
}
