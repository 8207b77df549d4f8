/**
 * The C/C++ adapter: turns matches of queries/c.scm into call sites. Values are folded with
 * core/treeFold.ts over a per-file symbol model (macros, enums, structs, typedefs, globals and
 * per-function locals assigned once); a project's helper that forwards lo/hi into the
 * option is instantiated at each call with constant arguments (parameter order read from
 * its body). Anything not statically known stays null.
 */
import type { Node } from 'web-tree-sitter';
import type { Operand, Span, SyntacticFacts } from '../../callSite';
import { toNumber, wrap, type Folded } from '../../core/numeric';
import { addNote, type AdapterInput, type LanguageAdapter, type RawCallSite } from '../types';
import { spanOf } from '../../core/tree';
import { decodeValue } from './decode';
import { CFile } from './fold';
import { identifiersIn } from './shiftOr';
import { socketContext } from './socket';
import { Env, FunctionInfo, OTHER_OPTION, namedArgs, normKey, operand, stripParens, sockoptArgs } from './syntax';

// ---------------------------------------------------------------------------------------
// Call sites
// ---------------------------------------------------------------------------------------
function isPortRangeOptname(f: CFile, optArg: Node, env: Env): { value: number | null; magic: boolean; named: boolean } | null {
  const text = optArg.text;
  const named = /\bIP_LOCAL_PORT_RANGE\b/.test(text);
  const v = toNumber(f.fold(optArg, env).value);
  const bare = stripParens(optArg);
  const inner = bare?.type === 'cast_expression' ? stripParens(bare.childForFieldName('value')) : bare;
  const magic = inner?.type === 'number_literal' && v === 51;
  if (named) return { value: v, magic: false, named };
  if (v !== 51) return null;
  if (magic) return { value: v, magic, named };
  // A project constant equal to 51: reported unless its name says it is another option.
  const ids = identifiersIn(optArg);
  if (ids.some((id) => OTHER_OPTION.test(id))) return null;
  return { value: v, magic: false, named };
}

function fallbackDefine(f: CFile): Operand | undefined {
  const m = f.macros.get('IP_LOCAL_PORT_RANGE');
  if (m && m.params === null) {
    const value = m.body.trim() === '' ? null : toNumber(f.withEnv({ bind: new Map(), fn: null }, () => {
      const e = f.macroExpr(m);
      return f.ev.fold(e).value;
    }));
    return { text: m.body.trim(), value, span: spanOf(m.node) };
  }
  const g = f.globalScope().vars.get('IP_LOCAL_PORT_RANGE');
  if (g && g.length) {
    const sym = g[g.length - 1]!;
    const vn = f.valueNode(sym);
    if (vn) return { text: vn.text, value: toNumber(f.fold(vn, { bind: new Map(), fn: null }).value), span: spanOf(sym.declarator) };
  }
  return undefined;
}

function buildCallSite(
  f: CFile, call: Node, env: Env, at: { span: Span; callee: string; fdArg: Node | null; socketEnv: Env } | null,
): RawCallSite | null {
  const callee = call.childForFieldName('function')?.text ?? '';
  const args = sockoptArgs(call);
  if (args.length !== 5) return null; // not the (fd, level, optname, optval, optlen) shape
  const op: 'set' | 'get' = /get_?sock_?opt$/i.test(callee) ? 'get' : 'set';
  const opt = isPortRangeOptname(f, args[2]!, env);
  if (!opt) return null;
  const levelValue = toNumber(f.fold(args[1]!, env).value);
  const facts: SyntacticFacts = {};
  if (opt.magic) facts.magicNumber = operand(args[2]!, 51);
  if (opt.named) {
    const fb = fallbackDefine(f);
    if (fb) facts.fallbackDefine = fb;
  }
  const decoded = decodeValue(f, call, args[3]!, args[4] ?? null, env, op);
  if (decoded.signedShift) facts.signedShift = decoded.signedShift;
  if (decoded.valueOperand) facts.valueExpr = decoded.valueOperand;
  else facts.valueExpr = operand(args[3]!, null);
  if (args[4]) facts.optlenExpr = operand(args[4], decoded.value?.optlen ?? null);
  const sockEnv = at?.socketEnv ?? env;
  const socket = socketContext(f, call, at?.fdArg ?? args[0]!, sockEnv);
  const site: RawCallSite = {
    file: f.input.file,
    language: f.input.language,
    op,
    span: at?.span ?? spanOf(call),
    callee: at?.callee ?? callee,
    level: operand(args[1]!, levelValue),
    optname: operand(args[2]!, opt.value),
    value: decoded.value,
    socket,
    facts,
  };
  return site;
}

