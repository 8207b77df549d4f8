/**
 * A C or C++ file → the common form (core/form.ts): the C-family lowering (C passes `lang: 'c'`
 * and its macros/globals from languages/c/). Namespaces (`a::b::k` and its last name),
 * namespace aliases, `using` declarations, typedef/using aliases, #define constants,
 * (scoped) enums, structs/classes (layout, static constexpr members visible unqualified in
 * their member functions, also defined out of line as `C::f`), templates (type parameters),
 * lambdas bound to a name, local variables with straight-line reassignment, range-for loops
 * over tables, and the setsockopt-like calls and socket operations the query marks.
 */
import type { Node } from 'web-tree-sitter';
import { bind, guardsOf, newScope, newUnit, originOf } from '../../core/build';
import type { Binding, Expr, FormCall, FormFunction, FormScope, FormType, FormUnit } from '../../core/form';
import { parseIntLiteral } from '../../core/numeric';
import { CONSTANTS } from './constants';
import { lowerExpr, qualified, type CppCx } from './expr';
import { declared, lowerType } from './types';
import { relevantFunctions, walkKept } from '../relevance';
import type { CallMarks } from '../../core/matches';
import { Writes } from './writes';
import { indexLoops } from './loops';
import { ctorFields } from './fields';

/** What a C file adds to the C-family lowering (languages/c/): its macros and global writes. */
export interface CFamilyOptions {
  lang: 'c' | 'cpp';
  /** The text the adapter was given (same offsets as the tree; reuse.ts may mask words in it): function texts are read from it. */
  text?: string;
  /** #define and function-like macros (C): bound in `globals`, function-like ones as functions. */
  macros?(n: Node, globals: FormScope, functions: FormFunction[], cx: CppCx): boolean;
  /** After lowering: globals written in functions (also the ones never walked). */
  finish?(unit: FormUnit, globalVars: readonly Binding[], cx: CppCx): void;
}
export interface CppLowered { unit: FormUnit; helperCalls: FormCall[] }

const INT: FormType = { k: 'int', int: { bits: 32, unsigned: false }, name: 'int' };

/** The namespace path and class name around a node: ['net', 'opts'], 'Connector'. */
function context(n: Node): { ns: string[]; cls: string | null; templ: string[] } {
  const ns: string[] = [];
  let cls: string | null = null;
  const templ: string[] = [];
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'namespace_definition') ns.unshift(...(p.childForFieldName('name')?.text.split('::') ?? []));
    if ((p.type === 'class_specifier' || p.type === 'struct_specifier') && !cls) cls = p.childForFieldName('name')?.text ?? null;
    if (p.type === 'template_declaration') {
      for (const tp of p.childForFieldName('parameters')?.namedChildren ?? []) {
        const id = tp?.namedChildren.find((c) => c?.type === 'type_identifier');
        if (id) templ.push(id.text);
      }
    }
  }
  return { ns, cls, templ };
}

/** What the file-level passes read inside kept function bodies. */
const INNER = ['call_expression', 'lambda_expression', 'preproc_def', 'preproc_function_def', 'type_definition', 'alias_declaration', 'enumerator', 'field_declaration_list', 'if_statement', 'while_statement'];
/** What a body's lowering reads (nested lambdas and functions are lowered on their own). */
const BODY = ['declaration', 'assignment_expression', 'update_expression', 'return_statement', 'for_range_loop', 'for_statement', 'pointer_expression', 'lambda_expression', 'function_definition'];

/** A top-level `{ ... }`: the body of a function defined through an unknown macro (TEST(x) { }). */
export function isTopBody(n: Node): boolean {
  if (n.type !== 'compound_statement') return false;
  const t = n.parent?.type;
  return t === 'translation_unit' || (!!t && t.startsWith('preproc_') && !inFunction(n));
}

