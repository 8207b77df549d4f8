/**
 * The shapes of a packed C value: `hi << 16 | lo` through names, macros and helpers, and
 * which half a name means.
 */
import type { Node } from 'web-tree-sitter';
import type { DecodedValue, Operand } from '../../callSite';
import type { Folded } from '../../core/numeric';
import { CFile } from './fold';
import { BYTE_SWAP16, BYTE_SWAP32, Env, HI_NAME, LO_NAME, namedArgs, stripParens } from './syntax';

// ---------------------------------------------------------------------------------------
// Value decoding
// ---------------------------------------------------------------------------------------
export interface Halves {
  upper: Node;
  lower: Node;
  env: Env;
}

/** `(X << 16) | Y`, `Y | X << 16`, `(X << 16) + Y`, `X * 65536 + Y`, through variables, macros and htonl. */
export function shiftOr(f: CFile, node: Node | null, env: Env, depth = 0): Halves | null {
  if (!node || depth > 24) return null;
  let n = stripParens(node);
  if (!n) return null;
  if (n.type === 'cast_expression') return shiftOr(f, n.childForFieldName('value'), env, depth + 1);
  if (n.type === 'identifier') {
    if (env.bind.has(n.text)) return null;
    if (n.tree !== f.input.tree) {
      const m = f.macros.get(n.text);
      if (m && m.params === null && !f.expanding.has(m.name)) return shiftOr(f, f.macroExpr(m), { bind: new Map(), fn: null }, depth + 1);
      return null;
    }
    const sym = f.lookupVar(n.text, n, env.fn);
    if (sym && !sym.isParam) {
      const vn = f.valueNode(sym, n);
      return vn ? shiftOr(f, vn, { bind: env.bind, fn: f.functionAt(sym.declarator) }, depth + 1) : null;
    }
    const m = f.macros.get(n.text);
    if (m && m.params === null) return shiftOr(f, f.macroExpr(m), { bind: new Map(), fn: null }, depth + 1);
    return null;
  }
  if (n.type === 'call_expression') {
    const name = n.childForFieldName('function')?.text ?? '';
    const args = namedArgs(n.childForFieldName('arguments'));
    if (BYTE_SWAP32.test(name) && args.length === 1) return shiftOr(f, args[0]!, env, depth + 1);
    const m = f.macros.get(name);
    if (m && m.params && args.length === m.params.length) {
      const bind = new Map<string, Folded>();
      m.params.forEach((p, i) => bind.set(p, f.fold(args[i]!, env, true)));
      // Keep the caller's own argument text for the name heuristics.
      const body = f.macroExpr(m);
      const h = shiftOr(f, body, { bind, fn: null }, depth + 1);
      if (h) {
        // Intended values come from the intent-mode bindings; remember the caller's names.
        (h as Halves & { argNames?: Map<string, string> }).argNames = new Map(m.params.map((p, i) => [p, args[i]!.text]));
      }
      return h;
    }
    const vf = name ? f.valueFunction(name) : null;
    if (vf && args.length === vf.info.params.length && !f.expanding.has(`${name}()`)) {
      const bind = new Map<string, Folded>();
      vf.info.params.forEach((p, i) => bind.set(p.name, f.fold(args[i]!, env, true)));
      f.expanding.add(`${name}()`);
      try {
        const h = shiftOr(f, vf.expr, { bind, fn: vf.info }, depth + 1);
        if (h) (h as Halves & { argNames?: Map<string, string> }).argNames = new Map(vf.info.params.map((p, i) => [p.name, args[i]!.text]));
        return h;
      } finally {
        f.expanding.delete(`${name}()`);
      }
    }
    return null;
  }
  if (n.type !== 'binary_expression') return null;
  const op = n.childForFieldName('operator')?.type;
  const l = n.childForFieldName('left');
  const r = n.childForFieldName('right');
  if (!l || !r) return null;
  if (op === '|' || op === '+' || op === '^') {
    const ls = isShift16(f, l, env);
    if (ls) return { upper: ls, lower: r, env };
    const rs = isShift16(f, r, env);
    if (rs) return { upper: rs, lower: l, env };
  }
  return null;
}

function isShift16(f: CFile, node: Node, env: Env): Node | null {
  let n = stripParens(node);
  for (let i = 0; n && n.type === 'cast_expression' && i < 8; i++) n = stripParens(n.childForFieldName('value'));
  if (!n || n.type !== 'binary_expression') return null;
  const op = n.childForFieldName('operator')?.type;
  const r = f.fold(n.childForFieldName('right'), env);
  if (op === '<<' && r.value === 16n) return n.childForFieldName('left');
  if (op === '*' && r.value === 65536n) return n.childForFieldName('left');
  return null;
}

export function identifiersIn(n: Node, limit = 64): string[] {
  const out: string[] = [];
  const stack: Node[] = [n];
  while (stack.length && out.length < limit) {
    const c = stack.pop()!;
    if (c.type === 'identifier' || c.type === 'field_identifier') out.push(c.text);
    else for (let i = c.namedChildCount - 1; i >= 0; i--) { const ch = c.namedChild(i); if (ch) stack.push(ch); }
  }
  return out;
}

export function nameSide(names: string[]): 'lo' | 'hi' | null {
  const filtered = names.filter((x) => !BYTE_SWAP16.test(x) && !BYTE_SWAP32.test(x) && !/^u?int\d+_t$/.test(x));
  const lo = filtered.some((x) => LO_NAME.test(x));
  const hi = filtered.some((x) => HI_NAME.test(x));
  if (lo && !hi) return 'lo';
  if (hi && !lo) return 'hi';
  return null;
}

export interface Decoded {
  value: DecodedValue | null;
  signedShift?: Operand;
  valueOperand?: Operand;
}