/** Does the call's value (or level/optname/optlen) depend on the enclosing function's parameters? */
function dependsOnParams(f: CFile, fn: FunctionInfo, call: Node): boolean {
  const names = new Set(fn.params.map((p) => p.name));
  const args = sockoptArgs(call);
  const seen = new Set<number>();
  const stack: Node[] = args.slice(1);
  let steps = 0;
  while (stack.length && steps++ < 5000) {
    const n = stack.pop()!;
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    if (n.type === 'identifier') {
      if (names.has(n.text)) {
        const sym = f.lookupVar(n.text, n, fn);
        if (sym?.isParam) return true;
      }
      const sym = f.lookupVar(n.text, n, fn);
      const vn = sym && !sym.isParam ? f.valueNode(sym, n) : null;
      if (vn) stack.push(vn);
      if (sym) for (const list of sym.parts.values()) for (const p of list) stack.push(p);
      continue;
    }
    for (let i = 0; i < n.namedChildCount; i++) { const c = n.namedChild(i); if (c) stack.push(c); }
  }
  return false;
}

/** Calls of `name(` in the file whose callee node is an identifier of a call_expression. */
/** Calls of one helper followed per file (each is a call site of its own). */
const MAX_HELPER_CALLS = 100_000;

function callsOf(f: CFile, name: string): Node[] {
  const out: Node[] = [];
  const re = new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\s*\\(`, 'g');
  const text = f.input.text;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = re.exec(text))) {
    if (guard++ >= MAX_HELPER_CALLS) {
      addNote(f.input, { kind: 'limit', id: 'max-matches', message: `more than ${MAX_HELPER_CALLS} calls of ${name}(): the later ones are not followed` });
      break;
    }
    const id = f.root.descendantForIndex(m.index, m.index + name.length);
    if (id?.type !== 'identifier' || id.text !== name) continue;
    const call = id.parent;
    if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === id.id) out.push(call);
  }
  return out;
}

/** The evaluation budget of one call site ran out: some value there is unknown for that reason alone. */
function budgetNote(f: CFile, at: Node): void {
  if (!f.ev.exhausted) return;
  addNote(f.input, {
    kind: 'limit',
    id: 'budget',
    message: `evaluation budget spent at line ${at.startPosition.row + 1}: values there are reported as not statically known`,
  });
}

export function findCCallSites(input: AdapterInput): RawCallSite[] {
  const f = new CFile(input);
  try {
    const sites: RawCallSite[] = [];
    for (const call of [...f.sockoptCalls]) {
      try {
        const fn = f.functionAt(call);
        const env: Env = { bind: new Map(), fn };
        f.ev.resetBudget();
        const site = buildCallSite(f, call, env, null);
        budgetNote(f, call);
        if (!site) continue;
        sites.push(site);
        // A helper that forwards its parameters into the option: instantiate it at each call.
        if (fn && fn.name && fn.params.length && dependsOnParams(f, fn, call)) {
          const args = sockoptArgs(call);
          const fdParam = fn.params.find((p) => p.name === normKey(args[0]?.text ?? ''));
          for (const hc of callsOf(f, fn.name)) {
            if (hc.startIndex >= fn.node.startIndex && hc.endIndex <= fn.node.endIndex) continue; // recursion
            const hargs = namedArgs(hc.childForFieldName('arguments'));
            if (hargs.length !== fn.params.length) continue;
            const callerFn = f.functionAt(hc);
            const callerEnv: Env = { bind: new Map(), fn: callerFn };
            const bind = new Map<string, Folded>();
            fn.params.forEach((p, i) => {
              const v = f.fold(hargs[i]!, callerEnv);
              const t = f.typeOfVar(p);
              const it = t.kind === 'int' ? t.int : null;
              bind.set(p.name, { value: v.value === null || !it ? v.value : wrap(v.value, it), type: it ?? v.type });
            });
            f.ev.resetBudget();
            const inst = buildCallSite(f, call, { bind, fn }, {
              span: spanOf(hc),
              callee: fn.name,
              fdArg: fdParam ? hargs[fdParam.paramIndex] ?? null : null,
              socketEnv: callerEnv,
            });
            budgetNote(f, hc);
            if (!inst) continue;
            // Syntax-only facts are reported once, at the helper's own setsockopt.
            delete inst.facts.magicNumber;
            delete inst.facts.fallbackDefine;
            inst.via = { helper: fn.name, span: spanOf(call) };
            inst.level = { ...inst.level, span: spanOf(hc) };
            inst.optname = { ...inst.optname, span: spanOf(hc) };
            if (inst.value) inst.value = { ...inst.value, span: spanOf(hc) };
            sites.push(inst);
          }
        }
      } catch (e) {
        // One malformed call never hides the others (PRL_STRICT=1 surfaces it, for tests), and is said.
        if (process.env.PRL_STRICT === '1') throw e;
        const where = `line ${call.startPosition.row + 1}`;
        addNote(input, { kind: 'limit', id: 'internal', message: `the call at ${where} could not be analysed: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
    sites.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
    return sites;
  } finally {
    f.dispose();
  }
}

export const cAdapter: LanguageAdapter = {
  language: 'c',
  queryFile: 'c.scm',
  findCallSites: findCCallSites,
};
