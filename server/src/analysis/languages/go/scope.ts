/**
 * Go scopes: integer literals, the names each function and the package bind (consts, vars
 * assigned once, parameters, imports), package vars poisoned by any assignment, lookup.
 */
import type { Node } from 'web-tree-sitter';
import { args, walk } from '../../core/tree';
import { Binding, Ctx, FUNC_NODES, GoVal, IntType, Scope, UNKNOWN, addBinding, enclosingFunc, intType } from './values';

export function parseGoInt(text: string): bigint | null {
  const t = text.replace(/_/g, '');
  if (t.length === 0 || t.length > 300) return null;
  try {
    if (/^0[xX][0-9a-fA-F]+$/.test(t) || /^0[bB][01]+$/.test(t) || /^0[oO][0-7]+$/.test(t)) return BigInt(t);
    if (/^0[0-7]+$/.test(t)) return BigInt('0o' + t.slice(1));
    if (/^[0-9]+$/.test(t)) return BigInt(t);
  } catch {
    return null;
  }
  return null;
}

export function typeOfNode(n: Node | null): IntType | null {
  if (!n) return null;
  if (n.type === 'type_identifier') return intType(n.text);
  return null;
}

/** Collect const/var/:= bindings of one function (or the package), not entering nested functions. */
export function collectBindings(body: Node, scope: Scope): void {
  walk(body, (n) => {
    switch (n.type) {
      case 'const_declaration': {
        // Implicit repetition (`b` after `a = iota`) has no value of its own: unknown.
        for (const spec of args(n)) {
          if (spec.type !== 'const_spec') continue;
          const names = spec.childrenForFieldName('name').filter((c): c is Node => c !== null && c.isNamed);
          const valueList = spec.childForFieldName('value');
          const values = valueList ? args(valueList) : [];
          const type = typeOfNode(spec.childForFieldName('type'));
          names.forEach((nm, i) => {
            const v = values[i];
            const usesIota = v ? v.text.includes('iota') : true;
            addBinding(scope, nm.text, v && !usesIota ? { kind: 'expr', node: v, scope, type, decl: spec } : UNKNOWN);
          });
        }
        return;
      }
      case 'var_spec': {
        const names = n.childrenForFieldName('name').filter((c): c is Node => c !== null && c.isNamed);
        const valueList = n.childForFieldName('value');
        const values = valueList ? args(valueList) : [];
        const typeNode = n.childForFieldName('type');
        const type = typeOfNode(typeNode);
        names.forEach((nm, i) => {
          if (values.length === names.length) addBinding(scope, nm.text, { kind: 'expr', node: values[i], scope, type, decl: n, name: nm.text });
          else if (values.length === 0 && typeNode) addBinding(scope, nm.text, { kind: 'expr', node: typeNode, scope, type, decl: n, name: nm.text }); // zero value / buffer
          else addBinding(scope, nm.text, UNKNOWN);
        });
        return;
      }
      case 'short_var_declaration': {
        const left = args(n.childForFieldName('left'));
        const right = args(n.childForFieldName('right'));
        // `conn, err := net.Dial(...)`: the first name is the call's first result.
        const firstOfCall = right.length === 1 && left.length > 1 && right[0].type === 'call_expression';
        left.forEach((l, i) => {
          if (l.type !== 'identifier') return;
          if (right.length === left.length) addBinding(scope, l.text, { kind: 'expr', node: right[i], scope, type: null, decl: n, name: l.text });
          else if (firstOfCall && i === 0) addBinding(scope, l.text, { kind: 'expr', node: right[0], scope, type: null, decl: n, name: l.text });
          else addBinding(scope, l.text, UNKNOWN);
        });
        return;
      }
      case 'assignment_statement': {
        for (const l of args(n.childForFieldName('left'))) if (l.type === 'identifier') addBinding(scope, l.text, UNKNOWN);
        return;
      }
      case 'inc_statement':
      case 'dec_statement': {
        const t = args(n)[0];
        if (t?.type === 'identifier') addBinding(scope, t.text, UNKNOWN);
        return;
      }
      case 'range_clause': {
        for (const l of args(n.childForFieldName('left'))) if (l.type === 'identifier') addBinding(scope, l.text, UNKNOWN);
        return;
      }
      case 'function_declaration':
      case 'method_declaration':
        if (n.id !== body.id && n.type === 'function_declaration') {
          const nm = n.childForFieldName('name');
          if (nm) addBinding(scope, nm.text, { kind: 'function', node: n });
        }
        return;
    }
  }, FUNC_NODES);
}

export function paramsOf(fn: Node): { name: string; type: IntType | null; node: Node }[] {
  const out: { name: string; type: IntType | null; node: Node }[] = [];
  for (const p of args(fn.childForFieldName('parameters'))) {
    if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
    const type = typeOfNode(p.childForFieldName('type'));
    const names = p.childrenForFieldName('name').filter((c): c is Node => c !== null && c.isNamed);
    if (names.length === 0) out.push({ name: '_', type, node: p });
    for (const nm of names) out.push({ name: nm.text, type: p.type === 'variadic_parameter_declaration' ? null : type, node: p });
  }
  return out;
}

export function importsOf(root: Node): Map<string, GoVal & { k: 'pkg' }> {
  const imports = new Map<string, GoVal & { k: 'pkg' }>();
  for (const decl of args(root)) {
    if (decl.type !== 'import_declaration') continue;
    walk(decl, (n) => {
      if (n.type !== 'import_spec') return;
      const path = n.childForFieldName('path')?.text.replace(/^["`]|["`]$/g, '') ?? '';
      const alias = n.childForFieldName('name')?.text;
      const kind = path === 'golang.org/x/sys/unix' ? 'unix' : path === 'syscall' ? 'syscall' : path === 'encoding/binary' ? 'binary' : path === 'net' ? 'net' : 'other';
      const local = alias && alias !== '.' && alias !== '_' ? alias : path.split('/').pop() ?? path;
      imports.set(local, { k: 'pkg', path: kind });
    }, []);
  }
  return imports;
}

/** Package scope (top-level const/var/func): a package var assigned anywhere is never known. */
export function poisonPackageVars(pkg: Scope, assigned: Set<string>): Scope {
  for (const name of assigned) {
    const b = pkg.names.get(name);
    if (b?.kind === 'expr' && b.decl.type === 'var_spec') pkg.names.set(name, UNKNOWN);
  }
  return pkg;
}

/** The scope of a function or closure, built on first use. */
export function functionScope(ctx: Ctx, fn: Node): Scope {
  const known = ctx.scopes.get(fn.id);
  if (known) return known;
  const outer = enclosingFunc(fn);
  const s: Scope = { parent: outer ? functionScope(ctx, outer) : ctx.pkg, names: new Map(), fn };
  for (const p of paramsOf(fn)) s.names.set(p.name, { kind: 'param', node: p.node, type: p.type });
  const body = fn.childForFieldName('body');
  if (body) collectBindings(body, s);
  ctx.scopes.set(fn.id, s);
  return s;
}

export function lookup(ctx: Ctx, name: string, scope: Scope): Binding | null {
  for (let s: Scope | null = scope; s; s = s.parent) {
    const b = s.names.get(name);
    if (b) return b;
  }
  const imp = ctx.imports.get(name);
  if (imp) return { kind: 'value', value: imp };
  // Snippets without imports: the conventional package names.
  if (name === 'unix' || name === 'syscall' || name === 'binary' || name === 'net') return { kind: 'value', value: { k: 'pkg', path: name } };
  return null;
}
