/**
 * Python adapter: turns matches of queries/python.scm into call sites of
 * IP_LOCAL_PORT_RANGE (spec §2), folding the value the way CPython builds it:
 * int form (PyArg "i" -> a C int passed by address, spec §2.2), struct.pack (every
 * byte-order prefix, native sizes/alignment of LP64 Linux), int.to_bytes, socket.htonl,
 * bytes literals and concatenation, module/function constants assigned once.
 * Never guesses: anything not statically known folds to null.
 */
import type { Node } from 'web-tree-sitter';
import type { DecodedValue, Operand, SyntacticFacts } from '../../callSite';
import { maskCommentLines } from './mask';
import type { AdapterInput, LanguageAdapter, RawCallSite } from '../types';
import { cap, role } from '../../core/captures';
import { collectCallSites, assembleSite, argumentAt, reachesParam, type HelperSite } from '../../core/driver';
import { matchesIn, topLevelRanges, topLevelRangesWhere } from '../../core/matches';
import { args, identifiersIn, operand, Budget } from '../../core/tree';
import { evInt } from './evaluate';
import { classifyOpt, decodeValue } from './options';
import { Ctx, SCOPE_NODES, collectBindings, enclosingFunction, functionScope, hasSplat, keyword, lookup, newScope, positional, scopeOf } from './scope';
import { SocketFacts, socketContext } from './socket';
import { parseStructFormat } from './structFormat';
import { PER_SITE_STEPS, Scope, UNKNOWN, parsePyInt } from './values';

// ---------------------------------------------------------------- the adapter

export const identifiersOf = (n: Node): string[] => identifiersIn(n, SCOPE_NODES);

interface SockoptCall {
  call: Node;
  callee: Node;
  receiver: Node | null;
  method: string;
  args: Node[];
}

function findCallSites(input: AdapterInput): RawCallSite[] {
  const root = input.tree.rootNode;
  // Run the detection query only on top-level statements that can matter: those containing a
  // *sockopt call (or global/nonlocal), then those that mention a function enclosing one of
  // those calls (the helpers' call sites).
  const first = topLevelRanges(root, input.text, ['sockopt', 'global', 'nonlocal']);
  const seenMatches = new Set<string>();
  let matches = matchesIn(input.query, root, first, seenMatches);
  const enclosing = new Set<string>();
  for (const m of matches) {
    const call = cap(m, 'sockopt');
    const name = call ? enclosingFunction(call)?.childForFieldName('name')?.text : undefined;
    if (name) enclosing.add(name);
  }
  const second = enclosing.size > 0 ? topLevelRanges(root, input.text, [...enclosing], first, true) : [];
  if (second.length > 0) matches = matches.concat(matchesIn(input.query, root, second, seenMatches));
  // Module-level calls: the socket may be created, bound or connected by any module-level statement.
  if (matches.some((m) => { const c = cap(m, 'sockopt') ?? cap(m, 'helper'); return c !== null && enclosingFunction(c) === null; })) {
    const defs = ['function_definition', 'class_definition', 'decorated_definition'];
    matches = matches.concat(matchesIn(input.query, root, topLevelRangesWhere(root, (n) => !defs.includes(n.type), [...first, ...second]), seenMatches));
  }
  const poisoned = new Set<string>();
  for (const m of matches) for (const c of m.captures) if (c.name === 'write.global') poisoned.add(c.node.text);
  const module = newScope(null, null);
  collectBindings(root, module, poisoned);
  for (const g of poisoned) if (module.names.has(g)) module.names.set(g, UNKNOWN);
  const ctx: Ctx = { host: input.hostByteOrder, budget: new Budget(input.maxSteps ?? PER_SITE_STEPS), visiting: new Set(), module, scopes: new Map(), poisoned };
  const sf: SocketFacts = { creates: [], ops: [], sockopts: [], optMemo: new Map(), contexts: new Map() };
  const sockoptCalls: SockoptCall[] = [];
  for (const m of matches) {
    const names = new Set(m.captures.map((c) => c.name));
    if (names.has('sockopt')) {
      sf.sockopts.push(m);
      const call = cap(m, 'sockopt')!;
      sockoptCalls.push({
        call,
        callee: role(m, 'callee') ?? call,
        receiver: role(m, 'receiver'),
        method: role(m, 'name')?.text ?? '',
        args: args(role(m, 'args')),
      });
    } else if (names.has('sockop')) sf.ops.push(m);
    else if (names.has('sockcreate')) sf.creates.push(m);
  }
  return collectCallSites<SockoptCall>({
    calls: sockoptCalls,
    matches,
    calleeName: (callee) => (callee.type === 'identifier' ? callee.text : callee.childForFieldName('attribute')?.text),
    enclosingNamed: (call) => {
      const fn = enclosingFunction(call);
      const name = fn?.childForFieldName('name')?.text;
      return fn && name ? { fn, name } : null;
    },
    dependsOnParams: (sc, fn) => dependsOnParams(ctx, sc, fn),
    resetBudget: () => { ctx.budget = new Budget(input.maxSteps ?? PER_SITE_STEPS); },
    budgetSpent: () => ctx.budget.steps <= 0,
    notes: input.notes,
    analyse: (sc, h) => {
      if (!h) return analyseCall(ctx, input, sf, sc, scopeOf(ctx, sc.call), null);
      const bound = bindParams(ctx, h.fn, h.callee, h.args, scopeOf(ctx, h.call));
      return bound ? analyseCall(ctx, input, sf, sc, bound.scope, { call: h.call, callee: h.callee, helper: h.name, receiverText: bound.receiverText(sc) }) : null;
    },
  });
}

