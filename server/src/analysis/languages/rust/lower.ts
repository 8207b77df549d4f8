/**
 * A Rust file → the common form (core/form.ts): `const`/`static` items (also inside `mod`
 * and `impl`, the latter as `Type.NAME`), `type` aliases, `#[repr(C)]` struct layouts,
 * functions and methods (generic parameters kept as type parameters), closures bound by
 * `let`, `let` bindings with their straight-line reassignments, loops over tables, and every
 * setsockopt-like call and socket operation in source order.
 */
import type { Node } from 'web-tree-sitter';
import { bind, guardsOf, newScope, newUnit, originOf } from '../../core/build';
import type { Binding, Expr, FormCall, FormFunction, FormScope, FormType, FormUnit } from '../../core/form';
import * as uapi from '../../../../../engine/src/uapi';
import { lowerExpr, pathOf, type RustCx } from './expr';
import { lastSegment, lowerType } from './types';
import { relevantFunctions, walkKept } from '../relevance';
import { offLinux } from './cfg';
import { constBinding, cxAt, enclosing, lowerStruct, modPaths, rustCondition, typed, typeParamsOf } from './items';
import { bindFields, fieldFunctions, implOwner, receiverArgs, receiverOwner, selfInputs, withSelfPaths, type StructFields } from './methods';
import type { CallMarks } from '../../core/matches';

