/**
 * A Go file → the common form (core/form.ts): the file's imports and `type` declarations,
 * x/sys/unix and syscall constants, package-level const/var (a var written anywhere in the
 * file is unknown), functions and methods with their parameters, result type and returns,
 * func literals (Control closures) as scopes of their own, and every sockopt call (in the
 * 5-argument shape, calls.ts), socket operation and call of a project function in source order.
 */
import type { Node } from 'web-tree-sitter';
import { bind, guardsOf, newScope, newUnit, originOf } from '../../core/build';
import type { FormCall, FormFunction, FormScope, FormType, FormUnit } from '../../core/form';
import { goCondition, walkBody, type BodyState } from './body';
import { sockoptCall, type GoSockopt } from './calls';
import { FUNCS, type Decl } from './decls';
import { kids, lowerExpr, type GoCx } from './expr';
import { importsOf, SYSCALL, UNIX } from './packages';
import { lowerType, namedTypes } from './types';

export interface GoLowered {
  unit: FormUnit;
  /** Calls of the file's own functions (callers of helpers), in source order. */
  helperCalls: FormCall[];
  /** The Go shape of each sockopt call of unit.calls. */
  sockopts: Map<FormCall, GoSockopt>;
  cx: GoCx;
}

/** Query anchors (queries/go.scm): sockopt calls; which top-level declarations to walk. */
export interface GoMarks {
  sockopt: readonly Node[];
  /** Function and method declarations whose bodies are lowered (the others cannot matter). */
  keep(fn: Decl): boolean;
  /** Package-level names written somewhere in the file (= op= ++ -- &x). */
  written: ReadonlySet<string>;
}

