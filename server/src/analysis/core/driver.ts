/**
 * The call-site driver shared by the adapters: option facts, every *sockopt call as written
 * and seen through the project helpers that forward lo/hi into it, assembled into RawCallSites.
 */
import type { Node, QueryMatch } from 'web-tree-sitter';
import type { DecodedValue, Operand, SocketContext, SyntacticFacts } from '../callSite';
import { addNote, type AnalysisNote, type RawCallSite } from '../languages/types';
import { cap, role } from './captures';
import { args, identifiersIn, operand, spanOf } from './tree';

/** What classifyOpt learns about an optname operand (both adapters). */
export interface OptInfo {
  value: number | null;
  isRange: boolean;
  /** The option's name when it is a known name, for socket events. */
  name: string | null;
  facts: SyntacticFacts;
  /**
   * 51 reached through a constant whose name does not say "port range" (e.g. HOP_LIMIT = 51):
   * at SOL_IP it still is IP_LOCAL_PORT_RANGE, at another level it is that level's option 51.
   */
  otherName?: boolean;
}

// ---------------------------------------------------------------- call sites and helpers (both adapters)

/** A *sockopt call found by the query: the call and its callee as written. */
export interface FoundCall {
  call: Node;
  callee: Node;
}

/** A call of a project helper that forwards lo/hi into the option. */
export interface HelperCall {
  /** The helper function (its definition). */
  fn: Node;
  name: string;
  /** The helper call, its callee and its arguments. */
  call: Node;
  callee: Node;
  args: Node[];
}

/** What the call-site driver needs from a language. */
export interface CallSiteDriver<SC extends FoundCall> {
  calls: SC[];
  /**
   * The query's matches: `function` (+ `name`) captures are the file's functions (a name defined
   * twice is not followed), `helper.call` (+ `callee`, `args`) the calls that may be helper calls.
   */
  matches: readonly QueryMatch[];
  /** The function name a helper call's callee names (`f`, `obj.f`), if any. */
  calleeName(callee: Node): string | undefined;
  /** The named function whose body holds a call (a helper candidate), if any. */
  enclosingNamed(call: Node): { fn: Node; name: string } | null;
  /** Whether the call's operands depend on the enclosing function's parameters. */
  dependsOnParams(sc: SC, fn: Node): boolean;
  /** Fresh step budget before each call site. */
  resetBudget(): void;
  /** Whether the last call site's budget ran out (its values are then unknown for that reason alone). */
  budgetSpent?(): boolean;
  /** Where limits are said (AdapterInput.notes). */
  notes?: AnalysisNote[];
  /** The call site of a call as written (helper = null) or as seen through one helper call. */
  analyse(sc: SC, helper: HelperCall | null): RawCallSite | null;
}

/**
 * Every call site of a file: each *sockopt call as written, and for a call inside a helper
 * whose operands come from its parameters, one call site per call of that helper (reported at
 * the helper call, parameter order read from the helper's body). One malformed construct never
 * hides the others (PRL_STRICT=1 surfaces it, for tests). Sorted by position.
 */
function spent<SC extends FoundCall>(d: CallSiteDriver<SC>, at: Node): void {
  if (!d.budgetSpent?.()) return;
  const message = `evaluation budget spent at line ${at.startPosition.row + 1}: values there are reported as not statically known`;
  addNote(d, { kind: 'limit', id: 'budget', message });
}