/** libc constants the option classification needs (libc has no IP_LOCAL_PORT_RANGE). */
const LIBC: Record<string, number> = {
  SOL_IP: uapi.SOL_IP, IPPROTO_IP: uapi.IPPROTO_IP, SOL_SOCKET: uapi.SOL_SOCKET, IPPROTO_TCP: uapi.IPPROTO_TCP,
  IPPROTO_UDP: uapi.IPPROTO_UDP, IPPROTO_IPV6: uapi.IPPROTO_IPV6, SOL_IPV6: uapi.IPPROTO_IPV6, IPPROTO_SCTP: uapi.IPPROTO_SCTP,
  IPPROTO_MPTCP: uapi.IPPROTO_MPTCP, IP_BIND_ADDRESS_NO_PORT: uapi.IP_BIND_ADDRESS_NO_PORT,
};
/** The node types rustCondition may take a condition from. */
const GUARDS = new Set(['if_expression', 'while_expression', 'macro_invocation']);
/** A function item's name from its text: `pub(crate) const unsafe extern "C" fn r#name<T>(`. */
const FN_NAME = /^(?:pub(?:\s*\([^)]*\))?\s+)?(?:(?:const|async|unsafe|default|extern(?:\s+"[^"]*")?)\s+)*fn\s+((?:r#)?[A-Za-z_][A-Za-z0-9_]*)(?=\s*[<(])/;
const BODY_KINDS = ['let_declaration', 'const_item', 'static_item', 'assignment_expression', 'compound_assignment_expr', 'return_expression', 'for_expression', 'function_item', 'closure_expression'];
const LOOPS = new Set(['for_expression', 'while_expression', 'loop_expression']);

interface FnState {
  fn: FormFunction;
  scope: FormScope;
  /** Declared types by name, in walk order (for `x.to_ne_bytes()`). */
  types: Map<string, FormType>;
  /** The block each binding was declared in (straight-line reassignment vs a branch). */
  declBlock: Map<Binding, Node>;
  /** Every struct's fields (any repr): `let r = S { .. }` binds `r.lo` (methods.ts). */
  fields: StructFields;
}

export interface RustLowered {
  unit: FormUnit;
  /** Calls of the file's own functions and closures (callers of helpers), in source order. */
  helperCalls: FormCall[];
}


export function lowerRust(root: Node, hostByteOrder: 'little' | 'big', marksOf: CallMarks | ((skipped: Node[]) => CallMarks)): RustLowered {
  const aliases = new Map<string, FormType>();
  const structs = new Map<string, FormType>();
  // Functions first (without their bodies), then only the bodies that can matter.
  const isFn = (_n: Node, t: string) => t === 'function_item';
  // The outline (every node outside function bodies), each node's type read once.
  const outlineTypes: string[] = [];
  const outline = walkKept(root, isFn, () => false, undefined, outlineTypes);
  const fnNodes = outline.filter((_, i) => outlineTypes[i] === 'function_item');
  const fnNames = new Map<number, string>();
  const keep = relevantFunctions(fnNodes.map((f) => {
    const text = f.text;
    // The name from the text (one crossing for the text); the tree when the header is unusual.
    const name = FN_NAME.exec(text)?.[1] ?? f.childForFieldName('name')?.text ?? '';
    fnNames.set(f.id, name);
    return { id: f.id, name, text };
  }));
  // Then the kept bodies, expanded in place (the same pre-order as one walk of the whole tree).
  const all: Node[] = [];
  const types: string[] = [];
  outline.forEach((n, i) => {
    if (outlineTypes[i] !== 'function_item' || !keep.has(n.id)) (all.push(n), types.push(outlineTypes[i]!));
    else for (const m of walkKept(n, isFn, (f) => keep.has(f.id), undefined, types)) all.push(m);
  });
  // The query's marks, searched only outside the bodies that are not walked (core/matches.ts).
  const marks = typeof marksOf === 'function' ? marksOf(fnNodes.filter((n) => !keep.has(n.id))) : marksOf;
  const results = new Map<string, FormType | null>();
  const cx: RustCx = { aliases, structs, typeParams: new Set(), steps: 400_000, resultOf: (f) => results.get(f) ?? null };
  all.forEach((n, i) => {
    if (types[i] === 'type_item') {
      const name = n.childForFieldName('name')?.text;
      const t = lowerType(n.childForFieldName('type'), aliases);
      if (name && t) aliases.set(name, t);
    }
  });
  // `#[cfg]` is read only in a file that writes one (cfg.ts); the kept functions compiled out on Linux.
  const cfgOff = /#\s*\[\s*cfg\s*\(/.test(root.text) ? offLinux : () => false;
  const keptFns = fnNodes.filter((n) => keep.has(n.id));
  const off = new Set(keptFns.filter((n) => cfgOff(n)).map((n) => n.id));
  // Integer results by function name (a name defined twice, on Linux, has none).
  for (const n of keptFns) {
    if (off.has(n.id)) continue;
    const name = fnNames.get(n.id) ?? '';
    const t = lowerType(n.childForFieldName('return_type'), aliases);
    results.set(name, results.has(name) || t?.k !== 'int' ? null : t);
  }
  const fields: StructFields = new Map();
  all.forEach((n, i) => types[i] === 'struct_item' && lowerStruct(n, aliases, structs, fields));
  // Methods reading `self.<field>`: their inputs by `name` and `Type.name` (null: two methods share the name).
  const methodInputs = new Map<string, ReturnType<typeof selfInputs> | null>();
  // Method names defined by several types (`PortRange::apply`, `PortBlock::apply`): named `Type.name`.
  const ownersOf = new Map<string, Set<string>>();
  for (const n of keptFns) {
    if (off.has(n.id)) continue;
    const owner = implOwner(n);
    const name = fnNames.get(n.id) ?? '';
    if (owner) ownersOf.set(name, (ownersOf.get(name) ?? new Set()).add(owner));
    const inputs = owner ? selfInputs(n, fields) : [];
    if (!inputs.length) continue;
    methodInputs.set(name, methodInputs.has(name) ? null : inputs);
    methodInputs.set(`${owner}.${name}`, inputs);
  }
  const shared = new Set([...ownersOf].filter(([, o]) => o.size > 1).map(([name]) => name));
  // `r.apply(fd)`: which type's method (when several define it), and the receiver's fields as its `self.<field>` inputs.
  cx.methodCall = (call, c) => {
    if (!call.receiver) return;
    const owner = shared.has(call.lastName) ? receiverOwner(call.receiver, c.scope ?? null, c.selfOwner ?? null) : null;
    if (owner) call.lastName = `${owner}.${call.lastName}`;
    const inputs = methodInputs.get(call.lastName);
    if (inputs) call.args.push(...receiverArgs(call.receiver, inputs, call.at));
  };
  const rootAt = originOf(root);
  const globals = newScope(null, rootAt);
  for (const [name, v] of Object.entries(LIBC)) {
    bind(globals, { name, kind: 'const', type: { k: 'int', int: { bits: 32, unsigned: false }, name: 'c_int' }, values: [{ k: 'int', value: BigInt(v), type: null, at: rootAt }], at: { ...rootAt, text: `libc::${name}` } });
  }
  // Referenced as if it existed: the value the author meant, flagged (missing-constant).
  bind(globals, { name: 'libc.IP_LOCAL_PORT_RANGE', kind: 'const', missing: true, type: { k: 'int', int: { bits: 32, unsigned: false }, name: 'c_int' }, values: [{ k: 'int', value: BigInt(uapi.IP_LOCAL_PORT_RANGE), type: null, at: rootAt }], at: { ...rootAt, text: 'libc::IP_LOCAL_PORT_RANGE' } });
  // linux-raw-sys does define it (spec §0).
  bind(globals, { name: 'linux_raw_sys.net.IP_LOCAL_PORT_RANGE', kind: 'const', type: { k: 'int', int: { bits: 32, unsigned: true }, name: 'c_uint' }, values: [{ k: 'int', value: BigInt(uapi.IP_LOCAL_PORT_RANGE), type: null, at: rootAt }], at: { ...rootAt, text: 'linux_raw_sys::net::IP_LOCAL_PORT_RANGE' } });
  const functions: FormFunction[] = [];
  const inner: FormScope[] = [];
  const calls: FormCall[] = [];
  const sockops: FormCall[] = [];
  const helperCalls: FormCall[] = [];
  const owners = new Map<FormFunction, string | null>();
  const defined = new Set<string>();
  const traitMethods = new Set<string>();
  all.forEach((n, i) => {
    if (types[i] !== 'impl_item' || !n.childForFieldName('trait')) return;
    const owner = lastSegment(n.childForFieldName('type')?.text ?? '');
    for (const f of n.childForFieldName('body')?.namedChildren ?? []) if (f?.type === 'function_item') traitMethods.add(`${owner}.${f.childForFieldName('name')?.text}`);
  });
  all.forEach((n, i) => {
    if (types[i] === 'function_item') defined.add(fnNames.get(n.id) ?? n.childForFieldName('name')?.text ?? '');
    if (types[i] === 'closure_expression' && n.parent?.type === 'let_declaration') defined.add(n.parent.childForFieldName('pattern')?.text ?? '');
  });
  all.forEach((n, i) => {
    // A `#[cfg]` false on Linux (the Windows twin of a constant) is not the value the kernel sees.
    if ((types[i] === 'const_item' || types[i] === 'static_item') && !enclosing(n, 'function_item') && !cfgOff(n)) {
      const impl = enclosing(n, 'impl_item');
      const owner = impl ? lastSegment(impl.childForFieldName('type')?.text ?? '') : '';
      const own = n.childForFieldName('name')?.text ?? '';
      for (const name of owner ? [`${owner}.${own}`, `Self.${own}`] : [own, ...modPaths(n).map((m) => `${m}.${own}`)]) {
        bind(globals, constBinding(n, name, cx));
      }
    }
  });
  for (let i = 0; i < all.length; i++) {
    const n = all[i]!;
    if (types[i] === 'function_item' && keep.has(n.id)) {
      const st = lowerFunction(n, globals, cx, fields);
      owners.set(st.fn, implOwner(n));
      // A trait method (`impl SetSockOpt for IpLocalPortRange { fn set(..) }`) is `Type.method`.
      const impl = n.parent?.parent?.type === 'impl_item' ? n.parent.parent : null;
      if (impl?.childForFieldName('trait') || (impl && shared.has(st.fn.name))) st.fn.name = `${lastSegment(impl.childForFieldName('type')?.text ?? '')}.${st.fn.name}`;
      // Compiled out on Linux (Pingora's no-op `ip_local_port_range` twins): no helper by that name.
      if (off.has(n.id)) st.fn.name = `${st.fn.name}#cfg`;
      functions.push(st.fn);
    } else if (types[i] === 'call_expression') {
      const f = n.childForFieldName('function');
      const name = f ? lastSegment(f.type === 'field_expression' ? f.childForFieldName('field')?.text ?? '' : pathOf(f).pop() ?? '') : '';
      // A project function named `setsockopt` (socket2's generic `setsockopt<T>(fd, opt, val, payload)`) is a helper.
      const own = defined.has(name) && !(n.childForFieldName('arguments')?.namedChildCount === 5 || n.childForFieldName('arguments')?.namedChildCount === 6);
      const kind = marks.sockopt.has(n.id) && !own ? calls : marks.sockop.has(n.id) ? sockops : defined.has(name) ? helperCalls : null;
      if (!kind) continue;
      const holder = functions.filter((f) => f.at.start <= n.startIndex && n.endIndex <= f.at.end).pop();
      const e = lowerExpr(n, { ...cxAt(n, cx), scope: holder?.scope, selfOwner: holder ? owners.get(holder) ?? null : null });
      if (e.k !== 'call') continue;
      // nix-style `setsockopt(&sock, IpLocalPortRange, &value)`: a call of the option type's
      // trait method `set(fd, value)` (a helper like any other).
      const opt = e.call.args[1];
      if (kind === calls && e.call.args.length === 3 && opt?.k === 'name' && traitMethods.has(`${opt.name}.${name.startsWith('g') ? 'get' : 'set'}`)) {
        const lastName = `${opt.name}.${name.startsWith('g') ? 'get' : 'set'}`;
        helperCalls.push({ ...e.call, lastName, args: [e.call.args[0]!, e.call.args[2]!, ...receiverArgs(undefined, methodInputs.get(lastName) ?? [], e.call.at)] });
        continue;
      }
      kind.push(e.call);
    }
  }
  // Closures bound by let: callable helpers like functions (their scope is the enclosing function's).
  for (let i = 0; i < all.length; i++) {
    const n = all[i]!;
    if (types[i] !== 'closure_expression' || n.parent?.type !== 'let_declaration') continue;
    const name = n.parent.childForFieldName('pattern')?.text;
    if (!name || !/^[A-Za-z_]\w*$/.test(name)) continue;
    const outer = functions.find((f) => f.at.start <= n.startIndex && n.endIndex <= f.at.end) ?? null;
    const scope = newScope(outer?.scope ?? globals, originOf(n));
    const params = (n.childForFieldName('parameters')?.namedChildren ?? []).filter((p): p is Node => !!p).map((p) => {
      const pat = p.type === 'parameter' ? p.childForFieldName('pattern') : p;
      const type = p.type === 'parameter' ? lowerType(p.childForFieldName('type'), aliases) : null;
      bind(scope, { name: pat?.text ?? '_', kind: 'param', type, values: [], at: originOf(p) });
      return { name: pat?.text ?? '_', type };
    });
    const body = n.childForFieldName('body');
    const fn: FormFunction = { name, params, result: null, returns: body ? [lowerExpr(body, cx)] : [], scope, at: originOf(n) };
    if (body) walkBody(body, { fn, scope, types: new Map(), declBlock: new Map(), fields }, cx);
    functions.push(fn);
    inner.push(scope);
  }
  functions.push(...fieldFunctions(functions.map((fn) => ({ fn, owner: owners.get(fn) ?? null }))));
  const unit = newUnit('rust', hostByteOrder, globals, functions, inner);
  for (const [k, v] of structs) unit.types.set(k, v);
  unit.calls = calls;
  unit.sockops = sockops;
  unit.guards = withSelfPaths(guardsOf(all.filter((_, i) => GUARDS.has(types[i]!)), rustCondition));
  return { unit, helperCalls };
}

function lowerFunction(n: Node, globals: FormScope, outerCx: RustCx, fields: StructFields): FnState {
  const typeParams = new Set(typeParamsOf(n));
  const scope = newScope(globals, originOf(n));
  const cx: RustCx = { ...outerCx, typeParams: new Set([...outerCx.typeParams, ...typeParams]), scope, selfOwner: implOwner(n) };
  const fn: FormFunction = { name: n.childForFieldName('name')?.text ?? '', params: [], result: lowerType(n.childForFieldName('return_type'), cx.aliases, cx.typeParams), returns: [], scope, at: originOf(n) };
  if (typeParams.size) fn.typeParams = [...typeParams];
  const st: FnState = { fn, scope, types: new Map(), declBlock: new Map(), fields };
  for (const p of n.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p?.type === 'self_parameter') fn.receiver = 'self';
    if (p?.type !== 'parameter') continue;
    const name = p.childForFieldName('pattern')?.text.replace(/^mut\s+/, '') ?? '_';
    // `value: &T` stays a pointer to T: a caller's `&x` binds T to x's type (evaluator.within).
    const type = lowerType(p.childForFieldName('type'), cx.aliases, cx.typeParams);
    fn.params.push({ name, type });
    if (type) st.types.set(name, type);
    bind(scope, { name, kind: 'param', type, values: [], at: originOf(p) });
  }
  // A method's `self.<field>` inputs follow its own parameters (callers pass them, methods.ts).
  for (const p of fn.receiver ? selfInputs(n, fields) : []) {
    fn.params.push(p);
    st.types.set(p.name, p.type);
    bind(scope, { name: p.name, kind: 'param', type: p.type, values: [], at: originOf(n) });
  }
  const body = n.childForFieldName('body');
  if (body) {
    walkBody(body, st, { ...cx, nameType: (x) => st.types.get(x) ?? null });
    const tail = body.namedChildren.filter((c): c is Node => c !== null && c.type !== 'line_comment' && c.type !== 'block_comment').pop();
    if (tail && tail.type !== 'expression_statement' && tail.type !== 'let_declaration' && !tail.type.endsWith('_item')) {
      fn.returns.push(lowerExpr(tail, { ...cx, nameType: (x) => st.types.get(x) ?? null }));
    }
  }
  return st;
}

/** Walks a function body in source order: lets, assignments, loops, returns, inner consts. */
function walkBody(body: Node, st: FnState, cx: RustCx): void {
  // One native scan for the node kinds that matter (pre-order), nested functions and closures skipped.
  let skipTo = -1;
  for (const n of body.descendantsOfType(BODY_KINDS)) {
    if (!n || n.startIndex < skipTo) continue;
    const t = n.type;
    if (n.id !== body.id && (t === 'function_item' || t === 'closure_expression')) {
      skipTo = n.endIndex;
      continue;
    }
    switch (t) {
      case 'let_declaration': {
        const pat = n.childForFieldName('pattern');
        const name = pat?.text.replace(/^mut\s+/, '');
        let type = lowerType(n.childForFieldName('type'), cx.aliases, cx.typeParams);
        const value = n.childForFieldName('value');
        if (name && /^[A-Za-z_]\w*$/.test(name)) {
          const v = value ? typed(lowerExpr(value, cx), type) : null;
          // `let b = x.to_ne_bytes()`: b is a [u8; N] (b.len(), size_of_val(&b)).
          if (!type && v?.k === 'encode') type = { k: 'bytes', size: v.size, name: `[u8; ${v.size}]` };
          if (!type && v?.k === 'cast') type = v.type;
          if (!type && v?.k === 'call') type = cx.resultOf?.(v.call.lastName) ?? null;
          // Visible after the statement: `let payload = &payload as *const T` reads the older payload.
          const at = { ...originOf(n), start: n.endIndex };
          const b = bind(st.scope, { name, kind: 'var', type, values: v ? [v] : [], at });
          st.declBlock.set(b, n.parent ?? body);
          if (v) for (const fb of bindFields(st.scope, name, v, st.fields, at)) st.declBlock.set(fb, n.parent ?? body);
          if (type) st.types.set(name, type);
          else st.types.delete(name);
        }
        break;
      }
      case 'const_item':
      case 'static_item': {
        const name = n.childForFieldName('name')?.text;
        if (name) bind(st.scope, constBinding(n, name, cx));
        break;
      }
      case 'assignment_expression':
      case 'compound_assignment_expr':
        assign(n, st, cx);
        break;
      case 'return_expression': {
        const v = n.namedChildren.find((c) => c !== null);
        if (v) st.fn.returns.push(lowerExpr(v, cx));
        break;
      }
      case 'for_expression': {
        const pat = n.childForFieldName('pattern');
        const vars = pat?.type === 'tuple_pattern' ? pat.namedChildren.map((c) => c?.text ?? '_') : [pat?.text ?? '_'];
        let over = n.childForFieldName('value');
        for (let i = 0; i < 4 && over; i++) {
          if (over.type === 'reference_expression') over = over.childForFieldName('value');
          else if (over.type === 'call_expression' && /^\.?(iter|into_iter)$/.test(over.childForFieldName('function')?.childForFieldName('field')?.text ?? '')) over = over.childForFieldName('function')?.childForFieldName('value') ?? null;
          else break;
        }
        const b = n.childForFieldName('body');
        // A table of #[repr(C)] structs: the loop variable's fields are the per-entry values
        // (`t.range_lo`), in the struct's declared order (the literals are sorted that way).
        const elem = over?.type === 'identifier' ? st.types.get(over.text) : undefined;
        const st2 = elem?.k === 'array' && elem.elem.k === 'unknown' ? cx.structs.get(elem.elem.name) : elem?.k === 'array' ? elem.elem : undefined;
        if (vars.length === 1 && st2?.k === 'struct') vars.splice(0, 1, ...st2.fields.map((f) => `${vars[0]}.${f.name}`));
        if (over && b) st.scope.loops.push({ vars, over: lowerExpr(over, cx), body: originOf(b), at: originOf(n) });
        break;
      }
    }
  }
}

function assign(n: Node, st: FnState, cx: RustCx): void {
  const left = n.childForFieldName('left');
  const name = left?.type === 'identifier' ? left.text : null;
  // A field written (`r.lo = x`, `self.lo += 1`), or the whole value replaced: its field bindings are not followed.
  const path = left?.type === 'field_expression' ? left.text.replace(/\s+/g, '') : null;
  for (const [k, bs] of st.scope.bindings) if (k === path || (name && k.startsWith(`${name}.`))) for (const b of bs) b.escapes = true;
  const right = n.childForFieldName('right');
  if (path) return fieldWrite(n, path, right, st, cx);
  if (!name) return partWrite(left, st);
  const list = st.scope.bindings.get(name);
  const b = list?.[list.length - 1];
  if (!b || b.kind !== 'var') return;
  if (n.type === 'compound_assignment_expr' || !right) {
    b.escapes = true;
    return;
  }
  const value = typed(lowerExpr(right, cx), b.type);
  const declBlock = st.declBlock.get(b);
  // Inside a loop that does not contain the declaration: the value changes per iteration.
  for (let p = n.parent; p && p !== declBlock; p = p.parent) {
    if (LOOPS.has(p.type)) {
      b.escapes = true;
      return;
    }
  }
  if (declBlock && straightLine(n, declBlock)) {
    // Straight-line reassignment: a new binding from here on (the evaluator takes the last one).
    const nb = bind(st.scope, { name, kind: 'var', type: b.type, values: [value], at: originOf(n) });
    st.declBlock.set(nb, declBlock);
  } else b.values.push(value); // a branch arm: joined with the other assignments
}

/** `n` runs once, in the block `declBlock` a binding was declared in (no branch, no loop between). */
function straightLine(n: Node, declBlock: Node | undefined): boolean {
  const stmtBlock = n.parent?.type === 'expression_statement' ? n.parent.parent : n.parent;
  return !!stmtBlock && !!declBlock && stmtBlock.id === declBlock.id;
}

/**
 * `d.lo = 41000` on a local: the local no longer holds its literal (core/tables.ts would read the
 * literal's item), so it escapes; in straight-line code the written field is a binding of its own
 * from here on (`d.lo` is 41000 after the write). Anything else leaves the field unknown.
 */
function fieldWrite(n: Node, path: string, right: Node | null, st: FnState, cx: RustCx): void {
  const base = path.split('.')[0]!;
  const bs = st.scope.bindings.get(base);
  const b = bs?.[bs.length - 1];
  if (!b || b.kind !== 'var') return;
  b.escapes = true;
  if (n.type !== 'assignment_expression' || !right || !straightLine(n, st.declBlock.get(b))) return;
  const nb = bind(st.scope, { name: path, kind: 'var', type: null, values: [lowerExpr(right, cx)], at: originOf(n) });
  st.declBlock.set(nb, st.declBlock.get(b)!);
}

/** `t[1] = x`, `r.range[0] += 1`: the value the binding was built with no longer holds. */
function partWrite(left: Node | null, st: FnState): void {
  let base = left;
  for (let i = 0; i < 16 && base && (base.type === 'field_expression' || base.type === 'index_expression'); i++) base = base.namedChildren.find((c) => c !== null) ?? null;
  if (base?.type === 'identifier') for (const b of st.scope.bindings.get(base.text) ?? []) b.escapes = true;
}
