/**
 * Go adapter: turns matches of queries/go.scm into call sites of IP_LOCAL_PORT_RANGE
 * (spec §2). Folds Go constant expressions with Go's typed integer arithmetic (a uint16
 * shifted by 16 is 0), conversions, consts and locals assigned once, byte buffers filled by
 * encoding/binary's PutUint16/PutUint32/Append*, and derives the socket context from the
 * net.Dialer / net.ListenConfig that owns a Control closure. Unknown = null, never a guess.
 */
import type { Node } from 'web-tree-sitter';
import type { DecodedValue, Operand, SyntacticFacts } from '../../callSite';
import type { AdapterInput, LanguageAdapter, RawCallSite } from '../types';
import { cap, role } from '../../core/captures';
import { collectCallSites, assembleSite, argumentAt, reachesParam, type HelperSite } from '../../core/driver';
import { orderLabel, decoded, type Intended } from '../../core/halves';
import { matchesIn, topLevelRanges } from '../../core/matches';
import { args, walk, identifiersIn, spanOf, operand, Budget } from '../../core/tree';
import { wrapBits, kernelRead } from '../../core/numeric';
import { BufferResult, bufferRef, evalBuffer } from './buffers';
import { intendedOf, stripConv } from './calls';
import { ev, evInt } from './evaluate';
import { classifyOpt } from './options';
import { collectBindings, functionScope, importsOf, lookup, paramsOf, parseGoInt, poisonPackageVars } from './scope';
import { Matches, socketContext } from './socket';
import { Ctx, FUNC_NODES, PER_SITE_STEPS, Scope, enclosingFunc, scopeOf } from './values';

// ---------------------------------------------------------------- the adapter

const identifiersOf = (n: Node): string[] => identifiersIn(n, FUNC_NODES);

interface SockoptCall {
  call: Node;
  callee: Node;
  method: string;
  pkg: Node | null;
  args: Node[];
}

function findCallSites(input: AdapterInput): RawCallSite[] {
  const root = input.tree.rootNode;
  // Run the detection query only on top-level declarations that can matter: those containing a
  // *sockopt call, then those mentioning a function that encloses one (helper call sites, named
  // Control functions) or a package-level var (assignments that make it unknown).
  const first = topLevelRanges(root, input.text, ['sockopt']);
  const seenMatches = new Set<string>();
  let matches = matchesIn(input.query, root, first, seenMatches);
  const needles = new Set<string>();
  for (const m of matches) {
    const call = cap(m, 'sockopt');
    for (let f = call ? enclosingFunc(call) : null; f; f = enclosingFunc(f)) {
      const name = f.type === 'function_declaration' ? f.childForFieldName('name')?.text : undefined;
      if (name) needles.add(name);
    }
  }
  const pkg: Scope = { parent: null, names: new Map(), fn: null };
  collectBindings(root, pkg);
  for (const [name, b] of pkg.names) if (b.kind === 'expr' && b.decl.type === 'var_spec') needles.add(name);
  if (needles.size > 0) matches = matches.concat(matchesIn(input.query, root, topLevelRanges(root, input.text, [...needles], first, true), seenMatches));
  const assigned = new Set<string>();
  const addressed = new Set<string>();
  for (const m of matches) {
    for (const c of m.captures) {
      if (c.name === 'write.assigned') assigned.add(c.node.text);
      else if (c.name === 'write.addressed') addressed.add(c.node.text);
    }
  }
  const ctx: Ctx = {
    host: input.hostByteOrder, budget: new Budget(input.maxSteps ?? PER_SITE_STEPS), visiting: new Set(),
    pkg: poisonPackageVars(pkg, assigned), scopes: new Map(), imports: importsOf(root), root, addressed,
  };
  const ms: Matches = { ops: [], configs: [], uses: [], sockopts: [], contexts: new Map() };
  const calls: SockoptCall[] = [];
  for (const m of matches) {
    const names = new Set(m.captures.map((c) => c.name));
    if (names.has('sockopt')) {
      ms.sockopts.push(m);
      const call = cap(m, 'sockopt')!;
      calls.push({ call, callee: role(m, 'callee') ?? call, method: role(m, 'name')?.text ?? '', pkg: role(m, 'package'), args: args(role(m, 'args')) });
    } else if (names.has('sockop')) ms.ops.push(m);
    else if (names.has('config')) ms.configs.push(m);
    else if (names.has('sockuse')) ms.uses.push(m);
  }
  return collectCallSites<SockoptCall>({
    calls,
    matches,
    calleeName: (callee) => (callee.type === 'identifier' ? callee.text : callee.childForFieldName('field')?.text),
    enclosingNamed: (call) => {
      const fn = enclosingFunc(call);
      const name = fn?.type === 'function_declaration' ? fn.childForFieldName('name')?.text : undefined;
      return fn && name ? { fn, name } : null;
    },
    dependsOnParams: (sc, fn) => dependsOnParams(ctx, sc, fn),
    resetBudget: () => { ctx.budget = new Budget(input.maxSteps ?? PER_SITE_STEPS); },
    budgetSpent: () => ctx.budget.steps <= 0,
    notes: input.notes,
    analyse: (sc, h) => {
      if (!h) return analyseCall(ctx, input, ms, sc, scopeOf(ctx, sc.call), null);
      const bound = bindParams(ctx, h.fn, h.args, scopeOf(ctx, h.call));
      return bound ? analyseCall(ctx, input, ms, sc, bound.scope, { call: h.call, callee: h.callee, helper: h.name, fdArg: bound.fdArg(sc) }) : null;
    },
  });
}


