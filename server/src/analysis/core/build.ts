/**
 * Small constructors for the common form, used by language lowerings and tests: origins
 * from tree-sitter nodes, scopes, bindings and a unit whose `scopeAt` finds the innermost
 * scope by byte offset.
 */
import type { Node } from 'web-tree-sitter';
import type { BinaryOp, Binding, CompareOp, Expr, FormFunction, FormGuard, FormScope, FormType, FormUnit, Origin } from './form';
import type { IntType } from './numeric';

/**
 * The origin of a node (text shortened to 200 characters). One crossing into the parser (the
 * text): the end and the end position follow from the start and the text, as tree-sitter counts
 * them (rows at each newline, columns in UTF-16 code units like the indices).
 */
export function originOf(n: Node): Origin {
  const text = n.text;
  const start = n.startIndex;
  const { row, column } = n.startPosition;
  let endLine = row;
  let endColumn: number;
  if (text.length > 4096) ({ row: endLine, column: endColumn } = n.endPosition); // a whole file: no newline count
  else {
    let last = -1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) (endLine++, (last = i));
    endColumn = last < 0 ? column + text.length : text.length - last - 1;
  }
  return {
    start,
    end: start + text.length,
    span: { line: row, column, endLine, endColumn },
    text: text.length > 200 ? text.slice(0, 200) + '…' : text,
  };
}

/** An origin from offsets alone (tests, synthesised items). */
export function originAt(start: number, end: number, text = ''): Origin {
  return { start, end, text, span: { line: 0, column: start, endLine: 0, endColumn: end } };
}

export function newScope(parent: FormScope | null, at: Origin): FormScope {
  return { bindings: new Map(), loops: [], parent, at };
}

export function bind(scope: FormScope, b: Binding): Binding {
  const list = scope.bindings.get(b.name);
  if (list) list.push(b);
  else scope.bindings.set(b.name, [b]);
  return b;
}

export const intType = (bits: number, unsigned: boolean, name = `${unsigned ? 'u' : 'i'}${bits}`): FormType => ({
  k: 'int',
  int: { bits, unsigned } as IntType,
  name,
});

/** A unit over the given scopes: scopeAt returns the innermost scope holding the offset. */
export function newUnit(
  language: FormUnit['language'],
  hostByteOrder: 'little' | 'big',
  globals: FormScope,
  functions: FormFunction[] = [],
  inner: FormScope[] = [],
): FormUnit {
  const fns = new Map<string, FormFunction[]>();
  for (const f of functions) fns.set(f.name, [...(fns.get(f.name) ?? []), f]);
  const scopes = [...functions.map((f) => f.scope), ...inner];
  // By start: the innermost scope holding an offset is the one with the greatest start that
  // still holds it (nested scopes start inside their parents); a short walk back finds it.
  let sorted: FormScope[] | null = null;
  const linear = (offset: number) => {
    let best = globals;
    for (const s of scopes)
      if (s.at.start <= offset && offset <= s.at.end && s.at.end - s.at.start <= best.at.end - best.at.start) best = s;
    return best;
  };
  return {
    language,
    hostByteOrder,
    globals,
    functions: fns,
    types: new Map(),
    scopeAt(offset) {
      if (scopes.length < 16) return linear(offset);
      sorted ??= [...scopes].sort((a, b) => a.at.start - b.at.start || b.at.end - a.at.end);
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid]!.at.start <= offset) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo - 1, n = 0; i >= 0 && n < 64; i--, n++) {
        const s = sorted[i]!;
        if (offset <= s.at.end) {
          // Scopes of the same start (a function and a block): the smallest holding it.
          let best = s;
          for (let j = i - 1; j >= 0 && sorted[j]!.at.start === s.at.start; j--) if (offset <= sorted[j]!.at.end && sorted[j]!.at.end < best.at.end) best = sorted[j]!;
          return best;
        }
      }
      return lo === 0 ? globals : linear(offset);
    },
  };
}

const C_BINARY = new Set<string>(['+', '-', '*', '/', '%', '<<', '>>', '|', '&', '^']);
const C_COMPARE = new Set<string>(['<', '<=', '>', '>=', '==', '!=']);

/** A binary operator of the C family (C++, Rust) in the common form: arithmetic, comparison, or opaque. */
export function cFamilyBinary(op: string, left: Expr, right: Expr, at: Origin): Expr {
  if (C_BINARY.has(op)) return { k: 'binary', op: op as BinaryOp, left, right, at };
  if (C_COMPARE.has(op)) return { k: 'compare', op: op as CompareOp, left, right, at };
  return { k: 'opaque', at };
}

/**
 * The guards of a file (form.ts FormGuard): the condition of each node `conditionOf` accepts
 * (an `if`/`while` test, an `assert`-like call's arguments), with the identifiers it reads.
 */
export function guardsOf(nodes: readonly Node[], conditionOf: (n: Node) => Node | null): FormGuard[] {
  const out: FormGuard[] = [];
  for (const n of nodes) {
    const c = conditionOf(n);
    if (c) out.push({ names: [...new Set(c.text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])], at: originOf(c) });
  }
  return out;
}