export function collectCallSites<SC extends FoundCall>(d: CallSiteDriver<SC>): RawCallSite[] {
  const functions = new Map<string, Node[]>();
  const helperCalls: QueryMatch[] = [];
  for (const m of d.matches) {
    const fn = cap(m, 'function');
    const name = fn ? role(m, 'name')?.text : undefined;
    if (fn && name) functions.set(name, [...(functions.get(name) ?? []), fn]);
    else if (!fn && cap(m, 'helper')) helperCalls.push(m);
  }
  const helpersByName = new Map<string, QueryMatch[]>();
  for (const hm of helperCalls) {
    const callee = role(hm, 'callee');
    const name = callee ? d.calleeName(callee) : undefined;
    if (name && functions.has(name)) helpersByName.set(name, [...(helpersByName.get(name) ?? []), hm]);
  }
  const out: RawCallSite[] = [];
  const seen = new Set<number>();
  const sockoptInside = (fn: Node) => d.calls.some((o) => o.call.startIndex >= fn.startIndex && o.call.endIndex <= fn.endIndex);
  for (const sc of d.calls) {
    if (seen.has(sc.call.id)) continue;
    seen.add(sc.call.id);
    // A call of this file's own setsockopt-named helper is analysed through the helper's body.
    const own = sc.callee.type === 'identifier' ? functions.get(sc.callee.text) : undefined;
    if (own && own.length === 1 && sockoptInside(own[0]!)) continue;
    try {
      d.resetBudget();
      const site = d.analyse(sc, null);
      spent(d, sc.call);
      if (site) out.push(site);
      const enc = d.enclosingNamed(sc.call);
      if (!enc || (functions.get(enc.name)?.length ?? 0) !== 1 || !d.dependsOnParams(sc, enc.fn)) continue;
      for (const hm of helpersByName.get(enc.name) ?? []) {
        const hc = cap(hm, 'helper');
        const callee = role(hm, 'callee');
        if (!hc || !callee || hc.id === sc.call.id) continue;
        if (enc.fn.startIndex <= hc.startIndex && hc.endIndex <= enc.fn.endIndex) continue; // recursion
        d.resetBudget();
        const w = d.analyse(sc, { fn: enc.fn, name: enc.name, call: hc, callee, args: args(role(hm, 'args')) });
        spent(d, hc);
        if (w && w.value && (w.value.lo !== null || w.value.hi !== null)) out.push(w);
        else if (w && !site) out.push(w); // an option name that only the arguments tell
      }
    } catch (e) {
      if (process.env.PRL_STRICT === '1') throw e;
      const message = `the call at line ${sc.call.startPosition.row + 1} could not be analysed: ${e instanceof Error ? e.message : String(e)}`;
      addNote(d, { kind: 'limit', id: 'internal', message });
    }
  }
  out.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
  return out;
}

/** The parts of a call site an adapter decodes; the rest is the same in every adapter. */
export interface SiteParts {
  language: 'python' | 'go';
  op: 'set' | 'get';
  level: Operand;
  optname: Operand;
  value: DecodedValue | null;
  socket: SocketContext;
  facts: SyntacticFacts;
  /**
   * At a helper call: the argument that is the value itself, with its value for the fix. A fix
   * must not rewrite the helper's body for one call, so without one there is no valueExpr.
   */
  valueArgument?: { node: Node; value: number | null } | null;
}

/** A helper call as an adapter records it (the adapters add their own socket pointer). */
export interface HelperSite {
  call: Node;
  callee: Node;
  /** The helper's name (for CallSite.via). */
  helper: string;
}

/**
 * A RawCallSite: at the call as written, or at a helper call (span and callee of the helper
 * call, `via` = the helper and its inner call; the value's span is the helper call).
 */
export function assembleSite(file: string, sc: FoundCall, helper: HelperSite | null, p: SiteParts): RawCallSite {
  const facts = p.facts;
  if (helper && p.op === 'set') {
    if (p.value) p.value.span = spanOf(helper.call);
    if (p.valueArgument) facts.valueExpr = operand(p.valueArgument.node, p.valueArgument.value);
    else delete facts.valueExpr;
  }
  return {
    file,
    language: p.language,
    op: p.op,
    span: spanOf(helper ? helper.call : sc.call),
    callee: helper ? helper.callee.text : sc.callee.text,
    level: p.level,
    optname: p.optname,
    value: p.value,
    socket: p.socket,
    facts,
    ...(helper ? { via: { helper: helper.helper, span: spanOf(sc.call) } } : {}),
  };
}

/**
 * Whether identifiers reach a parameter of the function whose scope `names` is, through locals
 * assigned once (bounded); `accept` may refuse a parameter (e.g. the receiver alone).
 */
export function reachesParam(
  start: readonly string[],
  names: ReadonlyMap<string, { kind: string; node?: Node }>,
  stopAt: readonly string[],
  accept: (id: string) => boolean = () => true,
): boolean {
  const stack = [...start];
  const seen = new Set<string>();
  while (stack.length && seen.size < 200) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const b = names.get(id);
    if (b?.kind === 'param' && accept(id)) return true;
    if (b?.kind === 'expr' && b.node) stack.push(...identifiersIn(b.node, stopAt));
  }
  return false;
}

/** At a helper call, the argument a parameter operand is bound to (null when it is not one). */
export function argumentAt<S>(helperCall: Node | null, binding: { kind: string; node?: Node; scope?: S } | null | undefined): { node: Node; scope: S } | null {
  if (!helperCall || binding?.kind !== 'expr' || !binding.node) return null;
  const n = binding.node;
  return n.startIndex >= helperCall.startIndex && n.endIndex <= helperCall.endIndex ? { node: n, scope: binding.scope as S } : null;
}