function dependsOnParams(ctx: Ctx, sc: SockoptCall, fn: Node): boolean {
  return reachesParam(sc.args.slice(1).flatMap((a) => identifiersOf(a)), functionScope(ctx, fn).names, FUNC_NODES);
}

export function bindParams(ctx: Ctx, fn: Node, callArgs: Node[], callerScope: Scope): { scope: Scope; fdArg: (sc: SockoptCall) => Node | null } | null {
  const base = functionScope(ctx, fn);
  const ps = paramsOf(fn);
  if (callArgs.length !== ps.length) return null;
  const scope: Scope = { parent: base.parent, names: new Map(base.names), fn };
  const argOf = new Map<string, Node>();
  ps.forEach((p, i) => {
    if (p.name === '_') return;
    // arguments are converted to the parameter's type at the call
    scope.names.set(p.name, { kind: 'expr', node: callArgs[i], scope: callerScope, type: p.type ?? 'int', decl: callArgs[i] });
    argOf.set(p.name, callArgs[i]);
  });
  return {
    scope,
    fdArg: (sc) => {
      const fd = sc.args[0] ? stripConv(sc.args[0]) : null;
      return fd?.type === 'identifier' ? argOf.get(fd.text) ?? null : null;
    },
  };
}

interface WrapperSite extends HelperSite {
  fdArg: Node | null;
}

function analyseCall(ctx: Ctx, input: AdapterInput, ms: Matches, sc: SockoptCall, scope: Scope, wrapper: WrapperSite | null): RawCallSite | null {
  const op: 'set' | 'get' = /^[A-Za-z0-9]*[sS]etsockopt/.test(sc.method) ? 'set' : 'get';
  const a = sc.args;
  if (a.length < 3 || (op === 'set' && a.length < 4)) return null;
  const opt = classifyOpt(ctx, a[2], scope);
  if (!opt.isRange) return null;
  const levelEarly = evInt(ctx, a[1], scope);
  if (opt.otherName && levelEarly !== null && levelEarly.v !== 0n) return null; // e.g. hopLimit = 51 at IPPROTO_IPV6
  // At a helper call, an operand that is a parameter is shown (and judged) as the argument.
  const atCall = (n: Node): { node: Node; scope: Scope } | null => {
    const id = stripConv(n);
    return wrapper && id.type === 'identifier' ? argumentAt<Scope>(wrapper.call, lookup(ctx, id.text, scope)) : null;
  };
  const levelArg = atCall(a[1]);
  const optArg = atCall(a[2]);
  const facts: SyntacticFacts = wrapper ? (optArg ? { ...classifyOpt(ctx, optArg.node, optArg.scope).facts } : {}) : { ...opt.facts };
  const levelV = evInt(ctx, a[1], scope);
  const level: Operand = operand(levelArg?.node ?? a[1], levelV ? Number(levelV.v) : null);
  const optname: Operand = operand(optArg?.node ?? a[2], opt.value);
  let value: DecodedValue | null = null;
  let valueArg: { node: Node; scope: Scope } | null = null;
  if (op === 'set') {
    value = decodeValue(ctx, sc, a[3], scope, facts);
    valueArg = atCall(a[3]);
  }
  const socket = wrapper
    ? socketContext(ctx, ms, wrapper.call, wrapper.fdArg, scopeOf(ctx, wrapper.call))
    : socketContext(ctx, ms, sc.call, a[0], scope);
  return assembleSite(input.file, sc, wrapper, {
    language: 'go', op, level, optname, value, socket, facts,
    valueArgument: valueArg ? { node: valueArg.node, value: value?.packed ?? null } : null,
  });
}

