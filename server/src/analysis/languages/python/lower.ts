/**
 * A Python file → the common form (core/form.ts): module constants (assigned once), imports,
 * functions and methods (parameters, defaults, every `return`), locals assigned once (a
 * second write, `+=`, `global`/`nonlocal` anywhere make a name unknown), `self.x` assigned
 * once in `__init__` (a field of every method of the class), `for a, b in TABLE:` loops, and
 * the calls that matter, found by queries/python.scm: setsockopt/getsockopt-like calls given
 * the common (fd, level, opt, val, len) shape (the receiver is the fd; absent arguments are
 * `synthetic`), socket operations and creations, calls of project functions. Only the
 * function bodies that can reach a call site are walked (languages/relevance.ts).
 */
import type { Node, Query } from 'web-tree-sitter';
import { bind, newScope, newUnit, originOf } from '../../core/build';
import { cap, role } from '../../core/captures';
import type { Expr, FormCall, FormFunction, FormScope, FormUnit, Origin } from '../../core/form';
import { matchesIn } from '../../core/matches';
import { relevantFunctions } from '../relevance';
import { classFields, classOf } from './attributes';
import { PY_SOCKET } from './constants';
import { kids, lowerExpr, opaque, qualified, type PyCx, type PyTags } from './expr';
import { registerImport } from './imports';
import { dictView, loopTarget } from './loops';

export interface Create { target: string; call: FormCall; kind: 'socket' | 'create_connection' | 'create_server' }

export interface PyLowered {
  unit: FormUnit;
  /** Calls of the file's own functions (callers of helpers), in source order. */
  helperCalls: FormCall[];
  tags: PyTags;
  /** Sockets created and assigned to a name (s = socket.socket(...), with ... as s). */
  creates: Create[];
  /** Arguments added to give a sockopt call the (fd, level, opt, val, len) shape. */
  synthetic: Set<Expr>;
}

const DEFS = new Set(['function_definition', 'class_definition', 'decorated_definition']);
/** Nodes the statement walk enters: statements, blocks, clauses; never an expression (walrus targets are not followed). */
const CONTAINERS = /^(module|block|expression_statement|\w+_statement|\w+_clause|with_item|as_pattern|decorated_definition|class_definition)$/;

/** Every statement of the file outside function bodies (functions found, expressions never entered). */
function statementsOf(root: Node, typeOf: Map<number, string>): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    const t = n.type; // read once (typeOf): each read crosses into the parser
    typeOf.set(n.id, t);
    out.push(n);
    if (t === 'function_definition' || (n !== root && !CONTAINERS.test(t))) continue;
    const ks = n.namedChildren;
    for (let i = ks.length - 1; i >= 0; i--) if (ks[i]) stack.push(ks[i]!);
  }
  return out;
}

interface St { scope: FormScope; fn: FormFunction | null; body: Node }

