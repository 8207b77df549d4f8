/**
 * C++ data members set by constructors, as the values of the class's `field` bindings: each
 * constructor's member initialiser (`PortBlock(uint16_t port, uint16_t count) : lo_(port),
 * hi_(port + count - 1) {}`, also `hi_{hi}`) in terms of that constructor's parameters, which
 * the evaluator treats like any unbound parameter: the interval of its type, an input of the
 * bounded search (core/bounded.ts). A member some constructor does not initialise is unknown
 * (default member initialisers are not read); a member written in any function of the file
 * (`hi_ = h;`, `++count_`, `this->hi_ = ...`, `r.hi_ = ...`, `&hi_`, also in a constructor's body)
 * keeps no value. A constructor whose body is not lowered gets a scope of its own parameters here.
 */
import type { Node } from 'web-tree-sitter';
import { bind, guardsOf, newScope, originOf } from '../../core/build';
import type { Expr, FormGuard, FormScope } from '../../core/form';

const CHECKS = ['if_statement', 'while_statement', 'call_expression'];
import { lowerExpr, type CppCx } from './expr';
import { declared, lowerType } from './types';

interface Method { node: Node; cls: string; name: string }

/** A function definition's class and own name (in the class body, or `C::f` out of line). */
function methodOf(n: Node): Method | null {
  let d = n.childForFieldName('declarator');
  while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
  const q = d?.childForFieldName('declarator')?.text.replace(/\s+/g, '').split('::') ?? [];
  let cls = q.length > 1 ? q[q.length - 2]! : null;
  for (let p = n.parent; p && !cls; p = p.parent) if (p.type === 'class_specifier' || p.type === 'struct_specifier') cls = p.childForFieldName('name')?.text ?? null;
  const name = q[q.length - 1];
  return cls && name ? { node: n, cls, name } : null;
}

/**
 * Is member `name` written in `text` (assigned, compound-assigned, incremented, or its address
 * taken)? In the class's own functions bare (`hi_ = h`, `this->hi_ = h`); elsewhere through an
 * object (`r.hi_ = h`, `p->hi_ = h`; another class's `this->hi_` is its own member).
 */
function writes(text: string, name: string, own: boolean): boolean {
  const n = own ? `(?:\\bthis\\s*->\\s*${name}\\b|(?<![.>]\\s*)\\b${name}\\b)` : `(?:\\.|(?<!\\bthis\\s*)->)\\s*${name}\\b`;
  return new RegExp(`${n}\\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)|(?:\\+\\+|--)\\s*${n}|${n}\\s*(?:\\+\\+|--)|&\\s*${n}`).test(text);
}

/** The scopes of the constructors not lowered, and the checks in their bodies (`if (count == 0) throw ...`). */
export function ctorFields(fnNodes: readonly Node[], kept: ReadonlySet<number>, classScopes: ReadonlyMap<string, FormScope>, cx: CppCx, conditionOf: (n: Node) => Node | null): { scopes: FormScope[]; guards: FormGuard[] } {
  const methods = fnNodes.map(methodOf).filter((m): m is Method => m !== null && classScopes.has(m.cls));
  const scopes: FormScope[] = [];
  const guards: FormGuard[] = [];
  let bodies: { cls: string | null; text: string }[] | null = null;
  for (const [cls, scope] of classScopes) {
    const ctors = methods.filter((m) => m.cls === cls && m.name === cls);
    if (!ctors.length) continue;
    // Writes outside the member initialisers: every function body of the file, constructors' included.
    bodies ??= fnNodes.map((f) => ({ cls: methodOf(f)?.cls ?? null, text: f.childForFieldName('body')?.text ?? '' }));
    const inits = ctors.map((c) => {
      const list = c.node.namedChildren.find((x) => x?.type === 'field_initializer_list');
      const byField = new Map<string, Expr>();
      for (const fi of list?.namedChildren ?? []) {
        const field = fi?.namedChildren.find((x) => x?.type === 'field_identifier')?.text;
        const args = fi?.namedChildren.find((x) => x?.type === 'argument_list' || x?.type === 'initializer_list');
        const one = args?.namedChildren.filter((x) => x !== null && x.type !== 'comment');
        if (field && one?.length === 1) byField.set(field, lowerExpr(one[0]!, cx));
      }
      return byField;
    });
    ctors.forEach((c) => {
      if (kept.has(c.node.id)) return; // its lowered body binds the parameters
      const s = newScope(scope, originOf(c.node));
      let d = c.node.childForFieldName('declarator');
      while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
      for (const p of d?.childForFieldName('parameters')?.namedChildren ?? []) {
        if (p?.type !== 'parameter_declaration' && p?.type !== 'optional_parameter_declaration') continue;
        const dd = declared(lowerType(p.childForFieldName('type'), cx), p.childForFieldName('declarator'));
        if (dd.name) bind(s, { name: dd.name, kind: 'param', type: dd.type, values: [], at: originOf(p) });
      }
      scopes.push(s);
      guards.push(...guardsOf(c.node.childForFieldName('body')?.descendantsOfType(CHECKS).filter((x): x is Node => x !== null) ?? [], conditionOf));
    });
    for (const [name, list] of scope.bindings) {
      const b = list.find((x) => x.kind === 'field');
      if (!b) continue;
      if (bodies.some((f) => (f.cls === cls && writes(f.text, name, true)) || writes(f.text, name, false))) {
        b.escapes = true;
        continue;
      }
      b.values = inits.map((m) => m.get(name) ?? { k: 'opaque', at: b.at });
    }
  }
  return { scopes, guards };
}