function decodeValue(ctx: Ctx, sc: SockoptCall, valueNode: Node, scope: Scope, facts: SyntacticFacts): DecodedValue | null {
  const span = spanOf(valueNode);
  facts.valueExpr = operand(valueNode, null);
  const method = sc.method;
  if (/Int$/.test(method) || (!/String$|Byte$|Bytes$/.test(method) && sc.pkg === null)) {
    // SetsockoptInt: var n = int32(value); setsockopt(fd, level, opt, &n, 4) — host order, wraps silently.
    const v = evInt(ctx, valueNode, scope);
    const packed = v ? Number(wrapBits(v.v, 32, false)) : null;
    facts.valueExpr = operand(valueNode, packed);
    return decoded(packed, 'host', 4, 'int', intendedOf(ctx, valueNode, scope), span);
  }
  if (/Byte$/.test(method)) {
    const v = evInt(ctx, valueNode, scope);
    const b = v ? Number(wrapBits(v.v, 8, false)) : null;
    return decoded(b, 'host', 1, 'byte', null, span);
  }
  // SetsockoptString(fd, level, opt, string(buf)): optlen = len(s)
  let inner = valueNode;
  const f = inner.type === 'call_expression' ? inner.childForFieldName('function') : null;
  if (f?.type === 'identifier' && f.text === 'string') inner = args(inner.childForFieldName('arguments'))[0] ?? inner;
  const ref = bufferRef(inner);
  let res: BufferResult | null = null;
  if (ref) {
    const b = lookup(ctx, ref.name, scope);
    if (b?.kind === 'expr') {
      const direct = ev(ctx, b.node, b.scope);
      if (direct?.k === 'bytes' && (b.node.type === 'call_expression' && /Append/.test(b.node.text))) {
        res = { bytes: direct.v, order: direct.order, form: direct.form, intended: direct.intended };
      } else {
        res = evalBuffer(ctx, ref, sc.call, scope);
      }
    } else if (b?.kind === 'value' || b === null) {
      const v = ev(ctx, inner, scope);
      if (v?.k === 'str') res = { bytes: [...v.v].map((c) => c.charCodeAt(0) & 0xff), order: 'unknown', form: 'bytes', intended: null };
    }
    if (res && ref.start) {
      const s = evInt(ctx, ref.start, scope);
      res = s ? { ...res, bytes: res.bytes.slice(Number(s.v)) } : null;
    }
  } else {
    const v = ev(ctx, inner, scope);
    if (v?.k === 'bytes') res = { bytes: v.v, order: v.order, form: v.form, intended: v.intended };
    else if (v?.k === 'str') res = { bytes: [...v.v].map((c) => c.charCodeAt(0) & 0xff), order: 'unknown', form: 'bytes', intended: null };
  }
  if (!res) return null;
  const known = res.bytes.slice(0, 4).every((x) => x !== null);
  const packed = known ? kernelRead(res.bytes as number[], ctx.host) : null;
  facts.valueExpr = operand(valueNode, packed);
  let intended = res.intended;
  if (!intended && /PutUint32|AppendUint32/.test(res.form)) intended = put32Intended(ctx, ref?.name ?? null, inner, scope);
  return decoded(packed, orderLabel(res.order, ctx.host), res.bytes.length, res.form, intended, span);
}

/** intended halves for a buffer filled by one PutUint32(buf, v) / AppendUint32(nil, v): v's structure. */
function put32Intended(ctx: Ctx, name: string | null, use: Node, scope: Scope): Intended | null {
  if (!name) return null;
  const b = lookup(ctx, name, scope);
  if (b?.kind !== 'expr') return null;
  if (b.node.type === 'call_expression' && /AppendUint32/.test(b.node.text)) {
    const a = args(b.node.childForFieldName('arguments'));
    return a[1] ? intendedOf(ctx, a[1], b.scope) : null;
  }
  const region = b.scope.fn?.childForFieldName('body') ?? ctx.root;
  let found: Intended | null = null;
  walk(region, (n) => {
    if (found || n.type !== 'call_expression' || n.startIndex > use.startIndex) return;
    const f = n.childForFieldName('function');
    if (f?.type !== 'selector_expression' || f.childForFieldName('field')?.text !== 'PutUint32') return;
    const a = args(n.childForFieldName('arguments'));
    const ref = a[0] ? bufferRef(a[0]) : null;
    if (ref?.name === name && a[1]) found = intendedOf(ctx, a[1], scopeOf(ctx, n));
  }, []);
  return found;
}

export const goAdapter: LanguageAdapter = {
  language: 'go',
  queryFile: 'go.scm',
  findCallSites,
};

export const __test = { parseGoInt };