export function lowerGo(root: Node, text: string, hostByteOrder: 'little' | 'big', decls: readonly Decl[], marks: GoMarks): GoLowered {
  const nodes = (type: string) => decls.filter((d) => d.type === type).map((d) => d.node);
  const cx: GoCx = { text, imports: importsOf(nodes('import_declaration')), named: namedTypes(nodes('type_declaration')), steps: 400_000 };
  const rootAt = { ...originOf(root), text: '' };
  const globals = newScope(null, rootAt);
  const pkgAt = (pkg: string) => ({ ...rootAt, text: `<${pkg === 'unix' ? 'golang.org/x/sys/unix' : pkg}>` });
  for (const [pkg, table] of [['unix', UNIX], ['syscall', SYSCALL]] as const) {
    for (const [name, v] of Object.entries(table)) {
      bind(globals, { name: `${pkg}.${name}`, kind: 'const', type: null, values: [{ k: 'int', value: BigInt(v), type: null, at: rootAt }], at: pkgAt(pkg) });
    }
  }
  // Go's frozen syscall package has none: the value the author meant, flagged (missing-constant).
  bind(globals, { name: 'syscall.IP_LOCAL_PORT_RANGE', kind: 'const', missing: true, type: null, values: [{ k: 'int', value: 51n, type: null, at: rootAt }], at: pkgAt('syscall') });
  const sockoptIds = new Set(marks.sockopt.map((n) => n.id));
  // Functions defined here, and those holding a sockopt call (a call of one is a helper call).
  const defined = new Map<string, number>();
  const holding = new Set<string>();
  const at = marks.sockopt.map((c) => c.startIndex).sort((a, b) => a - b);
  let k = 0; // decls are in source order: one pass over the sorted call starts
  for (const d of decls) {
    while (k < at.length && at[k]! < d.start) k++;
    if (!FUNCS.has(d.type)) continue;
    const name = d.names[0] ?? '';
    defined.set(name, (defined.get(name) ?? 0) + 1);
    if (k < at.length && at[k]! < d.end) holding.add(name);
  }
  const functions: FormFunction[] = [];
  const inner: FormScope[] = [];
  const calls: FormCall[] = [];
  const helperCalls: FormCall[] = [];
  const sockopts = new Map<FormCall, GoSockopt>();
  const onCall = (n: Node, st: BodyState, callee: string | null) => {
    const marked = sockoptIds.has(n.id);
    if (!marked && (callee === null || !defined.has(callee))) return; // most calls: decided from the text alone
    const own = callee !== null && n.childForFieldName('function')?.type === 'identifier' && defined.get(callee) === 1 && holding.has(callee);
    if (marked && !own) {
      const s = sockoptCall(n, st.cx);
      if (s) (calls.push(s.call), sockopts.set(s.call, s));
    } else if (callee !== null && defined.has(callee)) {
      const e = lowerExpr(n, st.cx);
      if (e.k === 'call') helperCalls.push(e.call);
    }
  };
  const onClosure = (n: Node, st: BodyState) => {
    const scope = newScope(st.scope, originOf(n));
    inner.push(scope);
    params(n.childForFieldName('parameters'), scope, cx);
    const body = n.childForFieldName('body');
    if (body) walkBody(body, { ...st, fn: null, scope });
  };
  const guards: Node[] = [];
  const state = (fn: FormFunction | null, scope: FormScope): BodyState => ({ fn, scope, cx, declBlock: new Map(), buffers: new Set(), guards, onCall, onClosure });
  const pkg = state(null, globals);
  for (const d of decls) if (d.type === 'var_declaration' || d.type === 'const_declaration') walkBody(d.node, pkg);
  // Package-level declarations hold whatever order they are written in; one written anywhere is unknown.
  for (const [name, bs] of globals.bindings) {
    for (const b of bs) {
      if (b.kind !== 'var') continue;
      if (marks.written.has(name)) b.escapes = true;
      else b.kind = 'const';
    }
  }
  for (const decl of decls) {
    if (!FUNCS.has(decl.type) || !marks.keep(decl)) continue;
    const d = decl.node;
    const scope = newScope(globals, originOf(d));
    const fn: FormFunction = { name: d.childForFieldName('name')?.text ?? '', params: params(d.childForFieldName('parameters'), scope, cx), result: resultOf(d.childForFieldName('result'), cx), returns: [], scope, at: originOf(d) };
    const recv = d.type === 'method_declaration' ? params(d.childForFieldName('receiver'), scope, cx)[0] : undefined;
    if (recv) fn.receiver = recv.name;
    functions.push(fn);
    const body = d.childForFieldName('body');
    if (body) walkBody(body, state(fn, scope));
  }
  const unit = newUnit('go', hostByteOrder, globals, functions, inner);
  for (const [k, v] of cx.named) unit.types.set(k, v);
  unit.calls = calls;
  unit.guards = guardsOf(guards, goCondition);
  return { unit, helperCalls, sockopts, cx };
}

/** Parameters of a parameter_list, bound in `scope` (variadic ones have no int type). */
function params(list: Node | null, scope: FormScope, cx: GoCx): { name: string; type: FormType | null }[] {
  const out: { name: string; type: FormType | null }[] = [];
  for (const p of kids(list)) {
    if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
    const type = p.type === 'variadic_parameter_declaration' ? null : lowerType(p.childForFieldName('type'), cx.named);
    const names = p.childrenForFieldName('name').filter((c): c is Node => c !== null && c.isNamed);
    if (names.length === 0) out.push({ name: '_', type });
    for (const nm of names) {
      out.push({ name: nm.text, type });
      bind(scope, { name: nm.text, kind: 'param', type, values: [], at: originOf(p) });
    }
  }
  return out;
}

/** The (first) result type: `uint32`, `(uint32, error)`, `(v uint32, err error)`. */
function resultOf(n: Node | null, cx: GoCx): FormType | null {
  if (!n) return null;
  if (n.type !== 'parameter_list') return lowerType(n, cx.named);
  const first = kids(n).find((p) => p.type === 'parameter_declaration');
  return first ? lowerType(first.childForFieldName('type'), cx.named) : null;
}