export function lowerPython(root: Node, text: string, host: 'little' | 'big', query: Query): PyLowered {
  const poisoned = new Set<string>();
  for (const m of text.matchAll(/\b(?:global|nonlocal)[ \t]+([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)/g)) for (const x of m[1]!.split(',')) poisoned.add(x.trim());
  // Functions first (without their bodies), then only the bodies that can matter.
  const typeOf = new Map<number, string>();
  const fnNodes = statementsOf(root, typeOf).filter((n) => typeOf.get(n.id) === 'function_definition');
  const moduleStmts = root.namedChildren.filter((c): c is Node => c !== null && !DEFS.has(typeOf.get(c.id) ?? c.type));
  const ends = new Map<number, number>();
  const endOf = (n: Node) => ends.get(n.id) ?? (ends.set(n.id, n.endIndex), ends.get(n.id)!);
  const moduleText = moduleStmts.map((c) => text.slice(c.startIndex, endOf(c))).filter((t) => t.includes('sockopt')).join('\n');
  // Names read from the text (`def name(` / `async def name(`): no tree access per function.
  const items = fnNodes.map((f) => {
    const t = text.slice(f.startIndex, endOf(f));
    return { id: f.id, name: /^(?:async\s+)?def\s+([A-Za-z_]\w*)/.exec(t)?.[1] ?? '', text: t };
  });
  const keep = relevantFunctions([...items, { id: -1, name: '\u0000module', text: moduleText }]);
  // __init__ of a class with a kept method: its fields (self.x) are read there.
  for (const f of fnNodes) if (keep.has(f.id)) {
    const cls = classOf(f);
    for (const g of cls ? fnNodes : []) if (classOf(g)?.id === cls!.id && g.childForFieldName('name')?.text === '__init__') keep.add(g.id);
  }
  const defined = new Map<string, number>();
  for (const it of items) defined.set(it.name, (defined.get(it.name) ?? 0) + 1);
  const ownSockopt = new Set(items.filter((it) => defined.get(it.name) === 1 && /(set|get)sockopt$/.test(it.name) && /sockopt\s*\(/.test(it.text.slice(it.text.indexOf(':')))).map((it) => it.name));
  // The query's anchors, over the module's statements and the kept functions only.
  const ranges = [...moduleStmts.map((c) => [c.startIndex, endOf(c)] as [number, number]), ...fnNodes.filter((f) => keep.has(f.id)).map((f) => [f.startIndex, endOf(f)] as [number, number])];
  const sockoptIds = new Set<number>();
  const sockopIds = new Set<number>();
  const createIds = new Map<number, string>();
  const callNodes = new Map<number, Node>();
  for (const m of matchesIn(query, root, ranges)) {
    const a = cap(m, 'sockopt');
    if (a) sockoptIds.add(a.id);
    const b = cap(m, 'sockop');
    if (b) sockopIds.add(b.id);
    const c = cap(m, 'sockcreate');
    const t = role(m, 'target');
    if (c && t) createIds.set(c.id, t.text);
    const h = a ?? b ?? c ?? cap(m, 'helper');
    if (h) callNodes.set(h.id, h);
  }

  const rootAt = originOf(root);
  const globals = newScope(null, rootAt);
  for (const [name, v] of Object.entries(PY_SOCKET)) {
    bind(globals, { name: `socket.${name}`, kind: 'const', type: null, values: [{ k: 'int', value: BigInt(v), type: null, at: rootAt }], at: { ...rootAt, text: `socket.${name}` } });
  }
  const cx: PyCx = {
    imports: { modules: new Map(), names: new Map(), star: false },
    tags: new Map(),
    steps: 400_000,
    calls: [],
    known: (name, at) => known(cur.scope, name, at),
  };
  const functions: FormFunction[] = [];
  const defaults = new Map<FormFunction, (Expr | null)[]>();
  const calls: FormCall[] = [];
  const sockops: FormCall[] = [];
  const helperCalls: FormCall[] = [];
  const creates: Create[] = [];
  const synthetic = new Set<Expr>();
  const queue: { def: Node; parent: FormScope; decorated: Node | null }[] = [];
  let cur: St = { scope: globals, fn: null, body: root };

  const define = (st: St, name: string, value: Expr | null, at: Origin) => {
    const list = st.scope.bindings.get(name);
    if (list?.length) return void (list[0]!.escapes = true);
    bind(st.scope, { name, kind: st.fn ? 'var' : 'const', type: null, values: value ? [value] : [], at, ...(value && !poisoned.has(name) ? {} : { escapes: true }) });
  };
  const escapeAll = (st: St, n: Node | null) => {
    const stack = n ? [n] : [];
    while (stack.length) {
      const x = stack.pop()!;
      if (x.type === 'identifier') define(st, x.text, null, originOf(x));
      else if (x.type === 'subscript') mutated(st, x.childForFieldName('value'));
      else if (x.type !== 'attribute') stack.push(...kids(x));
    }
  };

  /** `T[k] = v`: the table T (where it is bound) is no longer a constant. */
  const mutated = (st: St, base: Node | null) => {
    if (base?.type !== 'identifier') return;
    for (let s: FormScope | null = st.scope; s; s = s.parent) {
      const list = s.bindings.get(base.text);
      if (list?.length) return void list.forEach((b) => (b.escapes = true));
    }
  };
  const assign = (st: St, n: Node) => {
    let right = n.childForFieldName('right');
    // a = b = v: each target gets v
    if (right?.type === 'assignment') assign(st, right);
    while (right?.type === 'assignment') right = right.childForFieldName('right');
    const left = n.childForFieldName('left');
    if (!left || !right) return; // an annotation alone
    if (left.type === 'identifier') {
      // `X = socket.IP_LOCAL_PORT_RANGE` in a try/if raises there: the other branch's value holds.
      if (qualified(right, cx) === 'socket.IP_LOCAL_PORT_RANGE' && guarded(n, st.body)) return;
      return define(st, left.text, lowerExpr(right, cx), originOf(n));
    }
    if (/^(pattern_list|tuple_pattern|list_pattern)$/.test(left.type) && /^(expression_list|tuple|list)$/.test(right.type)) {
      const ls = kids(left);
      const rs = kids(right);
      if (ls.length === rs.length && ls.every((l) => l.type === 'identifier') && !rs.some((r) => r.type === 'list_splat')) {
        ls.forEach((l, i) => define(st, l.text, lowerExpr(rs[i]!, cx), originOf(n)));
        return;
      }
    }
    // lo, hi = RANGES["web"]: each name is its item of the value (unknown unless it is a constant tuple).
    if (/^(pattern_list|tuple_pattern)$/.test(left.type) && kids(left).every((l) => l.type === 'identifier') && !/^(expression_list|tuple|list)$/.test(right.type)) {
      const whole = lowerExpr(right, cx);
      kids(left).forEach((l, i) => define(st, l.text, { k: 'index', object: whole, index: { k: 'int', value: BigInt(i), type: null, at: whole.at }, at: whole.at }, originOf(n)));
      return;
    }
    escapeAll(st, left);
  };

  const onCall = (n: Node) => {
    const f = n.childForFieldName('function');
    const last = f?.type === 'attribute' ? f.childForFieldName('attribute')?.text ?? '' : f?.text ?? '';
    const isSockopt = sockoptIds.has(n.id) && !(f?.type === 'identifier' && ownSockopt.has(last));
    if (!isSockopt && !sockopIds.has(n.id) && !createIds.has(n.id) && !defined.has(last)) return;
    const e = lowerExpr(n, cx);
    if (e.k !== 'call') return;
    const c = e.call;
    if (isSockopt) {
      const fnStyle = !c.receiver || c.args.length >= 5;
      const args = fnStyle ? [...c.args] : [c.receiver!, ...c.args];
      if (args.length < 3) return;
      while (args.length < 5) {
        const s = opaque({ ...c.at, start: c.at.end, text: '' });
        synthetic.add(s);
        args.push(s);
      }
      calls.push({ ...c, args });
    } else if (sockopIds.has(n.id)) sockops.push({ ...c, args: [...c.args] });
    else if (createIds.has(n.id)) {
      const q = f ? qualified(f, cx) : null;
      const kind = q?.startsWith('socket.') ? q.slice(7) : null;
      if (kind === 'socket' || kind === 'create_connection' || kind === 'create_server') creates.push({ target: createIds.get(n.id)!, call: { ...c, args: [...c.args] }, kind });
    }
    else helperCalls.push(c);
  };

  const walk = (st: St) => {
    cur = st;
    // Types read once per node (the outline's from statementsOf): each read crosses into the parser.
    const typeAt = (n: Node) => typeOf.get(n.id) ?? (typeOf.set(n.id, n.type), typeOf.get(n.id)!);
    const stack: Node[] = st.body.namedChildren.filter((c): c is Node => c !== null && typeAt(c) !== 'comment').reverse();
    while (stack.length) {
      const n = stack.pop()!;
      const t = typeAt(n);
      switch (t) {
        case 'function_definition':
          if (st.fn || keep.has(n.id)) queue.push({ def: n, parent: st.scope, decorated: null });
          continue;
        case 'decorated_definition': {
          const d = n.childForFieldName('definition');
          if (d?.type === 'function_definition' && (st.fn || keep.has(d.id))) queue.push({ def: d, parent: st.scope, decorated: n });
          if (d?.type === 'class_definition') stack.push(d);
          continue;
        }
        case 'class_definition':
          for (const m of kids(n.childForFieldName('body'))) {
            // class-level constants: Cls.X
            const asg = m.type === 'expression_statement' ? kids(m)[0] : null;
            const target = asg?.type === 'assignment' ? asg.childForFieldName('left') : null;
            if (target?.type === 'identifier' && asg!.childForFieldName('right')) define(st, `${n.childForFieldName('name')?.text}.${target.text}`, lowerExpr(asg!.childForFieldName('right'), cx), originOf(asg!));
            const d = m.type === 'decorated_definition' ? m.childForFieldName('definition') : m;
            if (d?.type === 'function_definition' && keep.has(d.id)) queue.push({ def: d, parent: st.scope, decorated: m.type === 'decorated_definition' ? m : null });
          }
          continue;
        case 'import_statement':
        case 'import_from_statement':
          registerImport(n, cx.imports);
          continue;
        case 'assignment':
          assign(st, n);
          break;
        case 'augmented_assignment':
          escapeAll(st, n.childForFieldName('left'));
          break;
        case 'as_pattern_target':
          escapeAll(st, n);
          break;
        case 'for_statement': {
          const left = n.childForFieldName('left');
          const body = n.childForFieldName('body');
          let vars = left?.type === 'identifier' ? [left.text] : kids(left).map((c) => (c.type === 'identifier' ? c.text : '\u0000'));
          // `for r in TABLE:` read as r[0], r[1]: one variable per column ("r.0", "r.1")
          const cols = left?.type === 'identifier' && body ? [...text.slice(body.startIndex, body.endIndex).matchAll(new RegExp(`\\b${left.text}\\[(\\d)\\]`, 'g'))].map((m) => Number(m[1])) : [];
          if (cols.length) vars = Array.from({ length: Math.max(...cols) + 1 }, (_, i) => `${left!.text}.${i}`);
          escapeAll(st, left);
          if (body) st.scope.loops.push({ ...loopTarget(left, vars), ...dictView(n.childForFieldName('right'), cx), body: originOf(body), at: originOf(n) });
          break;
        }
        case 'return_statement':
          if (st.fn && kids(n)[0]) st.fn.returns.push(lowerExpr(kids(n)[0]!, cx));
          break;
      }
      if (t === 'except_clause') {
        const c = n.children.filter((x): x is Node => x !== null);
        const i = c.findIndex((x) => x.type === 'as');
        if (i >= 0) escapeAll(st, c[i + 1] ?? null);
      }
      // Statements and blocks only: the calls come from the query, expressions are lowered whole.
      if (!CONTAINERS.test(t)) continue;
      const ks = n.namedChildren;
      for (let i = ks.length - 1; i >= 0; i--) if (ks[i]) stack.push(ks[i]!);
    }
  };

  walk({ scope: globals, fn: null, body: root });
  const fieldMemo = new Map<number, Map<string, Expr>>();
  while (queue.length) {
    const { def, parent, decorated } = queue.shift()!;
    const cls = classOf(def);
    const scope = newScope(parent, originOf(def));
    const fn: FormFunction = { name: def.childForFieldName('name')?.text ?? '', params: [], result: null, returns: [], scope, at: originOf(def) };
    let ps = kids(def.childForFieldName('parameters'));
    const isStatic = decorated !== null && /@staticmethod\b/.test(text.slice(decorated.startIndex, def.startIndex));
    if (cls && !isStatic && ps[0]) {
      fn.receiver = paramName(ps[0]) ?? 'self';
      ps = ps.slice(1);
    }
    const ds: (Expr | null)[] = [];
    for (const p of ps) {
      const name = paramName(p);
      if (!name) continue;
      const d = p.childForFieldName('value');
      fn.params.push({ name, type: null });
      ds.push(d ? lowerExpr(d, cx) : null);
      bind(scope, { name, kind: 'param', type: null, values: [], at: originOf(p) });
    }
    defaults.set(fn, ds);
    const body = def.childForFieldName('body');
    if (body) walk({ scope, fn, body });
    if (cls && fn.receiver) {
      let fields = fieldMemo.get(cls.id);
      if (!fields) fieldMemo.set(cls.id, (fields = new Map([...classFields(cls)].map(([a, r]) => [a, lowerExpr(r, cx)]))));
      for (const [attr, value] of fields) bind(scope, { name: `${fn.receiver}.${attr}`, kind: 'field', type: null, values: [value], at: value.at });
    }
    functions.push(fn);
  }
  // The calls, each lowered in the scope it sits in (its innermost function, else the module).
  const scopes = [...functions].sort((a, b) => a.at.start - b.at.start);
  for (const n of [...callNodes.values()].sort((a, b) => a.startIndex - b.startIndex)) {
    let scope = globals;
    for (const f of scopes) if (f.at.start <= n.startIndex && n.endIndex <= f.at.end && f.at.end - f.at.start <= scope.at.end - scope.at.start) scope = f.scope;
    cur = { scope, fn: null, body: root };
    onCall(n);
  }
  const unit = newUnit('python', host, globals, functions);
  unit.calls = calls;
  unit.sockops = sockops;
  // Arguments matched to parameters: positional, keywords, defaults (a splat: unknown).
  for (const { call, splat } of cx.calls) {
    const fs = unit.functions.get(call.lastName);
    if (fs?.length !== 1) continue;
    const fn = fs[0]!;
    const ds = defaults.get(fn) ?? [];
    call.args = fn.params.map((p, i) => (splat ? null : call.args[i] ?? call.keywords?.[p.name] ?? ds[i] ?? null) ?? opaque(call.at));
  }
  return { unit, helperCalls, tags: cx.tags, creates, synthetic };
}

function paramName(p: Node): string | null {
  if (p.type === 'identifier') return p.text;
  if (/^(typed_parameter|default_parameter|typed_default_parameter)$/.test(p.type)) {
    const n = p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier') ?? null;
    return n?.type === 'identifier' ? n.text : null;
  }
  return null;
}

/** Inside a try or if between n and the scope's body. */
function guarded(n: Node, stop: Node): boolean {
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent) if (p.type === 'try_statement' || p.type === 'if_statement') return true;
  return false;
}

/** Lowering-time: the single value of a name in scope (struct formats, to_bytes lengths). */
function known(scope: FormScope, name: string, at: number): Expr | null {
  for (let s: FormScope | null = scope; s; s = s.parent) {
    const b = s.bindings.get(name);
    if (!b?.length) continue;
    const x = b[0]!;
    return !x.escapes && x.values.length === 1 && (x.kind === 'const' || x.at.start <= at) ? x.values[0]! : null;
  }
  return null;
}