function dependsOnParams(ctx: Ctx, sc: SockoptCall, fn: Node): boolean {
  const ids = sc.args.flatMap((a) => identifiersOf(a));
  if (sc.receiver) ids.push(...identifiersOf(sc.receiver));
  // the receiver alone (a socket parameter) does not make a helper of lo/hi
  const receiverOnly = (id: string) => !!sc.receiver && sc.receiver.text === id && !sc.args.some((a) => identifiersOf(a).includes(id));
  return reachesParam(ids, functionScope(ctx, fn).names, SCOPE_NODES, (id) => !receiverOnly(id));
}

/** Bind a helper's parameters to the arguments of one call: positional, keyword, defaults. */
export function bindParams(ctx: Ctx, fn: Node, callee: Node, callArgs: Node[], callerScope: Scope):
  { scope: Scope; receiverText: (sc: SockoptCall) => string | null } | null {
  const base = functionScope(ctx, fn);
  if (hasSplat(callArgs)) return null;
  const params = args(fn.childForFieldName('parameters'));
  const inClass = fn.parent?.parent?.type === 'class_definition' ||
    (fn.parent?.type === 'decorated_definition' && fn.parent.parent?.parent?.type === 'class_definition');
  let list = params;
  if (inClass && callee.type === 'attribute' && list.length > 0) list = list.slice(1); // self
  const scope: Scope = { parent: base.parent, names: new Map(base.names), starSocket: base.starSocket, fn };
  const pos = positional(callArgs);
  const argText = new Map<string, string>();
  for (let i = 0; i < list.length; i++) {
    const p = list[i];
    if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern' || p.type === 'keyword_separator' || p.type === 'positional_separator') continue;
    const nameNode = p.type === 'identifier' ? p : p.childForFieldName('name') ?? p.namedChild(0);
    if (!nameNode || nameNode.type !== 'identifier') continue;
    const name = nameNode.text;
    const a = pos[i] ?? keyword(callArgs, name);
    if (a) {
      scope.names.set(name, { kind: 'expr', node: a, scope: callerScope });
      argText.set(name, a.text);
    } else {
      const dflt = p.childForFieldName('value');
      scope.names.set(name, dflt ? { kind: 'expr', node: dflt, scope: base.parent ?? ctx.module } : UNKNOWN);
    }
  }
  return {
    scope,
    receiverText: (sc) => (sc.receiver ? argText.get(sc.receiver.text) ?? null : null),
  };
}

interface WrapperSite extends HelperSite {
  receiverText: string | null;
}

function analyseCall(ctx: Ctx, input: AdapterInput, sf: SocketFacts, sc: SockoptCall, scope: Scope, wrapper: WrapperSite | null): RawCallSite | null {
  const op: 'set' | 'get' = /setsockopt$/.test(sc.method) ? 'set' : 'get';
  let a = positional(sc.args);
  let receiverText = sc.receiver?.text ?? null;
  if (!sc.receiver || sc.args.length >= 5) {
    // function style (fd, level, opt, value[, len]): bare wrappers and ctypes' libc.setsockopt
    if (a.length < 3) return null;
    receiverText = a[0].text;
    a = a.slice(1);
  }
  if (a.length < 2 || (op === 'set' && a.length < 3)) return null;
  const levelNode = a[0];
  const optNode = a[1];
  const opt = classifyOpt(ctx, optNode, scope);
  if (!opt.isRange) return null;
  const levelEarly = evInt(ctx, levelNode, scope);
  if (opt.otherName && levelEarly !== null && levelEarly !== 0n) return null; // e.g. HOP_LIMIT = 51 at IPPROTO_IPV6
  // At a helper call, an operand that is a parameter is shown (and judged) as the argument.
  const atCall = (n: Node): { node: Node; scope: Scope } | null =>
    wrapper && n.type === 'identifier' ? argumentAt<Scope>(wrapper.call, lookup(n.text, scope)) : null;
  const levelArg = atCall(levelNode);
  const optArg = atCall(optNode);
  const facts: SyntacticFacts = wrapper ? (optArg ? { ...classifyOpt(ctx, optArg.node, optArg.scope).facts } : {}) : { ...opt.facts };
  const levelV = evInt(ctx, levelNode, scope);
  const level: Operand = operand(levelArg?.node ?? levelNode, levelV === null ? null : Number(levelV));
  const optname: Operand = operand(optArg?.node ?? optNode, opt.value);
  let value: DecodedValue | null = null;
  let valueArgument: { node: Node; value: number | null } | null = null;
  if (op === 'set') {
    const valueFacts: SyntacticFacts = {};
    value = decodeValue(ctx, a[2], a[3] ?? null, scope, valueFacts);
    if (valueFacts.pythonIntForm) facts.pythonIntForm = true;
    if (valueFacts.valueExpr) facts.valueExpr = valueFacts.valueExpr;
    const arg = atCall(a[2]);
    // the int form keeps the Python int itself (python-int-overflow: CPython's C int range)
    if (arg) valueArgument = { node: arg.node, value: valueFacts.pythonIntForm ? valueFacts.valueExpr?.value ?? null : value?.packed ?? null };
  }
  const callNode = wrapper ? wrapper.call : sc.call;
  const socket = socketContext(ctx, sf, wrapper ? wrapper.receiverText : receiverText, callNode, callNode);
  return assembleSite(input.file, sc, wrapper, { language: 'python', op, level, optname, value, socket, facts, valueArgument });
}

export const pythonAdapter: LanguageAdapter = {
  parseText: maskCommentLines,
  language: 'python',
  queryFile: 'python.scm',
  findCallSites,
};

/** Exposed for tests. */
export const __test = { parseStructFormat, parsePyInt };