export function lowerCpp(root: Node, hostByteOrder: 'little' | 'big', marksOf: CallMarks | ((skipped: Node[]) => CallMarks), opts: CFamilyOptions = { lang: 'cpp' }): CppLowered {
  const c = opts.lang === 'c';
  // Functions first (without their bodies), then only the bodies that can matter.
  const isFnT = (n: Node, t: string) => t === 'function_definition' || (c && t === 'compound_statement' && isTopBody(n));
  const topTypes: string[] = [];
  const top = walkKept(root, isFnT, () => false, undefined, topTypes);
  const fnNodes = top.filter((n, i) => isFnT(n, topTypes[i]!));
  const nameOf = (f: Node) => {
    let d = f.childForFieldName('declarator');
    while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
    return d?.childForFieldName('declarator')?.text.split('::').pop() ?? '';
  };
  const textOf = (f: Node) => (opts.text !== undefined ? opts.text.slice(f.startIndex, f.endIndex) : f.text);
  // C: `static int f(int fd) {`: the name is the identifier before the first `(` (no tree
  // reads for thousands of functions); anything unusual (`__attribute__((...))`, a macro) asks the tree.
  const quickName = (f: Node, text: string) => {
    const m = c ? /^[^(]*?\b([A-Za-z_]\w*)\s*\(/.exec(text) : null;
    return m && !/^(__|[A-Z_0-9]+$)/.test(m[1]!) && !/[#{;=]/.test(text.slice(0, m.index + m[0].length)) ? m[1]! : nameOf(f);
  };
  const keep = relevantFunctions(fnNodes.map((f) => {
    const text = textOf(f);
    return { id: f.id, name: quickName(f, text), text };
  }));
  // The nodes outside function bodies, and inside the kept bodies only the kinds the passes
  // below read (one native scan per body instead of a node-by-node walk), in document order.
  // Each node's type read once (every read crosses into the parser).
  const allTyped: (readonly [Node, string])[] = [];
  top.forEach((n, i) => {
    allTyped.push([n, topTypes[i]!]);
    if (keep.has(n.id) && isFnT(n, topTypes[i]!)) for (const d of n.descendantsOfType(INNER)) if (d) allTyped.push([d, d.type]);
  });
  const all = allTyped.map(([n]) => n);
  // The query's marks, searched only outside the bodies that are not walked (core/matches.ts).
  const marks = typeof marksOf === 'function' ? marksOf(top.filter((n, i) => isFnT(n, topTypes[i]!) && !keep.has(n.id))) : marksOf;
  const aliases = new Map<string, FormType>();
  const nsAliases = new Map<string, string>();
  const cx: CppCx = { aliases, nsAliases, typeParams: new Set(), steps: 400_000, lang: opts.lang };
  const globalVars: Binding[] = [];
  const globals = newScope(null, originOf(root));
  const at0 = originOf(root);
  for (const [name, v] of Object.entries(CONSTANTS)) {
    bind(globals, { name, kind: 'const', type: INT, values: [{ k: 'int', value: BigInt(v), type: null, at: at0 }], at: { ...at0, text: `<netinet/in.h> ${name}` } });
  }
  const classScopes = new Map<string, FormScope>();
  const classOf = (name: string) => {
    let s = classScopes.get(name);
    if (!s) classScopes.set(name, (s = newScope(globals, at0)));
    return s;
  };
  const structs = new Map<string, FormType>();
  const macroFns: FormFunction[] = [];
  for (const [n, t] of allTyped) {
    if (t === 'namespace_alias_definition') {
      const target = n.namedChildren.find((c) => c?.type === 'nested_namespace_specifier' || (c?.type === 'namespace_identifier' && c.id !== n.childForFieldName('name')?.id));
      const name = n.childForFieldName('name')?.text;
      if (name && target) nsAliases.set(name, target.text.replace(/^::/, '').split('::').join('.'));
    } else if (t === 'type_definition') {
      const t = lowerType(n.childForFieldName('type'), cx);
      const d = declared(t, n.childForFieldName('declarator'));
      const name = n.childForFieldName('declarator')?.text;
      if (name && d.type) aliases.set(name.replace(/[^\w]/g, ''), d.type);
    } else if (t === 'alias_declaration') {
      const t = lowerType(n.childForFieldName('type'), cx);
      const name = n.childForFieldName('name')?.text;
      if (name && t) aliases.set(name, t);
    }
  }
  const bindConst = (scope: FormScope, names: string[], type: FormType | null, value: Expr | null, at: Node, kind: Binding['kind'] = 'const') => {
    // Class members are visible in the whole class, also above their declaration.
    const o = scope === globals ? originOf(at) : { ...originOf(at), start: 0 };
    for (const name of names) bind(scope, { name, kind, type, values: value ? [value] : [], at: o });
  };
  for (const [n, t] of allTyped) {
    if (opts.macros && (t === 'preproc_def' || t === 'preproc_function_def') && opts.macros(n, globals, macroFns, cx)) continue;
    if (t === 'preproc_def') {
      const name = n.childForFieldName('name')?.text;
      const v = n.childForFieldName('value')?.text.trim().replace(/^\((.*)\)$/, '$1');
      const f = v ? parseIntLiteral(v, 'cpp') : null;
      if (name && f && f.value !== null) bindConst(globals, [name], null, { k: 'int', value: f.value, type: f.type, at: originOf(n.childForFieldName('value')!) }, n);
    } else if (t === 'enumerator') {
      const en = n.parent?.parent;
      const ename = en?.childForFieldName('name')?.text;
      const value = n.childForFieldName('value');
      const idx = n.parent ? n.parent.namedChildren.filter((c) => c?.type === 'enumerator').findIndex((c) => c?.id === n.id) : 0;
      const v = value ? lowerExpr(value, cx) : { k: 'int' as const, value: BigInt(idx), type: null, at: originOf(n) };
      const name = n.childForFieldName('name')?.text ?? '';
      bindConst(globals, ename ? [`${ename}.${name}`, ...(/\bclass\b/.test(en?.text.slice(0, 20) ?? '') ? [] : [name])] : [name], INT, v, n);
    } else if (t === 'field_declaration_list' && (n.parent?.type === 'class_specifier' || n.parent?.type === 'struct_specifier')) {
      const cname = n.parent.childForFieldName('name')?.text;
      if (!cname) continue;
      // C structs have no member scope (no member functions): their field names must not hide globals.
      const scope = c ? null : classOf(cname);
      const fields: { name: string; type: FormType }[] = [];
      for (const f of n.namedChildren) {
        if (f?.type !== 'field_declaration') continue;
        const isStatic = f.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static');
        const base = lowerType(f.childForFieldName('type'), cx);
        for (const decl of f.childrenForFieldName('declarator')) {
          const d = declared(base, decl);
          if (!d.name) continue;
          const dv = f.childForFieldName('default_value');
          if (isStatic) {
            const v = dv ? lowerExpr(dv.type === 'initializer_list' ? dv.namedChildren.find((c) => c !== null) ?? dv : dv, cx) : null;
            if (scope) bindConst(scope, [d.name], d.type, v, f);
            bindConst(globals, [`${cname}.${d.name}`], d.type, v, f);
          } else {
            fields.push({ name: d.name, type: d.type ?? { k: 'unknown', name: '?' } });
            if (scope) bindConst(scope, [d.name], d.type, null, f, 'field');
          }
        }
      }
      structs.set(cname, { k: 'struct', name: cname, fields });
    } else if (t === 'declaration' && !inFunction(n)) {
      const { ns } = context(n);
      const base = lowerType(n.childForFieldName('type'), cx);
      for (const d of n.childrenForFieldName('declarator')) {
        if (d?.type !== 'init_declarator') continue;
        const dd = declared(base, d);
        const value = d.childForFieldName('value');
        if (!dd.name || !value) continue;
        const v = typed(lowerExpr(value, cx), dd.type, structs);
        bindConst(globals, [dd.name, ...(ns.length ? [[...ns, dd.name].join('.')] : [])], dd.type ?? typeOf(v), v, d);
        globalVars.push(globals.bindings.get(dd.name)!.at(-1)!);
      }
      if (c) {
        for (const d of n.childrenForFieldName('declarator')) {
          if (d?.type === 'init_declarator' || d?.type === 'function_declarator') continue;
          const dd = declared(base, d);
          if (dd.name) globalVars.push(bind(globals, { name: dd.name, kind: 'const', type: dd.type, values: [], at: originOf(d!) }));
        }
      }
    }
  }
  const functions: FormFunction[] = [...macroFns];
  const inner: FormScope[] = [...classScopes.values()];
  const defined = new Map<string, number>(macroFns.map((f) => [f.name, f.params.length]));
  for (const [n, t] of allTyped) {
    if (!isFnT(n, t) || !keep.has(n.id)) continue;
    const fn = lowerFunction(n, globals, classScopes, classOf, cx, structs);
    if (fn) {
      functions.push(fn);
      defined.set(fn.name, fn.params.length);
    }
  }
  for (const [n, t] of allTyped) {
    if (t !== 'lambda_expression' || n.parent?.type !== 'init_declarator') continue;
    const name = n.parent.childForFieldName('declarator')?.text;
    const outer = functions.find((f) => f.at.start <= n.startIndex && n.endIndex <= f.at.end) ?? null;
    if (!name) continue;
    const fn = lowerBody(n, name, n.childForFieldName('declarator')?.childForFieldName('parameters') ?? null, outer?.scope ?? globals, cx, structs, []);
    functions.push(fn);
    inner.push(fn.scope);
    defined.set(name, fn.params.length);
  }
  const calls: FormCall[] = [];
  const sockops: FormCall[] = [];
  const helperCalls: FormCall[] = [];
  for (const [n, t] of allTyped) {
    if (t !== 'call_expression') continue;
    const isOpt = marks.sockopt.has(n.id);
    const isOp = marks.sockop.has(n.id);
    // Cheap test first (a 100,000-deep f(f(...)) has as many calls): only marked or project calls.
    const f = n.childForFieldName('function');
    const last = f ? (f.type === 'field_expression' ? f.childForFieldName('field')?.text ?? '' : f.text.replace(/<[^<>]*>/g, '').split('::').pop()!.trim()) : '';
    if (!isOpt && !isOp && !defined.has(last)) continue;
    const e = lowerExpr(n, { ...cx, typeParams: new Set(context(n).templ) });
    if (e.k !== 'call') continue;
    const params = defined.get(e.call.lastName);
    // A project function named like setsockopt with its own arity is a helper (libcosmos'
    // template setsockopt(fd, level, name, const T&)); the 5-argument ::setsockopt is the call.
    if (params !== undefined && params === e.call.args.length && !(isOpt && e.call.args.length === 5 && /^::/.test(e.call.callee.at.text))) helperCalls.push(e.call);
    else if (isOpt) calls.push(e.call);
    else if (isOp) sockops.push(assigned(n, e.call));
  }
  const ctors = c ? null : ctorFields(fnNodes, keep, classScopes, cx, cppCondition);
  const unit = newUnit(opts.lang, hostByteOrder, globals, functions, [...inner, ...(ctors?.scopes ?? [])]);
  for (const [k, v] of structs) unit.types.set(k, v);
  unit.calls = calls;
  unit.sockops = sockops;
  unit.guards = [...guardsOf(allTyped.filter(([, t]) => t === 'if_statement' || t === 'while_statement' || t === 'call_expression').map(([n]) => n), cppCondition), ...(ctors?.guards ?? [])];
  opts.finish?.(unit, globalVars, cx);
  return { unit, helperCalls };
}
const ASSERTS = /^(assert|static_assert|BOOST_ASSERT|D?CHECK\w*|ASSERT\w*|EXPECT\w*)$/;

/** `if (c)`, `while (c)`, `assert(c)`-like calls: the condition (core/bounded.ts guards). */
function cppCondition(n: Node): Node | null {
  if (n.type === 'if_statement' || n.type === 'while_statement') return n.childForFieldName('condition');
  if (n.type === 'call_expression' && ASSERTS.test(n.childForFieldName('function')?.text ?? '')) return n.childForFieldName('arguments');
  return null;
}

/** `int s = socket(...)`, `s = socket(...)`: the call with the name it is assigned to. */
function assigned(n: Node, call: FormCall): FormCall {
  const p = n.parent;
  const target = p?.type === 'init_declarator' ? declared(null, p).name : p?.type === 'assignment_expression' && p.childForFieldName('right')?.id === n.id ? p.childForFieldName('left')?.text : null;
  return target ? { ...call, assign: target } : call;
}

function inFunction(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition' || p.type === 'lambda_expression' || p.type === 'compound_statement') return true;
  return false;
}

/** The static type of an `auto` initialiser, as far as its syntax tells. */
function typeOf(e: Expr, depth = 0): FormType | null {
  if (depth > 32) return null;
  switch (e.k) {
    case 'cast': return e.type;
    case 'init': return e.type;
    case 'int': return e.type ? { k: 'int', int: e.type, name: 'int' } : null;
    case 'decode': return { k: 'int', int: { bits: e.size * 8, unsigned: true }, name: `uint${e.size * 8}_t` };
    case 'binary': return e.op === '<<' || e.op === '>>' ? typeOf(e.left, depth + 1) : typeOf(e.left, depth + 1) ?? typeOf(e.right, depth + 1);
    default: return null;
  }
}

/**
 * `std::array<std::uint16_t, 2> a{..}`, `Range r = {..}`, C's `{ .hi = b, .lo = a }`: the
 * literal gets the declared type, a struct's items in field order (missing fields are zero).
 */
export function typed(e: Expr, type: FormType | null, structs: ReadonlyMap<string, FormType>): Expr {
  if (e.k !== 'init') return e;
  let t = e.type ?? (type?.k === 'unknown' ? structs.get(type.name) ?? type : type);
  if (t?.k === 'unknown') t = structs.get(t.name) ?? t;
  if (t?.k === 'struct' && t.fields.length && e.items.length <= t.fields.length) {
    const designated = e.items.some((it) => it.field !== undefined);
    if (designated && !e.items.every((it) => it.field !== undefined)) return { ...e, type: t };
    const items = t.fields.map((f, i) => {
      const it = designated ? e.items.find((x) => x.field === f.name) : e.items[i];
      return { field: f.name, value: it ? typed(it.value, f.type, structs) : ({ k: 'int', value: 0n, type: null, at: e.at } as Expr) };
    });
    return { ...e, type: t, items };
  }
  if (t?.k === 'array' && e.items.some((it) => it.value.k === 'init')) {
    // A table of structs: each row in field order too.
    const elem = t.elem.k === 'unknown' ? structs.get(t.elem.name) ?? t.elem : t.elem;
    return { ...e, type: t, items: e.items.map((it) => ({ ...it, value: typed(it.value, elem, structs) })) };
  }
  if (e.type) return e;
  return t && (t.k === 'array' || t.k === 'struct' || t.k === 'bytes') ? { ...e, type: t.k === 'bytes' ? { k: 'array', elem: { k: 'int', int: { bits: 8, unsigned: true }, name: 'uint8_t' }, count: t.size, name: t.name } : t } : e;
}

function lowerFunction(n: Node, globals: FormScope, classScopes: Map<string, FormScope>, classOf: (c: string) => FormScope, cx: CppCx, structs: ReadonlyMap<string, FormType>): FormFunction | null {
  let d = n.childForFieldName('declarator');
  while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
  const nameNode = d?.childForFieldName('declarator');
  // C: a body inside an unknown macro invocation (TEST(name) { }, FIXTURE_SETUP(x) { }) is
  // analysed like a function body without parameters.
  if ((!d || !nameNode) && cx.lang === 'c' && (isTopBody(n) || n.childForFieldName('body'))) return lowerBody(n, '', null, globals, cx, structs, []);
  if (!d || !nameNode) return null;
  const { cls, templ } = context(n);
  const q = qualified(nameNode.text, cx.nsAliases).split('.');
  const owner = q.length > 1 ? q[q.length - 2]! : cls;
  const parent = owner ? classScopes.get(owner) ?? (cls ? classOf(cls) : globals) : globals;
  return lowerBody(n, q[q.length - 1]!, d.childForFieldName('parameters'), parent, cx, structs, templ);
}

/**
 * The element type of a range-for variable (`for (std::uint32_t v : VALUES)`, `for (const auto& r : RANGES)`),
 * bound in the loop's scope for `sizeof v`; struct elements are resolved through `structs`.
 */
function loopElement(name: string, loop: Node, over: Node, declType: FormType | null, scope: FormScope, structs: ReadonlyMap<string, FormType>): FormType | null {
  let t: FormType | null = declType && declType.k !== 'unknown' ? declType : null;
  if (!t && over.type === 'identifier') {
    let table: FormType | null = null;
    for (let sc: FormScope | null = scope; sc && !table; sc = sc.parent) table = sc.bindings.get(over.text)?.[0]?.type ?? null;
    t = table?.k === 'array' ? table.elem : null;
  }
  if (t && t.k !== 'struct') t = structs.get(t.name) ?? t;
  if (t) bind(scope, { name, kind: 'loop', type: t, values: [], at: originOf(loop) });
  return t;
}
/** A function or lambda body: params, locals, assignments, returns, range-for loops. */
function lowerBody(n: Node, name: string, paramList: Node | null, parent: FormScope, outerCx: CppCx, structs: ReadonlyMap<string, FormType>, templ: string[]): FormFunction {
  const cx: CppCx = { ...outerCx, typeParams: new Set([...outerCx.typeParams, ...templ]) };
  const scope = newScope(parent, originOf(n));
  const fn: FormFunction = { name, params: [], result: lowerType(n.childForFieldName('type'), cx), returns: [], scope, at: originOf(n) };
  if (templ.length) fn.typeParams = [...templ];
  for (const p of paramList?.namedChildren ?? []) {
    if (p?.type !== 'parameter_declaration' && p?.type !== 'optional_parameter_declaration') continue;
    const dd = declared(lowerType(p.childForFieldName('type'), cx), p.childForFieldName('declarator'));
    fn.params.push({ name: dd.name ?? '_', type: dd.type });
    if (dd.name) bind(scope, { name: dd.name, kind: 'param', type: dd.type, values: [], at: originOf(p) });
  }
  const body = n.type === 'compound_statement' ? n : n.childForFieldName('body');
  const declBlock = new Map<Binding, number>();
  const writes = new Writes(scope, declBlock, cx, (e, t) => typed(e, t, structs));
  let skipTo = -1;
  for (const s of body ? body.descendantsOfType(BODY) : []) {
    if (!s || s.startIndex < skipTo) continue;
    if (s.type === 'lambda_expression' || s.type === 'function_definition') {
      skipTo = s.endIndex;
      continue;
    }
    if (s.type === 'declaration') {
      const base = lowerType(s.childForFieldName('type'), cx);
      for (const d of s.childrenForFieldName('declarator')) {
        const dd = declared(base, d);
        if (!dd.name) continue;
        const value = d?.type === 'init_declarator' ? d.childForFieldName('value') : null;
        // C: what a pointer variable points to is not followed (writes through aliases are not tracked).
        const v = value ? (cx.lang === 'c' && dd.type?.k === 'pointer' ? { k: 'opaque' as const, at: originOf(value) } : typed(lowerExpr(value, cx), dd.type, structs)) : null;
        const b = bind(scope, { name: dd.name, kind: 'var', type: dd.type ?? (v ? typeOf(v) : null), values: v ? [v] : [], at: { ...originOf(s), start: s.endIndex } });
        declBlock.set(b, s.parent?.id ?? -1);
      }
    } else if (s.type === 'assignment_expression' || s.type === 'update_expression') {
      writes.assignment(s);
    } else if (cx.lang === 'c' && s.type === 'pointer_expression') {
      writes.addressTaken(s);
    } else if (s.type === 'return_statement') {
      const v = s.namedChildren.find((c) => c !== null);
      if (v) fn.returns.push(lowerExpr(v, cx));
    } else if (s.type === 'for_statement') {
      scope.loops.push(...indexLoops(s, scope, structs, cx));
    } else if (s.type === 'for_range_loop') {
      const decl = s.childForFieldName('declarator');
      const vname = decl ? declared(null, decl).name : null;
      const over = s.childForFieldName('right');
      const b = s.childForFieldName('body');
      const vars = decl?.type === 'structured_binding_declarator' ? decl.namedChildren.map((c) => c?.text ?? '_') : vname ? [vname] : [];
      const elem = vname && over && b ? loopElement(vname, s, over, lowerType(s.childForFieldName('type'), cx), scope, structs) : null;
      // A table of structs: the loop variable's fields are the per-entry values (`r.lo`), in declared order.
      if (elem?.k === 'struct' && vars.length === 1) vars.splice(0, 1, ...elem.fields.map((f) => `${vname}.${f.name}`));
      if (vars.length && over && b) scope.loops.push({ vars, over: lowerExpr(over, cx), body: originOf(b), at: originOf(s) });
    }
  }
  writes.finish();
  // A lambda's expression body or a one-expression function: nothing more to do.
  return fn;
}
export { qualified };
